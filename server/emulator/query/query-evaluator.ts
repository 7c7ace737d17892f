import type { QboObject } from '../entity-registry.js';
import type { Condition, ParsedQuery } from './query-parser.js';
import { pathGetter } from './query-path.js';
import {
  compareSortValues,
  compareToLiteral,
  isDateTimePath,
  isIdLikePath,
  isNullValue,
  prepareLiteral,
  sortValue,
  type PreparedLiteral,
  type SortValue,
} from './query-values.js';

export interface CompiledQuery {
  matches(row: QboObject): boolean;
  /** Returns a new array in the query's order (ORDERBY, else the entity's default order), ties by numeric Id. */
  sort(rows: QboObject[]): QboObject[];
  /** Identifies the ordering, for caching sorted arrays between pages, e.g. "MetaData.LastUpdatedTime DESC". */
  orderKey: string;
}

export interface CompileOptions {
  /** The company's IANA zone: a bare date literal on a DateTime means midnight there. */
  timeZone: string;
}

type RowTest = (row: QboObject) => boolean;

const NEVER: RowTest = () => false;

function likeMatcher(pattern: string): (s: string) => boolean {
  // Only % is a wildcard in QBO; everything else, including _, is literal.
  const body = pattern
    .toLowerCase()
    .split('%')
    .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const re = new RegExp(`^${body}$`, 's');
  return (s) => re.test(s.toLowerCase());
}

const OPERATOR_TESTS: Record<'=' | '<' | '>' | '<=' | '>=', (d: number) => boolean> = {
  '=': (d) => d === 0,
  '<': (d) => d < 0,
  '>': (d) => d > 0,
  '<=': (d) => d <= 0,
  '>=': (d) => d >= 0,
};

function compileCondition(c: Condition, timeZone: string): RowTest {
  const get = pathGetter(c.path);
  const dateTime = isDateTimePath(c.path);
  if (c.operator === 'LIKE') {
    const like = likeMatcher(String(c.values[0]));
    return (row) => {
      const v = get(row);
      return typeof v === 'string' && like(v);
    };
  }
  // Literals that cannot apply to this path (a non-date against a DateTime) never match.
  const literals = c.values
    .map((v) => prepareLiteral(v, dateTime, timeZone))
    .filter((l): l is PreparedLiteral => l !== undefined);
  if (c.operator === 'IN') {
    const acceptsNull = literals.some((l) => l.isNull);
    const values = literals.filter((l) => !l.isNull);
    return (row) => {
      const v = get(row);
      if (isNullValue(v)) return acceptsNull;
      for (const lit of values) if (compareToLiteral(v, lit, dateTime, timeZone) === 0) return true;
      return false;
    };
  }
  const lit = literals[0];
  if (!lit) return NEVER;
  if (lit.isNull) return c.operator === '=' ? (row) => isNullValue(get(row)) : NEVER;
  const test = OPERATOR_TESTS[c.operator];
  return (row) => {
    const v = get(row);
    if (isNullValue(v)) return false;
    const d = compareToLiteral(v, lit, dateTime, timeZone);
    return d !== undefined && test(d);
  };
}

function combine(tests: RowTest[]): RowTest {
  if (tests.length === 0) return () => true;
  if (tests.length === 1) return tests[0]!;
  return (row) => {
    for (const t of tests) if (!t(row)) return false;
    return true;
  };
}

/** AND is commutative, so run cheap tests first: DateTime parsing and LIKE regexes only see the survivors. */
function cost(c: Condition): number {
  return isDateTimePath(c.path) ? 2 : c.operator === 'LIKE' ? 1 : 0;
}

/** QBO hides inactive names unless the query says something about Active. */
function needsActiveDefault(q: ParsedQuery): boolean {
  return q.entity.kind === 'name' && !q.where.some((c) => c.path.length === 1 && c.path[0] === 'Active');
}

function numericId(row: QboObject): number {
  const n = Number(row.Id);
  return Number.isNaN(n) ? Number.MAX_SAFE_INTEGER : n;
}

/** Compiles a parsed query into a row matcher and a sorter; path lookups and literals are prepared once. */
export function compileQuery(q: ParsedQuery, options: CompileOptions): CompiledQuery {
  const { timeZone } = options;
  const tests = [...q.where].sort((a, b) => cost(a) - cost(b)).map((c) => compileCondition(c, timeZone));
  if (needsActiveDefault(q)) tests.push((row) => row.Active !== false);

  const order = q.orderBy.length > 0 ? q.orderBy : [{ path: [q.entity.defaultOrder], direction: 'ASC' as const }];
  const keys = order.map((ob) => ({
    get: pathGetter(ob.path),
    idLike: isIdLikePath(ob.path),
    dateTime: isDateTimePath(ob.path),
    sign: ob.direction === 'DESC' ? -1 : 1,
  }));

  return {
    matches: combine(tests),
    orderKey: order.map((ob) => `${ob.path.join('.')} ${ob.direction}`).join(', '),
    sort(rows) {
      // Decorate once: computing keys inside the comparator would redo lookups O(n log n) times.
      const decorated = rows.map((row, index) => ({
        row,
        index,
        id: numericId(row),
        key: keys.map((k): SortValue => sortValue(k.get(row), k.idLike, k.dateTime, timeZone)),
      }));
      decorated.sort((a, b) => {
        for (let i = 0; i < keys.length; i++) {
          const d = compareSortValues(a.key[i]!, b.key[i]!);
          if (d !== 0) return d * keys[i]!.sign;
        }
        return a.id - b.id || a.index - b.index;
      });
      return decorated.map((d) => d.row);
    },
  };
}
