import { dateTimeFormat } from './shared/intl-formats.js';
/** True for an IANA time zone name the runtime knows (e.g. America/Los_Angeles). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function localDate(instant: Date, zone: string): string {
  const parts = dateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(instant);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/**
 * A local time of day as configured and stored (NIGHTLY_LOCAL_TIME, a company's nightly time): HH:MM, 00:00 to 23:59.
 */
export const LOCAL_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** A time of day as a person types it: "5:00" and "05:00" are the same time; anything else is not one. */
export function readLocalTime(text: string): string | undefined {
  const padded = /^\d:/.test(text) ? `0${text}` : text;
  return LOCAL_TIME.test(padded) ? padded : undefined;
}
