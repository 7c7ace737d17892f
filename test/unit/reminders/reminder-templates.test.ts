import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  renderReminder,
  whichInvoices,
  type MessageFacts,
  type MessageInvoice,
} from '../../../server/features/reminders/domain/reminder-message.js';
import { addDaysToDate } from '../../../server/features/reminders/domain/calendar.js';
import { DEFAULT_TEMPLATE_TEXTS } from '../../../server/features/reminders/domain/reminder-default-texts.js';
import { REMINDER_TONES } from '../../../server/features/reminders/domain/reminder-policy.js';
import {
  DEFAULT_REMINDER_TEMPLATES,
  checkReminderTemplates,
  parseReminderTemplates,
  templateFor,
} from '../../../server/features/reminders/domain/reminder-templates.js';

const NO_WORDING = { earlyPaymentDiscount: null, lateFee: null };

function inv(o: Partial<MessageInvoice> = {}): MessageInvoice {
  return {
    number: '1042',
    totalCents: 125_000,
    openBalanceCents: 125_000,
    currency: 'USD',
    dueDate: '2026-03-10',
    paymentLink: 'https://connect.intuit.test/pay/1042',
    ...o,
  };
}

function message(o: Partial<MessageFacts> = {}): MessageFacts {
  return {
    customerName: 'Elm Street Bakery',
    contactName: 'Jane Doe',
    companyName: 'Acme Plumbing',
    companyEmail: 'billing@acme.test',
    invoices: [inv()],
    ...o,
  };
}

/** The default texts with one friendly template changed. */
function withFriendly(change: { subject?: string; body?: string }, invoiceLine?: string) {
  const texts = structuredClone(DEFAULT_TEMPLATE_TEXTS);
  Object.assign(texts.tones.friendly[2]!, change);
  if (invoiceLine !== undefined) texts.invoiceLine = invoiceLine;
  return texts;
}

function errorsOf(input: unknown): Record<string, string> {
  const checked = checkReminderTemplates(input);
  if (checked.ok) throw new Error('expected the templates to be refused');
  return Object.fromEntries(checked.errors.map((e) => [e.field, e.message]));
}

describe('checking templates when they are saved', () => {
  it('When the default texts are checked, then they pass: four per tone, from before due to a month on', () => {
    for (const list of Object.values(DEFAULT_REMINDER_TEMPLATES.tones))
      expect(list.map((t) => t.fromDay)).toEqual([-30, 0, 1, 30]);
  });

  it('When a template uses an unknown merge field, then it is refused with the field and a suggestion', () => {
    const checked = checkReminderTemplates(withFriendly({ body: 'Hi {{contactname}},\n{{invoices}}\n{{signature}}' }));
    expect(checked.ok).toBe(false);
    const [misspelt, unknownField] = checked.ok ? [] : checked.errors;
    expect(misspelt).toEqual({
      field: 'tones.friendly.2.body',
      message:
        'Friendly reminder from 1 day after the due date, body: {{contactname}} is not a merge field. ' +
        'Did you mean {{contactName}}?',
    });
    expect(unknownField?.message).toContain(
      "{{signature}} is not a merge field. The body's fields are: {{customerName}}",
    );
    const unknown = errorsOf(withFriendly({ subject: 'About {{balance}}' }))['tones.friendly.2.subject'];
    expect(unknown).toMatch(
      /^Friendly reminder from 1 day after the due date, subject: \{\{balance\}\} is not a merge/,
    );
    expect(unknown).toContain('{{totalOpenBalance}}');
  });

  it('When an invoice’s field is in the body, or a message field in the invoice line, then it is refused', () => {
    expect(
      errorsOf(
        withFriendly({ body: 'Due {{dueDate}}:\n{{invoices}}' }, 'Invoice {{invoiceNumber}} for {{companyName}}'),
      ),
    ).toEqual({
      invoiceLine:
        'The invoice line: {{companyName}} cannot be used in the invoice line; use it in the subject or the body.',
      'tones.friendly.2.body':
        'Friendly reminder from 1 day after the due date, body: {{dueDate}} belongs in the invoice line: ' +
        'one email can list several invoices.',
    });
  });

  it('When the body has no invoice list, or not on a line of its own, then it is refused', () => {
    const message =
      'Friendly reminder from 1 day after the due date, body: ' +
      '{{invoices}} must appear once, on a line of its own: it becomes one line per invoice.';
    expect(errorsOf(withFriendly({ body: 'Please pay.' }))['tones.friendly.2.body']).toBe(message);
    expect(errorsOf(withFriendly({ body: 'Please pay {{invoices}}' }))['tones.friendly.2.body']).toBe(message);
  });

  it('When braces do not close, or the subject could end up empty, then it is refused', () => {
    expect(errorsOf(withFriendly({ subject: 'Reminder {{companyName}' }))['tones.friendly.2.subject']).toContain(
      'a {{ without its }}',
    );
    expect(errorsOf(withFriendly({ subject: '{{lateFee}}' }))['tones.friendly.2.subject']).toContain(
      'the subject needs a sentence without a field that may be missing',
    );
  });

  it('When the invoice number shares a sentence with a field that may be missing, then it is refused', () => {
    expect(errorsOf(withFriendly({}, 'Invoice {{invoiceNumber}}, pay at {{paymentLink}}'))).toEqual({
      invoiceLine:
        'The invoice line: the sentence with {{invoiceNumber}} cannot hold a field that may be missing: ' +
        'the number would go with it.',
    });
  });

  it('When two templates of a tone start the same day, then it is refused', () => {
    const texts = structuredClone(DEFAULT_TEMPLATE_TEXTS);
    texts.tones.firm[3]!.fromDay = 1;
    expect(errorsOf(texts)).toEqual({ 'tones.firm': 'Firm reminders: two templates cannot start on the same day.' });
    expect(() => parseReminderTemplates(texts)).toThrow('The reminder templates is not valid: tones.firm: Firm');
  });

  it('Then the template for a day is the last that has started, or the first before any has', () => {
    const pick = (days: number) => templateFor(DEFAULT_REMINDER_TEMPLATES, 'firm', days).fromDay;
    expect([-45, -3, 0, 1, 29, 30, 400].map(pick)).toEqual([-30, -30, 0, 1, 1, 30, 30]);
  });
});

