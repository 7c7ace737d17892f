import type { CompanyAssessment, ProfitabilityTier } from './domain/assess-company.js';
import type { RiskBand } from './domain/risk-score.js';
import type { ScoreBacktest } from './domain/score-backtest.js';
import type { ScoreState } from './domain/score-stability.js';
import type { Strategy } from './domain/strategies.js';
import type { ClusterCentre, ClusterProfile } from './clusters/customer-clusters.js';
import type { ExportCustomer, ExportRun } from './exports.js';
import type { CashForecast, InvoiceOutlook } from './forecast/cash-forecast.js';
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

/** The customers of one run in aggregate, for the dashboard. */
export interface RunDistribution {
  /** Customers per stable band; `unscored` has never had a score (no history and no credit score). */
  bands: { low: number; medium: number; high: number; unscored: number };
  /** Customers per 10-point bin of the smoothed score: 0–9.99, 10–19.99, …, 90–100. */
  scoreBins: number[];
  /** The high-risk customers with the largest balances, largest first. */
  topHighRisk: Array<{
    customerId: string;
    name: string;
    outstandingCents: number;
    overdueCents: number;
    paymentRate: number | null;
    score: number | null;
    tier: string;
    strategy: string;
  }>;
  /** Alerts this run raised. */
  alertCount: number;
}

/** An alert a run raises about a customer (risk-alert-store.ts keeps them). */
export interface NewRunAlert {
  customerId: string;
  kind: string;
  message: string;
}

/** Everything a saved run keeps: the assessment, the company figures besides it, and per-customer panel facts. */
export interface RunToSave {
  realmId: string;
  assessment: CompanyAssessment;
  figures: Pick<RunCompanyFigures, 'modelCard' | 'clusters' | 'forecast' | 'panel' | 'scoreBacktest'>;
  trigger: string;
  at: Date;
  /** Each customer's smoothing state after this run (score-stability.ts). */
  states: ReadonlyMap<string, ScoreState>;
  alerts: readonly NewRunAlert[];
  clusterOf?: ReadonlyMap<string, number>;
  /** Each open invoice's strongest features in the late-payment model. */
  topFeatures?: ReadonlyMap<string, ReadonlyArray<{ feature: string; contribution: number }>>;
  /** The cash forecast's per-invoice chances; kept for past-due invoices only (openInvoiceChances). */
  outlooks?: ReadonlyMap<string, InvoiceOutlook>;
}

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

/** A customer as a run scored them, as a write-back label is made from it. */
export interface ScoredCustomer {
  customerId: string;
  name: string;
  /** The stable band (what the panel shows); null when never scored. */
  band: RiskBand | null;
  strategy: Strategy;
  creditLimit: { cents: number; basis: string; summary?: string };
}

/** One point of a customer's score history. */
export interface ScorePoint {
  runId: number;
  asOf: string;
  score: number | null;
  smoothed: number | null;
  band: RiskBand | null;
}

/** An open invoice as a run scored it (invoice_scores), with the chances that apply to it (openInvoiceChances). */
export interface ScoredOpenInvoice {
  invoiceId: string;
  docNumber: string | null;
  dueDate: string;
  openCents: number;
  daysPastDue: number;
  /** Not yet due: the chance it is paid late. Past due: null, and the two chances below apply. */
  lateProbability: number | null;
  collectedWithin30Days: number | null;
  neverCollected: number | null;
  strategy: Strategy;
  topFeatures: Array<{ feature: string; contribution: number }>;
}

/**
 * Score runs and what each keeps (risk_score_runs, customer_scores, invoice_scores); all scoped by realm. Writes
 * go to the writer connection, reads to the read-only pool.
 */
export interface ScoreRunStore {
  /** Saves a run with its customers, open invoices and alerts, in one transaction; returns the run's id. */
  saveRun(run: RunToSave): Promise<number>;
  /**
   * Drops the detail of this company's runs older than its newest `keepWhole` (invoice rows, customers' metrics
   * and reasons); scores, bands and smoothing state stay. At most `maxRuns` runs per call; returns their ids.
   */
  trimRunDetail(realmId: string, keepWhole: number, at: Date, maxRuns?: number): Promise<number[]>;
  /** The latest saved run's summary; undefined before the first. */
  latestRun(realmId: string): Promise<ScoreRunSummary | undefined>;
  /** One run of the company by id (a saved run or a what-if), or undefined. */
  run(realmId: string, runId: number): Promise<ScoreRunSummary | undefined>;
  /** A run's company figures, parsed once per run id. */
  runDetails(realmId: string, run: ScoreRunSummary): Promise<RunDetails | undefined>;
  latestRunDetails(realmId: string): Promise<RunDetails | undefined>;
  /** The cluster centres of the latest run: the warm start that keeps cluster ids and names stable. */
  latestClusterCentres(realmId: string): Promise<ClusterCentre[] | undefined>;
  /** Each customer's smoothing state after the company's latest run. */
  latestStates(realmId: string): Promise<Map<string, ScoreState>>;
  /** A saved run as the exports read it; undefined for another company's run id. */
  runExport(realmId: string, run: ScoreRunSummary): Promise<ExportRun | undefined>;
  runDistribution(realmId: string, runId: number, top?: number): Promise<RunDistribution>;
  /** A run's behavioural clusters (id → name), read from company_json in SQL. */
  runClusters(realmId: string, runId: number): Promise<Array<{ id: number; name: string }>>;
  /** One page of a run's customers and the number matching the filters. */
  customerPage(
    realmId: string,
    runId: number,
    q: CustomerListQuery,
  ): Promise<{ rows: CustomerListRow[]; total: number }>;
  /** Every matching customer of a run, in the list's order. */
  customerRows(
    realmId: string,
    runId: number,
    q: Omit<CustomerListQuery, 'page' | 'pageSize'>,
  ): Promise<CustomerListRow[]>;
  /** Every customer of a run as a write-back label is made from: stable band, strategy, credit limit and basis. */
  labelFacts(realmId: string, runId: number, customerIds?: readonly string[]): Promise<ScoredCustomer[]>;
  /** One customer as a run scored them; undefined when not in the run. */
  customerScore(realmId: string, runId: number, customerId: string): Promise<ExportCustomer | undefined>;
  /** The customer's score over the last `limit` saved runs, oldest first. */
  customerHistory(realmId: string, customerId: string, limit?: number): Promise<ScorePoint[]>;
  /** The run's open invoices of this customer, most overdue first. */
  openInvoices(realmId: string, runId: number, customerId: string): Promise<ScoredOpenInvoice[]>;
}

/** What a score run reads and writes of the store. */
export type ScoreRunKeeping = Pick<
  ScoreRunStore,
  'saveRun' | 'trimRunDetail' | 'latestStates' | 'latestClusterCentres'
>;
