import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fixtureCompany } from '../../support/fixture-company.js';
import { syncWorld, type SyncWorld } from '../../support/sync-harness.js';
import { scoreOn } from '../../support/score-on.js';

// The fixture company, synced, scored on five dates with SCORE_RUNS_KEPT_WHOLE=2.
describe('score runs kept whole, and the history of older ones', () => {
  let w: SyncWorld;
  const runIds: number[] = [];
  beforeAll(async () => {
    w = await syncWorld({ file: fixtureCompany(), appEnv: { SCORE_RUNS_KEPT_WHOLE: '2' } });
    await w.t.container.sync.sync(w.realmId);
    for (const asOf of ['2025-04-05', '2025-05-31', '2025-06-15', '2025-07-31', '2025-08-31']) {
      runIds.push((await scoreOn(w.t.container, w.emulator.clock, w.realmId, asOf)).runId!);
    }
  });
  afterAll(() => w.close());

  const detail = async (runId: number) => {
    const db = w.t.container.db;
    const [invoices, customers, run] = await Promise.all([
      db('invoice_scores').where({ run_id: runId, realm_id: w.realmId }).count({ n: '*' }).first(),
      db('customer_scores')
        .where({ run_id: runId, realm_id: w.realmId })
        .select('metrics_json', 'reasons_json', 'score', 'stable_band'),
      db('risk_score_runs').where({ id: runId }).first('detail_trimmed_at'),
    ]);
    return { invoices: Number(invoices?.n), customers, trimmed: run?.detail_trimmed_at != null };
  };

  it('keeps the newest two runs whole: open invoices, metrics and reasons', async () => {
    for (const runId of runIds.slice(-2)) {
      const d = await detail(runId);
      expect(d.trimmed).toBe(false);
      expect(d.invoices).toBeGreaterThan(0);
      expect(
        d.customers.every((c) => c.metrics_json !== '{}' && JSON.parse(c.metrics_json).outstandingCents !== undefined),
      ).toBe(true);
    }
  });

  it('drops the older runs\u2019 detail but keeps every customer\u2019s score and band in them', async () => {
    for (const runId of runIds.slice(0, -2)) {
      const d = await detail(runId);
      expect(d.trimmed).toBe(true);
      expect(d.invoices).toBe(0);
      expect(d.customers).toHaveLength(5);
      expect(d.customers.map((c) => [c.metrics_json, c.reasons_json])).toEqual(
        Array.from({ length: 5 }, () => ['{}', '[]']),
      );
      expect(d.customers.some((c) => c.score !== null && c.stable_band !== null)).toBe(true);
    }
    const history = await w.t.container.scoreRuns.customerHistory(w.realmId, '1');
    expect(history.map((h) => h.asOf)).toEqual(['2025-04-05', '2025-05-31', '2025-06-15', '2025-07-31', '2025-08-31']);
    expect(history.every((h) => h.score !== null && h.band !== null)).toBe(true);
  });

  it('works off a backlog a few runs at a time, oldest first, and leaves nothing to do after', async () => {
    const store = w.t.container.scoreRuns;
    const db = w.t.container.db;
    // as if before retention
    await db('risk_score_runs').where({ realm_id: w.realmId }).update({ detail_trimmed_at: null });
    const at = w.emulator.clock.now();
    expect(await store.trimRunDetail(w.realmId, 1, at, 3)).toEqual(runIds.slice(0, 3));
    expect(await store.trimRunDetail(w.realmId, 1, at, 3)).toEqual([runIds[3]]);
    expect(await store.trimRunDetail(w.realmId, 1, at, 3)).toEqual([]);
    expect((await detail(runIds[3]!)).invoices).toBe(0);
    expect((await detail(runIds[4]!)).invoices).toBeGreaterThan(0);
  });

  it('a failed trim does not fail the run it follows: the run is saved and the next one tries again', async () => {
    const trim = vi
      .spyOn(w.t.container.scoreRuns, 'trimRunDetail')
      .mockRejectedValueOnce(new Error('SQLITE_BUSY: database is locked'));
    const { runId } = await scoreOn(w.t.container, w.emulator.clock, w.realmId, '2025-09-30');
    expect(runId).toBeGreaterThan(runIds.at(-1)!);
    expect(trim).toHaveBeenCalledOnce();
    trim.mockRestore();
    // Before the failed trim the 08-31 run was among the two newest; the next run trims it.
    expect((await detail(runIds[4]!)).trimmed).toBe(false);
    expect((await scoreOn(w.t.container, w.emulator.clock, w.realmId, '2025-10-31')).runId).toBeGreaterThan(runId!);
    expect((await detail(runIds[4]!)).trimmed).toBe(true);
    expect((await detail(runId!)).trimmed).toBe(false);
  });
});
