import { addMonths, dayOf, monthOf } from './dates.js';
import {
  daysBeyondTerms,
  invoiceGrossProfit,
  isLate,
  isPaidOnTime,
  openCents,
  settledDate,
} from './invoice-metrics.js';
import { paydexPoints } from './paydex.js';
import type { RiskPolicy } from './risk-policy.js';
import type { InvoiceFact, ItemFact } from './risk-facts.js';

export interface Aging {
  current: number;
  d1to30: number;
  d31to60: number;
  d61to90: number;
  d91plus: number;
}

export interface CustomerMetrics {
  outstandingCents: number;
  /** Percent; null = no history (nothing due in the window). */
  paymentRate: number | null;
  onTimeRate: number | null;
  avgDaysBeyondTerms: number | null;
  /** PAYDEX-style 1–100; null below MIN_PAYMENT_SCORE_INVOICES invoices with days beyond terms. */
  paymentScore: number | null;
  aging: Aging;
  invoiceCount: number;
  avgInvoiceCents: number | null;
  lifespanDays: number | null;
  activeMonths12: number;
  grossProfitCents: number;
  /** The part of gross profit from lines whose item has no cost (counted at full amount). */
  grossProfitEstimatedCents: number;
  /** Of the last 10 invoices due in the window, how many were (or are) late. */
  lateOfLast10: { late: number; of: number };
  overdue60PlusCents: number;
  /** 0–100, see stabilityScore. Null without any invoice. */
  stability: number | null;
  /** Billing in the last 6 months against the 6 before (1 = flat), for the reasons. */
  billingTrend: number | null;
  dueInWindowCents: number;
}

/**
 * Evidence a payment score needs: invoices due in the window whose days beyond terms are known (settled, or
 * open and due). metrics.md says "3 settled invoices"; counting open past-due invoices too keeps the score from
 * losing its lateness term when a payment comes later (docs/risk.md gives the example).
 */
export const MIN_PAYMENT_SCORE_INVOICES = 3;

const pct = (n: number, d: number) => (d === 0 ? null : Math.round((10_000 * n) / d) / 100);

/**
 * Per-customer metrics at as-of date A (metrics.md): only what existed at A counts; payments after A are
 * ignored. `invoices` are the customer's, voided and deleted ones already left out.
 */
export function customerMetrics(
  invoices: readonly InvoiceFact[],
  items: ReadonlyMap<string, ItemFact>,
  policy: RiskPolicy,
  asOf: string,
): CustomerMetrics {
  const windowStart = addMonths(asOf, -policy.windowMonths);
  const last12 = addMonths(asOf, -12);
  const last6 = addMonths(asOf, -6);
  const asOfDay = dayOf(asOf);
  const aging: Aging = { current: 0, d1to30: 0, d31to60: 0, d61to90: 0, d91plus: 0 };
  const due: InvoiceFact[] = [];
  const activeMonthSet = new Set<string>();
  let outstanding = 0;
  let first: string | undefined;
  let recent = 0;
  let before = 0;
  let invoiceCount = 0;
  let invoicedCents = 0;
  let grossProfit = 0;
  let estimated = 0;
  let dueTotal = 0;
  let collected = 0;
  let onTime = 0;
  let dbtWeighted = 0;
  let dbtWeight = 0;
  let points = 0;
  let withDbt = 0;
  // One pass: this runs for every customer in every score run (and again in the backtest).
  for (const i of invoices) {
    if (i.txnDate > asOf) continue;
    if (first === undefined || i.txnDate < first) first = i.txnDate;
    if (i.txnDate > last12) {
      activeMonthSet.add(monthOf(i.txnDate));
      if (i.txnDate > last6) recent += i.totalCents;
      else before += i.totalCents;
    }
    if (i.txnDate > windowStart) {
      invoiceCount++;
      invoicedCents += i.totalCents;
      const profit = invoiceGrossProfit(i, items);
      grossProfit += profit.grossProfitCents;
      estimated += profit.estimatedCents;
    }
    const settled = settledDate(i, asOf);
    const open = settled === undefined ? openCents(i, asOf) : 0;
    if (open > 0) {
      outstanding += open;
      const past = asOfDay - dayOf(i.dueDate);
      if (past <= 0) aging.current += open;
      else if (past <= 30) aging.d1to30 += open;
      else if (past <= 60) aging.d31to60 += open;
      else if (past <= 90) aging.d61to90 += open;
      else aging.d91plus += open;
    }
    if (i.dueDate <= windowStart || i.dueDate > asOf) continue;
    due.push(i);
    dueTotal += i.totalCents;
    collected += i.totalCents - open;
    if (isPaidOnTime(i, asOf, policy.graceDays, settled)) onTime += i.totalCents;
    const dbt = daysBeyondTerms(i, asOf, settled);
    if (dbt !== undefined) {
      withDbt++;
      dbtWeighted += dbt * i.totalCents;
      points += paydexPoints(dbt) * i.totalCents;
      dbtWeight += i.totalCents;
    }
  }
  const lastDue = due.sort((a, b) => (a.dueDate < b.dueDate ? 1 : a.dueDate > b.dueDate ? -1 : 0)).slice(0, 10);
  const activeMonths = activeMonthSet.size;
  const lifespanDays = first === undefined ? null : asOfDay - dayOf(first);
  const billingTrend = before === 0 ? null : recent / before;

  return {
    outstandingCents: outstanding,
    paymentRate: pct(collected, dueTotal),
    onTimeRate: pct(onTime, dueTotal),
    avgDaysBeyondTerms: dbtWeight === 0 ? null : Math.round((10 * dbtWeighted) / dbtWeight) / 10,
    paymentScore: withDbt < MIN_PAYMENT_SCORE_INVOICES || dbtWeight === 0 ? null : Math.round(points / dbtWeight),
    aging,
    invoiceCount,
    avgInvoiceCents: invoiceCount === 0 ? null : Math.round(invoicedCents / invoiceCount),
    lifespanDays,
    activeMonths12: activeMonths,
    grossProfitCents: grossProfit,
    grossProfitEstimatedCents: estimated,
    lateOfLast10: { late: lastDue.filter((i) => isLate(i, asOf, policy.graceDays)).length, of: lastDue.length },
    overdue60PlusCents: aging.d61to90 + aging.d91plus,
    stability: lifespanDays === null ? null : stabilityScore(lifespanDays, activeMonths, billingTrend),
    billingTrend,
    dueInWindowCents: dueTotal,
  };
}

/**
 * Business stability, 0–100, from QBO data only: tenure (up to two years, 40%), regularity (months billed
 * in the last 12, 40%) and trend (billing in the last 6 months against the 6 before, capped at flat, 20%).
 * Longer tenure and steadier billing never lower it.
 */
export function stabilityScore(lifespanDays: number, activeMonths12: number, billingTrend: number | null): number {
  const tenure = Math.min(1, lifespanDays / 730);
  const regularity = Math.min(1, activeMonths12 / 12);
  const trend = billingTrend === null ? 0.5 : Math.min(1, Math.max(0, billingTrend));
  return Math.round(100 * (0.4 * tenure + 0.4 * regularity + 0.2 * trend));
}
