import { dateTimeFormat } from '../../shared/intl-formats.js';
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
  return dateTimeFormat('en-GB', {
    timeZone: zone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(instant);
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
export function nextNightlyRun(o: {
  now: Date;
  zone: string;
  time: string;
  today: 'running' | 'succeeded' | 'failed' | undefined;
}): NextNightlyRun {
  const today = localDate(o.now, o.zone);
  const base = { time: o.time, zone: o.zone };
  if (o.today === 'succeeded') return { when: 'tomorrow', date: addDaysToDate(today, 1), ...base };
  if (o.today === 'running') return { when: 'running', date: today, ...base };
  if (localTime(o.now, o.zone) >= o.time) return { when: 'due', date: today, ...base };
  return { when: 'today', date: today, ...base };
}
