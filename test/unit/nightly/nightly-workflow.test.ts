import { describe, expect, it } from 'vitest';
import { manualClock } from '../../../server/clock.js';
import type { Company } from '../../../server/features/connections/connection-store-type.js';
import { createFakeJobLockStore } from '../../../server/features/jobs/fake-job-lock-store.js';
import { NightlyWorkflow } from '../../../server/features/nightly/nightly-workflow.js';
import { silentLogger } from '../../../server/logger.js';

const company = (realmId: string, o: Partial<Company> = {}): Company => ({
  realmId,
  companyName: `Company ${realmId}`,
  environment: 'sandbox',
  status: 'connected',
  timeZone: 'America/New_York',
  homeCurrency: 'USD',
  connectedAt: null,
  disconnectedAt: null,
  ...o,
});

/** The workflow over a fake lock store, with sync, scoring and digest that record what they were asked to do. */
function setup(
  o: {
    companies?: Company[];
    syncStatus?: 'succeeded' | 'failed';
    failScoreFor?: string;
    failWritebackFor?: string;
    ownTimes?: Record<string, string>;
    concurrency?: number;
    /** Each sync waits for this before it answers (a test holds nights open with it). */
    syncGate?: (realmId: string) => Promise<void>;
  } = {},
) {
  // 03:00 in New York (EST, UTC-5).
  const clock = manualClock('2026-11-25T08:00:00Z');
  const locks = createFakeJobLockStore();
  const steps: string[] = [];
  const workflow = new NightlyWorkflow({
    clock,
    locks,
    logger: silentLogger,
    config: {
      nightlyLocalTime: '02:30',
      defaultCompanyTimeZone: 'America/Los_Angeles',
      nightlyConcurrency: o.concurrency ?? 1,
    },
    companies: { listCompanies: async () => o.companies ?? [company('r1')] },
    schedule: { nightlyTimes: async () => new Map(Object.entries(o.ownTimes ?? {})) },
    sync: {
      async sync(realmId, { trigger }) {
        steps.push(`sync ${realmId} (${trigger})`);
        await o.syncGate?.(realmId);
        return { status: o.syncStatus ?? 'succeeded', mode: 'cdc', apiCalls: 3 };
      },
    },
    risk: {
      async score(realmId, { trigger }) {
        steps.push(`score ${realmId} (${trigger})`);
        if (realmId === o.failScoreFor) throw new Error('no policy');
        return { runId: 41, assessment: { customers: [{}, {}] } };
      },
    },
    writeback: {
      async afterScoring(realmId) {
        steps.push(`write-back ${realmId}`);
        if (realmId === o.failWritebackFor) throw new Error('QuickBooks is down');
        return 'write-back: 2 queued; 2 written';
      },
    },
    reminders: {
      async nightly(realmId) {
        steps.push(`reminders ${realmId}`);
        return 'reminders: 1 queued for approval, 0 sent';
      },
    },
    digests: {
      async sendForRun(realmId, runId) {
        steps.push(`digest ${realmId} run ${runId}`);
        return 'no_alerts';
      },
    },
  });
  return { clock, locks, steps, workflow };
}

/** One night of company r1, step by step. */
const R1_NIGHT = ['sync r1 (nightly)', 'score r1 (nightly)', 'write-back r1', 'reminders r1', 'digest r1 run 41'];

