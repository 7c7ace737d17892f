import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repairWhatIfRuns } from '../../../migrations/20261206001400_mark_what_if_runs.js';
import { ValidationError } from '../../../server/errors.js';
import { fixtureCompany } from '../../support/fixture-company.js';
import { createPgDatabase, PG_ADMIN_URL, PG_SKIP_MESSAGE } from '../../support/pg-database.js';
import { scoreOn } from '../../support/score-on.js';
import { syncWorld, withFixtureCutPoints, type SyncWorld } from '../../support/sync-harness.js';

const LIVE_DATES = ['2025-04-05', '2025-06-15', '2025-07-31', '2025-08-31'];

type Database = () => Promise<{ env?: Record<string, string>; drop(): Promise<void> }>;

// The fixture company (time zone America/Los_Angeles), synced; the clock stands at 2026-10-31 unless moved.
function suite(dialect: string, database: Database) {
  describe(`as-of runs are what-ifs, on ${dialect}`, () => {
    let w: SyncWorld;
    let drop: () => Promise<void>;
    beforeAll(async () => {
      const d = await database();
      drop = d.drop;
      w = await syncWorld({ file: fixtureCompany(), ...(d.env ? { appEnv: d.env } : {}) });
      await w.t.container.sync.sync(w.realmId);
      await withFixtureCutPoints(w);
    });
    afterAll(async () => {
      await w?.close();
      await drop?.();
    });

    const db = () => w.t.container.db;
    /** Everything a run can change, as plain rows in a fixed order. */
    const savedState = async () => ({
      runs: await db()('risk_score_runs').where({ realm_id: w.realmId }).orderBy('id'),
      customers: await db()('customer_scores').where({ realm_id: w.realmId }).orderBy(['run_id', 'customer_qbo_id']),
      invoices: await db()('invoice_scores').where({ realm_id: w.realmId }).orderBy(['run_id', 'invoice_qbo_id']),
      alerts: await db()('risk_alerts').where({ realm_id: w.realmId }).orderBy('id'),
      activity: await db()('activity_log').where({ realm_id: w.realmId }).orderBy('id'),
    });
    /**
     * Each live run's customers with their smoothing, keyed by the run's as-of date (run ids differ between histories).
     */
    const smoothing = async () =>
      await db()('customer_scores as s')
        .join('risk_score_runs as r', 'r.id', 's.run_id')
        .where({ 's.realm_id': w.realmId, 'r.what_if': false })
        .orderBy(['r.id', 's.customer_qbo_id'])
        .select(
          'r.as_of',
          's.customer_qbo_id',
          's.score',
          's.smoothed_score',
          's.stable_band',
          's.rising_runs',
          's.safer_runs',
        );
    const openAlerts = async () =>
      await db()('risk_alerts as a')
        .join('risk_score_runs as r', 'r.id', 'a.run_id')
        .where({ 'a.realm_id': w.realmId })
        .whereNull('a.acknowledged_at')
        .orderBy('a.id')
        .select('r.as_of', 'a.customer_qbo_id', 'a.kind', 'a.message');

    it('refuses a date after today in the company\u2019s time zone in one line; writes nothing', async () => {
      const before = await savedState();
      // 2026-10-31T20:00Z is 13:00 on 10-31 in Los Angeles: 11-01 is tomorrow there.
      const refused = w.t.container.risk.score(w.realmId, { asOf: '2026-11-01' });
      await expect(refused).rejects.toThrow(ValidationError);
      await expect(refused).rejects.toThrow(
        "Cannot score as of 2026-11-01: it is after today (2026-10-31) in the company's time zone.",
      );
      await expect(w.t.container.risk.score(w.realmId, { asOf: '31/10/2026' })).rejects.toThrow(ValidationError);
      expect(await savedState()).toEqual(before);
    });

    it('a past as-of run leaves the latest run, smoothed scores, alerts and activity log as they were', async () => {
      for (const asOf of LIVE_DATES) await scoreOn(w.t.container, w.emulator.clock, w.realmId, asOf);
      w.emulator.clock.set('2025-09-30T12:00:00Z');
      const before = await savedState();
      expect(before.alerts.length).toBeGreaterThan(0); // the history has alerts that a what-if could have added to
      const latest = await w.t.container.scoreRuns.latestRun(w.realmId);
      const whatIf = await w.t.container.risk.score(w.realmId, { asOf: '2025-05-02', trigger: 'manual' });
      expect(whatIf).toMatchObject({ runId: null, whatIf: true });
      expect(whatIf.assessment.asOf).toBe('2025-05-02');
      expect(await savedState()).toEqual(before);
      expect(await w.t.container.scoreRuns.latestRun(w.realmId)).toEqual(latest);
      // Today's date, given explicitly, is a live run.
      const live = await w.t.container.risk.score(w.realmId, { asOf: '2025-09-30' });
      expect(live.whatIf).toBe(false);
      expect(live.runId).toBeGreaterThan(latest!.id);
    });

    it('repairs a what-if run saved by an older version: marks it, restores the smoothing, closes alerts', async () => {
      // The history without the what-if run: what the repair must come back to.
      await db()('risk_score_runs').where({ realm_id: w.realmId }).delete();
      for (const asOf of LIVE_DATES) await scoreOn(w.t.container, w.emulator.clock, w.realmId, asOf);
      const clean = { smoothing: await smoothing(), alerts: await openAlerts() };
      expect(clean.alerts.map((a) => [a.as_of, a.kind])).toEqual([
        ['2025-07-31', 'band_up'],
        ['2025-08-31', 'rising'],
      ]);

      // The same history with `score --as-of 2025-12-31` run on 2025-06-20, as older versions saved it.
      await db()('risk_score_runs').where({ realm_id: w.realmId }).delete();
      for (const asOf of LIVE_DATES.slice(0, 2)) await scoreOn(w.t.container, w.emulator.clock, w.realmId, asOf);
      const seeded = await scoreOn(w.t.container, w.emulator.clock, w.realmId, '2025-12-31');
      await db()('risk_score_runs')
        .where({ id: seeded.runId })
        .update({ created_at: new Date('2025-06-20T19:00:00Z') });
      for (const asOf of LIVE_DATES.slice(2)) await scoreOn(w.t.container, w.emulator.clock, w.realmId, asOf);
      const seededAlerts = await db()('risk_alerts').where({ run_id: seeded.runId }).pluck('id');
      expect(seededAlerts.length).toBeGreaterThan(0);
      const damaged = (await smoothing()).filter((r) => r.as_of !== '2025-12-31');
      expect(damaged).not.toEqual(clean.smoothing); // the what-if inflated the smoothing of the runs after it

      const [report, ...others] = await repairWhatIfRuns(db(), new Date('2026-12-06T09:00:00Z'));
      expect(others).toEqual([]);
      expect(report).toMatchObject({
        realmId: w.realmId,
        marked: [seeded.runId],
        replayedRuns: [seeded.runId! + 1, seeded.runId! + 2],
      });
      // The what-if's band_up is closed, as is the 'rising' it made the next run raise early;
      // the live history's two are added.
      expect(report!.closedAlerts).toHaveLength(seededAlerts.length + 1);
      expect(report!.raisedAlerts).toBe(2);
      expect(await smoothing()).toEqual(clean.smoothing);
      expect(await openAlerts()).toEqual(clean.alerts);
      const closed = await db()('risk_alerts').whereIn('id', seededAlerts).select('acknowledged_at', 'acknowledged_by');
      expect(closed.every((a) => a.acknowledged_at !== null)).toBe(true);
      expect(closed.map((a) => a.acknowledged_by)).toEqual(
        seededAlerts.map(
          () => `Duesense repair: raised by what-if run ${seeded.runId} (as of 2025-12-31), not by a live score`,
        ),
      );
      expect((await w.t.container.scoreRuns.customerHistory(w.realmId, '1')).map((h) => h.asOf)).toEqual(LIVE_DATES);
      expect((await w.t.container.scoreRuns.latestRun(w.realmId))!.asOf).toBe('2025-08-31');
      expect(await repairWhatIfRuns(db(), new Date('2026-12-07T09:00:00Z'))).toEqual([]); // nothing left to do
    });
  });
}

suite('SQLite', async () => ({ drop: async () => {} }));
if (PG_ADMIN_URL) {
  suite('PostgreSQL', async () => {
    const pg = await createPgDatabase();
    return { env: { DATABASE_CLIENT: 'pg', DATABASE_URL: pg.url }, drop: pg.drop };
  });
} else {
  describe.skip(`as-of runs are what-ifs on PostgreSQL: ${PG_SKIP_MESSAGE}`, () => undefined);
}
