import { addDaysToDate } from './dates.js';

/** The terms on file that a missing due date is worked out from (QBO Term.DueDays by id). */
export interface TermsOnFile {
  dueDays: ReadonlyMap<string, number | null>;
  /** Each customer's (or job's) SalesTermRef. */
  customerTerm: ReadonlyMap<string, string | null>;
  /** The company's SalesFormsPrefs.DefaultTerms. */
  defaultTerm: string | undefined;
}

/**
 * An invoice's due date (metrics.md): its DueDate; when QBO has none, TxnDate plus the days of the invoice's own
 * terms, else its customer's, else the company default; with no terms at all (or terms without a day count),
 * TxnDate. `customerId` is the invoice's own customer (a job keeps its own terms), not the roll-up parent.
 */
export function effectiveDueDate(
  inv: { txnDate: string; dueDate: string | null; termId: string | null; customerId: string },
  terms: TermsOnFile,
): string {
  if (inv.dueDate) return inv.dueDate;
  const termId = inv.termId ?? terms.customerTerm.get(inv.customerId) ?? terms.defaultTerm;
  const days = termId === undefined || termId === null ? null : (terms.dueDays.get(termId) ?? null);
  return addDaysToDate(inv.txnDate, days ?? 0);
}
