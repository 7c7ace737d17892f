/**
 * The daily cap: which of the reminders ready on a run go, and in which order, when there are more than the cap
 * allows. Fair and reproducible: the order admitWithinCap describes is the whole rule.
 */
import { compareText, groupBy } from './collections.js';
import type { DueReminder } from './reminder-plan.js';

/** A reminder that passed every rule but the daily cap, with what orders it in the queue for the cap. */
export interface ReadyReminder {
  reminder: DueReminder;
  /** The date of the earliest stage it owes: how long it has been waiting. */
  owedSince: string;
  homeOpenBalanceCents: number;
}

/**
 * The daily cap, applied customer by customer so a customer's reminders go out together. Customers are taken in
 * this order, which favours:
 * 1. the customer whose reminder has waited longest (the earliest stage date it owes): a reminder the cap holds
 *    back moves ahead of everything that falls due after it, so none waits for ever;
 * 2. then the larger open balance of the invoices due (in the home currency): among equal waits, the one that
 *    matters more to the company's cash;
 * 3. then the customer id, so the same facts always give the same plan.
 * Within a customer, the latest stage first. The first customer that does not fit whole gets what room is left
 * (its latest stages); everyone after waits for the next run, with the reason 'daily-cap'.
 */
export function admitWithinCap(
  ready: readonly ReadyReminder[],
  room: number,
): { admitted: DueReminder[]; capped: DueReminder[] } {
  const batches = [...groupBy(ready, (r) => r.reminder.customerId).values()].map((batch) => ({
    customerId: batch[0]!.reminder.customerId,
    owedSince: batch.map((r) => r.owedSince).sort()[0]!,
    balance: batch.reduce((sum, r) => sum + r.homeOpenBalanceCents, 0),
    reminders: batch.map((r) => r.reminder).sort(byStageThenInvoice),
  }));
  batches.sort(
    (a, b) => compareText(a.owedSince, b.owedSince) || b.balance - a.balance || compareText(a.customerId, b.customerId),
  );
  const admitted: DueReminder[] = [];
  const capped: DueReminder[] = [];
  for (const batch of batches) {
    const take = Math.min(room - admitted.length, batch.reminders.length);
    admitted.push(...batch.reminders.slice(0, take));
    capped.push(...batch.reminders.slice(take));
  }
  return { admitted, capped };
}

function byStageThenInvoice(a: DueReminder, b: DueReminder): number {
  return b.stageDays - a.stageDays || compareText(a.stageOn, b.stageOn) || compareText(a.invoiceId, b.invoiceId);
}
