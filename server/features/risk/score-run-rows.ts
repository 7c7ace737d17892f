import { toNumberOrNull } from '../../db/row-values.js';
import { foldForSearch } from '../../shared/search-text.js';
import type { CustomerAssessment, OpenInvoiceAssessment, ProfitabilityTier } from './domain/assess-company.js';
import type { CustomerMetrics } from './domain/customer-metrics.js';
import { DEFAULT_STRATEGIES } from './domain/risk-policy.js';
import type { RiskBand, RiskScore } from './domain/risk-score.js';
import type { CreditLimit, HighRiskSegment, Strategy } from './domain/strategies.js';
import type { ExportCustomer, ExportInvoice } from './exports.js';
import { openInvoiceChances } from './forecast/open-invoice-chances.js';
import type {
  CustomerListRow,
  ListSort,
  RunCompanyFigures,
  RunToSave,
  ScoredCustomer,
  ScoredOpenInvoice,
} from './score-run-store-type.js';

/** The score-run store's rows to and from domain objects (score-run-store.ts runs the SQL). Pure. */

export type Row = Record<string, unknown>;

/** customer_scores and invoice_scores as a run writes them (insertRows: values in this order). */
export const CUSTOMER_SCORE_COLUMNS = [
  'run_id',
  'realm_id',
  'customer_qbo_id',
  'score',
  'band',
  'high_risk',
  'payment_rate',
  'outstanding_cents',
  'gross_profit_cents',
  'profitability_tier',
  'display_name',
  'strategy',
  'cluster_id',
  'overdue_cents',
  'credit_limit_cents',
  'metrics_json',
  'reasons_json',
  'smoothed_score',
  'stable_band',
  'rising_runs',
  'safer_runs',
  'search_name',
] as const;
export const INVOICE_SCORE_COLUMNS = [
  'run_id',
  'realm_id',
  'invoice_qbo_id',
  'customer_qbo_id',
  'doc_number',
  'due_date',
  'open_cents',
  'days_past_due',
  'late_probability',
  'strategy',
  'top_features_json',
  'chance_collected_within_30_days',
  'chance_never_collected',
] as const;
/** What customerScoreFromRow reads. */
export const CUSTOMER_SCORE_READ_COLUMNS = [
  'customer_qbo_id',
  'display_name',
  'score',
  'band',
  'high_risk',
  'smoothed_score',
  'stable_band',
  'profitability_tier',
  'strategy',
  'cluster_id',
  'credit_limit_cents',
  'metrics_json',
  'reasons_json',
] as const;
/** The list's columns; all of them are in the covering index of migration 1000, so a page never reads the wide rows. */
export const LIST_COLUMNS = [
  'customer_qbo_id',
  'display_name',
  'smoothed_score',
  'score',
  'stable_band',
  'band',
  'high_risk',
  'payment_rate',
  'outstanding_cents',
  'overdue_cents',
  'gross_profit_cents',
  'profitability_tier',
  'strategy',
  'cluster_id',
  'credit_limit_cents',
];

/**
 * Sort keys as SQL: names case-insensitively (byte order on both databases: PostgreSQL's "C" collation is
 * SQLite's BINARY, so the two never disagree); missing scores and rates always last, whatever the direction.
 */
export const SORT_SQL: Record<ListSort, { column: string; nullable: boolean }> = {
  name: { column: 'search_name', nullable: false },
  score: { column: 'smoothed_score', nullable: true },
  outstanding: { column: 'outstanding_cents', nullable: false },
  overdue: { column: 'overdue_cents', nullable: false },
  paymentRate: { column: 'payment_rate', nullable: true },
  grossProfit: { column: 'gross_profit_cents', nullable: false },
};

