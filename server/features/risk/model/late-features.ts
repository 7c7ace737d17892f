import { dayOf } from '../domain/dates.js';
import type { InvoiceFact } from '../domain/risk-facts.js';
import { logit } from './logistic.js';
import { DBT_CLIP, SHARED_ID, type PointInTimeHistory } from './point-in-time-history.js';

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
  'companyLateRate', // logit of the company's pooled late rate then
  'recentLateShare', // logit of the customer's late share of outcomes known in the last 90 days, shrunk
  'latestDaysBeyondTerms', // the most recently due prior invoice: days beyond terms, or past due if still open
  'companyLateTrend', // logit of the company's late rate projected to the due date from its last 30 and 90 days
] as const;
export type LateFeature = (typeof LATE_FEATURES)[number];

/** Pseudo-invoices of company behaviour mixed into every customer aggregate (k ≈ 5, scoring-methods §3). */
export const SHRINKAGE_K = 5;
const NO_LATE_DAYS = 730;
/** Days of outcomes behind a customer's recent late share and the company's longer recent rate. */
export const RECENT_WINDOW_DAYS = 90;
/** Days of outcomes behind the company's latest late rate. */
export const COMPANY_RECENT_DAYS = 30;
/** Pseudo-outcomes at the company's latest rate mixed into a customer's recent late share. */
const RECENT_SHRINKAGE = 2;

export interface LateFeatureVector {
  values: number[];
  /** The smoothed late share as a probability: the fallback model's prediction. */
  smoothedLateShare: number;
  companyLateRate: number;
}

/** The column the model adds to its logit as it moves (late-payment-model.ts): the company-wide trend. */
export const TREND_COLUMN = LATE_FEATURES.indexOf('companyLateTrend');

/** Each feature's position in a row. */
const AT = Object.fromEntries(LATE_FEATURES.map((f, j) => [f, j])) as Record<LateFeature, number>;

export function lateFeatures(history: PointInTimeHistory, invoice: InvoiceFact): LateFeatureVector {
  const row = new Float64Array(LATE_FEATURES.length);
  const shares = writeLateFeatures(history, invoice, row, 0);
  return { values: Array.from(row), ...shares };
}

/**
 * The features of one invoice written into `out` from `offset` (LATE_FEATURES order): training fills one
 * packed matrix with them instead of holding an array per row.
 */
