import { Router } from 'express';
import type { Container } from '../container.js';
import { SYNC_ENTITIES } from '../features/sync/sync-entities.js';
import { SyncBusyError } from '../features/sync/sync-service.js';
import { actorOf } from './actor.js';
import { NotConnectedError } from '../errors.js';
import { customerCounts, syncedAt } from './customer-count-view.js';
import { canReachQuickBooks, requireCompany } from './middleware/tenant-context.js';
import { entityInWords, modeInWords, syncProgressText, triggerInWords } from './sync-view.js';

/** The selected company's sync: runs with their figures, a running sync's progress, and "Sync now". */
export function syncRoutes(c: Pick<Container, 'sync' | 'syncStore' | 'logger' | 'localCopy' | 'riskPolicies'>): Router {
  const router = Router();
  router.get('/sync', requireCompany, async (_req, res) => {
    const company = res.locals.company!;
    const [runs, states, rows, counts] = await Promise.all([
      c.syncStore.runs(company.realmId, 20),
      c.syncStore.states(company.realmId),
      c.syncStore.rowCounts(company.realmId, SYNC_ENTITIES),
      customerCounts(c, company.realmId, { syncedAt: syncedAt(res) }),
    ]);
    const running = runs.find((r) => r.status === 'running');
    const order = SYNC_ENTITIES.map((e) => e.name);
    res.render('pages/sync', {
      title: 'Sync',
      nav: 'sync',
      canSync: canReachQuickBooks(res.locals.connection),
      runs,
      running,
      progress: running ? syncProgressText(running, rows, order) : undefined,
      rows,
      customersCounted: counts.text,
      states: SYNC_ENTITIES.map((e) => ({ entity: e.name, label: entityInWords(e.name), state: states.get(e.name) })),
      entityInWords,
      modeInWords,
      triggerInWords,
    });
  });
  router.post('/sync', requireCompany, async (req, res) => {
    const company = res.locals.company!;
    // Without a live connection the sync could only fail (and would mark a disconnected company "needs reconnecting").
    if (!canReachQuickBooks(res.locals.connection)) throw new NotConnectedError(company.companyName);
    const full = (req.body as { full?: string }).full === '1';
    // The sync runs on after the answer; the page shows its progress.
    c.sync.sync(company.realmId, { full, trigger: 'manual', actor: actorOf(res) }).catch((err: unknown) => {
      if (!(err instanceof SyncBusyError)) c.logger.error({ err, realmId: company.realmId }, 'manual sync failed');
    });
    await new Promise((r) => setTimeout(r, 50));
    res.redirect(303, '/sync');
  });
  return router;
}