export function parseRunCompany(json: string): RunCompanyFigures {
  // Runs written before the dashboard also carried every open invoice and cluster assignment: dropped here.
  const {
    openInvoices: _invoices,
    customers: _customers,
    ...company
  } = JSON.parse(json) as RunCompanyFigures & {
    openInvoices?: unknown;
    customers?: unknown;
  };
  const { assignments: _assignments, ...clusters } = (company.clusters ?? {
    centres: [],
    profiles: [],
  }) as RunCompanyFigures['clusters'] & { assignments?: unknown };
  // Runs written before the policy held the strategy cells were scored with the default cells.
  type HighRisk = RunCompanyFigures['highRisk'];
  const stored = company.highRisk as Omit<HighRisk, 'strategyByProfitability'> &
    Partial<Pick<HighRisk, 'strategyByProfitability'>>;
  const highRisk: HighRisk = {
    ...stored,
    strategyByProfitability: stored.strategyByProfitability ?? DEFAULT_STRATEGIES.byCell.high,
  };
  return { ...company, highRisk, clusters };
}

/**
 * A customer_scores row (CUSTOMER_SCORE_READ_COLUMNS) as the run scored the customer: the one reading of the row,
 * for the exports and the customer's page. Fields recorded only in newer runs are null in older ones.
 */
export function customerScoreFromRow(r: Row): ExportCustomer {
  const {
    strategy: _strategy,
    segment,
    creditLimit,
    active,
    creditScore,
    ...metrics
  } = JSON.parse(String(r.metrics_json)) as CustomerMetrics & {
    strategy?: Strategy;
    segment?: HighRiskSegment | null;
    creditLimit?: CreditLimit;
    active?: boolean;
    creditScore?: number | null;
  };
  const score = toNumberOrNull(r.score);
  const band = (r.band as RiskBand | null) ?? null;
  const stableBand = (r.stable_band as RiskBand | null) ?? band;
  return {
    customerId: String(r.customer_qbo_id),
    name: String(r.display_name),
    active: active ?? null,
    creditScore: creditScore ?? null,
    metrics,
    risk: {
      score,
      band: stableBand,
      ownBand: band,
      highRisk: Boolean(r.high_risk),
      reasons: JSON.parse(String(r.reasons_json)) as RiskScore['reasons'],
    },
    shown: { score: toNumberOrNull(r.smoothed_score) ?? score, band: stableBand },
    profitabilityTier: r.profitability_tier as ProfitabilityTier,
    strategy: r.strategy as Strategy,
    segment: segment ?? null,
    creditLimit: creditLimit ?? { cents: Number(r.credit_limit_cents ?? 0), basis: '' },
    clusterId: toNumberOrNull(r.cluster_id),
  };
}

/** A customer_scores row as write-back reads it (the credit limit's basis is in metrics_json, when kept). */
export function scoredCustomerFromRow(r: Row): ScoredCustomer {
  const metrics = r.metrics_json ? (JSON.parse(String(r.metrics_json)) as { creditLimit?: CreditLimit }) : {};
  const band = (r.band as RiskBand | null) ?? null;
  return {
    customerId: String(r.customer_qbo_id),
    name: String(r.display_name),
    band: (r.stable_band as RiskBand | null) ?? band,
    strategy: r.strategy as Strategy,
    creditLimit: metrics.creditLimit ?? { cents: Number(r.credit_limit_cents ?? 0), basis: '' },
  };
}

/** An invoice_scores row (INVOICE_SCORE_COLUMNS) as the exports read it. */
export function exportInvoiceFromRow(r: Row): ExportInvoice {
  const scored = scoredOpenInvoiceFromRow(r);
  const { lateProbability, collectedWithin30Days, neverCollected } = scored;
  return {
    invoiceId: scored.invoiceId,
    docNumber: scored.docNumber,
    customerId: String(r.customer_qbo_id),
    dueDate: scored.dueDate,
    openCents: scored.openCents,
    daysPastDue: scored.daysPastDue,
    lateProbability: toNumberOrNull(r.late_probability),
    strategy: scored.strategy,
    chances: { lateProbability, collectedWithin30Days, neverCollected },
  };
}

