import { describe, expect, it } from 'vitest';
import { manualClock } from '../../../server/clock.js';
import { createFakeActivityLog } from '../../../server/features/activity/fake-activity-log.js';
import { createFakeJobLockStore } from '../../../server/features/jobs/fake-job-lock-store.js';
import {
  DEFAULT_WRITEBACK_SETTINGS,
  planWriteback,
  type WritebackPlan,
} from '../../../server/features/writeback/domain/writeback-plan.js';
import { emptyDrainReport, type DrainReport } from '../../../server/features/writeback/writeback-executor.js';
import { WritebackRemoval } from '../../../server/features/writeback/writeback-removal.js';
import type { WritebackRunResult } from '../../../server/features/writeback/writeback-service.js';
import { silentLogger } from '../../../server/logger.js';

const REALM = 'r1';

/** A removal plan that would clean `customerWrites` customers (the counts are all the removal reads). */
function planOf(customerWrites: number): WritebackPlan {
  const plan = planWriteback({
    mode: 'remove',
    runAsOf: '',
    currency: 'USD',
    scored: [],
    customers: new Map(),
    excluded: new Set(),
    openInvoices: [],
    settings: { ...DEFAULT_WRITEBACK_SETTINGS },
  });
  plan.counts.customerWrites = customerWrites;
  return plan;
}

const drained = (o: Partial<DrainReport> = {}): DrainReport => ({ ...emptyDrainReport(), ...o });

/**
 * A company whose customers carry `blocks` Duesense blocks in QuickBooks: a removal queues them, a drain takes them
 * out (unless told otherwise), the disconnect is recorded in `steps`.
 */
function setup(
  o: {
    blocks?: number;
    /** Drains answered "another drain is running" before one runs. */
    busyDrains?: number;
    /** What a drain does instead of removing every queued block. */
    drain?: (queued: number) => DrainReport | Promise<DrainReport>;
    /** Blocks a drain already running writes while the first removal drains (found by the second round). */
    writtenMeanwhile?: number;
  } = {},
) {
  const clock = manualClock('2026-11-25T08:00:00Z');
  const activity = createFakeActivityLog(clock);
  const steps: string[] = [];
  let blocks = o.blocks ?? 3;
  let queued = 0;
  let busy = o.busyDrains ?? 0;
  let meanwhile = o.writtenMeanwhile ?? 0;
  const result = (n: number): WritebackRunResult => ({
    plan: planOf(n),
    run: undefined,
    settings: { ...DEFAULT_WRITEBACK_SETTINGS },
    queued: n,
    drained: undefined,
  });
  const removal = new WritebackRemoval({
    writeback: {
      async enqueue(_realmId, q) {
        steps.push(`queue ${q.mode} (${q.origin}, ${q.actor})`);
        const fresh = blocks - queued;
        queued = blocks;
        return { ...result(blocks), queued: fresh };
      },
      async drain() {
        if (busy > 0) {
          busy--;
          steps.push('drain: busy');
          return undefined;
        }
        const report = o.drain ? await o.drain(queued) : drained({ written: queued });
        steps.push(`drain: ${report.written} written`);
        blocks -= report.written;
        queued -= report.written;
        blocks += meanwhile;
        meanwhile = 0;
        return report;
      },
      async preview() {
        return result(blocks);
      },
    },
    connections: {
      async disconnect(realmId) {
        steps.push(`disconnect ${realmId}`);
      },
    },
    locks: createFakeJobLockStore(),
    clock,
    logger: silentLogger,
    activity,
    wait: async (ms) => void steps.push(`wait ${ms} ms`),
    options: { lockRetryMs: 1_000, lockWaitMs: 3_000 },
  });
  const log = () => activity.entries(REALM).map((e) => `${e.kind}: ${e.summary}`);
  return { removal, steps, log, blocksLeft: () => blocks };
}

const who = { actor: 'Dana Demo', companyName: 'Harborview' };

