import { LRUCache } from 'lru-cache';
import { isUniqueViolation, type Db } from '../../db/knex.js';
import { insertRows } from '../../db/insert-rows.js';
import { foldForSearch } from '../../shared/search-text.js';
import { toDate, toNumberOrNull } from '../../db/row-values.js';
import type { CompanyAssessment, ProfitabilityTier } from './domain/assess-company.js';
import type { CustomerMetrics } from './domain/customer-metrics.js';
import type { RiskBand, RiskScore } from './domain/risk-score.js';
import type { CreditLimit, HighRiskSegment, Strategy } from './domain/strategies.js';
import type { ExportCustomer, ExportInvoice, ExportRun } from './exports.js';
import { DEFAULT_RISK_POLICY, DEFAULT_STRATEGIES, riskPolicySchema, type RiskPolicy } from './domain/risk-policy.js';
import type { ScoreState } from './domain/score-stability.js';
import type { ClusterCentre, ClusterProfile } from './clusters/customer-clusters.js';
import type { CashForecast, InvoiceOutlook } from './forecast/cash-forecast.js';
import { openInvoiceChances } from './forecast/open-invoice-chances.js';
import type { ScoreBacktest } from './domain/score-backtest.js';
import type { LatePaymentModelCard } from './model/late-payment-model.js';
import type { PanelSummary } from './panel-summary.js';

export interface ScoreRunSummary {
  id: number;
  realmId: string;
  asOf: string;
  policyVersion: number;
  trigger: string;
  createdAt: Date;
}

/**
 * A run's company_json: the company's figures as of the run, small enough to read on every dashboard view.
 * Per-customer and per-invoice rows live in customer_scores and invoice_scores, not here.
 */
export type RunCompanyFigures = Omit<CompanyAssessment, 'customers' | 'openInvoices'> & {
  modelCard: LatePaymentModelCard;
  clusters: { centres: ClusterCentre[]; profiles: ClusterProfile[] };
  forecast: CashForecast;
  /** Written since the dashboard (average invoice by tier); absent on older runs. */
  panel?: PanelSummary;
  /** The score as of six months before, checked against what followed; absent on older runs. */
  scoreBacktest?: ScoreBacktest;
};

export type RunDetails = ScoreRunSummary & { company: RunCompanyFigures };

/** A run as its alert digest tells it. */
export interface DigestFacts {
  asOf: string;
  company: RunCompanyFigures;
  alertMessages: string[];
}

/** The customers of one run in aggregate, for the dashboard. */
export interface RunDistribution {
  /** Customers per stable band; `unscored` has never had a score (no history and no credit score). */
  bands: { low: number; medium: number; high: number; unscored: number };
  /** Customers per 10-point bin of the smoothed score: 0–9.99, 10–19.99, …, 90–100. */
  scoreBins: number[];
  /** The high-risk customers with the largest balances, largest first. */
  topHighRisk: Array<{ customerId: string; name: string; outstandingCents: number; overdueCents: number; paymentRate: number | null; score: number | null; tier: string; strategy: string }>;
  /** Alerts this run raised. */
  alertCount: number;
}

/** customer_scores and invoice_scores as a run writes them (insertRows: values in this order). */
const CUSTOMER_SCORE_COLUMNS = [
  'run_id', 'realm_id', 'customer_qbo_id', 'score', 'band', 'high_risk',
  'payment_rate', 'outstanding_cents', 'gross_profit_cents',
  'profitability_tier', 'display_name', 'strategy', 'cluster_id',
  'overdue_cents', 'credit_limit_cents',
  'metrics_json', 'reasons_json',
  'smoothed_score', 'stable_band', 'rising_runs', 'safer_runs', 'search_name',
] as const;
const INVOICE_SCORE_COLUMNS = [
  'run_id', 'realm_id', 'invoice_qbo_id', 'customer_qbo_id', 'doc_number', 'due_date', 'open_cents', 'days_past_due', 'late_probability',
  'strategy', 'top_features_json', 'chance_collected_within_30_days', 'chance_never_collected',
] as const;

