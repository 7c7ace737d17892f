import { dayOf } from '../domain/dates.js';
import type { InvoiceFact } from '../domain/risk-facts.js';
import { logit } from './logistic.js';
import { openOnDay, type PointInTimeHistory } from './point-in-time-history.js';

/**
 * The model's inputs, each computed as of the invoice's TxnDate: only the customer's invoices issued before
 * that day and payments dated before it are read (no leakage). Keys are stable and words-friendly: the UI
 * maps them to reason strings ("Paid 7 of the last 10 invoices late").
 */
export const LATE_FEATURES = [
  'priorLateShare', // logit of the Beta-smoothed late share, shrunk toward the company's rate then
  'averageDaysBeyondTerms', // of settled prior invoices, shrunk toward the company mean
  'recentDaysBeyondTerms', // the last 3 settled invoices: catches customers who are turning
  'daysSinceLastLate', // log days since a prior invoice last became late
  'openBalance', // log1p of dollars still open at issue
  'overdueBalance', // log1p of dollars past due at issue
  'oldestOverdueDays', // log1p of the oldest open invoice's days past due
  'priorInvoiceCount', // log1p: depth of history
  'customerTenure', // log1p days since the customer's first invoice
  'invoiceAmount', // log1p dollars
  'amountVsCustomerAverage', // log of amount over the customer's prior mean
  'termsDays', // due − txn
  'seasonSine', // month of year, as a point on a circle
  'seasonCosine',
  'companyLateRate', // logit of the company's pooled late rate then: the company-wide trend
] as const;
export type LateFeature = (typeof LATE_FEATURES)[number];

/** Pseudo-invoices of company behaviour mixed into every customer aggregate (k ≈ 5, scoring-methods §3). */
export const SHRINKAGE_K = 5;
const NO_LATE_DAYS = 730;

export interface LateFeatureVector {
  values: number[];
  /** The smoothed late share as a probability: the fallback model's prediction. */
  smoothedLateShare: number;
  companyLateRate: number;
}

export function lateFeatures(history: PointInTimeHistory, invoice: InvoiceFact): LateFeatureVector {
  const day = dayOf(invoice.txnDate);
  // Knowledge cut: the day before issue, and never past the model's as-of date.
  const known = Math.min(day - 1, history.asOfDay);
  // Walked in place (no copies): this runs once per invoice over the customer's earlier invoices.
  const { list, end } = history.priorRange(invoice.customerId, day);
  const companyRate = history.company.lateRate(known);
  const companyDbt = history.company.meanDbt(known);

  let late = 0;
  let onTime = 0;
  let lastLateDay: number | undefined;
  let open = 0;
  let overdue = 0;
  let oldestOverdue = 0;
  let amountSum = 0;
  let priorCount = 0;
  let firstPriorDay: number | undefined;
  let settledCount = 0;
  let settledDbtSum = 0;
  // The three most recent settlements, newest first; equal days keep issue order (as a stable sort would).
  const recent: Array<{ day: number; dbt: number }> = [];
  for (let idx = 0; idx < end; idx++) {
    const t = list[idx]!;
    if (t.inv.id === invoice.id) continue;
    priorCount++;
    firstPriorDay ??= t.txnDay;
    amountSum += t.inv.totalCents;
    if (t.knownLateDay !== undefined && t.knownLateDay <= known) {
      late++;
      lastLateDay = Math.max(lastLateDay ?? -Infinity, t.knownLateDay);
    }
    if (t.knownOnTimeDay !== undefined && t.knownOnTimeDay <= known) onTime++;
    if (t.settleDay !== undefined && t.settleDay <= known) {
      settledCount++;
      settledDbtSum += t.clippedDbt!;
      let at = 0;
      while (at < recent.length && recent[at]!.day >= t.settleDay) at++;
      if (at < 3) {
        recent.splice(at, 0, { day: t.settleDay, dbt: t.clippedDbt! });
        if (recent.length > 3) recent.pop();
      }
    }
    const openNow = openOnDay(t, known);
    open += openNow;
    if (openNow > 0 && known > t.dueDay) {
      overdue += openNow;
      oldestOverdue = Math.max(oldestOverdue, known - t.dueDay);
    }
  }
  const smoothedLateShare = (late + SHRINKAGE_K * companyRate) / (late + onTime + SHRINKAGE_K);
  const averageDbt = (settledDbtSum + SHRINKAGE_K * companyDbt) / (settledCount + SHRINKAGE_K);
  const recentDbt = (recent.reduce((s, x) => s + x.dbt, 0) + (3 - recent.length) * averageDbt) / 3;
  const dollars = invoice.totalCents / 100;
  const averageAmount = priorCount > 0 ? amountSum / priorCount : 0;
  const month = Number(invoice.txnDate.slice(5, 7)) - 1;

  const values: Record<LateFeature, number> = {
    priorLateShare: logit(smoothedLateShare),
    averageDaysBeyondTerms: averageDbt,
    recentDaysBeyondTerms: recentDbt,
    daysSinceLastLate: Math.log1p(Math.min(NO_LATE_DAYS, lastLateDay === undefined ? NO_LATE_DAYS : day - lastLateDay)),
    openBalance: Math.log1p(open / 100),
    overdueBalance: Math.log1p(overdue / 100),
    oldestOverdueDays: Math.log1p(oldestOverdue),
    priorInvoiceCount: Math.log1p(priorCount),
    customerTenure: Math.log1p(firstPriorDay !== undefined ? day - firstPriorDay : 0),
    invoiceAmount: Math.log1p(Math.max(0, dollars)),
    amountVsCustomerAverage: averageAmount > 0 && invoice.totalCents > 0 ? Math.log(invoice.totalCents / averageAmount) : 0,
    termsDays: dayOf(invoice.dueDate) - day,
    seasonSine: Math.sin((2 * Math.PI * month) / 12),
    seasonCosine: Math.cos((2 * Math.PI * month) / 12),
    companyLateRate: logit(companyRate),
  };
  return { values: LATE_FEATURES.map((f) => values[f]), smoothedLateShare, companyLateRate: companyRate };
}
