import cron, { type ScheduledTask } from 'node-cron';
import type { Container } from '../server/container.js';
import { tokenKeepaliveJob } from './token-keepalive.job.js';

/**
 * Every scheduled job, in one place. Jobs are thin: each calls a service. Times are UTC unless a job
 * schedules per company in the company's own time zone.
 */
export const SCHEDULE = [
  // Daily at 03:17 UTC: off the hour, so many deployments do not hit Intuit at once.
  { cron: '17 3 * * *', job: tokenKeepaliveJob },
] as const;

export function startSchedule(c: Container): { stop(): Promise<void> } {
  const tasks: ScheduledTask[] = SCHEDULE.map(({ cron: expression, job }) =>
    cron.schedule(expression, async () => {
      try {
        await job.run(c);
      } catch (err) {
        c.logger.error({ err, job: job.name }, 'scheduled job failed');
      }
    }, { name: job.name, timezone: 'UTC', noOverlap: true }),
  );
  return {
    async stop() {
      await Promise.all(tasks.map((t) => t.stop()));
    },
  };
}
