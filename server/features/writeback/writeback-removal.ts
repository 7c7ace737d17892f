import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import type { ActivityLog } from '../activity/activity-log-type.js';
import type { ConnectionService } from '../connections/connection-service.js';
import type { JobLockStore } from '../jobs/job-lock-store-type.js';
import { withJobLock } from '../jobs/with-job-lock.js';
import type { DrainReport } from './writeback-executor.js';
import type { WritebackService } from './writeback-service.js';

export interface WritebackRemovalDeps {
  writeback: Pick<WritebackService, 'enqueue' | 'drain' | 'preview'>;
  connections: Pick<ConnectionService, 'disconnect'>;
  locks: JobLockStore;
  clock: Clock;
  logger: Logger;
  activity: Pick<ActivityLog, 'record'>;
  /** Waits between tries while another drain of the company holds its lock. */
  wait?: (ms: number) => Promise<void>;
  options?: Partial<RemovalOptions>;
}

export interface RemovalOptions {
  /** Plan, queue and drain again while a round still finds blocks (a label written by a drain already running). */
  rounds: number;
  /** How often to try for the drain lock, and for how long in all, while another drain holds it. */
  lockRetryMs: number;
  lockWaitMs: number;
}

const DEFAULTS: RemovalOptions = { rounds: 3, lockRetryMs: 2_000, lockWaitMs: 30 * 60_000 };
const REMOVAL_JOB = 'writeback-removal';
const REMOVAL_STALE_AFTER_MS = 2 * 60 * 60_000;

/** How a removal before a disconnect ended. */
export interface RemovalReport {
  /** Customers planned at the start whose block is gone from Notes (at least this many). */
  removed: number;
  /** Customers still carrying a Duesense block Duesense would remove (failed, or QuickBooks refused the tokens). */
  left: number;
  reconnectNeeded: boolean;
  /** False when the removal did not finish: another drain held the company too long, or it failed. */
  drained: boolean;
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export type RemovalStart =
  { state: 'started'; queued: number; finished: Promise<RemovalReport | undefined> } | { state: 'busy' };

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/**
 * "Also remove the Duesense notes" on disconnect: the removal must run while the tokens are still valid, so the
 * blocks are queued at once (the answer says how many), drained in the background, and only then is the company
 * disconnected. One removal per company at a time (a job lock), so a second click cannot disconnect mid-removal.
 */
export class WritebackRemoval {
  private readonly o: RemovalOptions;
  private readonly wait: (ms: number) => Promise<void>;

  constructor(private readonly d: WritebackRemovalDeps) {
    this.o = { ...DEFAULTS, ...d.options };
    this.wait = d.wait ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Customers a removal would take the Duesense block from now (the disconnect form's N). Reads only. */
  async customersToClean(realmId: string): Promise<number> {
    return (await this.d.writeback.preview(realmId, 'remove')).plan.counts.customerWrites;
  }

  /** True while a removal of the company is queued or draining. */
  async inProgress(realmId: string): Promise<boolean> {
    return (await this.d.locks.status(REMOVAL_JOB, realmId)) === 'running';
  }

  /**
   * Queues the removal and answers with how many customers it covers and `finished`: the drain and the disconnect,
   * which go on in the background and never reject (a failure is logged). `busy` when a removal of the company is
   * already under way. Rejects only when the removal could not even be queued (nothing is then disconnected).
   */
  async start(realmId: string, o: { actor: string; companyName: string }): Promise<RemovalStart> {
    const lock = { job: REMOVAL_JOB, bucket: realmId, staleAfterMs: REMOVAL_STALE_AFTER_MS, rerunFinished: true };
    const queued = deferred<number>();
    const finished = withJobLock(this.d.locks, this.d.clock, lock, async () => {
      const first = await this.d.writeback.enqueue(realmId, { mode: 'remove', origin: 'removal', actor: o.actor });
      const planned = first.plan.counts.customerWrites;
      if (planned > 0)
        await this.d.activity.record(realmId, {
          actor: o.actor,
          kind: 'write',
          summary:
            `Asked to remove the Duesense notes from ${plural(planned, 'customer')} in QuickBooks, ` +
            `then disconnect ${o.companyName}`,
          detail: { queued: first.queued, planned },
        });
      queued.resolve(planned);
      const report: RemovalReport = { removed: 0, left: 0, reconnectNeeded: false, drained: true };
      // Whatever happens to the removal, the company is disconnected as the person asked.
      await this.removeAll(realmId, o.actor, report, planned).catch((err: unknown) => {
        report.drained = false;
        this.d.logger.error({ err, realmId }, 'removing the Duesense notes failed; disconnecting all the same');
      });
      report.left = await this.customersToClean(realmId).catch(() => planned);
      // Of the customers planned at the start: never more than were really cleaned, even if a label written
      // meanwhile added a block elsewhere.
      report.removed = Math.max(0, planned - report.left);
      await this.disconnect(realmId, o, report);
      return { value: report, status: 'succeeded' as const };
    }).then(
      (outcome) => {
        queued.resolve(-1); // not acquired: another removal holds the lock (ignored when already resolved)
        return outcome.acquired ? outcome.value : undefined;
      },
      (err: unknown) => {
        queued.reject(err);
        this.d.logger.error({ err, realmId }, 'removing the Duesense notes before disconnecting failed');
        return undefined;
      },
    );
    const n = await queued.promise;
    return n < 0 ? { state: 'busy' } : { state: 'started', queued: n, finished };
  }

  /** Drains, then plans again: a drain that was running may have written labels the first plan could not see. */
  private async removeAll(realmId: string, actor: string, report: RemovalReport, planned: number): Promise<void> {
    if (planned === 0) return;
    for (let round = 1; round <= this.o.rounds; round++) {
      if (round > 1) {
        const again = await this.d.writeback.enqueue(realmId, { mode: 'remove', origin: 'removal', actor });
        if (again.queued === 0) break;
      }
      const drained = await this.drainWhenFree(realmId);
      if (!drained) {
        report.drained = false;
        break;
      }
      if (drained.reconnectNeeded) {
        report.reconnectNeeded = true;
        break;
      }
    }
  }

  private async drainWhenFree(realmId: string): Promise<DrainReport | undefined> {
    const tries = Math.max(1, Math.ceil(this.o.lockWaitMs / this.o.lockRetryMs));
    for (let attempt = 1; ; attempt++) {
      const report = await this.d.writeback.drain(realmId);
      if (report || attempt >= tries) return report;
      await this.wait(this.o.lockRetryMs);
    }
  }

  private async disconnect(
    realmId: string,
    o: { actor: string; companyName: string },
    r: RemovalReport,
  ): Promise<void> {
    await this.d.connections.disconnect(realmId);
    const why = r.reconnectNeeded
      ? ': QuickBooks no longer accepted Duesense’s access'
      : !r.drained
        ? ': the removal did not finish'
        : '';
    const left =
      r.left > 0 ? `; ${plural(r.left, 'customer')} still carry them in QuickBooks${why} (see Write-back)` : '';
    const what =
      r.removed === 0 && r.left === 0
        ? 'with no Duesense notes left to remove'
        : `after removing the Duesense notes from ${plural(r.removed, 'customer')}${left}`;
    await this.d.activity.record(realmId, {
      actor: o.actor,
      kind: 'connection',
      summary: `Disconnected ${o.companyName} ${what} (data kept; reconnect to resume syncing)`,
      detail: { ...r },
    });
  }
}
