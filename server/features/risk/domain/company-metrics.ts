import { addMonths, completeMonthsBefore, dateOf, dayOf, monthBounds, monthOf } from './dates.js';
import { inDateOrder, openCents } from './invoice-metrics.js';
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

/** CEI for each of the 12 complete months before A (metrics.md). */
export function monthlyCollectionRates(
  invoices: readonly InvoiceFact[],
  asOf: string,
  months = 12,
): MonthlyCollectionRate[] {
  const list = completeMonthsBefore(asOf, months).map((month) => {
    const { first, last } = monthBounds(month);
    return { month, first, last, dayBefore: dateOf(dayOf(first) - 1) };
  });
  // One pass over the invoices for every month at once: open balances at each boundary (sums per boundary
  // kept in arrays by position: this is 100k invoices × 24 boundaries).
  const boundaries = [...new Set(list.flatMap((m) => [m.dayBefore, m.last]))].sort();
  const open = boundaries.map(() => 0);
  const monthEnd = boundaries.map((b) => list.some((m) => m.last === b));
  const current = boundaries.map(() => 0);
  const billed = new Map(list.map((m) => [m.month, 0]));
  for (const inv of invoices) {
    const m = monthOf(inv.txnDate);
    if (billed.has(m)) billed.set(m, billed.get(m)! + inv.totalCents);
    if (inv.txnDate > boundaries[boundaries.length - 1]!) continue;
    addOpenBalances(inv, boundaries, open, monthEnd, current);
  }
  const at = (date: string) => boundaries.indexOf(date);
  return list.map(({ month, last, dayBefore }) => {
    const arBegin = open[at(dayBefore)]!;
    const arEnd = open[at(last)]!;
    const denominator = arBegin + billed.get(month)! - current[at(last)]!;
    return {
      month,
      rate: denominator <= 0 ? null : Math.round((10_000 * (arBegin + billed.get(month)! - arEnd)) / denominator) / 100,
    };
  });
}

/** Adds the invoice's open balance at each boundary from its issue on, and at month ends the part not yet due. */
function addOpenBalances(
  inv: InvoiceFact,
  boundaries: readonly string[],
  open: number[],
  monthEnd: readonly boolean[],
  current: number[],
): void {
  const apps = inDateOrder(inv.applications)
    ? inv.applications
    : [...inv.applications].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  let k = 0;
  let applied = 0;
  for (let bi = firstOnOrAfter(boundaries, inv.txnDate); bi < boundaries.length; bi++) {
    const b = boundaries[bi]!;
    while (k < apps.length && apps[k]!.date <= b) applied += apps[k++]!.cents;
    const o = Math.max(0, inv.totalCents - applied);
    // Nothing is ever taken off an invoice: once it is settled it stays settled at every later boundary.
    if (o === 0) break;
    open[bi]! += o;
    if (monthEnd[bi] && inv.dueDate > b) current[bi]! += o;
  }
}

/** The index of the first of the sorted boundaries on or after `date` (boundaries.length when none is). */
function firstOnOrAfter(boundaries: readonly string[], date: string): number {
  let lo = 0;
  let hi = boundaries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (boundaries[mid]! < date) lo = mid + 1;
    else hi = mid;
  }
  return lo;
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
  return {
    consecutiveDeclines: declines,
    totalDropPoints: declines === 0 || end === null || start === null ? 0 : Math.round((start - end) * 100) / 100,
  };
}

/**
 * DSO by the countback method at A: walk back month by month (the current month counts its elapsed days)
 * subtracting each month's billing from AR until it runs out. BPDSO uses the same denominator and days with
 * current (not yet due) AR; ADD = DSO − BPDSO.
 */
export function daysSalesOutstanding(
  invoices: readonly InvoiceFact[],
  asOf: string,
): { dso: number | null; bestPossibleDso: number | null; averageDaysDelinquent: number | null } {
  // AR and its part not yet due, in one pass.
  let ar = 0;
  let current = 0;
  for (const i of invoices) {
    const open = openCents(i, asOf);
    ar += open;
    if (i.dueDate >= asOf) current += open;
  }
  if (ar === 0) return { dso: 0, bestPossibleDso: 0, averageDaysDelinquent: 0 };
  const salesByMonth = new Map<string, number>();
  for (const i of invoices)
    if (i.txnDate <= asOf)
      salesByMonth.set(monthOf(i.txnDate), (salesByMonth.get(monthOf(i.txnDate)) ?? 0) + i.totalCents);
  let remaining = ar;
  let dso = 0;
  for (let back = 0; back < 36; back++) {
    const month = monthOf(addMonths(`${monthOf(asOf)}-01`, -back));
    const { first, days } = monthBounds(month);
    const elapsed = back === 0 ? dayOf(asOf) - dayOf(first) + 1 : days;
    const sales = salesByMonth.get(month) ?? 0;
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
