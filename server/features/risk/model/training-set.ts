import { dayOf } from '../domain/dates.js';
import { isLate } from '../domain/invoice-metrics.js';
import type { InvoiceFact } from '../domain/risk-facts.js';

export interface LabelledInvoice { invoice: InvoiceFact; late: 0 | 1 }

/**
 * Invoices whose outcome is decided at as-of: due + grace strictly before as-of (by then it was either
 * settled within grace or it is late, whatever happens next). Selecting on the due date alone, not on
 * "settled yet", keeps the recent end unbiased: early payers are not admitted ahead of the slow ones.
 * Zero totals (voids) are left out. Oldest first (ties by id) for time-ordered splits.
 */
export function labelledInvoices(invoices: readonly InvoiceFact[], asOf: string, graceDays: number): LabelledInvoice[] {
  const asOfDay = dayOf(asOf);
  return invoices
    .filter((i) => i.totalCents > 0 && i.txnDate <= asOf && dayOf(i.dueDate) + graceDays < asOfDay)
    .map((invoice) => ({ invoice, late: (isLate(invoice, asOf, graceDays) ? 1 : 0) as 0 | 1 }))
    .sort((a, b) => (a.invoice.txnDate < b.invoice.txnDate ? -1 : a.invoice.txnDate > b.invoice.txnDate ? 1 : a.invoice.id < b.invoice.id ? -1 : a.invoice.id > b.invoice.id ? 1 : 0));
}

/** Earliest `share` of a time-ordered list, and the rest. */
export function timeSplit<T>(rows: readonly T[], share: number): { early: T[]; late: T[] } {
  const cut = Math.round(rows.length * share);
  return { early: rows.slice(0, cut), late: rows.slice(cut) };
}

export function hasBothClasses(labels: readonly (0 | 1)[]): boolean {
  return labels.includes(0) && labels.includes(1);
}
