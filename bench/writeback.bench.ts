import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Container } from '../server/container.js';
import type { LoggedRequest } from '../server/emulator/traffic/request-log.js';
import { QBO_LIMITS } from '../server/emulator/traffic/throttle.js';
import {
  type Benchmark,
  connectedApp,
  generateLargeCompany,
  percentile,
  round,
  startEmulatorProcess,
} from './bench-support.js';

const BATCH_SIZE = 30;

type Logged = Omit<LoggedRequest, 'at'> & { at: string };

/** The emulator's request log after request number `after` (its control API; control calls are not logged). */
async function requestLog(url: string, after = 0): Promise<Logged[]> {
  const res = await fetch(`${url}/emulator/requests?after=${after}`);
  return ((await res.json()) as { requests: Logged[] }).requests;
}

/** One write-back run (labels, asked for from the CLI), timed, with the requests QuickBooks saw. */
async function timedRun(c: Container, url: string, realmId: string) {
  const mark = (await requestLog(url)).at(-1)?.seq ?? 0;
  const waitedBefore = c.limiter.stats(realmId).throttledMs;
  const started = Date.now();
  const t0 = performance.now();
  const result = await c.writeback.run(realmId, { origin: 'cli', actor: 'benchmark', mode: 'label' });
  const seconds = (performance.now() - t0) / 1000;
  const ended = Date.now(); // the emulator's log is on the same machine's clock
  const requests = await requestLog(url, mark);
  const batches = requests.filter((r) => r.path.endsWith('/batch'));
  const others = requests.filter((r) => !r.path.endsWith('/batch'));
  return {
    result,
    seconds,
    requests: requests.length,
    batches: batches.length,
    others: others.map((r) => `${r.method} ${r.path.replace(/^\/v3\/company\/[^/]+/, '')}`),
    writes: requests.filter((r) => r.method === 'POST' && /^\/v3\/company\/[^/]+\/(?!query)/.test(r.path)).length,
    throttled429: requests.filter((r) => r.status === 429).length,
    limiterWaitSeconds: (c.limiter.stats(realmId).throttledMs - waitedBefore) / 1000,
    ...pacing(
      batches.map((r) => Date.parse(r.at)),
      started,
      ended,
    ),
  };
}

/** When the batches reached QuickBooks (ms since the epoch), against the run's start and end. */
function pacing(arrivals: number[], started: number, ended: number) {
  if (arrivals.length === 0)
    return { planSeconds: 0, batchCycleMs: 0, lastBatchSeconds: 0, lastWindow: 0, lastWindowSeconds: 0 };
  const gaps = arrivals
    .slice(1)
    .map((t, i) => t - arrivals[i]!)
    .sort((a, b) => a - b);
  // Batches 40·w … 40·w + 39 make window w; each opens a minute (plus the limiter's margin) after the one before.
  const lastWindow = Math.floor((arrivals.length - 1) / QBO_LIMITS.batchPerMinute);
  return {
    /** From the start of the run to the first batch's arrival: planning and queueing. */
    planSeconds: (arrivals[0]! - started) / 1000,
    /** From one batch's arrival to the next one's, median: a batch's own time when the quota does not hold it. */
    batchCycleMs: percentile(gaps, 50),
    /** From the last batch's arrival to the end of the run. */
    lastBatchSeconds: (ended - arrivals.at(-1)!) / 1000,
    lastWindow,
    /** From the first batch of the last window to the end of the run: its batches go one after another. */
    lastWindowSeconds: (ended - arrivals[lastWindow * QBO_LIMITS.batchPerMinute]!) / 1000,
  };
}

/**
 * The first labelling of the 5,000-customer company into QuickBooks, with the emulator's throttle on (QBO's 10/s,
 * 500/min, 40 batch requests a minute) and the app's production rate-limit policy; then an unchanged re-run.
 */
