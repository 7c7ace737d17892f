import { Router } from 'express';
import type { Container } from '../container.js';
import { NotFoundError } from '../errors.js';
import { clustersTable, companyTable, customersTable, invoicesTable, toCsv, toJson, type Table } from '../features/risk/exports.js';
import { actorOf } from './actor.js';
import { requireCompany } from './middleware/tenant-context.js';

const WHATS = ['customers', 'invoices', 'company', 'clusters'] as const;

/** The selected company's scores at a glance (model card, clusters, strategies, forecast, alerts) and downloads. */
export function riskRoutes(c: Pick<Container, 'risk' | 'riskStore' | 'logger'>): Router {
  const router = Router();

  router.get('/risk', requireCompany, async (_req, res) => {
    const company = res.locals.company!;
    const run = await c.riskStore.latestRunDetails(company.realmId);
    res.render('pages/risk', { title: 'Risk overview', run, alerts: await c.riskStore.alerts(company.realmId, 20) });
  });

  router.post('/risk/score', requireCompany, async (_req, res) => {
    await c.risk.score(res.locals.company!.realmId, { trigger: 'manual', actor: actorOf(res) });
    res.redirect(303, '/risk');
  });

  router.get('/exports/:file', requireCompany, async (req, res) => {
    const m = /^(customers|invoices|company|clusters)\.(csv|json)$/.exec(String(req.params.file));
    if (!m) throw new NotFoundError(`No such download. Choose one of ${WHATS.map((w) => `${w}.csv`).join(', ')} (or .json).`);
    const [, what, format] = m as unknown as [string, (typeof WHATS)[number], 'csv' | 'json'];
    const { assessment, clusters, forecast } = await c.risk.score(res.locals.company!.realmId, { persist: false });
    const tables: Record<(typeof WHATS)[number], () => Table> = {
      customers: () => customersTable(assessment, clusters),
      invoices: () => invoicesTable(assessment),
      company: () => companyTable(assessment, forecast),
      clusters: () => clustersTable(clusters),
    };
    const table = tables[what]();
    res.attachment(`duesense-${what}-${assessment.asOf}.${format}`);
    res.type(format === 'csv' ? 'text/csv' : 'application/json').send(format === 'csv' ? toCsv(table) : toJson(table));
  });
  return router;
}
