import cron, { type ScheduledTask } from 'node-cron';
import type { Container } from '../server/container.js';
import { nightlyDispatchJob, nightlyJob } from './nightly.job.js';
import { remindersSendJob } from './reminders-send.job.js';
import { tokenKeepaliveJob } from './token-keepalive.job.js';
import { writebackDrainJob } from './writeback-drain.job.js';

/** Every job, by name: what `duesense job NAME` runs and what the schedule below starts. */
export const JOBS = {
  [nightlyJob.name]: nightlyJob,
  [nightlyDispatchJob.name]: nightlyDispatchJob,
  [tokenKeepaliveJob.name]: tokenKeepaliveJob,
  [writebackDrainJob.name]: writebackDrainJob,
  [remindersSendJob.name]: remindersSendJob,
} as const;

/**
 * Every cron entry, in one place (UTC). Jobs are thin and call services; single-instance locks in the
 * database (job_locks) make a second process or a restart harmless.
 */
export const SCHEDULE = [
  // Each quarter hour: companies whose local nightly time (their own from Settings, else NIGHTLY_LOCAL_TIME)
  // has come run once per date.
  { cron: '*/15 * * * *', job: nightlyDispatchJob },
  // Daily at 03:17 UTC, off the hour so many deployments do not call Intuit at once.
  { cron: '17 3 * * *', job: tokenKeepaliveJob },
  // Every minute: writes into QuickBooks whose backoff has passed (a company's drain holds a lock of its own).
  { cron: '* * * * *', job: writebackDrainJob },
  // Every five minutes: reminders a person approved, and sends a stopped process left unresolved (each row is taken
  // by a conditional update, so this never sends what a nightly run is sending).
  { cron: '*/5 * * * *', job: remindersSendJob },
] as const;

export function startSchedule(c: Container): { stop(): Promise<void> } {
  const tasks: ScheduledTask[] = SCHEDULE.map(({ cron: expression, job }) =>
    cron.schedule(
      expression,
      async () => {
        try {
          const outcome = await job.run(c);
          c.logger.info({ job: job.name, outcome }, 'scheduled job finished');
        } catch (err) {
          c.logger.error({ err, job: job.name }, 'scheduled job failed');
        }
      },
      { name: job.name, timezone: 'UTC', noOverlap: true },
    ),
  );
  return {
    async stop() {
      await Promise.all(tasks.map((t) => t.stop()));
    },
  };
}
