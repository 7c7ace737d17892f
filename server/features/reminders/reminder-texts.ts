/**
 * The email channel's text, written when a reminder is queued: one email per customer per run listing every invoice
 * with a reminder due, in the tone's template, from the invoices and the customer as QuickBooks sent them.
 */
import { toCents } from '../../money.js';
import type { QboEntity } from '../../qbo/qbo-api-client.js';
import type { ReminderPlan } from './domain/reminder-plan.js';
import type { ReminderPolicy, ReminderTone } from './domain/reminder-policy.js';
import { renderReminder, type MessageInvoice, type ReminderMessage } from './domain/reminder-message.js';
import type { ReminderTemplates } from './domain/reminder-templates.js';
import type { LoadedFacts } from './reminder-facts-loader.js';

const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

/** An invoice as QuickBooks sent it, as an email lists it. */
export function messageInvoice(i: QboEntity, homeCurrency: string): MessageInvoice {
  const link = text(i.InvoiceLink);
  return {
    number: text(i.DocNumber) || i.Id,
    totalCents: toCents(Number(i.TotalAmt ?? 0)),
    openBalanceCents: toCents(Number(i.Balance ?? 0)),
    currency: text((i.CurrencyRef as { value?: unknown } | undefined)?.value) || homeCurrency,
    dueDate: text(i.DueDate) || text(i.TxnDate),
    paymentLink: link === '' ? null : link,
  };
}

/** The text of each email-channel reminder due in the plan, by invoice id (every invoice of one email shares it). */
export function emailTexts(
  plan: ReminderPlan,
  loaded: Pick<LoadedFacts, 'invoiceEntities' | 'customerEntities' | 'names'>,
  o: {
    policy: ReminderPolicy;
    templates: ReminderTemplates;
    companyName: string;
    companyEmail: string | null;
    homeCurrency: string;
  },
): Map<string, ReminderMessage> {
  const texts = new Map<string, ReminderMessage>();
  for (const email of plan.emails) {
    const invoices = email.reminders
      .map((r) => loaded.invoiceEntities.get(r.invoiceId))
      .filter((i): i is QboEntity => i !== undefined);
    if (invoices.length === 0) continue;
    const message = customerEmailText({
      ...o,
      tone: email.tone,
      customer: loaded.customerEntities.get(email.customerId),
      customerName: loaded.names.get(email.customerId) ?? email.customerId,
      invoices,
      today: plan.today,
    });
    for (const r of email.reminders) texts.set(r.invoiceId, message);
  }
  return texts;
}

/** One customer's email, listing these invoices (as QuickBooks sent them), in the tone's template. */
export function customerEmailText(o: {
  policy: Pick<ReminderPolicy, 'wording'>;
  templates: ReminderTemplates;
  tone: ReminderTone;
  customer: QboEntity | undefined;
  customerName: string;
  companyName: string;
  companyEmail: string | null;
  homeCurrency: string;
  invoices: readonly QboEntity[];
  today: string;
}): ReminderMessage {
  const contact = [text(o.customer?.GivenName), text(o.customer?.FamilyName)].filter((n) => n !== '').join(' ');
  return renderReminder(
    o.templates,
    o.tone,
    {
      customerName: o.customerName,
      contactName: contact === '' ? null : contact,
      companyName: o.companyName,
      companyEmail: o.companyEmail,
      invoices: o.invoices.map((i) => messageInvoice(i, o.homeCurrency)),
    },
    o.policy.wording,
    o.today,
  );
}

/** The company as CompanyInfo names it: its name and email (the Reply-To of the email channel), when given. */
export function companyContact(
  info: Record<string, unknown> | undefined,
  fallbackName: string,
): { name: string; email: string | null } {
  const name = text(info?.CompanyName) || fallbackName;
  const email = text((info?.Email as { Address?: unknown } | undefined)?.Address);
  return { name, email: /^[^@\s,;<>"]+@[^@\s,;<>"]+\.[^@\s,;<>"]+$/.test(email) ? email : null };
}

/** A Reply-To header value: `"Name" <address>` (quotes and backslashes in the name dropped). */
export function replyToOf(contact: { name: string; email: string | null }): string | undefined {
  if (contact.email === null) return undefined;
  const name = contact.name.replace(/["\\\r\n]/g, '').trim();
  return name === '' ? contact.email : `"${name}" <${contact.email}>`;
}
