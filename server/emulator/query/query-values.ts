import { parseQboDateTime } from '../qbo-time.js';
import type { Literal } from './query-parser.js';

/**
 * How a row value is compared with a query literal. Literals are prepared once per query into every form they
 * can be compared in, so the per-row work is a typeof switch and at most one toLowerCase.
 */
export interface PreparedLiteral {
  isNull: boolean;
  /** Numeric form: number literals, numeric strings ('12'), or a DateTime's epoch milliseconds. */
  num?: number;
  /** Lower-cased string form (string = and LIKE are case-insensitive). */
  str?: string;
  bool?: boolean;
}

/** A compared value; null sorts first ascending. */
export type SortValue = number | string | null;

export const NUMERIC = /^-?\d+(\.\d+)?$/;

/** MetaData.CreateTime / LastUpdatedTime are instants with an offset, not comparable as text. */
export function isDateTimePath(path: readonly string[]): boolean {
  return path.length === 2 && path[0] === 'MetaData' && /time$/i.test(path[1]!);
}

/** Ids, SyncTokens and Ref values are numeric strings that must order as numbers ('9' < '12'). */
export function isIdLikePath(path: readonly string[]): boolean {
  const first = path[0]!;
  return (
    first === 'Id' ||
    first === 'SyncToken' ||
    (first.endsWith('Ref') && (path.length === 1 || path[1]!.toLowerCase() === 'value'))
  );
}

const instantCache = new Map<string, number | undefined>();

/** Row DateTimes are re-read on every page of every query; memoise their parse. Bare dates depend on the zone. */
export function rowInstant(text: string, timeZone: string): number | undefined {
  const key = text.length === 10 ? `${timeZone}|${text}` : text;
  if (instantCache.has(key)) return instantCache.get(key);
  const ms = parseQboDateTime(text, timeZone)?.getTime();
  if (instantCache.size >= 500_000) instantCache.clear();
  instantCache.set(key, ms);
  return ms;
}

/** Returns undefined when the literal cannot be compared on this path at all (e.g. a non-date for a DateTime). */
export function prepareLiteral(lit: Literal, dateTime: boolean, timeZone: string): PreparedLiteral | undefined {
  if (lit === null) return { isNull: true };
  if (dateTime) {
    const ms = typeof lit === 'string' ? parseQboDateTime(lit, timeZone)?.getTime() : undefined;
    return ms === undefined ? undefined : { isNull: false, num: ms };
  }
  if (typeof lit === 'number') return { isNull: false, num: lit, str: String(lit) };
  if (typeof lit === 'boolean') return { isNull: false, bool: lit, str: String(lit) };
  const lower = lit.toLowerCase();
  const prepared: PreparedLiteral = { isNull: false, str: lower };
  if (NUMERIC.test(lit)) prepared.num = Number(lit);
  if (lower === 'true' || lower === 'false') prepared.bool = lower === 'true';
  return prepared;
}

/** Null in QBO's sense: missing, null or empty. */
export function isNullValue(raw: unknown): boolean {
  return raw === undefined || raw === null || raw === '';
}

/** Sign of (row value − literal), or undefined when they are not comparable (which matches nothing). */
export function compareToLiteral(
  raw: unknown,
  lit: PreparedLiteral,
  dateTime: boolean,
  timeZone: string,
): number | undefined {
  if (dateTime) {
    if (typeof raw !== 'string' || lit.num === undefined) return undefined;
    const ms = rowInstant(raw, timeZone);
    return ms === undefined ? undefined : ms - lit.num;
  }
  switch (typeof raw) {
    case 'number':
      return lit.num === undefined ? undefined : raw - lit.num;
    case 'string': {
      // Both sides numeric: compare as numbers, so Id > '100' and Id IN ('5','6') behave numerically.
      if (lit.num !== undefined && NUMERIC.test(raw)) return Number(raw) - lit.num;
      if (lit.str === undefined) return undefined;
      const s = raw.toLowerCase();
      return s < lit.str ? -1 : s > lit.str ? 1 : 0;
    }
    case 'boolean':
      return lit.bool === undefined ? undefined : Number(raw) - Number(lit.bool);
    default:
      return undefined;
  }
}

/** The sort form of a row value: numbers numeric, strings case-insensitive, DateTimes as instants. */
export function sortValue(raw: unknown, idLike: boolean, dateTime: boolean, timeZone: string): SortValue {
  if (isNullValue(raw)) return null;
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'boolean') return raw ? 1 : 0;
  if (typeof raw !== 'string') return null;
  if (dateTime) return rowInstant(raw, timeZone) ?? raw.toLowerCase();
  if (idLike && NUMERIC.test(raw)) return Number(raw);
  return raw.toLowerCase();
}

/** Total order on sort values: null first, then numbers, then strings. */
export function compareSortValues(a: SortValue, b: SortValue): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
