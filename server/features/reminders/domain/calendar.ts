/**
 * The reminder calendar: which dates are business days for a company, and dates, day counts and stages in words.
 * Dates are calendar dates ('YYYY-MM-DD') in the company's time zone; the caller turns an instant into one with
 * localDate (server/time-zone.ts) before asking anything here, so nothing here depends on the server's zone.
 */
import { dateTimeFormat } from '../../../shared/intl-formats.js';
import { addDaysToDate, dayOf } from '../../risk/domain/dates.js';

export { addDaysToDate };

/** In the order Date.getUTCDay numbers them (Sunday is 0). */
export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** What makes a date a business day: its weekday is one of `businessDays` and it is not one of `holidays`. */
export interface BusinessCalendar {
  businessDays: readonly Weekday[];
  holidays: readonly string[];
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return dayOf(to) - dayOf(from);
}

export function weekdayOf(date: string): Weekday {
  return WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()]!;
}

export function isBusinessDay(date: string, calendar: BusinessCalendar): boolean {
  return calendar.businessDays.includes(weekdayOf(date)) && !calendar.holidays.includes(date);
}

/**
 * The first business day on or after `date`. The policy keeps at least one business weekday and at most a year of
 * holidays, so one exists within a year and a week; past that the calendar is not a policy's and the loop stops.
 */
export function nextBusinessDay(date: string, calendar: BusinessCalendar): string {
  for (let k = 0; k <= 373; k++) {
    const candidate = addDaysToDate(date, k);
    if (isBusinessDay(candidate, calendar)) return candidate;
  }
  throw new Error('The business calendar has no business day within a year: it needs at least one weekday');
}

/** A calendar date in words in the locale: 'March 10, 2026' in en-US, '10 March 2026' in en-GB. */
export function dateInWords(date: string, locale = 'en-US'): string {
  // The date is a calendar date, not an instant: formatting it at midnight UTC in UTC keeps its day.
  return dateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));
}

/** '1 day', '7 days'. */
export function daysInWords(days: number): string {
  return `${days} ${Math.abs(days) === 1 ? 'day' : 'days'}`;
}

/** A stage in words: '3 days before the due date', 'on the due date', '7 days after the due date'. */
export function stageInWords(stageDays: number): string {
  if (stageDays === 0) return 'on the due date';
  return `${daysInWords(Math.abs(stageDays))} ${stageDays < 0 ? 'before' : 'after'} the due date`;
}

/** Where an invoice stands on `today`: 'due in 3 days', 'due today', '1 day overdue', '7 days overdue'. */
export function dueStatusInWords(dueDate: string, today: string): string {
  const overdue = daysBetween(dueDate, today);
  if (overdue === 0) return 'due today';
  return overdue < 0 ? `due in ${daysInWords(-overdue)}` : `${daysInWords(overdue)} overdue`;
}