/** An invoice_scores row with the chances that apply to it (openInvoiceChances). */
export function scoredOpenInvoiceFromRow(r: Row): ScoredOpenInvoice {
  const daysPastDue = Number(r.days_past_due);
  const collected = toNumberOrNull(r.chance_collected_within_30_days);
  const never = toNumberOrNull(r.chance_never_collected);
  const outlook =
    collected === null || never === null ? undefined : { collectedWithin30Days: collected, neverCollected: never };
  return {
    invoiceId: String(r.invoice_qbo_id),
    docNumber: (r.doc_number as string | null) ?? null,
    dueDate: String(r.due_date),
    openCents: Number(r.open_cents),
    daysPastDue,
    ...openInvoiceChances(daysPastDue, toNumberOrNull(r.late_probability), outlook),
    strategy: r.strategy as Strategy,
    topFeatures: r.top_features_json
      ? (JSON.parse(String(r.top_features_json)) as ScoredOpenInvoice['topFeatures'])
      : [],
  };
}

export function listRowFromRow(r: Row): CustomerListRow {
  return {
    customerId: String(r.customer_qbo_id),
    name: String(r.display_name),
    score: toNumberOrNull(r.smoothed_score),
    rawScore: toNumberOrNull(r.score),
    band: ((r.stable_band ?? r.band) as RiskBand | null) ?? null,
    highRisk: Boolean(r.high_risk),
    paymentRate: toNumberOrNull(r.payment_rate),
    outstandingCents: Number(r.outstanding_cents),
    overdueCents: Number(r.overdue_cents),
    grossProfitCents: Number(r.gross_profit_cents),
    profitabilityTier: r.profitability_tier as ProfitabilityTier,
    strategy: r.strategy as Strategy,
    clusterId: toNumberOrNull(r.cluster_id),
    creditLimitCents: toNumberOrNull(r.credit_limit_cents),
  };
}

/** One customer of a run to save, as CUSTOMER_SCORE_COLUMNS values. */
export function customerScoreValues(runId: number, run: RunToSave, c: CustomerAssessment): unknown[] {
  const state = run.states.get(c.customerId);
  const detail = {
    ...c.metrics,
    strategy: c.strategy,
    segment: c.segment,
    creditLimit: c.creditLimit,
    active: c.active,
    creditScore: c.creditScore,
  };
  return [
    runId,
    run.realmId,
    c.customerId,
    c.risk.score,
    c.risk.ownBand,
    c.risk.highRisk,
    c.metrics.paymentRate,
    c.metrics.outstandingCents,
    c.metrics.grossProfitCents,
    c.profitabilityTier,
    c.name,
    c.strategy,
    run.clusterOf?.get(c.customerId) ?? null,
    c.metrics.outstandingCents - c.metrics.aging.current,
    c.creditLimit.cents,
    JSON.stringify(detail),
    JSON.stringify(c.risk.reasons),
    state?.smoothed ?? null,
    state?.band ?? null,
    state?.risingRuns ?? 0,
    state?.saferRuns ?? 0,
    foldForSearch(c.name),
  ];
}

/** One open invoice of a run to save, as INVOICE_SCORE_COLUMNS values. */
export function invoiceScoreValues(runId: number, run: RunToSave, inv: OpenInvoiceAssessment): unknown[] {
  const top = run.topFeatures?.get(inv.invoiceId);
  const chances = openInvoiceChances(inv.daysPastDue, inv.lateProbability, run.outlooks?.get(inv.invoiceId));
  return [
    runId,
    run.realmId,
    inv.invoiceId,
    inv.customerId,
    inv.docNumber,
    inv.dueDate,
    inv.openCents,
    inv.daysPastDue,
    inv.lateProbability,
    inv.strategy,
    top ? JSON.stringify(top) : null,
    chances.collectedWithin30Days,
    chances.neverCollected,
  ];
}
