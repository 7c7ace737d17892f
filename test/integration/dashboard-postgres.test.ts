import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCompany, newAgent } from '../support/connect-helper.js';
import { syncWorld, type SyncWorld } from '../support/sync-harness.js';

/** The dashboard's SQL (the latest run, its aggregates over customer_scores) on a real PostgreSQL server. */
const ADMIN_URL = process.env.DUESENSE_TEST_PG_URL;
if (!ADMIN_URL) console.warn('Dashboard on PostgreSQL skipped: set DUESENSE_TEST_PG_URL (postgres://user:pass@host:port/postgres) — .ci/run does');

describe.skipIf(!ADMIN_URL)('the dashboard on PostgreSQL', () => {
  const database = `duesense_test_${randomBytes(4).toString('hex')}`;
  const admin = ADMIN_URL ? knexFactory({ client: 'pg', connection: ADMIN_URL, pool: { min: 0, max: 1 } }) : undefined;
  let w: SyncWorld;

  beforeAll(async () => {
    await admin!.raw(`CREATE DATABASE ${database}`);
    const url = new URL(ADMIN_URL!);
    url.pathname = `/${database}`;
    w = await syncWorld({ customers: 60, months: 12, appEnv: { DATABASE_CLIENT: 'pg', DATABASE_URL: url.toString() } });
  });
  afterAll(async () => {
    await w?.close();
    await admin!.raw(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin!.destroy();
  });

  it('shows the latest run with its band counts, score histogram and largest high-risk balances', async () => {
    const agent = newAgent(w.t.app);
    await connectCompany(agent, w.realmId);
    expect((await agent.get('/dashboard')).text).toContain('Not scored yet');
    await w.t.container.sync.sync(w.realmId);
    const { runId } = await w.t.container.risk.score(w.realmId, { trigger: 'manual' });
    const page = await agent.get('/dashboard');
    expect(page.status).toBe(200);
    for (const id of ['collection-rate', 'aging', 'risk-bands', 'score-histogram', 'invoice-by-tier', 'cash-forecast']) expect(page.text, id).toContain(`id="chart-${id}-data"`);

    const customers = Number((await w.t.container.db('customer_scores').where({ run_id: runId }).count({ n: '*' }).first())!.n);
    const d = await w.t.container.riskStore.runDistribution(w.realmId, runId!);
    expect(d.bands.low + d.bands.medium + d.bands.high + d.bands.unscored).toBe(customers);
    const scored = Number((await w.t.container.db('customer_scores').where({ run_id: runId }).whereNotNull('score').count({ n: '*' }).first())!.n);
    expect(d.scoreBins.reduce((s, n) => s + n, 0)).toBe(scored);
    expect(d.topHighRisk.every((h) => typeof h.outstandingCents === 'number' && (h.score === null || typeof h.score === 'number'))).toBe(true);
    const details = await w.t.container.riskStore.latestRunDetails(w.realmId);
    expect(details!.id).toBe(runId);
    expect(typeof details!.asOf).toBe('string');
    expect(details!.company.panel?.avgInvoiceByTier).toHaveLength(3);
  });
});
