/**
 * A reminder email written out: checked templates, the customer's invoices and the day it is written go in, a
 * subject and a plain-text body come out. Money is formatted from cents with its currency, dates in words; a
 * field with no value takes its sentence with it (merge-fields.ts), so the text never shows an empty placeholder.
 * The email channel sends it; the Settings preview shows it for any real customer and invoice.
 */
import { formatMoney } from '../../../money.js';
import { compareText } from './collections.js';
import { dateInWords, daysBetween, daysInWords, dueStatusInWords } from './calendar.js';
import { fillText, oneLine, type InvoiceField, type MessageField } from './merge-fields.js';
import type { ReminderTone, ReminderWording } from './reminder-policy.js';
import { templateFor, type ReminderTemplates } from './reminder-templates.js';

export interface MessageInvoice {
  /** The DocNumber the customer knows, or QuickBooks' Id when the invoice has none. */
  number: string;
  totalCents: number;
  openBalanceCents: number;
  currency: string;
  /** YYYY-MM-DD. */
  dueDate: string;
  /** QuickBooks' online payment link of the invoice (InvoiceLink), when there is one. */
  paymentLink: string | null;
}

export interface MessageFacts {
  customerName: string;
  /** The contact's first and last name; null when QuickBooks has none (the customer's name stands in). */
  contactName: string | null;
  companyName: string;
  companyEmail: string | null;
  /** At least one: the invoices this email reminds about. */
  invoices: readonly MessageInvoice[];
}

export interface ReminderMessage {
  subject: string;
  text: string;
  /** The template used: the tone, and the day from the due date it starts on. */
  template: { tone: ReminderTone; fromDay: number };
}

/** The invoices an email lists, most overdue first. */
function inEmailOrder(invoices: readonly MessageInvoice[]): MessageInvoice[] {
  return [...invoices].sort((a, b) => compareText(a.dueDate, b.dueDate) || compareText(a.number, b.number));
}

export function renderReminder(
  templates: ReminderTemplates,
  tone: ReminderTone,
  facts: MessageFacts,
  wording: ReminderWording,
  today: string,
  locale = 'en-US',
): ReminderMessage {
  if (facts.invoices.length === 0) throw new Error('A reminder lists at least one invoice');
  const invoices = inEmailOrder(facts.invoices);
  const mostOverdue = daysBetween(invoices[0]!.dueDate, today);
  const template = templateFor(templates, tone, mostOverdue);
  const lines = invoices.map(
    (invoice) => `- ${fillText(templates.invoiceLine, invoiceValues(invoice, today, locale))}`,
  );
  const values = messageValues(facts, invoices, wording, locale);
  // A checked subject always keeps a sentence, unless a name QuickBooks should have is blank: never send none.
  const subject = oneLine(fillText(template.subject, values)) || `Payment reminder: ${values.whichInvoices}`;
  return {
    subject,
    text: fillText(template.body, values, lines),
    template: { tone, fromDay: template.fromDay },
  };
}

function messageValues(
  facts: MessageFacts,
  invoices: readonly MessageInvoice[],
  wording: ReminderWording,
  locale: string,
): Record<MessageField, string> {
  const customerName = oneLine(facts.customerName);
  return {
    customerName,
    contactName: oneLine(facts.contactName ?? '') || customerName,
    companyName: oneLine(facts.companyName),
    companyEmail: oneLine(facts.companyEmail ?? ''),
    whichInvoices: whichInvoices(invoices.map((i) => oneLine(i.number))),
    invoiceCount: String(invoices.length),
    totalOpenBalance: totalsInWords(invoices, locale),
    invoices: '',
    earlyPaymentDiscount: oneLine(wording.earlyPaymentDiscount ?? ''),
    lateFee: oneLine(wording.lateFee ?? ''),
  };
}

function invoiceValues(invoice: MessageInvoice, today: string, locale: string): Record<InvoiceField, string> {
  const overdue = daysBetween(invoice.dueDate, today);
  return {
    invoiceNumber: oneLine(invoice.number),
    amount: formatMoney(invoice.totalCents, invoice.currency, locale),
    openBalance: formatMoney(invoice.openBalanceCents, invoice.currency, locale),
    dueDate: dateInWords(invoice.dueDate, locale),
    dueStatus: dueStatusInWords(invoice.dueDate, today),
    daysOverdue: overdue > 0 ? daysInWords(overdue) : '',
    paymentLink: webLink(invoice.paymentLink),
  };
}

/** Only an http(s) address is a link worth sending; anything else counts as no link. */
function webLink(link: string | null): string {
  const trimmed = oneLine(link ?? '');
  return /^https?:\/\/\S+$/i.test(trimmed) ? trimmed : '';
}

const NUMBERS_NAMED = 4;

/** 'invoice 1042', 'invoices 1042 and 1050', 'invoices 1042, 1050, 1061, 1077 and 2 more'. */
export function whichInvoices(numbers: readonly string[]): string {
  if (numbers.length === 1) return `invoice ${numbers[0]}`;
  const named = numbers.slice(0, NUMBERS_NAMED);
  const rest = numbers.length - named.length;
  const last = rest > 0 ? `${rest} more` : named.pop()!;
  return `invoices ${named.join(', ')} and ${last}`;
}

/** The open balance of the invoices, one amount per currency: '$1,500.00', or '$1,500.00 and €200.00'. */
function totalsInWords(invoices: readonly MessageInvoice[], locale: string): string {
  const byCurrency = new Map<string, number>();
  for (const i of invoices) byCurrency.set(i.currency, (byCurrency.get(i.currency) ?? 0) + i.openBalanceCents);
  const amounts = [...byCurrency].map(([currency, cents]) => formatMoney(cents, currency, locale));
  return amounts.length === 1 ? amounts[0]! : `${amounts.slice(0, -1).join(', ')} and ${amounts.at(-1)}`;
}
