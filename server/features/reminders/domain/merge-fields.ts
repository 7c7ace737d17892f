/**
 * Merge fields: the {{name}} placeholders of a reminder template, what each stands for, where it may appear, and
 * the two things done with a text: find its problems (when a template is saved) and fill it (when a reminder is
 * written). Filling drops a sentence whose field is empty, so no text ever shows an empty placeholder.
 */

/** Fields of the whole email: the subject and the body. */
export const MESSAGE_FIELDS = [
  'customerName',
  'contactName',
  'companyName',
  'companyEmail',
  'whichInvoices',
  'invoiceCount',
  'totalOpenBalance',
  'invoices',
  'earlyPaymentDiscount',
  'lateFee',
] as const;

/** Fields of one invoice: the invoice line, repeated for every invoice the email lists. */
export const INVOICE_FIELDS = [
  'invoiceNumber',
  'amount',
  'openBalance',
  'dueDate',
  'dueStatus',
  'daysOverdue',
  'paymentLink',
] as const;

export type MessageField = (typeof MESSAGE_FIELDS)[number];
export type InvoiceField = (typeof INVOICE_FIELDS)[number];
export type MergeField = MessageField | InvoiceField;

/** What each field becomes, for the Settings page. */
export const MERGE_FIELD_WORDS: Readonly<Record<MergeField, string>> = {
  customerName: "the customer's name in QuickBooks",
  contactName: "the customer's contact (first and last name), or the customer's name when there is none",
  companyName: "your company's name",
  companyEmail: "your company's email (may be missing)",
  whichInvoices: "'invoice 1042', or 'invoices 1042 and 1050'",
  invoiceCount: 'how many invoices the email lists',
  totalOpenBalance: 'the open balance of the invoices listed, with the currency',
  invoices: 'the invoice lines, one per invoice (on a line of its own)',
  earlyPaymentDiscount: 'the early-payment discount wording of the policy (may be missing)',
  lateFee: 'the late-fee wording of the policy (may be missing)',
  invoiceNumber: "the invoice's number",
  amount: "the invoice's total, with the currency",
  openBalance: 'what is still open on the invoice, with the currency',
  dueDate: "the due date in words, e.g. 'March 10, 2026'",
  dueStatus: "'due in 3 days', 'due today' or '7 days overdue'",
  daysOverdue: "'7 days' once the invoice is overdue (missing before)",
  paymentLink: "the invoice's online payment link, when QuickBooks has one (may be missing)",
};

/** Fields that can be empty: a sentence holding one is left out when it is. The others always have a value. */
export const MAY_BE_MISSING: ReadonlySet<string> = new Set<MergeField>([
  'companyEmail',
  'earlyPaymentDiscount',
  'lateFee',
  'daysOverdue',
  'paymentLink',
]);

const FIELD = /\{\{\s*([^{}]*?)\s*\}\}/g;

export function fieldsIn(text: string): string[] {
  return [...text.matchAll(FIELD)].map((m) => m[1]!);
}

/**
 * A template line's sentences: text up to a '.', '!' or '?' followed by a space. The unit a missing field
 * drops, so 'Pay online: {{paymentLink}}' goes when there is no link and the sentences around it stay.
 */
export function sentencesOf(line: string): string[] {
  return line.split(/(?<=[.!?])\s+/);
}

export type TextPlace = 'subject' | 'body' | 'invoice line';

/** What is wrong with a template text, each in a sentence; none when it can be saved. */
export function textProblems(text: string, place: TextPlace): string[] {
  const problems: string[] = [];
  if (/\{\{|\}\}/.test(text.replace(FIELD, ''))) problems.push('a {{ without its }}, or a }} without its {{.');
  const allowed: readonly string[] = place === 'invoice line' ? INVOICE_FIELDS : MESSAGE_FIELDS;
  for (const name of new Set(fieldsIn(text))) {
    if (allowed.includes(name)) continue;
    problems.push(misplacedField(name, place));
  }
  if (place !== 'body' && text.includes('\n')) problems.push(`the ${place} is one line.`);
  if (place === 'body') {
    const lines = text.split('\n').filter((line) => fieldsIn(line).includes('invoices'));
    if (lines.length !== 1 || lines[0]!.trim() !== '{{invoices}}')
      problems.push('{{invoices}} must appear once, on a line of its own: it becomes one line per invoice.');
  }
  if (place === 'subject' && !sentencesOf(text).some((s) => fieldsIn(s).every((f) => !MAY_BE_MISSING.has(f))))
    problems.push('the subject needs a sentence without a field that may be missing, or it could be empty.');
  if (place === 'invoice line') {
    const numbered = sentencesOf(text).find((s) => fieldsIn(s).includes('invoiceNumber'));
    if (numbered === undefined) problems.push('the invoice line must name the invoice with {{invoiceNumber}}.');
    else if (fieldsIn(numbered).some((f) => MAY_BE_MISSING.has(f)))
      problems.push(
        'the sentence with {{invoiceNumber}} cannot hold a field that may be missing: the number would go with it.',
      );
  }
  return problems;
}

function misplacedField(name: string, place: TextPlace): string {
  if ((INVOICE_FIELDS as readonly string[]).includes(name))
    return `{{${name}}} belongs in the invoice line: one email can list several invoices.`;
  if ((MESSAGE_FIELDS as readonly string[]).includes(name))
    return `{{${name}}} cannot be used in the invoice line; use it in the subject or the body.`;
  const near = [...MESSAGE_FIELDS, ...INVOICE_FIELDS].find((f) => f.toLowerCase() === name.toLowerCase());
  const hint = near
    ? ` Did you mean {{${near}}}?`
    : ` The ${place === 'invoice line' ? 'invoice line' : place}'s fields are: ${fieldList(place)}.`;
  return `{{${name}}} is not a merge field.${hint}`;
}

function fieldList(place: TextPlace): string {
  return (place === 'invoice line' ? INVOICE_FIELDS : MESSAGE_FIELDS).map((f) => `{{${f}}}`).join(', ');
}

/** Control characters (line breaks included) become spaces: a value never breaks a line or a subject. */
export function oneLine(value: string): string {
  return value.replace(/\p{Cc}+/gu, ' ').trim();
}

/**
 * A text with its fields filled from `values` (a missing value is ''): a sentence with an empty field is left out,
 * a line left with no sentence goes, and blank lines never pile up. `{{invoices}}` on its own line becomes
 * `invoiceLines`, one per line.
 */
export function fillText(text: string, values: Readonly<Record<string, string>>, invoiceLines: string[] = []): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '{{invoices}}') out.push(...invoiceLines);
    else if (line.trim() === '') out.push('');
    else {
      const kept = sentencesOf(line).filter((s) => fieldsIn(s).every((f) => (values[f] ?? '') !== ''));
      if (kept.length > 0) out.push(kept.join(' ').replace(FIELD, (_, name: string) => values[name] ?? ''));
    }
  }
  return out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