describe('NightlyWorkflow', () => {
  it('a failed write-back is reported and the digest still goes', async () => {
    const t = setup({ failWritebackFor: 'r1' });
    expect(await t.workflow.runFor(company('r1'))).toContain(
      'write-back failed (QuickBooks is down); reminders: 1 queued for approval, 0 sent; digest no alerts',
    );
    expect(t.steps).toEqual(R1_NIGHT);
  });

  it('syncs, scores, writes back, reminds, then sends the digest of the saved run', async () => {
    const t = setup();
    expect(await t.workflow.runFor(company('r1'))).toBe(
      'Company r1: sync succeeded (cdc, 3 API calls); scored 2 customers; write-back: 2 queued; 2 written; ' +
        'reminders: 1 queued for approval, 0 sent; digest no alerts',
    );
    expect(t.steps).toEqual(R1_NIGHT);
    expect(t.locks.held('nightly', 'r1:2026-11-25')).toMatchObject({ status: 'succeeded' });
    // What Settings shows: how tonight stands, and nothing for a night that has not started.
    expect(await t.workflow.statusOf('r1', '2026-11-25')).toBe('succeeded');
    expect(await t.workflow.statusOf('r1', '2026-11-26')).toBeUndefined();
  });

  it('still scores the local copy when the sync failed, leaving the night failed for a later check', async () => {
    const t = setup({ syncStatus: 'failed' });
    expect(await t.workflow.runFor(company('r1'))).toMatch(/^Company r1: sync failed .*; scored 2 customers/);
    expect(t.steps).toEqual(R1_NIGHT);
    expect(t.locks.held('nightly', 'r1:2026-11-25')).toMatchObject({ status: 'failed' });
    await t.workflow.runFor(company('r1'));
    expect(t.steps.filter((s) => s.startsWith('sync'))).toHaveLength(2);
  });

  it('does nothing a second time the same local night, reruns when forced, runs again the next date', async () => {
    const t = setup();
    await t.workflow.runFor(company('r1'));
    expect(await t.workflow.runFor(company('r1'))).toBe('Company r1: already done for 2026-11-25');
    const night = ['sync', 'score', 'write-back', 'reminders', 'digest'].length;
    expect(t.steps).toHaveLength(night);
    await t.workflow.runFor(company('r1'), { force: true });
    expect(t.steps).toHaveLength(2 * night);
    // 23:59 in New York is still the 25th there, though the 26th in UTC.
    t.clock.set('2026-11-26T04:59:00Z');
    expect(await t.workflow.runFor(company('r1'))).toBe('Company r1: already done for 2026-11-25');
    t.clock.set('2026-11-26T05:01:00Z');
    await t.workflow.runFor(company('r1'));
    expect(t.steps).toHaveLength(3 * night);
    expect(t.locks.held('nightly', 'r1:2026-11-26')).toMatchObject({ status: 'succeeded' });
  });

  it('runs every connected company; one that fails is reported and does not stop the others', async () => {
    const t = setup({
      companies: [company('r1'), company('r2'), company('r3', { status: 'needs_reauth' })],
      failScoreFor: 'r1',
    });
    const summary = await t.workflow.runAll();
    expect(summary.split('\n')).toEqual([
      'Company r1: failed (no policy)',
      expect.stringMatching(/^Company r2: sync succeeded/),
    ]);
    expect(t.steps).not.toContain('sync r3 (nightly)');
    // The failure released the night's lock, so it can be tried again.
    expect(t.locks.held('nightly', 'r1:2026-11-25')).toMatchObject({ status: 'failed' });
    expect(await t.workflow.runAll({ realmId: 'r3' })).toBe('no connected company r3');
  });

  it("dispatches only companies whose local nightly time has come: their own, else the deployment's", async () => {
    const t = setup({
      companies: [company('default'), company('late'), company('tokyo', { timeZone: 'Asia/Tokyo' })],
      ownTimes: { late: '05:00', tokyo: '16:59' },
    });
    // 03:00 in New York, 17:00 in Tokyo.
    expect(t.workflow.localNow(company('tokyo', { timeZone: 'Asia/Tokyo' }))).toEqual({
      date: '2026-11-25',
      time: '17:00',
    });
    expect((await t.workflow.dispatchDue()).split('\n').map((line) => line.split(':')[0])).toEqual([
      'Company default',
      'Company tokyo',
    ]);
    t.clock.set('2026-11-25T10:00:00Z');
    expect((await t.workflow.dispatchDue()).split('\n')).toEqual([
      'Company default: already done for 2026-11-25',
      expect.stringMatching(/^Company late: sync succeeded/),
      'Company tokyo: already done for 2026-11-25',
    ]);
  });

  it('runs NIGHTLY_CONCURRENCY companies at once, the next as one ends; the summary keeps their order', async () => {
    const held = new Map<string, () => void>();
    const t = setup({
      companies: ['r1', 'r2', 'r3', 'r4'].map((r) => company(r)),
      concurrency: 2,
      syncGate: (realmId) => new Promise((resolve) => held.set(realmId, resolve)),
    });
    const summary = t.workflow.runAll();
    const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
    await settle();
    expect([...held.keys()]).toEqual(['r1', 'r2']);
    held.get('r2')!();
    await settle();
    expect([...held.keys()]).toEqual(['r1', 'r2', 'r3']);
    held.get('r1')!();
    await settle();
    held.get('r3')!();
    await settle();
    held.get('r4')!();
    expect((await summary).split('\n').map((line) => line.split(':')[0])).toEqual([
      'Company r1',
      'Company r2',
      'Company r3',
      'Company r4',
    ]);
    expect(t.steps.filter((s) => s.startsWith('digest'))).toEqual([
      'digest r2 run 41',
      'digest r1 run 41',
      'digest r3 run 41',
      'digest r4 run 41',
    ]);
  });
});
