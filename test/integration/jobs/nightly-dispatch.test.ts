import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nightlyDispatchJob } from '../../../jobs/nightly.job.js';
import { manualClock } from '../../../server/clock.js';
import { createDb, migrateToLatest, type Db } from '../../../server/db/knex.js';
import { createConnectionStore } from '../../../server/features/connections/connection-store.js';
import { createJobLockStore } from '../../../server/features/jobs/job-lock-store.js';
import { NightlyWorkflow } from '../../../server/features/nightly/nightly-workflow.js';
import { createCompanyPreferencesStore } from '../../../server/features/settings/company-preferences-store.js';
import { silentLogger } from '../../../server/logger.js';

/**
 * The quarter-hourly dispatcher starts a company's nightly run once its local time reaches the company's own
 * nightly time (Settings), else the deployment's NIGHTLY_LOCAL_TIME; once per local date.
 */
describe('the nightly dispatcher', () => {
  let db: Db;
  const clock = manualClock('2026-11-25T00:00:00Z');
  const started: string[] = [];
  let nightly: NightlyWorkflow;

  async function company(realmId: string, zone: string, status = 'connected') {
    const now = clock.now();
    await db('companies').insert({
      realm_id: realmId,
      company_name: `Company ${realmId}`,
      environment: 'sandbox',
      status,
      time_zone: zone,
      created_at: now,
      updated_at: now,
    });
  }
  /** Runs the dispatcher at an instant; returns the companies whose nightly run it started. */
  async function dispatchAt(instant: string): Promise<string[]> {
    clock.set(instant);
    const from = started.length;
    await nightlyDispatchJob.run({ nightly });
    return started.slice(from);
  }

  beforeAll(async () => {
    db = createDb({ client: 'sqlite', filename: ':memory:' });
    await migrateToLatest(db);
    await company('early', 'America/New_York');
    await company('late', 'America/New_York');
    await company('tokyo', 'Asia/Tokyo');
    await company('revoked', 'America/New_York', 'needs_reauth');
    const schedule = createCompanyPreferencesStore(db);
    await schedule.setNightlyTime('late', '05:00', clock.now());
    await schedule.setNightlyTime('tokyo', '23:45', clock.now());
    await schedule.setNightlyTime('revoked', '00:00', clock.now());
    nightly = new NightlyWorkflow({
      clock,
      logger: silentLogger,
      locks: createJobLockStore(db),
      companies: createConnectionStore(db),
      schedule,
      config: { nightlyLocalTime: '02:30', defaultCompanyTimeZone: 'America/Los_Angeles', nightlyConcurrency: 4 },
      sync: { sync: async (realmId) => (started.push(realmId), { status: 'succeeded', mode: 'cdc', apiCalls: 1 }) },
      risk: { score: async () => ({ runId: null, assessment: { customers: [] } }) },
      writeback: { afterScoring: async () => 'write-back off' },
      reminders: { nightly: async () => 'reminders: 0 queued for approval, 0 sent' },
      digests: { sendForRun: async () => 'off' },
    });
  });
  afterAll(() => db.destroy());

  it('runs a company with 05:00 at 05:00 local, not at the default 02:30', async () => {
    // 2026-11-25 02:30 in New York (EST, UTC-5) is 07:30 UTC.
    expect(await dispatchAt('2026-11-25T07:30:00Z')).toEqual(['early']);
    expect(await dispatchAt('2026-11-25T09:45:00Z')).toEqual([]); // 04:45 local
    expect(await dispatchAt('2026-11-25T10:00:00Z')).toEqual(['late']); // 05:00 local
    expect(await dispatchAt('2026-11-25T10:15:00Z')).toEqual([]); // once per local date
  });

  it("uses each company's own time zone, and never runs a company that is not connected", async () => {
    // 23:45 in Tokyo (UTC+9) is 14:45 UTC.
    expect(await dispatchAt('2026-11-25T14:30:00Z')).toEqual([]);
    expect(await dispatchAt('2026-11-25T14:45:00Z')).toEqual(['tokyo']);
    expect(started).not.toContain('revoked');
  });

  it('goes back to the deployment default when the company clears its own time', async () => {
    await createCompanyPreferencesStore(db).setNightlyTime('late', null, clock.now());
    expect(await dispatchAt('2026-11-26T07:30:00Z')).toEqual(['early', 'late']);
  });
});
