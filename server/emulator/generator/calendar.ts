import { offsetMinutes } from '../qbo-time.js';

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 for a YYYY-MM-DD date. */
export function dayNumber(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

export function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Start day of the calendar month `monthsBack` months before the month containing `day`. */
export function monthStart(day: number, monthsBack: number): number {
  const d = new Date(day * DAY_MS);
  return Math.floor(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - monthsBack, 1) / DAY_MS);
}

/**
 * QBO DateTime strings for local times in the company's zone. Formatting through Intl for every one of
 * several hundred thousand timestamps would dominate generation, so each day's offset is computed once.
 */
export function localDateTimes(timeZone: string): (day: number, secondOfDay: number) => string {
  const suffixes = new Map<number, string>();
  return (day, secondOfDay) => {
    let suffix = suffixes.get(day);
    if (suffix === undefined) {
      const m = offsetMinutes(new Date(day * DAY_MS + 12 * 3_600_000), timeZone);
      const abs = Math.abs(m);
      const hh = String(Math.floor(abs / 60)).padStart(2, '0');
      suffix = `${m < 0 ? '-' : '+'}${hh}:${String(abs % 60).padStart(2, '0')}`;
      suffixes.set(day, suffix);
    }
    const s = Math.max(0, Math.min(86_399, Math.floor(secondOfDay)));
    const hh = String(Math.floor(s / 3600)).padStart(2, '0');
    const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
    const ss = String(s % 60).padStart(2, '0');
    return `${isoDate(day)}T${hh}:${mm}:${ss}${suffix}`;
  };
}
