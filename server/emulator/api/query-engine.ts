import type { EntityName, QboObject } from '../entity-registry.js';
import type { EmulatedCompany } from '../company/emulated-company.js';
import { faults } from '../qbo-fault.js';
import { parseQuery, QueryError } from '../query/query-parser.js';
import { compileQuery } from '../query/query-evaluator.js';

export type QueryResponse =
  | { kind: 'count'; totalCount: number }
  | { kind: 'rows'; entity: EntityName; rows: QboObject[]; startPosition: number };

interface SortedCache {
  version: number;
  rows: QboObject[];
}

/**
 * Runs QBO queries against a company. Sorting 100,000 invoices on every page would dominate, so each
 * (entity, ordering) keeps a sorted array until the entity's next write.
 */
export class QueryEngine {
  private readonly cache = new WeakMap<EmulatedCompany, Map<string, SortedCache>>();

  run(company: EmulatedCompany, text: string): QueryResponse {
    let parsed;
    try {
      parsed = parseQuery(text);
    } catch (err) {
      if (err instanceof QueryError) throw faults.invalidQuery(err.detail);
      throw err;
    }
    const compiled = compileQuery(parsed, { timeZone: company.timeZone });
    const entity = parsed.entity.name;
    const table = company.table(entity);
    if (parsed.count) {
      let totalCount = 0;
      for (const row of table.values()) if (compiled.matches(row)) totalCount++;
      return { kind: 'count', totalCount };
    }
    const sorted = this.sorted(company, entity, compiled.orderKey, () => compiled.sort([...table.values()]));
    const rows: QboObject[] = [];
    let skip = parsed.startPosition - 1;
    for (const row of sorted) {
      if (!compiled.matches(row)) continue;
      if (skip > 0) {
        skip--;
        continue;
      }
      rows.push(row);
      if (rows.length === parsed.maxResults) break;
    }
    return { kind: 'rows', entity, rows, startPosition: parsed.startPosition };
  }

  private sorted(company: EmulatedCompany, entity: EntityName, orderKey: string, sort: () => QboObject[]): QboObject[] {
    let perCompany = this.cache.get(company);
    if (!perCompany) this.cache.set(company, (perCompany = new Map()));
    const key = `${entity}|${orderKey}`;
    const version = company.version(entity);
    const hit = perCompany.get(key);
    if (hit && hit.version === version) return hit.rows;
    const rows = sort();
    perCompany.set(key, { version, rows });
    return rows;
  }
}

/** The JSON envelope QBO answers a query with (qbo-api.md §2): no rows → an empty QueryResponse. */
export function queryResponseBody(result: QueryResponse): Record<string, unknown> {
  if (result.kind === 'count') return { totalCount: result.totalCount };
  if (result.rows.length === 0) return {};
  // maxResults is the number of rows returned, not the page size asked for (node-quickbooks fetchAll relies on it).
  return { [result.entity]: result.rows, startPosition: result.startPosition, maxResults: result.rows.length };
}
