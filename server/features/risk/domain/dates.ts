/** Calendar dates as 'YYYY-MM-DD' strings; arithmetic in whole days (UTC, so no DST surprises). */
import { boundedMemo } from '../../../shared/bounded-memo.js';

const DAY_MS = 86_400_000;

/** Distinct dates a memo keeps before it starts again (a company has a few thousand). */
const MEMO_ENTRIES = 100_000;

/** Memoised: the engine asks about the same few thousand dates millions of times. */
export const dayOf: (date: string) => number = boundedMemo(
  (date: string) => Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS),
  MEMO_ENTRIES,
);

export const dateOf: (day: number) => string = boundedMemo(
  (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10),
  MEMO_ENTRIES,
);

const shiftedMonth = boundedMemo((key: string) => {
  const [date, months] = key.split('|') as [string, string];
  return shiftMonths(date, Number(months));
}, MEMO_ENTRIES);

/** Memoised like dayOf: every customer's metrics ask for the same few windows back from A. */
export function addMonths(date: string, months: number): string {
  return shiftedMonth(`${date}|${months}`);
}

function shiftMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  return dateOf(Math.floor(Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), Math.min(d, lastDay)) / DAY_MS));
}

/** 'YYYY-MM' of a date, and the first and last dates of that month. */
export function monthOf(date: string): string {
  return date.slice(0, 7);
}

export function monthBounds(month: string): { first: string; last: string; days: number } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { first: `${month}-01`, last: `${month}-${String(days).padStart(2, '0')}`, days };
}

/** The `count` complete calendar months before the month containing `asOf`, oldest first. */
export function completeMonthsBefore(asOf: string, count: number): string[] {
  const months: string[] = [];
  for (let i = count; i >= 1; i--) months.push(monthOf(addMonths(`${monthOf(asOf)}-01`, -i)));
  return months;
}

/** YYYY-MM-DD plus whole days, on the calendar (no time zone or daylight-saving arithmetic). */
export function addDaysToDate(date: string, days: number): string {
  return dateOf(dayOf(date) + days);
}
