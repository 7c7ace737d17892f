/**
 * The default reminder texts: what a considerate small business would write. Friendly assumes an oversight, firm
 * asks for a date, a final notice says plainly what follows (no further credit) and offers a payment plan; none
 * threatens. Each starts on a day from the due date: before it, on it, after it, and a month after it.
 * Checked by reminder-templates.ts when it loads.
 */

/** Paragraphs, separated by a blank line. */
const paragraphs = (...parts: string[]) => parts.join('\n\n');

const INVOICES = '{{invoices}}';
const signedKindly = 'Kind regards,\n{{companyName}}\n{{companyEmail}}';
const signedThanks = 'Thank you,\n{{companyName}}\n{{companyEmail}}';
const signed = 'Regards,\n{{companyName}}\n{{companyEmail}}';
const matchIt =
  'If you have already paid, please send us the date and method of payment so we can match it to your account.';

const friendly = [
  {
    fromDay: -30,
    subject: 'Coming up: {{whichInvoices}} from {{companyName}}',
    body: paragraphs(
      'Hi {{contactName}},',
      'A quick heads-up that payment will soon be due for:',
      INVOICES,
      '{{earlyPaymentDiscount}}',
      "If it's already on its way, thank you, and please ignore this note. Any questions? Just reply to this email.",
      signedKindly,
    ),
  },
  {
    fromDay: 0,
    subject: 'Due today: {{whichInvoices}} from {{companyName}}',
    body: paragraphs(
      'Hi {{contactName}},',
      'Just a friendly reminder that payment is due today for:',
      INVOICES,
      "If you've already paid, thank you, and please ignore this note. Any questions? Just reply to this email.",
      signedKindly,
    ),
  },
  {
    fromDay: 1,
    subject: 'Payment reminder: {{whichInvoices}} from {{companyName}}',
    body: paragraphs(
      'Hi {{contactName}},',
      "I hope you're well. According to our records, payment hasn't reached us yet for:",
      INVOICES,
      'It may simply have slipped through the cracks. Could you take a look when you have a moment?',
      '{{lateFee}}',
      'If payment is already on its way, thank you, and please ignore this note. ' +
        'If something is holding it up, just reply and let us know.',
      signedKindly,
    ),
  },
  {
    fromDay: 30,
    subject: 'Overdue: {{whichInvoices}} from {{companyName}}',
    body: paragraphs(
      'Hi {{contactName}},',
      "We still haven't received payment for the following, now a month or more past due:",
      INVOICES,
      "We'd be grateful if you could settle the {{totalOpenBalance}} outstanding, or let us know when we can " +
        "expect it. If there's a problem with the invoice, or paying in instalments would help, just reply and " +
        "we'll gladly work something out.",
      '{{lateFee}}',
      signedThanks,
    ),
  },
];

const firm = [
  {
    fromDay: -30,
    subject: 'Payment due soon: {{whichInvoices}} from {{companyName}}',
    body: paragraphs(
      'Hello {{contactName}},',
      'This is a reminder that payment falls due shortly for:',
      INVOICES,
      'Please arrange payment by the due date. {{earlyPaymentDiscount}}',
      'If you have a question about the amount, please reply before the due date so we can sort it out in time.',
      signed,
    ),
  },
  {
    fromDay: 0,
    subject: 'Payment due today: {{whichInvoices}} from {{companyName}}',
    body: paragraphs(
      'Hello {{contactName}},',
      'Payment is due today for:',
      INVOICES,
      `Please make sure payment is sent today. ${matchIt}`,
      signed,
    ),
  },
  {
    fromDay: 1,
    subject: 'Overdue: {{whichInvoices}} from {{companyName}}',
    body: paragraphs(
      'Hello {{contactName}},',
      'Our records show that payment is overdue for:',
      INVOICES,
      'Please pay the {{totalOpenBalance}} outstanding now, or reply to tell us the date we can expect it.',
      '{{lateFee}}',
      `${matchIt} If you dispute any part of the invoice, tell us and we will look into it promptly.`,
      signed,
    ),
  },
  {
    fromDay: 30,
    subject: 'Overdue 30 days or more: {{whichInvoices}} from {{companyName}}',
    body: paragraphs(
      'Hello {{contactName}},',
      'Payment for the following is now 30 days or more overdue:',
      INVOICES,
      'Please pay the {{totalOpenBalance}} outstanding within the next 7 days. If that is not possible, reply to ' +
        'agree a payment date or plan with us; we would rather settle this together.',
      '{{lateFee}}',
      matchIt,
      signed,
    ),
  },
];

const final = [
  {
    fromDay: -30,
    subject: 'Payment due soon: {{whichInvoices}} from {{companyName}}',
    body: paragraphs(
      'Hello {{contactName}},',
      'Payment falls due shortly for:',
      INVOICES,
      'As further credit on your account depends on prompt payment, please make sure this is paid on or before ' +
        'the due date. {{earlyPaymentDiscount}}',
      'If anything might stop that, please reply now so we can agree how to handle it.',
      signed,
    ),
  },
  {
    fromDay: 0,
    subject: 'Due today: {{whichInvoices}} from {{companyName}}',
    body: paragraphs(
      'Hello {{contactName}},',
      'Payment is due today for:',
      INVOICES,
      `Please make sure payment is made today: further credit on your account depends on it. ${matchIt}`,
      signed,
    ),
  },
  {
    fromDay: 1,
    subject: 'Final notice: {{whichInvoices}} from {{companyName}}',
    body: paragraphs(
      'Hello {{contactName}},',
      'This is a final notice that payment is overdue for:',
      INVOICES,
      'Please pay the {{totalOpenBalance}} outstanding within 7 days of this notice. Until it is settled, we are ' +
        'unable to extend further credit on your account.',
      '{{lateFee}}',
      'If you cannot pay in full, please reply so we can agree a payment plan; we would much rather find a way ' +
        `forward together. ${matchIt}`,
      signed,
    ),
  },
  {
    fromDay: 30,
    subject: 'Final notice from {{companyName}}: {{whichInvoices}}, 30 days or more overdue',
    body: paragraphs(
      'Hello {{contactName}},',
      'Payment for the following is now 30 days or more overdue, and this is our final notice:',
      INVOICES,
      'Please pay the {{totalOpenBalance}} outstanding within 7 days, or reply today to agree a payment plan. ' +
        'Until the balance is settled, we are unable to extend further credit on your account.',
      '{{lateFee}}',
      matchIt,
      signed,
    ),
  },
];

export const DEFAULT_TEMPLATE_TEXTS = {
  version: 1,
  invoiceLine:
    'Invoice {{invoiceNumber}} ({{amount}}, due {{dueDate}}): {{openBalance}} outstanding, {{dueStatus}}. ' +
    'Pay online: {{paymentLink}}',
  tones: { friendly, firm, final },
};