export const writebackBenchmark: Benchmark = {
  name: 'writeback',
  async run() {
    const {
      dir,
      companyFile,
      company: { realmId, Customer: customers },
    } = generateLargeCompany('duesense-writeback-bench-');
    const { url, child } = await startEmulatorProcess(companyFile); // throttle on, as QuickBooks is
    // The rate limiter runs DEFAULT_POLICY: 8/s, 450/min, 40 batch requests a minute (+ 1 s margin).
    const c = await connectedApp(dir, url, realmId);
    try {
      const synced = await c.sync.sync(realmId, { full: true });
      if (synced.status !== 'succeeded') throw new Error(`full sync failed: ${synced.errorMessage}`);
      const scored = await c.risk.score(realmId, { trigger: 'manual' });
      if (scored.runId === null) throw new Error('the score run was not saved: write-back labels from saved runs');

      const first = await timedRun(c, url, realmId);
      const drained = first.result.drained!;
      const labelled = drained.written;
      const minimum = Math.ceil(labelled / BATCH_SIZE);
      // With a trailing 60 s window, batch k (0-based) starts no earlier than floor(k / 40) × 60 s after the first;
      // the floor adds the last batch's own time (request, answer, saving its results).
      const floorSeconds = Math.floor((minimum - 1) / QBO_LIMITS.batchPerMinute) * 60 + first.lastBatchSeconds;
      const callsRatio = first.requests / minimum;
      const rerun = await timedRun(c, url, realmId);
      return {
        name: 'writeback',
        description:
          `First write-back of risk labels (Customer.Notes) for a generated ${customers}-customer company, synced ` +
          'and scored, to an emulator in another process with QBO throttling on (10/s, 500/min, 40 batch ' +
          'requests/min), the app on its production rate-limit policy; then an unchanged re-run. Requests ' +
          "and 429s are counted from the emulator's request log.",
        figures: {
          customers,
          scoreAsOf: scored.assessment.asOf,
          scoredCustomers: first.result.plan.counts.considered,
          planned: first.result.plan.counts.customerWrites,
          labelled,
          alreadyThere: drained.alreadyThere,
          skipped: drained.skipped,
          failed: drained.failed + drained.retrying,
          conflicts: drained.conflicts,
          requests: first.requests,
          batchRequests: first.batches,
          otherRequests: first.others.join(', ') || 'none',
          minimumRequests: minimum,
          callsOverMinimum: round(callsRatio, 3),
          throttled429: first.throttled429,
          wallSeconds: round(first.seconds, 1),
          floorSeconds: round(floorSeconds, 1),
          planSeconds: round(first.planSeconds, 1),
          batchCycleMs: first.batchCycleMs,
          lastBatchSeconds: round(first.lastBatchSeconds, 2),
          lastWindowBatches: first.batches - first.lastWindow * QBO_LIMITS.batchPerMinute,
          lastWindowSeconds: round(first.lastWindowSeconds, 1),
          wallOverFloor: round(first.seconds / floorSeconds, 3),
          limiterWaitSeconds: round(first.limiterWaitSeconds, 1),
          rerunQueued: rerun.result.queued,
          rerunWritten: rerun.result.drained?.written ?? 0,
          rerunWrites: rerun.writes,
          rerunRequests: rerun.requests,
          rerunSeconds: round(rerun.seconds, 2),
          rerun429: rerun.throttled429,
        },
        targets: [
          {
            what: 'labels written',
            target: 'every planned label, none failed',
            actual: `${labelled} of ${first.result.plan.counts.customerWrites}, ${drained.failed} failed`,
            met: labelled === first.result.plan.counts.customerWrites && drained.failed + drained.retrying === 0,
          },
          {
            what: 'QuickBooks requests',
            target: `<= 1.1 × ${minimum} (batches of ${BATCH_SIZE})`,
            actual: `${first.requests} (${first.batches} batch), ${round(callsRatio, 3)} ×`,
            met: callsRatio <= 1.1,
          },
          {
            what: '429 responses',
            target: '0',
            actual: `${first.throttled429 + rerun.throttled429}`,
            met: first.throttled429 + rerun.throttled429 === 0,
          },
          {
            what: 'unchanged re-run: writes',
            target: '0',
            actual: `${rerun.writes} (${rerun.result.queued} queued)`,
            met: rerun.writes === 0 && rerun.result.queued === 0,
          },
        ],
      };
    } finally {
      await c.close();
      child.kill('SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
