import { addDaysToDate } from '../../../server/features/risk/domain/dates.js';
import type { InvoiceFact } from '../../../server/features/risk/domain/risk-facts.js';

/** An invoice issued 30 days before it falls due, with cash payments as [date, cents]. */
export function invoice(
  id: string,
  customerId: string,
  dueDate: string,
  totalCents: number,
  payments: Array<[string, number]> = [],
): InvoiceFact {
  return {
    id,
    docNumber: null,
    customerId,
    txnDate: addDaysToDate(dueDate, -30),
    dueDate,
    totalCents,
    lines: [],
    applications: payments.map(([date, cents]) => ({ date, cents, cash: true })),
  };
}
