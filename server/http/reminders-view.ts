/** Reminders in words for the pages: outbox rows, the queue grouped by customer, and what the plan holds back. */
import type { NotReminded } from '../features/reminders/domain/reminder-plan.js';
import { TONE_WORDS } from '../features/reminders/domain/reminder-policy.js';
import type { CustomerContext, ReminderPreview, ReminderService } from '../features/reminders/reminder-service.js';
import type { Reminder, ReminderError } from '../features/reminders/reminder-store-type.js';
import {
  invoiceInWords,
  reminderReasonInWords,
  stageOf,
  STATUS_IN_WORDS,
} from '../features/reminders/reminder-words.js';
import { formatMoney } from '../money.js';
import { fmt } from './view-helpers.js';

/** What QuickBooks' own channel sends, said wherever a row of it is shown instead of a text. */
export const QUICKBOOKS_WORDING =
  'QuickBooks’ API does not let an app set the wording of this email: QuickBooks sends its own invoice email, ' +
  'with the invoice attached, and records it on the invoice.';

/**
 * Said when the owner turns automatic mode on, while it is on, and on the queue where reminders are approved:
 * QuickBooks' own reminders would duplicate ours.
 */
export const QUICKBOOKS_REMINDERS_ADVICE =
  'Switch off QuickBooks’ own automatic invoice reminders (in QuickBooks: Settings → Account and settings → Sales → ' +
  'Reminders), or a customer may get two reminders for one invoice: QuickBooks’ and Duesense’s.';

const ERROR_CLASS_WORDS: Record<string, string> = {
  reauth: 'The connection to QuickBooks must be renewed: reconnect, then approve it again',
  transient: 'QuickBooks could not be reached or was busy',
  permanent: 'QuickBooks refused to send it (often an address it does not accept)',
  unknown: 'The send failed unexpectedly',
};

/** A failed send in words; QuickBooks' own message, code and intuit_tid follow it on the page. */
export function sendErrorWords(e: Pick<ReminderError, 'errorClass'>): string {
  return ERROR_CLASS_WORDS[e.errorClass] ?? ERROR_CLASS_WORDS.unknown!;
}

export interface ReminderRowView {
  id: number;
  customerId: string;
  customerName: string;
  invoice: string;
  invoiceId: string;
  /** "$1,200.00 open, due 2 Oct 2026", or that the invoice is no longer open in the last sync. */
  balance: string;
  stage: string;
  tone: string;
  channel: string;
  quickbooks: boolean;
  to: string;
  status: Reminder['status'];
  statusWords: string;
  /** Why it is held or was skipped, in words; undefined when no reason was given. */
  reason: string | undefined;
  subject: string | null;
  text: string | null;
  /** The email channel's rows cannot be approved until that channel is set up (an SMTP server). */
  approvable: boolean;
  error: { words: string; code: string | null; message: string; intuitTid: string | null } | undefined;
  decidedBy: string | null;
  /** When it was sent, else when it last changed. */
  at: Date;
}

export function reminderRow(
  r: Reminder,
  p: Pick<ReminderPreview, 'names' | 'invoices' | 'emailReady'>,
): ReminderRowView {
  const open = p.invoices.get(r.invoiceId);
  return {
    id: r.id,
    customerId: r.customerId,
    customerName: p.names.get(r.customerId) ?? `Customer ${r.customerId}`,
    invoice: invoiceInWords(r).replace(/^i/, 'I'),
    invoiceId: r.invoiceId,
    balance: open
      ? `${formatMoney(open.openBalanceCents, open.currency)} open, due ${fmt.date(open.dueDate)}`
      : 'Not open in the last sync (paid, voided or deleted)',
    stage: stageOf(r).replace(/^t/, 'T').replace(/^a/, 'A'),
    tone: TONE_WORDS[r.tone],
    channel: r.channel === 'email' ? 'Email from Duesense' : 'QuickBooks’ invoice email',
    quickbooks: r.channel === 'quickbooks',
    to: r.to.length > 0 ? r.to.join(', ') : 'no address',
    status: r.status,
    statusWords: STATUS_IN_WORDS[r.status],
    reason: r.reason ? reminderReasonInWords(r.reason) : undefined,
    subject: r.subject,
    text: r.text,
    approvable: r.channel === 'quickbooks' || p.emailReady,
    error: r.lastError
      ? {
          words: sendErrorWords(r.lastError),
          code: r.lastError.code,
          message: r.lastError.message,
          intuitTid: r.lastError.intuitTid,
        }
      : undefined,
    decidedBy: r.decidedBy,
    at: r.sentAt ?? r.updatedAt,
  };
}

