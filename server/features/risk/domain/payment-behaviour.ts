import { addMonths, monthOf } from './dates.js';
import { daysBeyondTerms, isPaidOnTime, openCents, settledDate } from './invoice-metrics.js';
import type { InvoiceFact } from './risk-facts.js';

/** One calendar month of a customer's payment behaviour (metrics.md definitions, as of A). */
export interface BehaviourMonth {
  month: string;
  /** Invoices dated in the month. */
  invoicedCents: number;
  /**
   * Invoices falling due in the month (not after A), split three ways: paid on time (fully settled by due date +
   * grace, as the on-time rate counts it), still open at A, and the rest, paid late (including what was paid of an
   * invoice that was not settled in time).
   */
  dueCents: number;
  paidOnTimeCents: number;
  paidLateCents: number;
  openCents: number;
  /** Dollar-weighted days beyond terms of the invoices due in the month; null when nothing fell due. */
  avgDaysBeyondTerms: number | null;
}

/**
 * Month by month over the window up to A (the last `windowMonths` calendar months, A's month last): the amount
 * invoiced, and of what fell due, how much was paid on time, late, or is still open, with the dollar-weighted
 * days beyond terms. The same rules as the customer's metrics (isPaidOnTime, daysBeyondTerms), so the chart's
 * on-time share over the window is the on-time rate.
 */
export function monthlyPaymentBehaviour(
  invoices: readonly InvoiceFact[],
  o: { asOf: string; windowMonths: number; graceDays: number },
): BehaviourMonth[] {
  const windowStart = addMonths(o.asOf, -o.windowMonths);
  const months: string[] = [];
  for (let i = o.windowMonths - 1; i >= 0; i--) months.push(monthOf(addMonths(`${monthOf(o.asOf)}-01`, -i)));
  const byMonth = new Map(
    months.map((m) => [
      m,
      {
        month: m,
        invoicedCents: 0,
        dueCents: 0,
        paidOnTimeCents: 0,
        paidLateCents: 0,
        openCents: 0,
        dbtSum: 0,
        dbtWeight: 0,
      },
    ]),
  );
  for (const inv of invoices) {
    if (inv.txnDate > o.asOf || inv.totalCents <= 0) continue;
    const issued = byMonth.get(monthOf(inv.txnDate));
    if (issued && inv.txnDate > windowStart) issued.invoicedCents += inv.totalCents;
    const due = byMonth.get(monthOf(inv.dueDate));
    if (!due || inv.dueDate <= windowStart || inv.dueDate > o.asOf) continue;
    const settled = settledDate(inv, o.asOf);
    const onTime = isPaidOnTime(inv, o.asOf, o.graceDays, settled) ? inv.totalCents : 0;
    const open = openCents(inv, o.asOf);
    due.dueCents += inv.totalCents;
    due.paidOnTimeCents += onTime;
    due.openCents += open;
    due.paidLateCents += inv.totalCents - onTime - open;
    const dbt = daysBeyondTerms(inv, o.asOf, settled);
    if (dbt !== undefined) {
      due.dbtSum += dbt * inv.totalCents;
      due.dbtWeight += inv.totalCents;
    }
  }
  return months.map((m) => {
    const { dbtSum, dbtWeight, ...rest } = byMonth.get(m)!;
    return { ...rest, avgDaysBeyondTerms: dbtWeight === 0 ? null : Math.round((dbtSum / dbtWeight) * 10) / 10 };
  });
}
