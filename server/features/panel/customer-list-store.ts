import type { Knex } from 'knex';
import { LRUCache } from 'lru-cache';
import type { Db } from '../../db/knex.js';
import { toDate, toNumberOrNull } from '../../db/row-values.js';
import type { ProfitabilityTier } from '../risk/domain/assess-company.js';
import type { RiskBand } from '../risk/domain/risk-score.js';
import type { Strategy } from '../risk/domain/strategies.js';
import { foldForSearch } from '../../shared/search-text.js';

export const LIST_SORTS = ['name', 'score', 'outstanding', 'overdue', 'paymentRate', 'grossProfit'] as const;
export type ListSort = (typeof LIST_SORTS)[number];
export const PAGE_SIZES = [25, 50, 100] as const;
export type PageSize = (typeof PAGE_SIZES)[number];

/** The customer list's filters, sort and page, already validated (customers.routes.ts parses the query string). */
export interface CustomerListQuery {
  /** Substring of the name, case and accents ignored; LIKE wildcards in it match literally. */
  search?: string;
  /** The stable band (the stabilised tier the panel shows). */
  risk?: RiskBand;
  strategy?: Strategy;
  clusterId?: number;
  profitability?: ProfitabilityTier;
  highRiskOnly?: boolean;
  sort: ListSort;
  dir: 'asc' | 'desc';
  /** 1-based. */
  page: number;
  pageSize: PageSize;
}

export interface CustomerListRow {
  customerId: string;
  name: string;
  /** Smoothed (stabilised) score: what the panel shows; `rawScore` is this run's own. */
  score: number | null;
  rawScore: number | null;
  /** Stable band (hysteresis), falling back to the run's own band for rows written without one. */
  band: RiskBand | null;
  highRisk: boolean;
  paymentRate: number | null;
  outstandingCents: number;
  overdueCents: number;
  grossProfitCents: number;
  profitabilityTier: ProfitabilityTier;
  strategy: Strategy;
  clusterId: number | null;
  creditLimitCents: number | null;
}

export interface ListRun {
  id: number;
  asOf: string;
  policyVersion: number;
  createdAt: Date;
  /** The run's behavioural clusters (id → name), read from company_json in SQL, never the whole document. */
  clusters: Array<{ id: number; name: string }>;
}

/**
 * Sort keys as SQL: names case-insensitively (byte order on both databases: PostgreSQL's "C" collation is
 * SQLite's BINARY, so the two never disagree); missing scores and rates always last, whatever the direction.
 */
const SORT_SQL: Record<ListSort, { column: string; nullable: boolean }> = {
  name: { column: 'search_name', nullable: false },
  score: { column: 'smoothed_score', nullable: true },
  outstanding: { column: 'outstanding_cents', nullable: false },
  overdue: { column: 'overdue_cents', nullable: false },
  paymentRate: { column: 'payment_rate', nullable: true },
  grossProfit: { column: 'gross_profit_cents', nullable: false },
};

/** The list's columns; all of them are in the covering index of migration 1000, so a page never reads the wide rows. */
const LIST_COLUMNS = [
  'customer_qbo_id', 'display_name', 'smoothed_score', 'score', 'stable_band', 'band', 'high_risk', 'payment_rate', 'outstanding_cents',
  'overdue_cents', 'gross_profit_cents', 'profitability_tier', 'strategy', 'cluster_id', 'credit_limit_cents',
];

/** Text for a LIKE pattern in which `%`, `_` and the escape character match literally (ESCAPE '!', the same on SQLite and PostgreSQL). */
export function escapeLike(text: string): string {
  return text.replace(/[!%_]/g, (ch) => `!${ch}`);
}

/** A "contains" pattern for a folded column (search-text.ts): case and accents ignored, `LIKE ? ESCAPE '!'`. */
export function likeContains(text: string): string {
  return `%${escapeLike(foldForSearch(text))}%`;
}

type Row = Record<string, unknown>;
/** Recently read pages and cluster-name lists, least recently used dropped first. */
const PAGES_KEPT = 200;
const CLUSTER_RUNS_KEPT = 100;

function toListRow(r: Row): CustomerListRow {
  return {
    customerId: String(r.customer_qbo_id), name: String(r.display_name),
    score: toNumberOrNull(r.smoothed_score), rawScore: toNumberOrNull(r.score),
    band: ((r.stable_band ?? r.band) as RiskBand | null) ?? null, highRisk: Boolean(r.high_risk),
    paymentRate: toNumberOrNull(r.payment_rate),
    outstandingCents: Number(r.outstanding_cents), overdueCents: Number(r.overdue_cents), grossProfitCents: Number(r.gross_profit_cents),
    profitabilityTier: r.profitability_tier as ProfitabilityTier, strategy: r.strategy as Strategy, clusterId: toNumberOrNull(r.cluster_id),
    creditLimitCents: toNumberOrNull(r.credit_limit_cents),
  };
}

