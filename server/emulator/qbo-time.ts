/**
 * QBO renders DateTimes in the company's local offset with one-second resolution
 * ("2015-10-01T16:48:43-07:00"), and the response envelope's `time` with milliseconds.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

interface LocalParts {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
}

function localParts(instant: Date, timeZone: string): LocalParts {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(instant)) parts[p.type] = p.value;
  return parts as unknown as LocalParts;
}

/** Offset of `timeZone` from UTC at `instant`, in minutes (e.g. -420 for PDT). */
export function offsetMinutes(instant: Date, timeZone: string): number {
  const p = localParts(instant, timeZone);
  const asUtc = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
  const wholeSeconds = Math.floor(instant.getTime() / 1000) * 1000;
  return Math.round((asUtc - wholeSeconds) / 60000);
}

function offsetSuffix(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** "2015-10-01T16:48:43-07:00": the format of MetaData.CreateTime / LastUpdatedTime. */
export function formatQboDateTime(instant: Date, timeZone: string): string {
  const p = localParts(instant, timeZone);
  const offset = offsetSuffix(offsetMinutes(instant, timeZone));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}${offset}`;
}

/** "2020-09-29T06:04:49.352-07:00": the format of a response envelope's `time`. */
export function formatQboResponseTime(instant: Date, timeZone: string): string {
  const base = formatQboDateTime(instant, timeZone);
  const ms = String(instant.getTime() % 1000).padStart(3, '0');
  return `${base.slice(0, 19)}.${ms}${base.slice(19)}`;
}

/** The calendar date (YYYY-MM-DD) of `instant` in `timeZone`: QBO's TxnDate/DueDate for "today". */
export function formatQboDate(instant: Date, timeZone: string): string {
  const p = localParts(instant, timeZone);
  return `${p.year}-${p.month}-${p.day}`;
}

/**
 * Parses a QBO DateTime literal as the API accepts it in queries and CDC: with an offset ("-07:00" or
 * "-0700"), with "Z", or a bare date (midnight in the company's zone is approximated by UTC midnight
 * adjusted by the zone's offset on that date). Returns undefined when it is not a date.
 */
export function parseQboDateTime(text: string, timeZone: string): Date | undefined {
  const trimmed = text.trim();
  const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/.exec(trimmed);
  if (dateOnly) {
    const utcMidnight = new Date(`${trimmed}T00:00:00Z`);
    if (Number.isNaN(utcMidnight.getTime())) return undefined;
    return new Date(utcMidnight.getTime() - offsetMinutes(utcMidnight, timeZone) * 60000);
  }
  const normalised = trimmed.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(normalised)) return undefined;
  const d = new Date(normalised);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