describe('writing a reminder', () => {
  it('When an invoice is a week overdue, then the text has its number, money with its currency, dates in words', () => {
    const m = renderReminder(DEFAULT_REMINDER_TEMPLATES, 'friendly', message(), NO_WORDING, '2026-03-17');
    expect(m.subject).toBe('Payment reminder: invoice 1042 from Acme Plumbing');
    expect(m.template).toEqual({ tone: 'friendly', fromDay: 1 });
    expect(m.text).toContain(
      '- Invoice 1042 ($1,250.00, due March 10, 2026): $1,250.00 outstanding, 7 days overdue. ' +
        'Pay online: https://connect.intuit.test/pay/1042',
    );
    expect(m.text.startsWith('Hi Jane Doe,\n\n')).toBe(true);
    expect(m.text.endsWith('Kind regards,\nAcme Plumbing\nbilling@acme.test')).toBe(true);
  });

  it('When the invoice has no payment link, then only the sentence with the link is dropped', () => {
    const m = renderReminder(
      DEFAULT_REMINDER_TEMPLATES,
      'friendly',
      message({ invoices: [inv({ paymentLink: null })] }),
      NO_WORDING,
      '2026-03-17',
    );
    expect(m.text).toContain(
      '- Invoice 1042 ($1,250.00, due March 10, 2026): $1,250.00 outstanding, 7 days overdue.\n',
    );
    expect(m.text).not.toContain('Pay online');
    // A link that is not a web address counts as none.
    const odd = message({ invoices: [inv({ paymentLink: 'javascript:alert(1)' })] });
    expect(renderReminder(DEFAULT_REMINDER_TEMPLATES, 'friendly', odd, NO_WORDING, '2026-03-17').text).not.toContain(
      'Pay online',
    );
  });

  it('When optional values are missing, then no placeholder, empty line run or dangling sentence is left', () => {
    const m = renderReminder(
      DEFAULT_REMINDER_TEMPLATES,
      'firm',
      message({ contactName: null, companyEmail: null, invoices: [inv({ paymentLink: null })] }),
      NO_WORDING,
      '2026-03-07',
    );
    expect(m.text).not.toMatch(/\{\{|\}\}|\n\n\n|: \n|: $/);
    expect(m.text.startsWith('Hello Elm Street Bakery,')).toBe(true); // the customer's name stands in
    expect(m.text).toContain('Please arrange payment by the due date.\n');
    expect(m.text.endsWith('Regards,\nAcme Plumbing')).toBe(true);
  });

  it('When the policy has discount and late-fee wording, then the discount goes before due, the fee after', () => {
    const wording = {
      earlyPaymentDiscount: 'Pay by the due date and take 2% off.',
      lateFee: 'A late fee of 1.5% a month applies.',
    };
    const before = renderReminder(DEFAULT_REMINDER_TEMPLATES, 'friendly', message(), wording, '2026-03-07').text;
    const after = renderReminder(DEFAULT_REMINDER_TEMPLATES, 'friendly', message(), wording, '2026-03-17').text;
    expect(before).toContain('\n\nPay by the due date and take 2% off.\n\n');
    expect(before).not.toContain('late fee');
    expect(after).toContain('\n\nA late fee of 1.5% a month applies.\n\n');
    expect(after).not.toContain('2% off');
  });

  it('When invoices in several currencies are listed, then each has its line and the total is per currency', () => {
    const invoices = [
      inv({
        number: 'B-7',
        paymentLink: 'https://connect.intuit.test/pay/b7',
        currency: 'EUR',
        totalCents: 9_876_543,
        openBalanceCents: 1_234_567,
        dueDate: '2026-02-01',
      }),
      inv({ number: '1042', paymentLink: null }),
      inv({ number: '1050', paymentLink: null, totalCents: 5, openBalanceCents: 5, dueDate: '2026-03-20' }),
    ];
    const m = renderReminder(DEFAULT_REMINDER_TEMPLATES, 'firm', message({ invoices }), NO_WORDING, '2026-03-10');
    expect(m.subject).toBe('Overdue 30 days or more: invoices B-7, 1042 and 1050 from Acme Plumbing');
    expect(m.text.split('\n').filter((l) => l.startsWith('- '))).toEqual([
      '- Invoice B-7 (€98,765.43, due February 1, 2026): €12,345.67 outstanding, 37 days overdue. ' +
        'Pay online: https://connect.intuit.test/pay/b7',
      '- Invoice 1042 ($1,250.00, due March 10, 2026): $1,250.00 outstanding, due today.',
      '- Invoice 1050 ($0.05, due March 20, 2026): $0.05 outstanding, due in 10 days.',
    ]);
    expect(m.text).toContain('Please pay the €12,345.67 and $1,250.05 outstanding within the next 7 days.');
  });

  it('When a due-date reminder is written two days late, then it reads as overdue, not as due today', () => {
    const m = renderReminder(DEFAULT_REMINDER_TEMPLATES, 'final', message(), NO_WORDING, '2026-03-12');
    expect(m.subject).toBe('Final notice: invoice 1042 from Acme Plumbing');
    expect(m.text).toContain('2 days overdue');
  });

  it('When a date is written for another locale, then it follows that locale', () => {
    const m = renderReminder(DEFAULT_REMINDER_TEMPLATES, 'friendly', message(), NO_WORDING, '2026-03-17', 'en-GB');
    expect(m.text).toContain('(US$1,250.00, due 10 March 2026)');
  });

  it('When a name holds line breaks, then the subject stays one line', () => {
    const m = renderReminder(
      DEFAULT_REMINDER_TEMPLATES,
      'friendly',
      message({ companyName: 'Acme\r\nBcc: everyone@example.test' }),
      NO_WORDING,
      '2026-03-17',
    );
    expect(m.subject).toBe('Payment reminder: invoice 1042 from Acme Bcc: everyone@example.test');
  });

  it('Then invoices are named for one or many', () => {
    expect(whichInvoices(['1'])).toBe('invoice 1');
    expect(whichInvoices(['1', '2'])).toBe('invoices 1 and 2');
    expect(whichInvoices(['1', '2', '3'])).toBe('invoices 1, 2 and 3');
    expect(whichInvoices(['1', '2', '3', '4', '5', '6'])).toBe('invoices 1, 2, 3, 4 and 2 more');
  });

  it('When no invoice is given, then there is nothing to write', () => {
    expect(() =>
      renderReminder(DEFAULT_REMINDER_TEMPLATES, 'friendly', message({ invoices: [] }), NO_WORDING, '2026-03-17'),
    ).toThrow('at least one invoice');
  });
});