export interface CustomerGroup<T> {
  customerId: string;
  customerName: string;
  rows: T[];
}

/** Rows grouped by customer, customers by name, each customer's rows in the order given. */
export function byCustomer<T extends { customerId: string; customerName: string }>(
  rows: readonly T[],
): CustomerGroup<T>[] {
  const groups = new Map<string, CustomerGroup<T>>();
  for (const r of rows) {
    const g = groups.get(r.customerId) ?? { customerId: r.customerId, customerName: r.customerName, rows: [] };
    g.rows.push(r);
    groups.set(r.customerId, g);
  }
  return [...groups.values()].sort((a, b) => a.customerName.localeCompare(b.customerName, 'en-US'));
}

export interface HeldView {
  customerId: string;
  customerName: string;
  invoice: string;
  balance: string;
  reason: string;
}

/** An invoice the plan did not remind, with its reason in words. */
export function heldRow(n: NotReminded, p: Pick<ReminderPreview, 'names' | 'invoices'>): HeldView {
  const open = p.invoices.get(n.invoiceId);
  return {
    customerId: n.customerId,
    customerName: p.names.get(n.customerId) ?? `Customer ${n.customerId}`,
    invoice: invoiceInWords(n).replace(/^i/, 'I'),
    balance: open ? `${formatMoney(open.openBalanceCents, open.currency)} open` : '',
    reason: reminderReasonInWords(n.reason),
  };
}

export interface OpenInvoiceView {
  invoiceId: string;
  invoice: string;
  balance: string;
  /** What a run would do for it now, in words. */
  plan: string;
  snoozedUntil: string | null;
  disputed: boolean;
}

/** The customer's reminders shown on their page, newest first. */
const TIMELINE_ROWS = 100;

export interface CustomerRemindersView {
  timeline: ReminderRowView[];
  invoices: OpenInvoiceView[];
}

/** A customer's reminders on record (newest first) and their open invoices with what a run would do now. */
export async function customerReminders(
  reminders: Pick<ReminderService, 'customerPreview'>,
  realmId: string,
  customer: CustomerContext,
): Promise<CustomerRemindersView> {
  const { customerId } = customer;
  const preview = await reminders.customerPreview(realmId, customer);
  const due = new Map(preview.plan.due.map((d) => [d.invoiceId, d]));
  const not = new Map(preview.plan.notReminded.map((n) => [n.invoiceId, n]));
  const invoices = [...preview.invoices.values()]
    .filter((i) => i.customerId === customerId)
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.invoiceId.localeCompare(b.invoiceId))
    .map((i) => {
      const d = due.get(i.invoiceId);
      const n = not.get(i.invoiceId);
      return {
        invoiceId: i.invoiceId,
        invoice: invoiceInWords(i).replace(/^i/, 'I'),
        balance: `${formatMoney(i.openBalanceCents, i.currency)} open, due ${fmt.date(i.dueDate)}`,
        plan: d
          ? `Due now: ${stageOf(d).replace(/^t/, 't')} (${TONE_WORDS[d.tone].toLowerCase()}), on the next run.`
          : n
            ? reminderReasonInWords(n.reason)
            : 'Nothing planned.',
        snoozedUntil: i.snoozedUntil,
        disputed: i.disputed,
      };
    });
  return { timeline: preview.rows.slice(0, TIMELINE_ROWS).map((r) => reminderRow(r, preview)), invoices };
}
