import type { CompanyAssessment } from './domain/assess-company.js';
import type { ClusterResult } from './clusters/customer-clusters.js';
import type { CashForecast, InvoiceOutlook } from './forecast/cash-forecast.js';
import { openInvoiceChances } from './forecast/open-invoice-chances.js';

export interface Table {
  columns: string[];
  rows: Array<Array<string | number | boolean | null>>;
}

const money = (cents: number | null) => (cents === null ? null : Math.round(cents) / 100);
const share = (p: number | null | undefined) => (p === null || p === undefined ? null : Math.round(p * 10_000) / 10_000);

/** Every customer metric, keyed by the QBO customer Id, with its behavioural cluster. */
export function customersTable(a: CompanyAssessment, clusters?: ClusterResult): Table {
  const clusterName = (id: string) => {
    const n = clusters?.assignments.get(id);
    return n === undefined ? null : (clusters!.centres.find((c) => c.id === n)?.name ?? null);
  };
  return {
    columns: [
      'customer_id', 'name', 'active', 'risk_score', 'risk_band', 'high_risk', 'reasons', 'outstanding', 'payment_rate_pct', 'on_time_rate_pct',
      'avg_days_beyond_terms', 'payment_score', 'aging_current', 'aging_1_30', 'aging_31_60', 'aging_61_90', 'aging_91_plus', 'invoice_count',
      'avg_invoice', 'lifespan_days', 'active_months_12', 'gross_profit', 'gross_profit_estimated', 'profitability_tier', 'stability', 'credit_score',
      'strategy', 'high_risk_segment', 'recommended_credit_limit', 'credit_limit_basis', 'cluster',
    ],
    rows: a.customers.map((c) => [
      c.customerId, c.name, c.active, c.risk.score, c.risk.band, c.risk.highRisk, c.risk.reasons.map((r) => r.text).join('; '), money(c.metrics.outstandingCents),
      c.metrics.paymentRate, c.metrics.onTimeRate, c.metrics.avgDaysBeyondTerms, c.metrics.paymentScore, money(c.metrics.aging.current), money(c.metrics.aging.d1to30),
      money(c.metrics.aging.d31to60), money(c.metrics.aging.d61to90), money(c.metrics.aging.d91plus), c.metrics.invoiceCount, money(c.metrics.avgInvoiceCents),
      c.metrics.lifespanDays, c.metrics.activeMonths12, money(c.metrics.grossProfitCents), money(c.metrics.grossProfitEstimatedCents), c.profitabilityTier,
      c.metrics.stability, c.creditScore, c.strategy, c.segment, money(c.creditLimit.cents), c.creditLimit.basis, clusterName(c.customerId),
    ]),
  };
}

/**
 * Open invoices with their QBO Id, number, customer, due date, open balance and strategy, and the chances that
 * apply to each (openInvoiceChances): not yet due, the late-payment probability; past due, the chances of
 * collection within 30 days and of never being collected (the other columns are blank).
 */
export function invoicesTable(a: CompanyAssessment, outlooks?: ReadonlyMap<string, InvoiceOutlook>): Table {
  return {
    columns: [
      'invoice_id', 'doc_number', 'customer_id', 'due_date', 'open_balance', 'days_past_due', 'late_probability', 'strategy',
      'chance_collected_within_30_days', 'chance_never_collected',
    ],
    rows: a.openInvoices.map((i) => {
      const chances = openInvoiceChances(i.daysPastDue, i.lateProbability, outlooks?.get(i.invoiceId));
      return [
        i.invoiceId, i.docNumber, i.customerId, i.dueDate, money(i.openCents), i.daysPastDue, share(chances.lateProbability), i.strategy,
        share(chances.collectedWithin30Days), share(chances.neverCollected),
      ];
    }),
  };
}

/**
 * The behavioural clusters with their profiles. The chances are forward-looking: the mean late probability of
 * the cluster's open invoices not yet due, the mean chance that a past-due one is not collected within 30 days,
 * and the customers' mean late probability ahead (recent late share for those with nothing coming due), which
 * the risk level follows.
 */
export function clustersTable(c: ClusterResult): Table {
  return {
    columns: [
      'cluster_id', 'name', 'customers', 'invoices_per_month', 'share_of_invoiced', 'risk_level',
      'not_yet_due_invoices', 'not_yet_due_avg_late_probability', 'past_due_invoices', 'past_due_avg_chance_not_collected_within_30_days',
      'avg_customer_late_probability_ahead',
    ],
    rows: c.profiles.map((p) => [
      p.id, p.name, p.customers, Math.round(p.invoiceVolume * 100) / 100, share(p.shareOfInvoiced), p.riskLevel,
      p.notYetDueInvoices, share(p.notYetDueLateProbability), p.pastDueInvoices, share(p.pastDueNotCollectedWithin30Days),
      share(p.customerLateProbability),
    ]),
  };
}

/** Company figures as metric/value pairs, one row each (the 12 monthly collection rates and the forecast included). */
export function companyTable(a: CompanyAssessment, forecast?: CashForecast): Table {
  const rows: Table['rows'] = [
    ['as_of', a.asOf], ['policy_version', a.policyVersion], ['total_ar', money(a.totals.outstandingCents)], ['overdue', money(a.totals.overdueCents)],
    ['aging_current', money(a.totals.aging.current)], ['aging_1_30', money(a.totals.aging.d1to30)], ['aging_31_60', money(a.totals.aging.d31to60)],
    ['aging_61_90', money(a.totals.aging.d61to90)], ['aging_91_plus', money(a.totals.aging.d91plus)], ['gross_profit', money(a.totals.grossProfitCents)],
    ['high_risk_customers', a.highRisk.count], ['high_risk_exposure', money(a.highRisk.exposureCents)], ['high_risk_share_of_gross_profit_pct', a.highRisk.grossProfitShare],
    ['dso', a.dso], ['best_possible_dso', a.bestPossibleDso], ['average_days_delinquent', a.averageDaysDelinquent],
    ['collection_rate_consecutive_declines', a.collectionTrend.consecutiveDeclines], ['collection_rate_total_drop_points', a.collectionTrend.totalDropPoints],
    ...a.collectionRates.map((r): [string, number | null] => [`collection_rate_${r.month}`, r.rate]),
    ['high_risk_worst_case_loss', money(a.highRisk.worstCaseLossCents)],
    ...(forecast ? forecast.months.flatMap((m): Array<[string, number | null]> => [[`forecast_${m.month}_expected`, money(m.expectedCents)], [`forecast_${m.month}_low`, money(m.lowCents)], [`forecast_${m.month}_high`, money(m.highCents)]]) : []),
    ...(forecast ? [['forecast_never_collected', money(forecast.neverCollectedCents)] as [string, number | null], ['forecast_beyond_horizon', money(forecast.beyondHorizonCents)] as [string, number | null]] : []),
  ];
  return { columns: ['metric', 'value'], rows };
}

/**
 * RFC 4180 CSV. Text that a spreadsheet would run as a formula (=, +, -, @ first) is prefixed with a quote:
 * customer names come from outside and CSVs get opened in Excel.
 */
export function toCsv(t: Table): string {
  const cell = (v: string | number | boolean | null): string => {
    if (v === null) return '';
    if (typeof v !== 'string') return String(v);
    const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return [t.columns, ...t.rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

export function toJson(t: Table): string {
  return `${JSON.stringify(t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c, r[i] ?? null]))), null, 2)}\n`;
}
