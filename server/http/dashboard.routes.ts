import { Router, type Application } from 'express';
import { LRUCache } from 'lru-cache';
import type { Container } from '../container.js';
import { NotFoundError } from '../errors.js';
import { EXPORTS, exportTable, toCsv, toJson, type ExportWhat } from '../features/risk/exports.js';
import type { RunDetails, RunDistribution, ScoreRunSummary } from '../features/risk/score-run-store-type.js';
import { actorOf } from './actor.js';
import { customerCounts, syncedAt } from './customer-count-view.js';
import { buildDashboard, runInWords, type DashboardModel } from './dashboard-view.js';
import { requireCompany } from './middleware/tenant-context.js';
import { entityInWords } from './sync-view.js';

/** Built dashboards kept per score run id: a run never changes, so only the most recently viewed few need keeping. */
const CACHED_RUNS = 32;
const PAGE = { nav: 'dashboard', stylesheets: ['/assets/css/dashboard.css'] } as const;

/** One score run as the dashboard shows it; `html` is the run's part of the page, rendered once. */
export interface DashboardRun {
  run: RunDetails;
  distribution: RunDistribution;
  model: DashboardModel;
  html: string;
}

/**
 * The selected company at a glance from its latest score run (tiles, trend, charts, clusters, strategies,
 * model card), scoring on demand, and the downloads. GET /risk, the page before the dashboard, redirects here.
 */
export function dashboardRoutes(
  c: Pick<Container, 'risk' | 'scoreRuns' | 'syncStore' | 'logger' | 'riskPolicies' | 'localCopy'>,
): Router {
  const router = Router();
  const built = new LRUCache<number, Promise<DashboardRun | undefined>>({ max: CACHED_RUNS });

  /**
   * One run row, a few aggregates and one render of the run's figures, once per run: a run never changes, so
   * every later view of it reads memory only and renders just the page around it (user, CSRF token, sync notice).
   */
  function dashboardFor(
    app: Application,
    realmId: string,
    summary: ScoreRunSummary,
  ): Promise<DashboardRun | undefined> {
    let entry = built.get(summary.id);
    if (!entry) {
      entry = (async () => {
        const run = await c.scoreRuns.runDetails(realmId, summary);
        if (!run) return undefined;
        const distribution = await c.scoreRuns.runDistribution(realmId, run.id);
        const dashboard = { run, distribution, model: buildDashboard(run, distribution) };
        const html = await new Promise<string>((resolve, reject) =>
          app.render('partials/dashboard/run', { dashboard }, (err, out) => (err ? reject(err) : resolve(out))),
        );
        return { ...dashboard, html };
      })();
      entry.catch(() => built.delete(summary.id));
      built.set(summary.id, entry);
    }
    return entry;
  }

  router.get('/dashboard', requireCompany, async (req, res) => {
    const realmId = res.locals.company!.realmId;
    const summary = await c.scoreRuns.latestRun(realmId);
    const [lastSync] = await c.syncStore.runs(realmId, 1);
    const syncRunning = lastSync?.status === 'running' ? lastSync : undefined;
    const dashboard = summary ? await dashboardFor(req.app, realmId, summary) : undefined;
    const [policy, savedAt, counts] = dashboard
      ? await Promise.all([
          c.riskPolicies.policy(realmId),
          c.riskPolicies.policySavedAt(realmId),
          customerCounts(c, realmId, { syncedAt: syncedAt(res), policyVersion: dashboard.run.policyVersion }),
        ])
      : [];
    res.render('pages/dashboard', {
      ...PAGE,
      title: 'Dashboard',
      dashboard,
      runWords:
        dashboard && policy
          ? runInWords(dashboard.run, { version: policy.version, savedAt }, res.locals.timeZone)
          : undefined,
      customersCounted: counts?.text,
      entityInWords,
      syncRunning,
      everSynced: lastSync !== undefined,
      ...(dashboard ? { scripts: ['/assets/vendor/chart.umd.min.js', '/assets/js/charts.js'] } : {}),
    });
  });

  // The risk overview became the dashboard; old links and bookmarks land there.
  router.get('/risk', (_req, res) => res.redirect(302, '/dashboard'));

  router.post('/risk/score', requireCompany, async (_req, res) => {
    await c.risk.score(res.locals.company!.realmId, { trigger: 'manual', actor: actorOf(res) });
    res.redirect(303, '/dashboard');
  });

  router.get('/exports/:file', requireCompany, async (req, res) => {
    const m = /^(customers|invoices|company|clusters)\.(csv|json)$/.exec(String(req.params.file));
    if (!m)
      throw new NotFoundError(
        `No such download. Choose one of ${EXPORTS.map((w) => `${w}.csv`).join(', ')} (or .json).`,
      );
    const [, what, format] = m as unknown as [string, ExportWhat, 'csv' | 'json'];
    // The saved run the dashboard and /customers.csv show, never a fresh score: the downloads agree with the pages.
    const realmId = res.locals.company!.realmId;
    const latest = await c.scoreRuns.latestRun(realmId);
    const run = latest ? await c.scoreRuns.runExport(realmId, latest) : undefined;
    if (!run)
      throw new NotFoundError(
        'No scores yet, so there is nothing to download. Score the company from the dashboard first.',
      );
    const table = exportTable(run, what);
    res.attachment(`duesense-${what}-${run.asOf}.${format}`);
    res.type(format === 'csv' ? 'text/csv' : 'application/json').send(format === 'csv' ? toCsv(table) : toJson(table));
  });
  return router;
}