export function writeLateFeatures(
  history: PointInTimeHistory,
  invoice: InvoiceFact,
  out: Float64Array,
  offset: number,
): { smoothedLateShare: number; companyLateRate: number } {
  const day = dayOf(invoice.txnDate);
  // Knowledge cut: the day before issue, and never past the model's as-of date.
  const known = Math.min(day - 1, history.asOfDay);
  const range = history.customerRange(invoice.customerId);
  const end = history.issuedBefore(range, day);
  // Entries carrying this invoice's id are not its history (a copy of it can sit among earlier entries).
  const self = history.entryWithId(invoice.id);
  const companyRate = history.company.lateRate(known);
  const companyDbt = history.company.meanDbt(known);
  const { totalCents, txnDay, dueDay, knownLateDay, knownOnTimeDay, settleDay, clippedDbt } = history;

  let late = 0;
  let onTime = 0;
  let lastLateDay = -Infinity;
  let open = 0;
  let overdue = 0;
  let oldestOverdue = 0;
  let amountSum = 0;
  let priorCount = 0;
  let firstPriorDay = 0;
  let settledCount = 0;
  let settledDbtSum = 0;
  // The three most recent settlements, newest first; equal days keep issue order (as a stable sort would).
  const recent = new RecentSettlements();
  const windowStart = known - RECENT_WINDOW_DAYS;
  let recentLate = 0;
  let recentOnTime = 0;
  let latestDueDay = -Infinity;
  let latestDbt = 0;
  for (let k = range.start; k < end; k++) {
    if (k === self || (self === SHARED_ID && history.invoices[k]!.id === invoice.id)) continue;
    if (priorCount++ === 0) firstPriorDay = txnDay[k]!;
    amountSum += totalCents[k]!;
    if (knownLateDay[k]! <= known) {
      late++;
      lastLateDay = Math.max(lastLateDay, knownLateDay[k]!);
    }
    if (knownOnTimeDay[k]! <= known) onTime++;
    if (knownLateDay[k]! <= known && knownLateDay[k]! > windowStart) recentLate++;
    if (knownOnTimeDay[k]! <= known && knownOnTimeDay[k]! > windowStart) recentOnTime++;
    if (dueDay[k]! <= known && dueDay[k]! >= latestDueDay) {
      latestDueDay = dueDay[k]!;
      latestDbt = settleDay[k]! <= known ? clippedDbt[k]! : Math.min(DBT_CLIP.max, known - dueDay[k]!);
    }
    if (settleDay[k]! <= known) {
      settledCount++;
      settledDbtSum += clippedDbt[k]!;
      recent.add(settleDay[k]!, clippedDbt[k]!);
    }
    const openNow = history.openOnDay(k, known);
    open += openNow;
    if (openNow > 0 && known > dueDay[k]!) {
      overdue += openNow;
      oldestOverdue = Math.max(oldestOverdue, known - dueDay[k]!);
    }
  }
  const smoothedLateShare = (late + SHRINKAGE_K * companyRate) / (late + onTime + SHRINKAGE_K);
  const averageDbt = (settledDbtSum + SHRINKAGE_K * companyDbt) / (settledCount + SHRINKAGE_K);
  const recentDbt = (recent.dbtSum() + (3 - recent.count) * averageDbt) / 3;
  const dollars = invoice.totalCents / 100;
  const averageAmount = priorCount > 0 ? amountSum / priorCount : 0;
  const month = Number(invoice.txnDate.slice(5, 7)) - 1;

  out[offset + AT.priorLateShare] = logit(smoothedLateShare);
  out[offset + AT.averageDaysBeyondTerms] = averageDbt;
  out[offset + AT.recentDaysBeyondTerms] = recentDbt;
  out[offset + AT.daysSinceLastLate] = Math.log1p(
    Math.min(NO_LATE_DAYS, lastLateDay === -Infinity ? NO_LATE_DAYS : day - lastLateDay),
  );
  out[offset + AT.openBalance] = Math.log1p(open / 100);
  out[offset + AT.overdueBalance] = Math.log1p(overdue / 100);
  out[offset + AT.oldestOverdueDays] = Math.log1p(oldestOverdue);
  out[offset + AT.priorInvoiceCount] = Math.log1p(priorCount);
  out[offset + AT.customerTenure] = Math.log1p(priorCount > 0 ? day - firstPriorDay : 0);
  out[offset + AT.invoiceAmount] = Math.log1p(Math.max(0, dollars));
  out[offset + AT.amountVsCustomerAverage] =
    averageAmount > 0 && invoice.totalCents > 0 ? Math.log(invoice.totalCents / averageAmount) : 0;
  out[offset + AT.termsDays] = dayOf(invoice.dueDate) - day;
  out[offset + AT.seasonSine] = Math.sin((2 * Math.PI * month) / 12);
  out[offset + AT.seasonCosine] = Math.cos((2 * Math.PI * month) / 12);
  out[offset + AT.companyLateRate] = logit(companyRate);
  const companyRecent = history.company.recentLateRate(known, COMPANY_RECENT_DAYS);
  const recentShare = (recentLate + RECENT_SHRINKAGE * companyRecent) / (recentLate + recentOnTime + RECENT_SHRINKAGE);
  out[offset + AT.recentLateShare] = logit(recentShare);
  out[offset + AT.latestDaysBeyondTerms] = latestDueDay === -Infinity ? averageDbt : latestDbt;
  out[offset + AT.companyLateTrend] = projectedCompanyLogit(
    history,
    known,
    dayOf(invoice.dueDate) - day,
    companyRecent,
  );
  return { smoothedLateShare, companyLateRate: companyRate };
}

/**
 * The company's late rate (logit) extended from the known day to the invoice's due date along the line through
 * its last-30-day rate (centred 15 days back) and its last-90-day rate (centred 45 days back). A company whose
 * customers are slowing down is slower still by the time this invoice falls due; a steady one projects flat.
 */
function projectedCompanyLogit(history: PointInTimeHistory, known: number, termsDays: number, last30: number): number {
  const recent = logit(last30);
  const longer = logit(history.company.recentLateRate(known, RECENT_WINDOW_DAYS));
  const slopePerDay = (recent - longer) / ((RECENT_WINDOW_DAYS - COMPANY_RECENT_DAYS) / 2);
  return recent + slopePerDay * (COMPANY_RECENT_DAYS / 2 + Math.max(0, termsDays));
}

/**
 * The three latest settlements seen so far, newest first. A settlement goes after those on the same day or
 * later (so equal days keep the order they were added in) and drops off when three are later than it.
 */
class RecentSettlements {
  count = 0;
  private d0 = 0;
  private d1 = 0;
  private d2 = 0;
  private v0 = 0;
  private v1 = 0;
  private v2 = 0;
  add(day: number, dbt: number): void {
    if (this.count === 3 && this.d2 >= day) return;
    if (this.count === 0 || this.d0 < day) {
      this.d2 = this.d1;
      this.v2 = this.v1;
      this.d1 = this.d0;
      this.v1 = this.v0;
      this.d0 = day;
      this.v0 = dbt;
    } else if (this.count === 1 || this.d1 < day) {
      this.d2 = this.d1;
      this.v2 = this.v1;
      this.d1 = day;
      this.v1 = dbt;
    } else {
      this.d2 = day;
      this.v2 = dbt;
    }
    if (this.count < 3) this.count++;
  }
  /** Newest first, as the array this replaces summed them. */
  dbtSum(): number {
    let sum = 0;
    if (this.count > 0) sum += this.v0;
    if (this.count > 1) sum += this.v1;
    if (this.count > 2) sum += this.v2;
    return sum;
  }
}
