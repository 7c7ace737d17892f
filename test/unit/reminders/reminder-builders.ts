/** Builders of reminder facts with overrides, and a plan made from them (UTC unless a zone is given). */
import type {
  CustomerToRemind,
  InvoiceToRemind,
  ReminderFacts,
  ReminderRecord,
} from '../../../server/features/reminders/domain/reminder-facts.js';

export type { CustomerToRemind, InvoiceToRemind, ReminderFacts, ReminderRecord };
import { planReminders, type ReminderPlan } from '../../../server/features/reminders/domain/reminder-plan.js';
import {
  DEFAULT_REMINDER_POLICY,
  parseReminderPolicy,
  type ReminderPolicy,
} from '../../../server/features/reminders/domain/reminder-policy.js';

/** Tuesday 10 March 2026, 15:00 UTC: a business day. */
export const TUESDAY = new Date('2026-03-10T15:00:00Z');

/** Noon UTC of a date: the same calendar date in UTC and in every zone the tests use but Sydney's. */
export const noonOf = (date: string) => new Date(`${date}T12:00:00Z`);

export function invoice(o: Partial<InvoiceToRemind> = {}): InvoiceToRemind {
  return {
    invoiceId: 'inv-1',
    docNumber: '1001',
    customerId: 'cus-1',
    dueDate: '2026-03-10',
    openBalanceCents: 50_000,
    currency: 'USD',
    exchangeRate: 1,
    billEmail: 'ap@elm.test',
    lastEmailedAt: null,
    snoozedUntil: null,
    disputed: false,
    ...o,
  };
}

export function customer(o: Partial<CustomerToRemind> = {}): CustomerToRemind {
  return {
    customerId: 'cus-1',
    strategy: 'Standard',
    email: 'owner@elm.test',
    excluded: false,
    remindersPaused: false,
    unappliedPaymentCents: 0,
    unusedCreditCents: 0,
    lastEmailAt: null,
    ...o,
  };
}

export function record(o: Partial<ReminderRecord> = {}): ReminderRecord {
  return { invoiceId: 'inv-1', stageDays: 0, status: 'sent', at: new Date('2026-03-01T12:00:00Z'), ...o };
}

export function facts(o: Partial<ReminderFacts> = {}): ReminderFacts {
  return { homeCurrency: 'USD', invoices: [invoice()], customers: [customer()], records: [], ...o };
}

/** The default policy with some settings changed, checked like a saved one. */
export function policyWith(change: Partial<ReminderPolicy> = {}): ReminderPolicy {
  return parseReminderPolicy({ ...structuredClone(DEFAULT_REMINDER_POLICY), ...change });
}

export function plan(
  f: ReminderFacts,
  o: { policy?: ReminderPolicy; now?: Date; timeZone?: string } = {},
): ReminderPlan {
  return planReminders(f, o.policy ?? DEFAULT_REMINDER_POLICY, o.now ?? TUESDAY, o.timeZone ?? 'UTC');
}

/** The one reason an invoice got no reminder, or undefined when it is due. */
export function reasonOf(p: ReminderPlan, invoiceId = 'inv-1') {
  return p.notReminded.find((n) => n.invoiceId === invoiceId)?.reason;
}