/**
 * The customer list of a company's latest score run: filtered, sorted and paginated in SQL (LIMIT/OFFSET and
 * a COUNT over the same filters), every query scoped by realm. Cluster names and recent pages are kept in
 * memory per run id: a run never changes once written, so a kept page is always right.
 */
export function createCustomerListStore(db: Db) {
  const pg = (db.client as { config: { client: string } }).config.client === 'pg';
  const clusterCache = new LRUCache<number, ListRun['clusters']>({ max: CLUSTER_RUNS_KEPT });
  const pageCache = new LRUCache<string, { rows: CustomerListRow[]; total: number }>({ max: PAGES_KEPT });

  const filtered = (realmId: string, runId: number, q: Omit<CustomerListQuery, 'sort' | 'dir' | 'page' | 'pageSize'>): Knex.QueryBuilder => {
    const b = db('customer_scores').where({ run_id: runId, realm_id: realmId });
    if (q.risk) b.andWhere('stable_band', q.risk);
    if (q.strategy) b.andWhere('strategy', q.strategy);
    if (q.clusterId !== undefined) b.andWhere('cluster_id', q.clusterId);
    if (q.profitability) b.andWhere('profitability_tier', q.profitability);
    if (q.highRiskOnly) b.andWhere('high_risk', true);
    if (q.search) b.andWhereRaw(`search_name LIKE ? ESCAPE '!'`, [likeContains(q.search)]);
    return b;
  };

  const ordered = (b: Knex.QueryBuilder, q: Pick<CustomerListQuery, 'sort' | 'dir'>): Knex.QueryBuilder => {
    const { nullable } = SORT_SQL[q.sort];
    const column = q.sort === 'name' && pg ? `${SORT_SQL.name.column} COLLATE "C"` : SORT_SQL[q.sort].column;
    if (nullable) b.orderByRaw(`CASE WHEN ${column} IS NULL THEN 1 ELSE 0 END`);
    // The customer id breaks ties, so pages never repeat or skip a row.
    return b.orderByRaw(`${column} ${q.dir === 'asc' ? 'ASC' : 'DESC'}`).orderBy('customer_qbo_id', q.dir);
  };

  return {
    /** The latest run's id, date, policy version and cluster names; undefined before the first run. */
    async latestRun(realmId: string): Promise<ListRun | undefined> {
      const r = await db('risk_score_runs').where({ realm_id: realmId, what_if: false }).orderBy('id', 'desc').first('id', 'as_of', 'policy_version', 'created_at');
      if (!r) return undefined;
      const id = Number(r.id);
      let clusters = clusterCache.get(id);
      if (!clusters) {
        const profilesSql = pg ? `(company_json::json #> '{clusters,profiles}')::text` : `json_extract(company_json, '$.clusters.profiles')`;
        const row = await db('risk_score_runs').where({ id, realm_id: realmId }).first(db.raw(`${profilesSql} AS profiles`));
        const profiles = row?.profiles ? (JSON.parse(String(row.profiles)) as Array<{ id: number; name: string }>) : [];
        clusters = Array.isArray(profiles) ? profiles.map((p) => ({ id: Number(p.id), name: String(p.name) })) : [];
        clusterCache.set(id, clusters);
      }
      return { id, asOf: String(r.as_of), policyVersion: Number(r.policy_version), createdAt: toDate(r.created_at)!, clusters };
    },

    /** One page and the number of matching customers; the newest 200 pages are kept (a run never changes). */
    async page(realmId: string, runId: number, q: CustomerListQuery): Promise<{ rows: CustomerListRow[]; total: number }> {
      const key = `${realmId}\u0000${runId}\u0000${JSON.stringify(q)}`;
      const hit = pageCache.get(key);
      if (hit) return hit;
      const [count, rows] = await Promise.all([
        filtered(realmId, runId, q).count({ n: '*' }).first(),
        ordered(filtered(realmId, runId, q).select(LIST_COLUMNS), q).limit(q.pageSize).offset((q.page - 1) * q.pageSize),
      ]);
      const page = { rows: (rows as Row[]).map(toListRow), total: Number((count as { n: number | string } | undefined)?.n ?? 0) };
      pageCache.set(key, page);
      return page;
    },

    /** Every matching customer in the same order (the CSV of what is shown). */
    async all(realmId: string, runId: number, q: Pick<CustomerListQuery, Exclude<keyof CustomerListQuery, 'page' | 'pageSize'>>): Promise<CustomerListRow[]> {
      return ((await ordered(filtered(realmId, runId, q).select(LIST_COLUMNS), q)) as Row[]).map(toListRow);
    },
  };
}

export type CustomerListStore = ReturnType<typeof createCustomerListStore>;
