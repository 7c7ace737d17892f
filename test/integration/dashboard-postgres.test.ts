import { describe, expect, it } from 'vitest';
import { PG_ADMIN_URL, PG_SKIP_MESSAGE, usePostgresSyncWorld } from '../support/pg-database.js';
import { connectCompany, newAgent } from '../support/connect-helper.js';

/**
 * The dashboard's SQL (the latest run, its aggregates over customer_scores) and policy versions on a real PostgreSQL
 * server.
 */
if (!PG_ADMIN_URL) console.warn(`Dashboard on PostgreSQL ${PG_SKIP_MESSAGE}`);

describe.skipIf(!PG_ADMIN_URL)('the dashboard on PostgreSQL', () => {
  const world = usePostgresSyncWorld({ customers: 60, months: 12 });

  it('shows the latest run with its band counts, score histogram and largest high-risk balances', async () => {
    const w = world();
    const agent = newAgent(w.t.app);
    await connectCompany(agent, w.realmId);
    expect((await agent.get('/dashboard')).text).toContain('Not scored yet');
    await w.t.container.sync.sync(w.realmId);
    const { runId } = await w.t.container.risk.score(w.realmId, { trigger: 'manual' });
    const page = await agent.get('/dashboard');
    expect(page.status).toBe(200);
    for (const id of ['collection-rate', 'aging', 'risk-bands', 'score-histogram', 'invoice-by-tier', 'cash-forecast'])
      expect(page.text, id).toContain(`id="chart-${id}-data"`);

    const customers = Number(
      (await w.t.container.db('customer_scores').where({ run_id: runId }).count({ n: '*' }).first())!.n,
    );
    const d = await w.t.container.scoreRuns.runDistribution(w.realmId, runId!);
    expect(d.bands.low + d.bands.medium + d.bands.high + d.bands.unscored).toBe(customers);
    const scored = Number(
      (await w.t.container
        .db('customer_scores')
        .where({ run_id: runId })
        .whereNotNull('score')
        .count({ n: '*' })
        .first())!.n,
    );
    expect(d.scoreBins.reduce((s, n) => s + n, 0)).toBe(scored);
    expect(
      d.topHighRisk.every(
        (h) => typeof h.outstandingCents === 'number' && (h.score === null || typeof h.score === 'number'),
      ),
    ).toBe(true);
    const details = await w.t.container.scoreRuns.latestRunDetails(w.realmId);
    expect(details!.id).toBe(runId);
    expect(typeof details!.asOf).toBe('string');
    expect(details!.company.panel?.avgInvoiceByTier).toHaveLength(3);
  });

  it('keeps concurrent policy saves as consecutive versions (unique violation 23505 retried)', async () => {
    const w = world();
    const store = w.t.container.riskPolicies;
    const policy = await store.policy(w.realmId);
    const saved = await Promise.all(Array.from({ length: 4 }, () => store.savePolicy(w.realmId, policy, new Date())));
    expect(saved.map((p) => p.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4].map((k) => policy.version + k));
  });

  it('trims older runs to their scores and bands, and keeps the newest whole', async () => {
    const w = world();
    await w.t.container.sync.sync(w.realmId);
    const older = (await w.t.container.risk.score(w.realmId, { trigger: 'manual' })).runId!;
    const newest = (await w.t.container.risk.score(w.realmId, { trigger: 'manual' })).runId!;
    const trimmed = await w.t.container.scoreRuns.trimRunDetail(w.realmId, 1, new Date());
    expect(trimmed).toContain(older);
    expect(trimmed).not.toContain(newest);
    const db = w.t.container.db;
    const openRows = async (runId: number) =>
      Number((await db('invoice_scores').where({ run_id: runId }).count({ n: '*' }).first())!.n);
    expect(await openRows(older)).toBe(0);
    expect(await openRows(newest)).toBeGreaterThan(0);
    const kept = await db('customer_scores').where({ run_id: older }).select('metrics_json', 'reasons_json', 'score');
    expect(kept.length).toBeGreaterThan(0);
    expect(
      kept.every(
        (r: { metrics_json: string; reasons_json: string }) => r.metrics_json === '{}' && r.reasons_json === '[]',
      ),
    ).toBe(true);
    expect(kept.some((r: { score: number | null }) => r.score !== null)).toBe(true);
    expect(
      (await db('risk_score_runs').where({ id: older }).first('detail_trimmed_at')).detail_trimmed_at,
    ).not.toBeNull();
  });
});
