import { addMonths, dayOf, monthOf } from './dates.js';
import { daysBeyondTerms, invoiceGrossProfit, isLate, isPaidOnTime, openCents, settledDate } from './invoice-metrics.js';
import { paydexPoints } from './paydex.js';
import type { RiskPolicy } from './risk-policy.js';
import type { InvoiceFact, ItemFact } from './risk-facts.js';

export interface Aging { current: number; d1to30: number; d31to60: number; d61to90: number; d91plus: number }

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
export function customerMetrics(invoices: readonly InvoiceFact[], items: ReadonlyMap<string, ItemFact>, policy: RiskPolicy, asOf: string): CustomerMetrics {
  const windowStart = addMonths(asOf, -policy.windowMonths);
  const existing = invoices.filter((i) => i.txnDate <= asOf);
  const inTxnWindow = existing.filter((i) => i.txnDate > windowStart);
  const due = existing.filter((i) => i.dueDate > windowStart && i.dueDate <= asOf);

  const aging: Aging = { current: 0, d1to30: 0, d31to60: 0, d61to90: 0, d91plus: 0 };
  let outstanding = 0;
  for (const i of existing) {
    const open = openCents(i, asOf);
    if (open === 0) continue;
    outstanding += open;
    const past = dayOf(asOf) - dayOf(i.dueDate);
    if (past <= 0) aging.current += open;
    else if (past <= 30) aging.d1to30 += open;
    else if (past <= 60) aging.d31to60 += open;
    else if (past <= 90) aging.d61to90 += open;
    else aging.d91plus += open;
  }

  let dueTotal = 0;
  let collected = 0;
  let onTime = 0;
  let dbtWeighted = 0;
  let dbtWeight = 0;
  let points = 0;
  let withDbt = 0;
  for (const i of due) {
    dueTotal += i.totalCents;
    collected += i.totalCents - openCents(i, asOf);
    const settled = settledDate(i, asOf);
    if (isPaidOnTime(i, asOf, policy.graceDays, settled)) onTime += i.totalCents;
    const dbt = daysBeyondTerms(i, asOf, settled);
    if (dbt !== undefined) {
      withDbt++;
      dbtWeighted += dbt * i.totalCents;
      points += paydexPoints(dbt) * i.totalCents;
      dbtWeight += i.totalCents;
    }
  }
  const lastDue = [...due].sort((a, b) => (a.dueDate < b.dueDate ? 1 : a.dueDate > b.dueDate ? -1 : 0)).slice(0, 10);

  let grossProfit = 0;
  let estimated = 0;
  for (const i of inTxnWindow) {
    const profit = invoiceGrossProfit(i, items);
    grossProfit += profit.grossProfitCents;
    estimated += profit.estimatedCents;
  }

  const first = existing.reduce<string | undefined>((m, i) => (m === undefined || i.txnDate < m ? i.txnDate : m), undefined);
  const last12 = addMonths(asOf, -12);
  const activeMonths = new Set(existing.filter((i) => i.txnDate > last12).map((i) => monthOf(i.txnDate))).size;
  const lifespanDays = first === undefined ? null : dayOf(asOf) - dayOf(first);
  const billed = (from: string, to: string) => existing.filter((i) => i.txnDate > from && i.txnDate <= to).reduce((s, i) => s + i.totalCents, 0);
  const recent = billed(addMonths(asOf, -6), asOf);
  const before = billed(addMonths(asOf, -12), addMonths(asOf, -6));
  const billingTrend = before === 0 ? null : recent / before;

  return {
    outstandingCents: outstanding,
    paymentRate: pct(collected, dueTotal),
    onTimeRate: pct(onTime, dueTotal),
    avgDaysBeyondTerms: dbtWeight === 0 ? null : Math.round((10 * dbtWeighted) / dbtWeight) / 10,
    paymentScore: withDbt < MIN_PAYMENT_SCORE_INVOICES || dbtWeight === 0 ? null : Math.round(points / dbtWeight),
    aging,
    invoiceCount: inTxnWindow.length,
    avgInvoiceCents: inTxnWindow.length === 0 ? null : Math.round(inTxnWindow.reduce((s, i) => s + i.totalCents, 0) / inTxnWindow.length),
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
