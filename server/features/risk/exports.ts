import { stringify } from 'csv-stringify/sync';
import type { CompanyAssessment, CustomerAssessment, OpenInvoiceAssessment } from './domain/assess-company.js';
import type { RiskBand } from './domain/risk-score.js';
import type { ClusterProfile, ClusterResult } from './clusters/customer-clusters.js';
import { clusterName } from './clusters/cluster-names.js';
import type { CashForecast, InvoiceOutlook } from './forecast/cash-forecast.js';
import { openInvoiceChances, type OpenInvoiceChances } from './forecast/open-invoice-chances.js';
import { fromCents as money } from '../../money.js';

export interface Table {
  columns: string[];
  rows: Array<Array<string | number | boolean | null>>;
}

/** One customer as a run has it: the assessment, plus the score and band the panel shows. */
export type ExportCustomer = Omit<CustomerAssessment, 'active' | 'creditScore' | 'scoreState' | 'alerts'> & {
  /** Null in runs saved before these were recorded with the run. */
  active: boolean | null;
  creditScore: number | null;
  /** The smoothed score and stable band of a saved run; a what-if has no smoothing, so its own score and band. */
  shown: { score: number | null; band: RiskBand | null };
  clusterId: number | null;
};

/**
 * What every export is built from: the latest saved run (ScoreRunStore.runExport) or a what-if computed on the
 * spot (whatIfExport). Both carry the same fields, so the two exports of one customer can only differ in value.
 */
export interface ExportRun {
  /** Null for a what-if, which is never saved. */
  runId: number | null;
  asOf: string;
  whatIf: boolean;
  company: Omit<CompanyAssessment, 'customers' | 'openInvoices'> & {
    forecast?: CashForecast;
    clusters: { profiles: ClusterProfile[] };
  };
  customers: ExportCustomer[];
  invoices: ExportInvoice[];
}

/**
 * An open invoice with the chances that describe it (openInvoiceChances: late if not yet due, collection if past due).
 */
export type ExportInvoice = OpenInvoiceAssessment & { chances: OpenInvoiceChances };

/** A what-if as an export: scored as of a past date, not saved, not smoothed. */
export function whatIfExport(r: {
  assessment: CompanyAssessment;
  clusters: ClusterResult;
  forecast: CashForecast;
  outlooks: ReadonlyMap<string, InvoiceOutlook>;
}): ExportRun {
  const { customers, openInvoices, ...company } = r.assessment;
  return {
    runId: null,
    asOf: r.assessment.asOf,
    whatIf: true,
    company: { ...company, forecast: r.forecast, clusters: { profiles: r.clusters.profiles } },
    customers: customers.map((c) => ({
      ...c,
      shown: { score: c.risk.score, band: c.risk.band },
      clusterId: r.clusters.assignments.get(c.customerId) ?? null,
    })),
    invoices: openInvoices.map((i) => ({
      ...i,
      chances: openInvoiceChances(i.daysPastDue, i.lateProbability, r.outlooks.get(i.invoiceId)),
    })),
  };
}

/** Every row of every export ends with these, so a file on its own says which run it came from. */
const RUN_COLUMNS = ['as_of', 'what_if'];
const runCells = (r: ExportRun) => [r.asOf, r.whatIf];
const share = (p: number | null | undefined) =>
  p === null || p === undefined ? null : Math.round(p * 10_000) / 10_000;

/** Every customer metric, keyed by the QBO customer Id, with its behavioural cluster. */
export function customersTable(r: ExportRun): Table {
  return {
    columns: [
      'customer_id',
      'name',
      'active',
      'risk_score',
      'raw_risk_score',
      'risk_tier',
      'meets_high_risk_rule',
      'reasons',
      'outstanding',
      'payment_rate_pct',
      'on_time_rate_pct',
      'avg_days_beyond_terms',
      'payment_score',
      'aging_current',
      'aging_1_30',
      'aging_31_60',
      'aging_61_90',
      'aging_91_plus',
      'invoice_count',
      'avg_invoice',
      'lifespan_days',
      'active_months_12',
      'gross_profit',
      'gross_profit_estimated',
      'profitability_tier',
      'stability',
      'credit_score',
      'strategy',
      'high_risk_segment',
      'recommended_credit_limit',
      'credit_limit_basis',
      'cluster',
      ...RUN_COLUMNS,
    ],
    rows: r.customers.map((c) => [
      c.customerId,
      c.name,
      c.active,
      c.shown.score,
      c.risk.score,
      c.shown.band,
      c.risk.highRisk,
      c.risk.reasons.map((x) => x.text).join('; '),
      money(c.metrics.outstandingCents),
      c.metrics.paymentRate,
      c.metrics.onTimeRate,
      c.metrics.avgDaysBeyondTerms,
      c.metrics.paymentScore,
      money(c.metrics.aging.current),
      money(c.metrics.aging.d1to30),
      money(c.metrics.aging.d31to60),
      money(c.metrics.aging.d61to90),
      money(c.metrics.aging.d91plus),
      c.metrics.invoiceCount,
      money(c.metrics.avgInvoiceCents),
      c.metrics.lifespanDays,
      c.metrics.activeMonths12,
      money(c.metrics.grossProfitCents),
      money(c.metrics.grossProfitEstimatedCents),
      c.profitabilityTier,
      c.metrics.stability,
      c.creditScore,
      c.strategy,
      c.segment,
      money(c.creditLimit.cents),
      c.creditLimit.basis,
      clusterName(r.company.clusters.profiles, c.clusterId),
      ...runCells(r),
    ]),
  };
}

