/**
 * The email channel's text, written when a reminder is queued: one email per customer per run listing every invoice
 * with a reminder due, in the tone's template, from the invoices and the customer as QuickBooks sent them.
 */
import { toCents } from '../../money.js';
import type { QboEntity } from '../../qbo/qbo-api-client.js';
import type { ReminderPlan } from './domain/reminder-plan.js';
import type { ReminderPolicy } from './domain/reminder-policy.js';
import { renderReminder, type MessageInvoice, type ReminderMessage } from './domain/reminder-message.js';
import type { ReminderTemplates } from './domain/reminder-templates.js';
import type { LoadedFacts } from './reminder-facts-loader.js';

const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

function messageInvoice(i: QboEntity, homeCurrency: string): MessageInvoice {
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
    const customer = loaded.customerEntities.get(email.customerId);
    const contact = [text(customer?.GivenName), text(customer?.FamilyName)].filter((n) => n !== '').join(' ');
    const invoices = email.reminders
      .map((r) => loaded.invoiceEntities.get(r.invoiceId))
      .filter((i): i is QboEntity => i !== undefined)
      .map((i) => messageInvoice(i, o.homeCurrency));
    if (invoices.length === 0) continue;
    const message = renderReminder(
      o.templates,
      email.tone,
      {
        customerName: loaded.names.get(email.customerId) ?? email.customerId,
        contactName: contact === '' ? null : contact,
        companyName: o.companyName,
        companyEmail: o.companyEmail,
        invoices,
      },
      o.policy.wording,
      plan.today,
    );
    for (const r of email.reminders) texts.set(r.invoiceId, message);
  }
  return texts;
}