describe('what every written reminder guarantees', () => {
  const words = fc.string({ unit: fc.constantFrom(...'abc XYZ.,:\n\t-'.split('')), minLength: 1, maxLength: 20 });
  const invoiceArb = fc.record({
    number: fc.stringMatching(/^[A-Z0-9-]{1,8}$/),
    totalCents: fc.integer({ min: 0, max: 10_000_000_00 }),
    openBalanceCents: fc.integer({ min: 1, max: 10_000_000_00 }),
    currency: fc.constantFrom('USD', 'EUR', 'GBP', 'JPY', 'AUD'),
    dueDate: fc.integer({ min: -400, max: 60 }).map((d) => addDaysToDate('2026-03-10', d)),
    paymentLink: fc.constantFrom(null, '', 'https://pay.test/x?y=1', 'not a link'),
  });
  const runArb = fc.record({
    tone: fc.constantFrom(...REMINDER_TONES),
    facts: fc.record({
      customerName: words,
      contactName: fc.option(words),
      companyName: words,
      companyEmail: fc.constantFrom(null, '', 'billing@acme.test'),
      invoices: fc.array(invoiceArb, { minLength: 1, maxLength: 6 }),
    }),
    wording: fc.record({ earlyPaymentDiscount: fc.option(words), lateFee: fc.option(words) }),
  });

  it('never an empty placeholder, a dangling "Pay online:", a broken subject or a run of blank lines', () => {
    fc.assert(
      fc.property(runArb, ({ tone, facts, wording }) => {
        const m = renderReminder(DEFAULT_REMINDER_TEMPLATES, tone, facts, wording, '2026-03-10');
        expect(m.subject).not.toMatch(/\{\{|\}\}|[\r\n]/);
        expect(m.subject.length).toBeGreaterThan(0);
        expect(m.text).not.toMatch(/\{\{|\}\}|\n\n\n/);
        expect(m.text).not.toMatch(/Pay online:\s*($|\n)/);
        for (const i of facts.invoices) expect(m.text).toContain(`Invoice ${i.number} (`);
      }),
    );
  });
});
