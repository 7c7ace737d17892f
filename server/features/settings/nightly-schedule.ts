import type { Db } from '../../db/knex.js';
import { localDate, LOCAL_TIME } from '../../time-zone.js';
import { addDaysToDate } from '../risk/domain/dates.js';
/** How often the dispatcher looks (jobs/schedule.ts: every quarter hour). */
export const DISPATCH_EVERY_MINUTES = 15;

/** The company's own nightly time, else the deployment's default. */
export function effectiveNightlyTime(own: string | null | undefined, deploymentDefault: string): string {
  return own && LOCAL_TIME.test(own) ? own : deploymentDefault;
}

/** The local HH:MM of an instant in a time zone. */
export function localTime(instant: Date, zone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(instant);
}

export interface NextNightlyRun {
  /** due: the time has come today and tonight's run has not finished (it starts at the next quarter-hour check). */
  when: 'due' | 'running' | 'today' | 'tomorrow';
  /** The local date and time it is expected (for `due`, today's date and the nightly time). */
  date: string;
  time: string;
  zone: string;
}

/**
 * When the nightly run of a company comes next, as the dispatcher decides it: once per local date, at the
 * first quarter-hour check at or after the nightly time; a run that failed is tried again at the next check.
 */
export function nextNightlyRun(o: { now: Date; zone: string; time: string; today: 'running' | 'succeeded' | 'failed' | undefined }): NextNightlyRun {
  const today = localDate(o.now, o.zone);
  const base = { time: o.time, zone: o.zone };
  if (o.today === 'succeeded') return { when: 'tomorrow', date: addDaysToDate(today, 1), ...base };
  if (o.today === 'running') return { when: 'running', date: today, ...base };
  if (localTime(o.now, o.zone) >= o.time) return { when: 'due', date: today, ...base };
  return { when: 'today', date: today, ...base };
}

/** The per-company nightly time (company_preferences.nightly_local_time; null = the deployment default). */
export function createScheduleStore(db: Db) {
  return {
    async nightlyTime(realmId: string): Promise<string | null> {
      const row = await db('company_preferences').where({ realm_id: realmId }).first('nightly_local_time');
      const v = (row?.nightly_local_time as string | null | undefined) ?? null;
      return v && LOCAL_TIME.test(v) ? v : null;
    },

    async setNightlyTime(realmId: string, time: string | null, at: Date): Promise<void> {
      if (time !== null && !LOCAL_TIME.test(time)) throw new Error(`not a local time HH:MM: ${time}`);
      await db('company_preferences').insert({ realm_id: realmId, nightly_local_time: time, updated_at: at })
        .onConflict('realm_id').merge(['nightly_local_time', 'updated_at']);
    },

    /** Every company that has its own nightly time (one query for the dispatcher). */
    async nightlyTimes(): Promise<Map<string, string>> {
      const rows = await db('company_preferences').whereNotNull('nightly_local_time').select('realm_id', 'nightly_local_time');
      return new Map(rows.filter((r: Record<string, unknown>) => LOCAL_TIME.test(String(r.nightly_local_time))).map((r: Record<string, unknown>) => [String(r.realm_id), String(r.nightly_local_time)]));
    },

    /** How the nightly run of a local date stands (the job's lock, jobs/nightly.job.ts), if it started. */
    async nightlyStatus(realmId: string, date: string): Promise<'running' | 'succeeded' | 'failed' | undefined> {
      const row = await db('job_locks').where({ job: 'nightly', bucket: `${realmId}:${date}` }).first('status');
      const s = row?.status as string | undefined;
      return s === 'running' || s === 'succeeded' || s === 'failed' ? s : undefined;
    },
  };
}

export type ScheduleStore = ReturnType<typeof createScheduleStore>;
