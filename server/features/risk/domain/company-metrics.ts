import { addMonths, completeMonthsBefore, dateOf, dayOf, monthBounds, monthOf } from './dates.js';
import { openCents } from './invoice-metrics.js';
import type { InvoiceFact } from './risk-facts.js';

export interface MonthlyCollectionRate {
  month: string;
  /** Percent (CEI); null when nothing was collectable that month. */
  rate: number | null;
}

export interface CollectionTrend {
  /** Consecutive month-over-month declines ending at the latest complete month. */
  consecutiveDeclines: number;
  /** Percentage points lost over that run (positive = fell). */
  totalDropPoints: number;
}

const sumOpen = (invoices: readonly InvoiceFact[], day: string, filter: (i: InvoiceFact) => boolean = () => true) =>
  invoices.reduce((s, i) => (filter(i) ? s + openCents(i, day) : s), 0);

/** CEI for each of the 12 complete months before A (metrics.md). */
export function monthlyCollectionRates(invoices: readonly InvoiceFact[], asOf: string, months = 12): MonthlyCollectionRate[] {
  return completeMonthsBefore(asOf, months).map((month) => {
    const { first, last } = monthBounds(month);
    const dayBefore = dateOf(dayOf(first) - 1);
    const arBegin = sumOpen(invoices, dayBefore);
    const billed = invoices.reduce((s, i) => (monthOf(i.txnDate) === month ? s + i.totalCents : s), 0);
    const arEnd = sumOpen(invoices, last);
    const arEndCurrent = sumOpen(invoices, last, (i) => i.dueDate > last);
    const denominator = arBegin + billed - arEndCurrent;
    return { month, rate: denominator <= 0 ? null : Math.round((10_000 * (arBegin + billed - arEnd)) / denominator) / 100 };
  });
}

export function collectionTrend(rates: readonly MonthlyCollectionRate[]): CollectionTrend {
  let declines = 0;
  for (let i = rates.length - 1; i > 0; i--) {
    const now = rates[i]!.rate;
    const before = rates[i - 1]!.rate;
    if (now === null || before === null || now >= before) break;
    declines++;
  }
  const end = rates[rates.length - 1]?.rate ?? null;
  const start = rates[rates.length - 1 - declines]?.rate ?? null;
  return { consecutiveDeclines: declines, totalDropPoints: declines === 0 || end === null || start === null ? 0 : Math.round((start - end) * 100) / 100 };
}

/**
 * DSO by the countback method at A: walk back month by month (the current month counts its elapsed days)
 * subtracting each month's billing from AR until it runs out. BPDSO uses the same denominator and days with
 * current (not yet due) AR; ADD = DSO − BPDSO.
 */
export function daysSalesOutstanding(invoices: readonly InvoiceFact[], asOf: string): { dso: number | null; bestPossibleDso: number | null; averageDaysDelinquent: number | null } {
  const ar = sumOpen(invoices, asOf);
  const current = sumOpen(invoices, asOf, (i) => i.dueDate >= asOf);
  if (ar === 0) return { dso: 0, bestPossibleDso: 0, averageDaysDelinquent: 0 };
  let remaining = ar;
  let dso = 0;
  for (let back = 0; back < 36; back++) {
    const month = monthOf(addMonths(`${monthOf(asOf)}-01`, -back));
    const { first, days } = monthBounds(month);
    const elapsed = back === 0 ? dayOf(asOf) - dayOf(first) + 1 : days;
    const sales = invoices.reduce((s, i) => (monthOf(i.txnDate) === month && i.txnDate <= asOf ? s + i.totalCents : s), 0);
    if (sales <= 0) {
      dso += elapsed;
      continue;
    }
    if (remaining >= sales) {
      remaining -= sales;
      dso += elapsed;
    } else {
      dso += (remaining / sales) * elapsed;
      remaining = 0;
      break;
    }
  }
  if (remaining > 0) return { dso: null, bestPossibleDso: null, averageDaysDelinquent: null };
  const round = (n: number) => Math.round(n * 10) / 10;
  const bp = dso * (current / ar);
  return { dso: round(dso), bestPossibleDso: round(bp), averageDaysDelinquent: round(dso - bp) };
}