describe('removing the Duesense notes before a disconnect', () => {
  it('queues the removal, answers with how many, removes them, and only then disconnects', async () => {
    const s = setup({ blocks: 3 });
    const started = await s.removal.start(REALM, who);
    expect(started).toMatchObject({ state: 'started', queued: 3 });
    const report = await (started as Extract<typeof started, { state: 'started' }>).finished;
    expect(report).toEqual({ removed: 3, left: 0, reconnectNeeded: false, drained: true });
    expect(s.steps).toEqual([
      'queue remove (removal, Dana Demo)',
      'drain: 3 written',
      'queue remove (removal, Dana Demo)',
      'disconnect r1',
    ]);
    expect(s.log()).toEqual([
      'write: Asked to remove the Duesense notes from 3 customers in QuickBooks, then disconnect Harborview',
      'connection: Disconnected Harborview after removing the Duesense notes from 3 customers ' +
        '(data kept; reconnect to resume syncing)',
    ]);
    expect(await s.removal.inProgress(REALM)).toBe(false);
  });

  it('waits while another drain holds the company, and answers "busy" to a second removal meanwhile', async () => {
    const s = setup({ blocks: 2, busyDrains: 2 });
    const started = await s.removal.start(REALM, who);
    expect(await s.removal.start(REALM, who)).toEqual({ state: 'busy' });
    await (started as Extract<typeof started, { state: 'started' }>).finished;
    expect(s.steps.slice(0, 6)).toEqual([
      'queue remove (removal, Dana Demo)',
      'drain: busy',
      'wait 1000 ms',
      'drain: busy',
      'wait 1000 ms',
      'drain: 2 written',
    ]);
    expect(s.steps.at(-1)).toBe('disconnect r1');
    expect(s.blocksLeft()).toBe(0);
  });

  it('plans again after a drain: a label another drain wrote meanwhile is removed too', async () => {
    const s = setup({ blocks: 2, writtenMeanwhile: 1 });
    const started = await s.removal.start(REALM, who);
    const report = await (started as Extract<typeof started, { state: 'started' }>).finished;
    expect(s.steps).toEqual([
      'queue remove (removal, Dana Demo)',
      'drain: 2 written',
      'queue remove (removal, Dana Demo)',
      'drain: 1 written',
      'queue remove (removal, Dana Demo)',
      'disconnect r1',
    ]);
    expect(report).toMatchObject({ removed: 2, left: 0 });
    expect(s.blocksLeft()).toBe(0);
  });

  it('disconnects all the same when QuickBooks refuses the tokens, and says how many notes stay', async () => {
    const s = setup({ blocks: 4, drain: () => drained({ written: 1, reconnectNeeded: true }) });
    const started = await s.removal.start(REALM, who);
    const report = await (started as Extract<typeof started, { state: 'started' }>).finished;
    expect(report).toEqual({ removed: 1, left: 3, reconnectNeeded: true, drained: true });
    expect(s.steps.at(-1)).toBe('disconnect r1');
    expect(s.log().at(-1)).toBe(
      'connection: Disconnected Harborview after removing the Duesense notes from 1 customer; 3 customers still ' +
        'carry them in QuickBooks: QuickBooks no longer accepted Duesense’s access (see Write-back) ' +
        '(data kept; reconnect to resume syncing)',
    );
  });

  it('disconnects all the same when the removal fails, or when the company stays held too long', async () => {
    const failing = setup({
      blocks: 2,
      drain: () => {
        throw new Error('database gone');
      },
    });
    const a = await failing.removal.start(REALM, who);
    expect(await (a as Extract<typeof a, { state: 'started' }>).finished).toMatchObject({ drained: false, left: 2 });
    expect(failing.steps.at(-1)).toBe('disconnect r1');
    expect(failing.log().at(-1)).toContain('2 customers still carry them in QuickBooks: the removal did not finish');

    const held = setup({ blocks: 2, busyDrains: 10 });
    const b = await held.removal.start(REALM, who);
    expect(await (b as Extract<typeof b, { state: 'started' }>).finished).toMatchObject({ drained: false, left: 2 });
    expect(held.steps.filter((x) => x === 'drain: busy')).toHaveLength(3);
    expect(held.steps.at(-1)).toBe('disconnect r1');
  });

  it('with nothing to remove, disconnects at once and says so', async () => {
    const s = setup({ blocks: 0 });
    const started = await s.removal.start(REALM, who);
    expect(started).toMatchObject({ state: 'started', queued: 0 });
    await (started as Extract<typeof started, { state: 'started' }>).finished;
    expect(s.steps).toEqual(['queue remove (removal, Dana Demo)', 'disconnect r1']);
    expect(s.log()).toEqual([
      'connection: Disconnected Harborview with no Duesense notes left to remove ' +
        '(data kept; reconnect to resume syncing)',
    ]);
  });

  it('counts what a removal would clean now, reading only', async () => {
    const s = setup({ blocks: 5 });
    expect(await s.removal.customersToClean(REALM)).toBe(5);
    expect(s.steps).toEqual([]);
  });
});