/**
 * Open invoices with their QBO Id, number, customer, due date, open balance and strategy, and the chances that
 * apply to each (openInvoiceChances): not yet due, the late-payment probability; past due, the chances of
 * collection within 30 days and of never being collected (the other columns are blank).
 */
export function invoicesTable(r: ExportRun): Table {
  return {
    columns: [
      'invoice_id',
      'doc_number',
      'customer_id',
      'due_date',
      'open_balance',
      'days_past_due',
      'late_probability',
      'strategy',
      'chance_collected_within_30_days',
      'chance_never_collected',
      ...RUN_COLUMNS,
    ],
    rows: r.invoices.map((i) => [
      i.invoiceId,
      i.docNumber,
      i.customerId,
      i.dueDate,
      money(i.openCents),
      i.daysPastDue,
      share(i.chances.lateProbability),
      i.strategy,
      share(i.chances.collectedWithin30Days),
      share(i.chances.neverCollected),
      ...runCells(r),
    ]),
  };
}

/**
 * The behavioural clusters with their profiles. The chances are forward-looking: the mean late probability of
 * the cluster's open invoices not yet due, the mean chance that a past-due one is not collected within 30 days,
 * and the customers' mean late probability ahead (recent late share for those with nothing coming due), which
 * the risk level follows. Runs saved before these existed leave them blank.
 */
export function clustersTable(r: ExportRun): Table {
  return {
    columns: [
      'cluster_id',
      'name',
      'customers',
      'invoices_per_month',
      'share_of_invoiced',
      'risk_level',
      'not_yet_due_invoices',
      'not_yet_due_avg_late_probability',
      'past_due_invoices',
      'past_due_avg_chance_not_collected_within_30_days',
      'avg_customer_late_probability_ahead',
      ...RUN_COLUMNS,
    ],
    rows: r.company.clusters.profiles.map((p) => [
      p.id,
      p.name,
      p.customers,
      Math.round(p.invoiceVolume * 100) / 100,
      share(p.shareOfInvoiced),
      p.riskLevel,
      p.notYetDueInvoices ?? null,
      share(p.notYetDueLateProbability),
      p.pastDueInvoices ?? null,
      share(p.pastDueNotCollectedWithin30Days),
      share(p.customerLateProbability),
      ...runCells(r),
    ]),
  };
}

/** Company figures as metric/value pairs, one row each (the 12 monthly collection rates and the forecast included). */
export function companyTable(r: ExportRun): Table {
  const a = r.company;
  const forecast = a.forecast;
  const rows: Table['rows'] = [
    ['as_of', a.asOf],
    ['what_if', r.whatIf],
    ['score_run_id', r.runId],
    ['policy_version', a.policyVersion],
    ['total_ar', money(a.totals.outstandingCents)],
    ['overdue', money(a.totals.overdueCents)],
    ['aging_current', money(a.totals.aging.current)],
    ['aging_1_30', money(a.totals.aging.d1to30)],
    ['aging_31_60', money(a.totals.aging.d31to60)],
    ['aging_61_90', money(a.totals.aging.d61to90)],
    ['aging_91_plus', money(a.totals.aging.d91plus)],
    ['gross_profit', money(a.totals.grossProfitCents)],
    ['high_risk_customers', a.highRisk.count],
    ['high_risk_exposure', money(a.highRisk.exposureCents)],
    ['high_risk_share_of_gross_profit_pct', a.highRisk.grossProfitShare],
    ['dso', a.dso],
    ['best_possible_dso', a.bestPossibleDso],
    ['average_days_delinquent', a.averageDaysDelinquent],
    ['collection_rate_consecutive_declines', a.collectionTrend.consecutiveDeclines],
    ['collection_rate_total_drop_points', a.collectionTrend.totalDropPoints],
    ...a.collectionRates.map((r): [string, number | null] => [`collection_rate_${r.month}`, r.rate]),
    ['high_risk_worst_case_loss', money(a.highRisk.worstCaseLossCents)],
    ...(forecast
      ? forecast.months.flatMap((m): Array<[string, number | null]> => [
          [`forecast_${m.month}_expected`, money(m.expectedCents)],
          [`forecast_${m.month}_low`, money(m.lowCents)],
          [`forecast_${m.month}_high`, money(m.highCents)],
        ])
      : []),
    ...(forecast
      ? [
          ['forecast_never_collected', money(forecast.neverCollectedCents)] as [string, number | null],
          ['forecast_beyond_horizon', money(forecast.beyondHorizonCents)] as [string, number | null],
        ]
      : []),
  ];
  return { columns: ['metric', 'value'], rows };
}

export const EXPORTS = ['customers', 'invoices', 'company', 'clusters'] as const;
export type ExportWhat = (typeof EXPORTS)[number];

export function exportTable(r: ExportRun, what: ExportWhat): Table {
  return { customers: customersTable, invoices: invoicesTable, company: companyTable, clusters: clustersTable }[what](
    r,
  );
}

/**
 * RFC 4180 CSV with CRLF line ends. Text that a spreadsheet would run as a formula (=, +, -, @, tab or CR
 * first) gets a leading quote (csv-stringify's escape_formulas): customer names come from outside and CSVs
 * get opened in Excel. With a record delimiter set, csv-stringify quotes a lone CR or LF in a cell only when
 * asked (quote_record_delimiter). Booleans are written as true/false, not csv-stringify's default 1 and empty.
 */
export function toCsv(t: Table): string {
  return stringify([t.columns, ...t.rows], {
    record_delimiter: 'windows',
    quote_record_delimiter: true,
    escape_formulas: true,
    cast: { boolean: String },
  });
}

export function toJson(t: Table): string {
  return `${JSON.stringify(
    t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c, r[i] ?? null]))),
    null,
    2,
  )}\n`;
}
