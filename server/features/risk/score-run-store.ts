import type { Knex } from 'knex';
import { LRUCache } from 'lru-cache';
import type { Db } from '../../db/knex.js';
import { insertRows } from '../../db/insert-rows.js';
import { likeContains } from '../../db/like-pattern.js';
import { toDate, toNumberOrNull } from '../../db/row-values.js';
import { countRunAlerts, insertRunAlerts } from './risk-alert-store.js';
import type { ScoreState } from './domain/score-stability.js';
import {
  CUSTOMER_SCORE_COLUMNS,
  CUSTOMER_SCORE_READ_COLUMNS,
  INVOICE_SCORE_COLUMNS,
  LIST_COLUMNS,
  SORT_SQL,
  customerScoreFromRow,
  scoredCustomerFromRow,
  customerScoreValues,
  exportInvoiceFromRow,
  invoiceScoreValues,
  listRowFromRow,
  parseRunCompany,
  scoredOpenInvoiceFromRow,
  type Row,
} from './score-run-rows.js';
import type {
  CustomerListQuery,
  CustomerListRow,
  RunCompanyFigures,
  RunDistribution,
  ScoreRunStore,
  ScoreRunSummary,
} from './score-run-store-type.js';

/** Recently read runs, pages and cluster-name lists, least recently used dropped first: a saved run never changes. */
const RUNS_KEPT = 64;
const PAGES_KEPT = 200;
const CLUSTER_RUNS_KEPT = 100;
const SUMMARY_COLUMNS = ['id', 'as_of', 'policy_version', 'trigger', 'created_at'] as const;
const HISTORY_RUNS = 120;
const BINS = 10;

type ListFilters = Omit<CustomerListQuery, 'sort' | 'dir' | 'page' | 'pageSize'>;

/**
 * Score runs, their customers and open invoices (risk_score_runs, customer_scores, invoice_scores), every query
 * scoped by realm. Saving and trimming use the writer `db`; everything else reads through `readDb`.
 */
