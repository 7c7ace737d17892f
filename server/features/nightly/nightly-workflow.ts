import pLimit from 'p-limit';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import { localDate } from '../../time-zone.js';
import type { Company } from '../connections/connection-store-type.js';
import type { JobLockStatus, JobLockStore } from '../jobs/job-lock-store-type.js';
import { withJobLock } from '../jobs/with-job-lock.js';
import type { DigestService } from '../risk/digest-service.js';
import { effectiveNightlyTime, localTime } from '../settings/nightly-schedule.js';
import type { SyncRun } from '../sync/sync-store-type.js';

/** The lock that makes a company's night run once (job_locks; the settings page reads its status by these names). */
const NIGHTLY_JOB = 'nightly';
const nightlyBucket = (realmId: string, localDay: string): string => `${realmId}:${localDay}`;
/** A nightly run still marked running after this long was abandoned by a process that died. */
const NIGHTLY_STALE_AFTER_MS = 3 * 3600_000;

export interface NightlyWorkflowDeps {
  sync: {
    sync(
      realmId: string,
      o: { trigger: string; actor?: string },
    ): Promise<Pick<SyncRun, 'status' | 'mode' | 'apiCalls'>>;
  };
  /** RiskService fits: the workflow reads only the saved run's id and how many customers it scored. */
  risk: {
    score(
      realmId: string,
      o: { trigger: string; actor?: string },
    ): Promise<{ runId: number | null; assessment: { customers: readonly unknown[] } }>;
  };
  /** After scoring: the labels into QuickBooks, when the owner has turned nightly write-back on. */
  writeback: { afterScoring(realmId: string): Promise<string> };
  /** After write-back: queues (approval mode) or sends (automatic mode) what is due; a missed night catches up. */
  reminders: { nightly(realmId: string): Promise<string> };
  digests: Pick<DigestService, 'sendForRun'>;
  locks: JobLockStore;
  companies: { listCompanies(): Promise<Company[]> };
  /** Each company's own nightly time, for those that set one (Settings). */
  schedule: { nightlyTimes(): Promise<Map<string, string>> };
  clock: Clock;
  logger: Logger;
  config: Pick<Config['sync'], 'nightlyLocalTime' | 'defaultCompanyTimeZone' | 'nightlyConcurrency'>;
}

/**
 * Each connected company's night: sync, then scoring, then write-back (when on), then reminders, then the alert
 * digest. Locked per company and local date, so a restart, a second process or a manual run never repeats a night
 * that succeeded.
 */
export class NightlyWorkflow {
  constructor(private readonly d: NightlyWorkflowDeps) {}

  /** The company's local date and HH:MM now (QBO does not report a zone; the configured default applies until set). */
  localNow(company: Pick<Company, 'timeZone'>): { date: string; time: string } {
    const zone = company.timeZone ?? this.d.config.defaultCompanyTimeZone;
    const now = this.d.clock.now();
    return { date: localDate(now, zone), time: localTime(now, zone) };
  }

  /** How the company's night of `localDay` stands (Settings shows it), if it started. */
  statusOf(realmId: string, localDay: string): Promise<JobLockStatus | undefined> {
    return this.d.locks.status(NIGHTLY_JOB, nightlyBucket(realmId, localDay));
  }

  /**
   * One company's night; `force` runs it again even when tonight's run has finished; `actor` is who started it by
   * hand (the activity log says the nightly schedule otherwise). Returns a summary line.
   */
  async runFor(company: Company, o: { force?: boolean; actor?: string } = {}): Promise<string> {
    const { date } = this.localNow(company);
    const lock = {
      job: NIGHTLY_JOB,
      bucket: nightlyBucket(company.realmId, date),
      staleAfterMs: NIGHTLY_STALE_AFTER_MS,
      rerunFinished: o.force === true,
    };
    const locked = await withJobLock(this.d.locks, this.d.clock, lock, async () => {
      const run = await this.d.sync.sync(company.realmId, { trigger: 'nightly', actor: o.actor });
      // Scores come from the local copy, so a failed sync still scores what is known (and says so).
      const scored = await this.d.risk.score(company.realmId, { trigger: 'nightly', actor: o.actor });
      const written = scored.runId === null ? 'write-back off' : await this.writeBack(company.realmId);
      const reminded = await this.remind(company.realmId);
      const digest = scored.runId === null ? 'off' : await this.d.digests.sendForRun(company.realmId, scored.runId);
      const summary =
        `${company.companyName}: sync ${run.status} (${run.mode}, ${run.apiCalls} API calls); ` +
        `scored ${scored.assessment.customers.length} customers; ${written}; ${reminded}; ` +
        `digest ${digest.replace('_', ' ')}`;
      return { value: summary, status: run.status === 'succeeded' ? 'succeeded' : 'failed' };
    });
    return locked.acquired ? locked.value : `${company.companyName}: already done for ${date}`;
  }

  /** A failed write-back does not cost the company its digest: it is reported and retried by the drain job. */
  private async writeBack(realmId: string): Promise<string> {
    try {
      return await this.d.writeback.afterScoring(realmId);
    } catch (err) {
      this.d.logger.error({ err, realmId }, 'nightly write-back failed');
      return `write-back failed (${(err as Error).message})`;
    }
  }

  /** A failed reminder step does not cost the company its digest: the rows it queued wait for the next send. */
  private async remind(realmId: string): Promise<string> {
    try {
      return await this.d.reminders.nightly(realmId);
    } catch (err) {
      this.d.logger.error({ err, realmId }, 'nightly reminders failed');
      return `reminders failed (${(err as Error).message})`;
    }
  }

  /** Every connected company's night (or one company's); one failing does not stop the rest. */
  async runAll(o: { realmId?: string; force?: boolean; actor?: string } = {}): Promise<string> {
    const companies = (await this.connected()).filter((co) => !o.realmId || co.realmId === o.realmId);
    if (companies.length === 0) return o.realmId ? `no connected company ${o.realmId}` : 'no connected companies';
    return this.runEach(companies, { force: o.force === true, actor: o.actor });
  }

  /**
   * Starts the night of each company whose local time has reached its nightly time today (its own from Settings,
   * else NIGHTLY_LOCAL_TIME); the lock skips those that already ran for that date.
   */
  async dispatchDue(): Promise<string> {
    const own = await this.d.schedule.nightlyTimes();
    const due = (await this.connected()).filter(
      (co) => this.localNow(co).time >= effectiveNightlyTime(own.get(co.realmId), this.d.config.nightlyLocalTime),
    );
    return due.length === 0 ? 'no company is due' : this.runEach(due, { force: false });
  }

  private async connected(): Promise<Company[]> {
    return (await this.d.companies.listCompanies()).filter((co) => co.status === 'connected');
  }

  /** NIGHTLY_CONCURRENCY companies at a time; the summary lists them in the order given. */
  private async runEach(companies: Company[], o: { force: boolean; actor?: string }): Promise<string> {
    const limit = pLimit(this.d.config.nightlyConcurrency);
    const lines = await Promise.all(
      companies.map((company) =>
        limit(async () => {
          try {
            return await this.runFor(company, o);
          } catch (err) {
            this.d.logger.error({ err, realmId: company.realmId }, 'nightly run failed');
            return `${company.companyName}: failed (${(err as Error).message})`;
          }
        }),
      ),
    );
    return lines.join('\n');
  }
}