type Row = Record<string, unknown>;
const EXPORT_CUSTOMER_COLUMNS = [
  'customer_qbo_id', 'display_name', 'score', 'band', 'high_risk', 'smoothed_score', 'stable_band', 'profitability_tier', 'strategy',
  'cluster_id', 'metrics_json', 'reasons_json',
] as const;

/** A customer_scores row as the exports read it; fields recorded only in newer runs are null in older ones. */
function exportCustomer(r: Row): ExportCustomer {
  const { strategy: _strategy, segment, creditLimit, active, creditScore, ...metrics } = JSON.parse(String(r.metrics_json)) as CustomerMetrics & {
    strategy?: Strategy; segment?: HighRiskSegment | null; creditLimit?: CreditLimit; active?: boolean; creditScore?: number | null;
  };
  const score = toNumberOrNull(r.score);
  const band = (r.band as RiskBand | null) ?? null;
  return {
    customerId: String(r.customer_qbo_id), name: String(r.display_name), active: active ?? null, creditScore: creditScore ?? null, metrics,
    risk: {
      score, band: (r.stable_band as RiskBand | null) ?? band, ownBand: band, highRisk: Boolean(r.high_risk),
      reasons: JSON.parse(String(r.reasons_json)) as RiskScore['reasons'],
    },
    shown: { score: toNumberOrNull(r.smoothed_score) ?? score, band: (r.stable_band as RiskBand | null) ?? band },
    profitabilityTier: r.profitability_tier as ProfitabilityTier, strategy: r.strategy as Strategy, segment: segment ?? null,
    creditLimit: creditLimit ?? { cents: 0, basis: '' }, clusterId: toNumberOrNull(r.cluster_id),
  };
}

function exportInvoice(r: Row): ExportInvoice {
  const daysPastDue = Number(r.days_past_due);
  const lateProbability = toNumberOrNull(r.late_probability);
  const saved = {
    collectedWithin30Days: toNumberOrNull(r.chance_collected_within_30_days), neverCollected: toNumberOrNull(r.chance_never_collected),
  };
  return {
    invoiceId: String(r.invoice_qbo_id), docNumber: (r.doc_number as string | null) ?? null, customerId: String(r.customer_qbo_id),
    dueDate: String(r.due_date), openCents: Number(r.open_cents), daysPastDue, lateProbability, strategy: r.strategy as Strategy,
    chances: openInvoiceChances(daysPastDue, lateProbability, saved.collectedWithin30Days === null || saved.neverCollected === null
      ? undefined : { collectedWithin30Days: saved.collectedWithin30Days, neverCollected: saved.neverCollected }),
  };
}

/** Parsed company_json per run id: runs never change, so a bounded cache (least recently used dropped) is always right. */
const RUN_CACHE_SIZE = 64;
const SUMMARY_COLUMNS = ['id', 'as_of', 'policy_version', 'trigger', 'created_at'] as const;

function toRunSummary(realmId: string, r: Row): ScoreRunSummary {
  return { id: Number(r.id), realmId, asOf: String(r.as_of), policyVersion: Number(r.policy_version), trigger: String(r.trigger), createdAt: toDate(r.created_at)! };
}

function parseRunCompany(json: string): RunCompanyFigures {
  // Runs written before the dashboard also carried every open invoice and cluster assignment: dropped here.
  const { openInvoices: _invoices, customers: _customers, ...company } = JSON.parse(json) as RunCompanyFigures & { openInvoices?: unknown; customers?: unknown };
  const { assignments: _assignments, ...clusters } = (company.clusters ?? { centres: [], profiles: [] }) as RunCompanyFigures['clusters'] & { assignments?: unknown };
  // Runs written before the policy held the strategy cells were scored with the default cells.
  type HighRisk = RunCompanyFigures['highRisk'];
  const stored = company.highRisk as Omit<HighRisk, 'strategyByProfitability'> & Partial<Pick<HighRisk, 'strategyByProfitability'>>;
  const highRisk: HighRisk = { ...stored, strategyByProfitability: stored.strategyByProfitability ?? DEFAULT_STRATEGIES.byCell.high };
  return { ...company, highRisk, clusters };
}

