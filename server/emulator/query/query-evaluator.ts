import type { QboObject } from '../entity-registry.js';
import { parseQboDateTime } from '../qbo-time.js';
import type { Condition, Literal, ParsedQuery } from './query-parser.js';

export interface CompiledQuery {
  matches(row: QboObject): boolean;
  /** Returns a new array in the query's order (ORDERBY, else the entity's default order), ties by Id. */
  sort(rows: QboObject[]): QboObject[];
  /** Identifies the ordering, for caching sorted arrays between pages. */
  orderKey: string;
}

type Getter = (row: QboObject) => unknown;
type Comparable = number | string | boolean | null;

/** Property lookup along a path; segments after the first match case-insensitively; refs compare by value. */
function getter(path: string[]): Getter {
  return (row) => {
    let v: unknown = row;
    for (let i = 0; i < path.length; i++) {
      if (v === null || typeof v !== 'object') return undefined;
      const obj = v as Record<string, unknown>;
      const seg = path[i]!;
      v = seg in obj ? obj[seg] : obj[Object.keys(obj).find((k) => k.toLowerCase() === seg.toLowerCase()) ?? seg];
    }
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && 'value' in v) return (v as { value: unknown }).value;
    return v;
  };
}

const instantCache = new Map<string, number>();
/** MetaData times are parsed on every page of every query; memoise by their text. */
function instant(text: string, timeZone: string): number | undefined {
  const hit = instantCache.get(text);
  if (hit !== undefined) return hit;
  const ms = parseQboDateTime(text, timeZone)?.getTime();
  if (ms !== undefined) {
    if (instantCache.size > 1_000_000) instantCache.clear();
    instantCache.set(text, ms);
  }
  return ms;
}

const NUMERIC = /^-?\d+(\.\d+)?$/;
const isDateTimePath = (path: string[]) => path[0] === 'MetaData';
const isNumericPath = (path: string[]) => path.length === 1 && (path[0] === 'Id' || path[0] === 'SyncToken');

/** Turns a row's value and a literal into comparable forms of the same kind. */
function normaliser(path: string[], timeZone: string): (v: unknown) => Comparable | undefined {
  if (isDateTimePath(path)) return (v) => (typeof v === 'string' ? instant(v, timeZone) : undefined);
  return (v) => {
    if (v === undefined) return undefined;
    if (v === null || v === '') return null;
    if (typeof v === 'number' || typeof v === 'boolean') return v;
    if (typeof v === 'string') return isNumericPath(path) && NUMERIC.test(v) ? Number(v) : v.toLowerCase();
    return undefined;
  };
}

function compare(a: Comparable, b: Comparable): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function literalFor(lit: Literal, path: string[], timeZone: string): Comparable | undefined {
  if (lit === null) return null;
  if (isDateTimePath(path)) return typeof lit === 'string' ? instant(lit, timeZone) : undefined;
  if (typeof lit === 'string' && isNumericPath(path) && NUMERIC.test(lit)) return Number(lit);
  return typeof lit === 'string' ? lit.toLowerCase() : lit;
}

function likeMatcher(pattern: string): (s: string) => boolean {
  const parts = pattern.toLowerCase().split('%');
  const escaped = parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const re = new RegExp(`^${escaped.join('.*')}$`, 's');
  return (s) => re.test(s);
}

function compileCondition(c: Condition, timeZone: string): (row: QboObject) => boolean {
  const get = getter(c.path);
  const norm = normaliser(c.path, timeZone);
  const literals = c.values.map((v) => literalFor(v, c.path, timeZone));
  if (c.operator === 'LIKE') {
    const like = likeMatcher(String(c.values[0]));
    return (row) => {
      const v = get(row);
      return typeof v === 'string' && like(v.toLowerCase());
    };
  }
  if (literals.some((l) => l === undefined)) return () => false; // a literal of the wrong kind matches nothing
  if (c.operator === 'IN') {
    const wanted = literals as Comparable[];
    return (row) => {
      const v = norm(get(row));
      if (v === undefined) return wanted.includes(null);
      return wanted.some((w) => (w === null ? v === null : v !== null && compare(v, w) === 0));
    };
  }
  const lit = literals[0] as Comparable;
  const test: (d: number) => boolean =
    c.operator === '=' ? (d) => d === 0 : c.operator === '<' ? (d) => d < 0 : c.operator === '>' ? (d) => d > 0 : c.operator === '<=' ? (d) => d <= 0 : (d) => d >= 0;
  return (row) => {
    const v = norm(get(row));
    if (lit === null) return c.operator === '=' && (v === null || v === undefined);
    if (v === undefined || v === null || typeof v !== typeof lit) return false;
    return test(compare(v, lit));
  };
}

/** Compiles a parsed query into a row matcher and a sorter; path lookups and literals are prepared once. */
export function compileQuery(q: ParsedQuery, o: { timeZone: string }): CompiledQuery {
  const conditions = q.where.map((c) => compileCondition(c, o.timeZone));
  // QBO hides inactive names unless the query says something about Active.
  if (q.entity.kind === 'name' && !q.where.some((c) => c.path[0] === 'Active' && c.path.length === 1)) {
    conditions.push((row) => row.Active !== false);
  }
  const order = q.orderBy.length > 0 ? q.orderBy : [{ path: [q.entity.defaultOrder], direction: 'ASC' as const }];
  const keys = order.map((ob) => ({ get: getter(ob.path), norm: normaliser(ob.path, o.timeZone), sign: ob.direction === 'DESC' ? -1 : 1 }));
  const idOf = (row: QboObject) => Number(row.Id);

  return {
    matches: (row) => conditions.every((m) => m(row)),
    orderKey: order.map((ob) => `${ob.path.join('.')} ${ob.direction}`).join(','),
    sort(rows) {
      const decorated = rows.map((row) => ({ row, key: keys.map((k) => k.norm(k.get(row)) ?? null), id: idOf(row) }));
      decorated.sort((a, b) => {
        for (let i = 0; i < keys.length; i++) {
          const av = a.key[i]!;
          const bv = b.key[i]!;
          if (av !== bv) {
            // Missing values sort first in ascending order.
            const d = av === null ? -1 : bv === null ? 1 : compare(av, bv);
            if (d !== 0) return d * keys[i]!.sign;
          }
        }
        return a.id - b.id;
      });
      return decorated.map((d) => d.row);
    },
  };
}