export function createScoreRunStore({ db, readDb }: { db: Db; readDb: Db }): ScoreRunStore {
  const pg = (readDb.client as { config: { client: string } }).config.client === 'pg';
  const runCompanies = new LRUCache<string, RunCompanyFigures>({ max: RUNS_KEPT });
  const clusterNames = new LRUCache<string, Array<{ id: number; name: string }>>({ max: CLUSTER_RUNS_KEPT });
  const pages = new LRUCache<string, { rows: CustomerListRow[]; total: number }>({ max: PAGES_KEPT });
  const liveRuns = (realmId: string) =>
    readDb('risk_score_runs').where({ realm_id: realmId, what_if: false }).orderBy('id', 'desc');
  const runCustomers = (realmId: string, runId: number) =>
    readDb('customer_scores').where({ run_id: runId, realm_id: realmId });

  const filtered = (realmId: string, runId: number, q: ListFilters): Knex.QueryBuilder => {
    const b = runCustomers(realmId, runId);
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

  const store: ScoreRunStore = {
    async saveRun(run) {
      const { realmId, assessment: a } = run;
      return db.transaction(async (trx) => {
        // company_json stays small (the dashboard reads it): customers and open invoices get rows of their own.
        const { customers, openInvoices, ...company } = a;
        const [row] = await trx('risk_score_runs')
          .insert({
            realm_id: realmId,
            as_of: a.asOf,
            policy_version: a.policyVersion,
            trigger: run.trigger,
            created_at: run.at,
            company_json: JSON.stringify({ ...company, ...run.figures }),
          })
          .returning('id');
        const runId = Number(typeof row === 'object' ? (row as { id: number }).id : row);
        await insertRows(
          trx,
          'customer_scores',
          CUSTOMER_SCORE_COLUMNS,
          customers.map((c) => customerScoreValues(runId, run, c)),
        );
        await insertRows(
          trx,
          'invoice_scores',
          INVOICE_SCORE_COLUMNS,
          openInvoices.map((inv) => invoiceScoreValues(runId, run, inv)),
        );
        await insertRunAlerts(trx, realmId, runId, run.alerts, run.at);
        return runId;
      });
    },

    async trimRunDetail(realmId, keepWhole, at, maxRuns = 5) {
      const oldestKept = await db('risk_score_runs')
        .where({ realm_id: realmId, what_if: false })
        .orderBy('id', 'desc')
        .offset(Math.max(1, keepWhole) - 1)
        .first('id');
      if (!oldestKept) return [];
      const ids = (
        await db('risk_score_runs')
          .where({ realm_id: realmId })
          .where('id', '<', oldestKept.id)
          .whereNull('detail_trimmed_at')
          .orderBy('id')
          .limit(maxRuns)
          .pluck('id')
      ).map(Number);
      if (ids.length === 0) return [];
      await db.transaction(async (trx) => {
        await trx('invoice_scores').where({ realm_id: realmId }).whereIn('run_id', ids).delete();
        await trx('customer_scores')
          .where({ realm_id: realmId })
          .whereIn('run_id', ids)
          .update({ metrics_json: '{}', reasons_json: '[]' });
        await trx('risk_score_runs').where({ realm_id: realmId }).whereIn('id', ids).update({ detail_trimmed_at: at });
      });
      return ids;
    },

    async latestRun(realmId) {
      const r = await liveRuns(realmId).first(...SUMMARY_COLUMNS);
      return r ? summaryFromRow(realmId, r) : undefined;
    },

    async run(realmId, runId) {
      const r = await readDb('risk_score_runs')
        .where({ realm_id: realmId, id: runId })
        .first(...SUMMARY_COLUMNS);
      return r ? summaryFromRow(realmId, r) : undefined;
    },

    async runDetails(realmId, run) {
      const key = `${realmId}\u0000${run.id}`;
      let company = runCompanies.get(key);
      if (!company) {
        const r = await readDb('risk_score_runs').where({ id: run.id, realm_id: realmId }).first('company_json');
        if (!r) return undefined;
        company = parseRunCompany(String(r.company_json));
        runCompanies.set(key, company);
      }
      return { ...run, company };
    },

    async latestRunDetails(realmId) {
      const run = await store.latestRun(realmId);
      return run ? store.runDetails(realmId, run) : undefined;
    },

    async latestClusterCentres(realmId) {
      const run = await store.latestRun(realmId);
      const centres = run ? (await store.runDetails(realmId, run))?.company.clusters.centres : undefined;
      return centres && centres.length > 0 ? centres : undefined;
    },

    async latestStates(realmId) {
      const run = await liveRuns(realmId).first('id');
      if (!run) return new Map();
      const rows = await runCustomers(realmId, Number(run.id)).select(
        'customer_qbo_id',
        'smoothed_score',
        'stable_band',
        'rising_runs',
        'safer_runs',
      );
      return new Map(
        rows.map((r: Row) => [
          String(r.customer_qbo_id),
          {
            smoothed: toNumberOrNull(r.smoothed_score),
            band: (r.stable_band as ScoreState['band']) ?? null,
            risingRuns: Number(r.rising_runs),
            saferRuns: Number(r.safer_runs),
          },
        ]),
      );
    },

    async runExport(realmId, run) {
      const details = await store.runDetails(realmId, run);
      if (!details) return undefined;
      const [customers, invoices] = await Promise.all([
        runCustomers(realmId, run.id)
          .orderBy('customer_qbo_id')
          .select(...CUSTOMER_SCORE_READ_COLUMNS),
        readDb('invoice_scores')
          .where({ run_id: run.id, realm_id: realmId })
          .orderBy(['due_date', 'invoice_qbo_id'])
          .select(...INVOICE_SCORE_COLUMNS),
      ]);
      return {
        runId: run.id,
        asOf: run.asOf,
        whatIf: false,
        company: details.company,
        customers: (customers as Row[]).map(customerScoreFromRow),
        invoices: (invoices as Row[]).map(exportInvoiceFromRow),
      };
    },

    async runDistribution(realmId, runId, top = 5): Promise<RunDistribution> {
      const score = 'coalesce(smoothed_score, score)';
      const bins = Array.from({ length: BINS }, (_, i) =>
        readDb.raw(`sum(case when ${score} >= ? and ${score} < ? then 1 else 0 end) as b${i}`, [
          i * 10,
          i === BINS - 1 ? 1_000 : (i + 1) * 10,
        ]),
      );
      const [groups, highRisk, alertCount] = await Promise.all([
        runCustomers(realmId, runId)
          .groupBy('stable_band')
          .select('stable_band', readDb.raw('count(*) as n'), ...bins),
        runCustomers(realmId, runId)
          .where({ high_risk: true })
          .orderBy([{ column: 'outstanding_cents', order: 'desc' }, { column: 'customer_qbo_id' }])
          .limit(top)
          .select(
            'customer_qbo_id',
            'display_name',
            'outstanding_cents',
            'overdue_cents',
            'payment_rate',
            'smoothed_score',
            'score',
            'profitability_tier',
            'strategy',
          ),
        countRunAlerts(readDb, realmId, runId),
      ]);
      const bands = { low: 0, medium: 0, high: 0, unscored: 0 };
      const scoreBins = Array.from({ length: BINS }, () => 0);
      for (const g of groups as Row[]) {
        const band =
          g.stable_band === 'low' || g.stable_band === 'medium' || g.stable_band === 'high'
            ? g.stable_band
            : 'unscored';
        bands[band] += Number(g.n);
        scoreBins.forEach((_, i) => (scoreBins[i]! += Number(g[`b${i}`] ?? 0)));
      }
      return {
        bands,
        scoreBins,
        alertCount,
        topHighRisk: (highRisk as Row[]).map((r) => ({
          customerId: String(r.customer_qbo_id),
          name: String(r.display_name),
          outstandingCents: Number(r.outstanding_cents),
          overdueCents: Number(r.overdue_cents),
          paymentRate: toNumberOrNull(r.payment_rate),
          score: toNumberOrNull(r.smoothed_score) ?? toNumberOrNull(r.score),
          tier: String(r.profitability_tier),
          strategy: String(r.strategy),
        })),
      };
    },

    async runClusters(realmId, runId) {
      const key = `${realmId}\u0000${runId}`;
      let clusters = clusterNames.get(key);
      if (!clusters) {
        const profilesSql = pg
          ? `(company_json::json #> '{clusters,profiles}')::text`
          : `json_extract(company_json, '$.clusters.profiles')`;
        const row = await readDb('risk_score_runs')
          .where({ id: runId, realm_id: realmId })
          .first(readDb.raw(`${profilesSql} AS profiles`));
        const profiles = row?.profiles ? (JSON.parse(String(row.profiles)) as Array<{ id: number; name: string }>) : [];
        clusters = Array.isArray(profiles) ? profiles.map((p) => ({ id: Number(p.id), name: String(p.name) })) : [];
        clusterNames.set(key, clusters);
      }
      return clusters;
    },

    async customerPage(realmId, runId, q) {
      const key = `${realmId}\u0000${runId}\u0000${JSON.stringify(q)}`;
      const hit = pages.get(key);
      if (hit) return hit;
      const [count, rows] = await Promise.all([
        filtered(realmId, runId, q).count({ n: '*' }).first(),
        ordered(filtered(realmId, runId, q).select(LIST_COLUMNS), q)
          .limit(q.pageSize)
          .offset((q.page - 1) * q.pageSize),
      ]);
      const page = {
        rows: (rows as Row[]).map(listRowFromRow),
        total: Number((count as { n: number | string } | undefined)?.n ?? 0),
      };
      pages.set(key, page);
      return page;
    },

    async customerRows(realmId, runId, q) {
      return ((await ordered(filtered(realmId, runId, q).select(LIST_COLUMNS), q)) as Row[]).map(listRowFromRow);
    },

    async labelFacts(realmId, runId, customerIds) {
      const rows = (await runCustomers(realmId, runId)
        .where((q) => (customerIds === undefined ? q : q.whereIn('customer_qbo_id', [...customerIds])))
        .orderBy('customer_qbo_id')
        .select(
          'customer_qbo_id',
          'display_name',
          'band',
          'stable_band',
          'strategy',
          'credit_limit_cents',
          'metrics_json',
        )) as Row[];
      return rows.map(scoredCustomerFromRow);
    },

    async customerScore(realmId, runId, customerId) {
      const r = await runCustomers(realmId, runId)
        .where({ customer_qbo_id: customerId })
        .first(...CUSTOMER_SCORE_READ_COLUMNS);
      return r ? customerScoreFromRow(r) : undefined;
    },

    async customerHistory(realmId, customerId, limit = HISTORY_RUNS) {
      const rows = await readDb('customer_scores as s')
        .join('risk_score_runs as r', 'r.id', 's.run_id')
        .where({ 's.realm_id': realmId, 's.customer_qbo_id': customerId, 'r.realm_id': realmId, 'r.what_if': false })
        .orderBy('s.run_id', 'desc')
        .limit(limit)
        .select('s.run_id', 'r.as_of', 's.score', 's.smoothed_score', 's.stable_band', 's.band');
      return (rows as Row[]).reverse().map((r) => ({
        runId: Number(r.run_id),
        asOf: String(r.as_of),
        score: toNumberOrNull(r.score),
        smoothed: toNumberOrNull(r.smoothed_score),
        band: (r.stable_band ?? r.band ?? null) as ScoreState['band'],
      }));
    },

    async openInvoices(realmId, runId, customerId) {
      const rows = await readDb('invoice_scores')
        .where({ run_id: runId, realm_id: realmId, customer_qbo_id: customerId })
        .orderBy([
          { column: 'days_past_due', order: 'desc' },
          { column: 'due_date', order: 'asc' },
          { column: 'invoice_qbo_id', order: 'asc' },
        ])
        .select(...INVOICE_SCORE_COLUMNS);
      return (rows as Row[]).map(scoredOpenInvoiceFromRow);
    },
  };
  return store;
}

function summaryFromRow(realmId: string, r: Row): ScoreRunSummary {
  return {
    id: Number(r.id),
    realmId,
    asOf: String(r.as_of),
    policyVersion: Number(r.policy_version),
    trigger: String(r.trigger),
    createdAt: toDate(r.created_at)!,
  };
}