/** What the panel reads per run besides the assessment: cluster ids and each open invoice's strongest features. */
export interface RunPanelFacts {
  clusterOf?: ReadonlyMap<string, number>;
  topFeatures?: ReadonlyMap<string, ReadonlyArray<{ feature: string; contribution: number }>>;
  /** The cash forecast's per-invoice chances; kept for past-due invoices only (openInvoiceChances). */
  outlooks?: ReadonlyMap<string, InvoiceOutlook>;
}

/** Score runs, the per-customer score history, credit scores and the versioned policy; all scoped by realm. */
export function createRiskStore(db: Db) {
  const runCompanies = new LRUCache<number, RunCompanyFigures>({ max: RUN_CACHE_SIZE });

  /** The latest run's summary (its company figures are not read). */
  async function latestRun(realmId: string): Promise<ScoreRunSummary | undefined> {
    const r = await db('risk_score_runs').where({ realm_id: realmId, what_if: false }).orderBy('id', 'desc').first(...SUMMARY_COLUMNS);
    return r ? toRunSummary(realmId, r) : undefined;
  }

  /** A run's company figures, parsed once per run id (bounded cache). */
  async function runDetails(realmId: string, run: ScoreRunSummary): Promise<RunDetails | undefined> {
    let company = runCompanies.get(run.id);
    if (!company) {
      const r = await db('risk_score_runs').where({ id: run.id, realm_id: realmId }).first('company_json');
      if (!r) return undefined;
      company = parseRunCompany(String(r.company_json));
      runCompanies.set(run.id, company);
    }
    return { ...run, company };
  }

  return {
    latestRun,
    runDetails,
    async policy(realmId: string): Promise<RiskPolicy> {
      const row = await db('risk_policies').where({ realm_id: realmId }).orderBy('version', 'desc').first();
      return row ? riskPolicySchema.parse(JSON.parse(row.policy_json)) : DEFAULT_RISK_POLICY;
    },

    /** Saves a new version of the policy (validated); returns it with its version number. */
    async savePolicy(realmId: string, policy: Omit<RiskPolicy, 'version'>, at: Date): Promise<RiskPolicy> {
      // Two saves at once (two people on Settings) read the same latest version; the second insert is refused
      // by the key and simply takes the next number. Both are kept, the later one current.
      for (let attempt = 1; ; attempt++) {
        const current = await db('risk_policies').where({ realm_id: realmId }).max({ v: 'version' }).first();
        const next = riskPolicySchema.parse({ ...policy, version: Math.max(DEFAULT_RISK_POLICY.version, Number(current?.v ?? 0)) + 1 });
        try {
          await db('risk_policies').insert({ realm_id: realmId, version: next.version, policy_json: JSON.stringify(next), created_at: at });
          return next;
        } catch (error) {
          if (attempt >= 5 || !isUniqueViolation(error)) throw error;
        }
      }
    },

    /** The newest saved policy version's save time; undefined while the company uses the defaults. */
    async policySavedAt(realmId: string): Promise<Date | undefined> {
      const row = await db('risk_policies').where({ realm_id: realmId }).orderBy('version', 'desc').first('created_at');
      return row ? toDate(row.created_at)! : undefined;
    },

    /** What the alert digest of a run says: its as-of date, the company's figures and the alerts it raised. */
    async digestFacts(realmId: string, runId: number): Promise<DigestFacts | undefined> {
      const r = await db('risk_score_runs').where({ id: runId, realm_id: realmId }).first(...SUMMARY_COLUMNS);
      if (!r) return undefined;
      const run = toRunSummary(realmId, r);
      const [details, alerts] = await Promise.all([
        runDetails(realmId, run), db('risk_alerts').where({ realm_id: realmId, run_id: runId }).orderBy('id').select('message'),
      ]);
      return details && { asOf: run.asOf, company: details.company, alertMessages: alerts.map((a: { message: string }) => String(a.message)) };
    },

    /** The cluster centres of the latest run: the warm start that keeps cluster ids and names stable. */
    async latestClusterCentres(realmId: string): Promise<ClusterCentre[] | undefined> {
      const run = await latestRun(realmId);
      const centres = run ? (await runDetails(realmId, run))?.company.clusters.centres : undefined;
      return centres && centres.length > 0 ? centres : undefined;
    },

    /** Each customer's hysteresis state after the company's latest run. */
    async latestStates(realmId: string): Promise<Map<string, ScoreState>> {
      const run = await db('risk_score_runs').where({ realm_id: realmId, what_if: false }).orderBy('id', 'desc').first('id');
      if (!run) return new Map();
      const rows = await db('customer_scores').where({ run_id: run.id, realm_id: realmId }).select('customer_qbo_id', 'smoothed_score', 'stable_band', 'rising_runs', 'safer_runs');
      return new Map(rows.map((r: Record<string, unknown>) => [String(r.customer_qbo_id), {
        smoothed: r.smoothed_score === null ? null : Number(r.smoothed_score), band: (r.stable_band as ScoreState['band']) ?? null,
        risingRuns: Number(r.rising_runs), saferRuns: Number(r.safer_runs),
      }]));
    },

    async alerts(realmId: string, limit = 50): Promise<Array<{ id: number; customerId: string; kind: string; message: string; createdAt: Date }>> {
      return (await db('risk_alerts').where({ realm_id: realmId }).orderBy('id', 'desc').limit(limit)).map((r: Record<string, unknown>) => ({
        id: Number(r.id), customerId: String(r.customer_qbo_id), kind: String(r.kind), message: String(r.message), createdAt: toDate(r.created_at)!,
      }));
    },

    async saveRun(realmId: string, a: CompanyAssessment, extra: Record<string, unknown>, trigger: string, at: Date, stability: { states: Map<string, ScoreState>; alerts: Array<{ customerId: string; kind: string; message: string }> } = { states: new Map(), alerts: [] }, panel: RunPanelFacts = {}): Promise<number> {
      return db.transaction(async (trx) => {
        // company_json stays small (the dashboard reads it): customers and open invoices get rows of their own.
        const { customers, openInvoices: _openInvoices, ...company } = a;
        const [row] = await trx('risk_score_runs').insert({ realm_id: realmId, as_of: a.asOf, policy_version: a.policyVersion, trigger, created_at: at, company_json: JSON.stringify({ ...company, ...extra }) }).returning('id');
        const runId = Number(typeof row === 'object' ? (row as { id: number }).id : row);
        await insertRows(trx, 'customer_scores', CUSTOMER_SCORE_COLUMNS, customers.map((c) => {
          const state = stability.states.get(c.customerId);
          return [
            runId, realmId, c.customerId, c.risk.score, c.risk.ownBand, c.risk.highRisk,
            c.metrics.paymentRate, c.metrics.outstandingCents, c.metrics.grossProfitCents,
            c.profitabilityTier, c.name, c.strategy, panel.clusterOf?.get(c.customerId) ?? null,
            c.metrics.outstandingCents - c.metrics.aging.current, c.creditLimit.cents,
            JSON.stringify({ ...c.metrics, strategy: c.strategy, segment: c.segment, creditLimit: c.creditLimit, active: c.active, creditScore: c.creditScore }),
            JSON.stringify(c.risk.reasons),
            state?.smoothed ?? null, state?.band ?? null, state?.risingRuns ?? 0, state?.saferRuns ?? 0, foldForSearch(c.name),
          ];
        }));
        await insertRows(trx, 'invoice_scores', INVOICE_SCORE_COLUMNS, a.openInvoices.map((inv) => {
          const top = panel.topFeatures?.get(inv.invoiceId);
          const chances = openInvoiceChances(inv.daysPastDue, inv.lateProbability, panel.outlooks?.get(inv.invoiceId));
          return [
            runId, realmId, inv.invoiceId, inv.customerId, inv.docNumber, inv.dueDate, inv.openCents, inv.daysPastDue, inv.lateProbability,
            inv.strategy, top ? JSON.stringify(top) : null, chances.collectedWithin30Days, chances.neverCollected,
          ];
        }));
        await insertRows(trx, 'risk_alerts', ['realm_id', 'customer_qbo_id', 'run_id', 'kind', 'message', 'created_at'],
          stability.alerts.map((al) => [realmId, al.customerId, runId, al.kind, al.message, at]));
        return runId;
      });
    },

    /**
     * Drops the detail of this company's runs older than its newest `keepWhole`: their invoice_scores rows and
     * their customers' metrics and reasons ('{}' and '[]'), which only the latest run's pages read. Scores, bands
     * and smoothing state stay: they are the score history. At most `maxRuns` runs per call, oldest first, so a
     * long backlog (a database from before this existed) is worked off a few runs at a time. Returns their ids.
     */
    async trimRunDetail(realmId: string, keepWhole: number, at: Date, maxRuns = 5): Promise<number[]> {
      const oldestKept = await db('risk_score_runs').where({ realm_id: realmId, what_if: false }).orderBy('id', 'desc').offset(Math.max(1, keepWhole) - 1).first('id');
      if (!oldestKept) return [];
      const ids = (await db('risk_score_runs').where({ realm_id: realmId }).where('id', '<', oldestKept.id).whereNull('detail_trimmed_at')
        .orderBy('id').limit(maxRuns).pluck('id')).map(Number);
      if (ids.length === 0) return [];
      await db.transaction(async (trx) => {
        await trx('invoice_scores').where({ realm_id: realmId }).whereIn('run_id', ids).delete();
        await trx('customer_scores').where({ realm_id: realmId }).whereIn('run_id', ids).update({ metrics_json: '{}', reasons_json: '[]' });
        await trx('risk_score_runs').where({ realm_id: realmId }).whereIn('id', ids).update({ detail_trimmed_at: at });
      });
      return ids;
    },

    /**
     * A saved run as the exports read it: its company figures, every customer's row (metrics_json holds the
     * metrics, segment and credit limit) and its open invoices. Undefined for another company's run id.
     */
    async runExport(realmId: string, run: ScoreRunSummary): Promise<ExportRun | undefined> {
      const details = await runDetails(realmId, run);
      if (!details) return undefined;
      const [customers, invoices] = await Promise.all([
        db('customer_scores').where({ run_id: run.id, realm_id: realmId }).orderBy('customer_qbo_id').select(...EXPORT_CUSTOMER_COLUMNS),
        db('invoice_scores').where({ run_id: run.id, realm_id: realmId }).orderBy(['due_date', 'invoice_qbo_id']).select(...INVOICE_SCORE_COLUMNS),
      ]);
      return {
        runId: run.id, asOf: run.asOf, whatIf: false, company: details.company,
        customers: (customers as Row[]).map(exportCustomer), invoices: (invoices as Row[]).map(exportInvoice),
      };
    },

    /** The latest run with its company figures (model card, clusters, forecast, strategies) for the panel. */
    async latestRunDetails(realmId: string): Promise<RunDetails | undefined> {
      const run = await latestRun(realmId);
      return run ? runDetails(realmId, run) : undefined;
    },

    /** A run's customers in aggregate: stable bands, a histogram of smoothed scores, the largest high-risk balances, alerts raised. */
    async runDistribution(realmId: string, runId: number, top = 5): Promise<RunDistribution> {
      const score = 'coalesce(smoothed_score, score)';
      const bins = Array.from({ length: 10 }, (_, i) => db.raw(`sum(case when ${score} >= ? and ${score} < ? then 1 else 0 end) as b${i}`, [i * 10, i === 9 ? 1_000 : (i + 1) * 10]));
      const groups = await db('customer_scores').where({ run_id: runId, realm_id: realmId }).groupBy('stable_band')
        .select('stable_band', db.raw('count(*) as n'), ...bins);
      const bands = { low: 0, medium: 0, high: 0, unscored: 0 };
      const scoreBins = Array.from({ length: 10 }, () => 0);
      for (const g of groups as Array<Record<string, unknown>>) {
        const band = g.stable_band === 'low' || g.stable_band === 'medium' || g.stable_band === 'high' ? g.stable_band : 'unscored';
        bands[band] += Number(g.n);
        scoreBins.forEach((_, i) => (scoreBins[i]! += Number(g[`b${i}`] ?? 0)));
      }
      const highRisk = await db('customer_scores').where({ run_id: runId, realm_id: realmId, high_risk: true })
        .orderBy([{ column: 'outstanding_cents', order: 'desc' }, { column: 'customer_qbo_id' }]).limit(top)
        .select('customer_qbo_id', 'display_name', 'outstanding_cents', 'overdue_cents', 'payment_rate', 'smoothed_score', 'score', 'profitability_tier', 'strategy');
      const alerts = await db('risk_alerts').where({ realm_id: realmId, run_id: runId }).count({ n: '*' }).first();
      return {
        bands, scoreBins, alertCount: Number(alerts?.n ?? 0),
        topHighRisk: highRisk.map((r: Record<string, unknown>) => ({
          customerId: String(r.customer_qbo_id), name: String(r.display_name), outstandingCents: Number(r.outstanding_cents), overdueCents: Number(r.overdue_cents),
          paymentRate: r.payment_rate === null ? null : Number(r.payment_rate), score: r.smoothed_score !== null ? Number(r.smoothed_score) : r.score !== null ? Number(r.score) : null,
          tier: String(r.profitability_tier), strategy: String(r.strategy),
        })),
      };
    },

    /** A customer's score over the runs, oldest first. */
    async history(realmId: string, customerId: string): Promise<Array<{ runId: number; asOf: string; score: number | null; band: string | null }>> {
      const rows = await db('customer_scores').join('risk_score_runs', 'risk_score_runs.id', 'customer_scores.run_id')
        .where({ 'customer_scores.realm_id': realmId, 'customer_scores.customer_qbo_id': customerId, 'risk_score_runs.what_if': false })
        .orderBy('risk_score_runs.id').select('risk_score_runs.id as run_id', 'risk_score_runs.as_of', 'customer_scores.score', 'customer_scores.band');
      return rows.map((r: Record<string, unknown>) => ({ runId: Number(r.run_id), asOf: String(r.as_of), score: r.score === null ? null : Number(r.score), band: (r.band as string | null) ?? null }));
    },

    /** All or nothing: every row is written in one transaction. */
    async importCreditScores(realmId: string, rows: ReadonlyArray<{ customerId: string; score: number }>, at: Date): Promise<void> {
      await db.transaction(async (trx) => {
        for (const r of rows) {
          await trx('customer_credit_scores').insert({ realm_id: realmId, customer_qbo_id: r.customerId, score: r.score, source: 'import', updated_at: at }).onConflict(['realm_id', 'customer_qbo_id']).merge();
        }
      });
    },

    /** Each customer's credit score, imported or entered. */
    async creditScores(realmId: string): Promise<Map<string, number>> {
      const rows = await db('customer_credit_scores').where({ realm_id: realmId }).select('customer_qbo_id', 'score');
      return new Map(rows.map((r: Record<string, unknown>) => [String(r.customer_qbo_id), Number(r.score)]));
    },

    async customerNames(realmId: string): Promise<Map<string, string>> {
      return new Map((await db('qbo_customers').where({ realm_id: realmId }).whereNull('deleted_at').select('qbo_id', 'display_name')).map((r: { qbo_id: string; display_name: string }) => [String(r.qbo_id), r.display_name]));
    },

    async setCreditScore(realmId: string, customerId: string, score: number, source: 'manual' | 'import', at: Date): Promise<void> {
      await db('customer_credit_scores').insert({ realm_id: realmId, customer_qbo_id: customerId, score, source, updated_at: at }).onConflict(['realm_id', 'customer_qbo_id']).merge();
    },
  };
}

export type RiskStore = ReturnType<typeof createRiskStore>;
