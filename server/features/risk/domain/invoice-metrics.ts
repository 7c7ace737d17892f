import { dayOf } from './dates.js';
import type { ApplicationFact, InvoiceFact, ItemFact, LineFact, LineTotals } from './risk-facts.js';

/** applied_i(A): payments and credits applied on or before A. */
export function appliedCents(inv: InvoiceFact, asOf: string): number {
  let sum = 0;
  for (const a of inv.applications) if (a.date <= asOf) sum += a.cents;
  return sum;
}

/** cash_i(A): the part of applied_i(A) paid with money. */
export function cashCents(inv: InvoiceFact, asOf: string): number {
  let sum = 0;
  for (const a of inv.applications) if (a.cash && a.date <= asOf) sum += a.cents;
  return sum;
}

/** open_i(A) = max(0, total − applied(A)); zero before the invoice exists. */
export function openCents(inv: InvoiceFact, asOf: string): number {
  if (inv.txnDate > asOf) return 0;
  return Math.max(0, inv.totalCents - appliedCents(inv, asOf));
}

/** The first date on or before A when open_i reached 0; undefined while open. */
export function settledDate(inv: InvoiceFact, asOf: string): string | undefined {
  if (inv.txnDate > asOf) return undefined;
  if (inv.totalCents <= 0) return inv.txnDate;
  // Nearly every invoice has one application, or several already in date order: walk them in place
  // (a stable sort would leave them as they are). This runs for every invoice in every metric.
  if (inDateOrder(inv.applications)) {
    let applied = 0;
    for (const a of inv.applications) {
      if (a.date > asOf) break;
      applied += a.cents;
      if (applied >= inv.totalCents) return a.date;
    }
    return undefined;
  }
  const sorted = inv.applications
    .filter((a) => a.date <= asOf)
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  let applied = 0;
  for (const a of sorted) {
    applied += a.cents;
    if (applied >= inv.totalCents) return a.date;
  }
  return undefined;
}

/**
 * Days beyond terms at A: settled − due when settled, A − due when open and due by A, else undefined (open and
 * not yet due). An invoice due on A itself is due (the windows of metrics.md count due_i <= A) with 0 days
 * beyond terms: leaving it out would let a payment made later change which invoices are averaged.
 * `settled` may be passed when the caller has it already.
 */
export function daysBeyondTerms(inv: InvoiceFact, asOf: string, settled = settledDate(inv, asOf)): number | undefined {
  if (settled !== undefined) return dayOf(settled) - dayOf(inv.dueDate);
  if (asOf >= inv.dueDate) return dayOf(asOf) - dayOf(inv.dueDate);
  return undefined;
}

/** Late: settled after due + grace, or open and past due + grace at A. */
export function isLate(inv: InvoiceFact, asOf: string, graceDays = 0): boolean {
  const dbt = daysBeyondTerms(inv, asOf);
  return dbt !== undefined && dbt > graceDays;
}

/**
 * Paid on time: fully settled (open_i reached 0) on or before due + grace. A partial payment by the due date
 * does not make an invoice paid on time (metrics.md on-time rate); `settled` as in daysBeyondTerms.
 */
export function isPaidOnTime(inv: InvoiceFact, asOf: string, graceDays = 0, settled = settledDate(inv, asOf)): boolean {
  return settled !== undefined && dayOf(settled) <= dayOf(inv.dueDate) + graceDays;
}

/**
 * Gross profit of an invoice's lines in the home currency (metrics.md): Σ Amount × ExchangeRate − Σ Qty ×
 * PurchaseCost, line amounts being in the invoice's currency and item costs in the home currency; lines whose
 * item has no cost count at their full amount, and that part is returned as `estimatedCents` too.
 */
export function invoiceGrossProfit(
  inv: InvoiceFact,
  items: ReadonlyMap<string, ItemFact>,
): { grossProfitCents: number; estimatedCents: number } {
  const totals = inv.lineTotals ?? sumLines(inv.lines, items);
  const rate = inv.exchangeRate ?? 1;
  return {
    grossProfitCents: Math.round(totals.amountCents * rate) - totals.costCents,
    estimatedCents: Math.round(totals.uncostedAmountCents * rate),
  };
}

/** Line sums for invoiceGrossProfit: a line's cost is its quantity times its item's cost, in whole cents. */
export function sumLines(lines: readonly LineFact[], items: ReadonlyMap<string, ItemFact>): LineTotals {
  const totals = { amountCents: 0, uncostedAmountCents: 0, costCents: 0 };
  for (const line of lines) {
    const cost = line.itemId ? items.get(line.itemId)?.costCents : undefined;
    totals.amountCents += line.amountCents;
    if (cost === null || cost === undefined) totals.uncostedAmountCents += line.amountCents;
    else totals.costCents += Math.round((line.qty ?? 0) * cost);
  }
  return totals;
}

/** True when the applications' dates never decrease (always, for none or one). */
export function inDateOrder(applications: readonly ApplicationFact[]): boolean {
  for (let i = 1; i < applications.length; i++) if (applications[i]!.date < applications[i - 1]!.date) return false;
  return true;
}
