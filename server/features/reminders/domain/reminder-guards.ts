/**
 * The guards every reminder passes, whether the nightly plan chose it or a person pressed "Send a reminder now":
 * never to a paid invoice, an excluded or paused customer, a disputed or snoozed invoice; held while the customer
 * has money in QuickBooks not yet applied; and never without an address. The schedule's own rules (stages, limits,
 * business days, gap, cap) are the plan's, and a person's deliberate send does not wait for them.
 */
import { localDate } from '../../../time-zone.js';
import { addressesIn, type CustomerToRemind, type InvoiceToRemind } from './reminder-facts.js';
import { remindersFor, type ReminderChannel, type ReminderPolicy, type ReminderTone } from './reminder-policy.js';
import type { NotRemindedReason } from './reminder-reasons.js';

/** The guards that come before any question of schedule: the invoice is paid, or a person said no. */
export function safetyBlock(
  invoice: InvoiceToRemind,
  customer: CustomerToRemind,
  today: string,
): NotRemindedReason | null {
  if (invoice.openBalanceCents <= 0) return { code: 'balance-zero' };
  if (customer.excluded) return { code: 'excluded' };
  if (customer.remindersPaused) return { code: 'paused' };
  if (invoice.disputed) return { code: 'disputed' };
  if (invoice.snoozedUntil !== null && today < invoice.snoozedUntil)
    return { code: 'snoozed', until: invoice.snoozedUntil };
  return null;
}

/**
 * Held: an unapplied payment or an unused credit usually means the money arrived and is waiting to be matched to
 * the invoice; a reminder now is the complaint users make most, so it waits for the bookkeeper.
 */
export function holdBlock(invoice: InvoiceToRemind, customer: CustomerToRemind): NotRemindedReason | null {
  if (customer.unappliedPaymentCents <= 0 && customer.unusedCreditCents <= 0) return null;
  return {
    code: 'held',
    unappliedPaymentCents: Math.max(0, customer.unappliedPaymentCents),
    unusedCreditCents: Math.max(0, customer.unusedCreditCents),
    currency: invoice.currency,
  };
}

/**
 * Where a reminder goes. QuickBooks' send goes to the invoice's BillEmail, or to the customer's email when the
 * invoice has none; Duesense's email goes to the customer's email, or to the invoice's BillEmail when the customer
 * has none. Empty when neither has an address: "cannot send: no email", never a silent skip.
 */
export function addressesFor(channel: ReminderChannel, invoice: InvoiceToRemind, customer: CustomerToRemind): string[] {
  const [first, second] =
    channel === 'quickbooks' ? [invoice.billEmail, customer.email] : [customer.email, invoice.billEmail];
  const preferred = addressesIn(first);
  return preferred.length > 0 ? preferred : addressesIn(second);
}

export type SendNowCheck =
  { ok: true; tone: ReminderTone; channel: ReminderChannel; to: string[] } | { ok: false; reason: NotRemindedReason };

/**
 * Whether a person may send a reminder for this invoice now, and how it would go: the same guards as the nightly
 * plan, without the schedule's (a person's send is deliberate; it still counts toward the limits afterwards).
 */
export function checkSendNow(
  invoice: InvoiceToRemind,
  customer: CustomerToRemind,
  policy: ReminderPolicy,
  now: Date,
  timeZone: string,
): SendNowCheck {
  const { tone, channel } = remindersFor(policy, customer.strategy);
  const blocked = safetyBlock(invoice, customer, localDate(now, timeZone)) ?? holdBlock(invoice, customer);
  if (blocked) return { ok: false, reason: blocked };
  const to = addressesFor(channel, invoice, customer);
  return to.length === 0 ? { ok: false, reason: { code: 'no-email' } } : { ok: true, tone, channel, to };
}
