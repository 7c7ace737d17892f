import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../../server/clock.js';
import { createFakeOutboxStore } from '../../../server/features/mail/fake-outbox-store.js';
import { MailOutbox } from '../../../server/features/mail/mail-outbox.js';
import { createMailTransport, MailSendError } from '../../../server/features/mail/mail-transport.js';
import { renderReminder } from '../../../server/features/reminders/domain/reminder-message.js';
import { DEFAULT_REMINDER_TEMPLATES } from '../../../server/features/reminders/domain/reminder-templates.js';
import { silentLogger } from '../../../server/logger.js';
import { startSmtpCatcher, type SmtpCatcher } from '../../support/smtp-catcher.js';

const FROM = 'Duesense <no-reply@duesense.test>';
// A small PDF with bytes that a text encoding would spoil.
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1'), Buffer.from([0, 1, 2, 255, 254])]);

function outboxFor(smtpUrl: string | undefined) {
  const store = createFakeOutboxStore();
  const outbox = new MailOutbox({
    store,
    transport: createMailTransport(smtpUrl),
    from: FROM,
    clock: manualClock('2026-03-17T14:00:00Z'),
    logger: silentLogger,
  });
  return { outbox, store };
}

function reminder() {
  return renderReminder(
    DEFAULT_REMINDER_TEMPLATES,
    'firm',
    {
      customerName: 'Amy’s Bird Sanctuary',
      contactName: 'Amy Lauterbach',
      companyName: 'Fixture Landscaping',
      companyEmail: 'books@fixture.test',
      invoices: [
        {
          number: '1042',
          totalCents: 12_500,
          openBalanceCents: 12_500,
          currency: 'USD',
          dueDate: '2026-03-10',
          paymentLink: 'https://pay.example.test/1042',
        },
        {
          number: '1050',
          totalCents: 4_000,
          openBalanceCents: 2_000,
          currency: 'USD',
          dueDate: '2026-03-03',
          paymentLink: null,
        },
      ],
    },
    { earlyPaymentDiscount: null, lateFee: null },
    '2026-03-17',
  );
}

describe('sending one message now (the reminders email channel)', () => {
  let smtp: SmtpCatcher;
  beforeAll(async () => {
    smtp = await startSmtpCatcher();
  });
  afterAll(() => smtp.close());
  beforeEach(() => void smtp.received.splice(0));

  it('When sent over SMTP, then it arrives once with the PDFs, Reply-To the company, the text as written', async () => {
    const { outbox, store } = outboxFor(smtp.url);
    const m = reminder();
    const result = await outbox.sendNow({
      to: 'amy@birds.test, accounts@birds.test',
      subject: m.subject,
      text: m.text,
      replyTo: 'Fixture Landscaping <books@fixture.test>',
      attachments: [
        { filename: 'Invoice 1042.pdf', content: PDF, contentType: 'application/pdf' },
        { filename: 'Invoice 1050.pdf', content: PDF, contentType: 'application/pdf' },
      ],
    });
    expect(result).toMatchObject({
      transport: 'smtp',
      status: 'sent',
      accepted: ['amy@birds.test', 'accounts@birds.test'],
      rejected: [],
    });
    expect(result.messageId).toMatch(/^<.+@.+>$/);
    expect(result.response).toMatch(/^250/);

    expect(smtp.received).toHaveLength(1);
    const got = smtp.received[0]!;
    expect(got.envelope).toEqual({ from: 'no-reply@duesense.test', to: ['amy@birds.test', 'accounts@birds.test'] });
    expect(got.headers.get('message-id')).toBe(result.messageId);
    expect(got.headers.get('reply-to')).toBe('Fixture Landscaping <books@fixture.test>');
    expect(got.text).toBe(m.text);
    const attachments = got.parts.filter((p) => /attachment/.test(p.headers.get('content-disposition') ?? ''));
    expect(attachments.map((a) => a.headers.get('content-disposition'))).toEqual([
      'attachment; filename="Invoice 1042.pdf"',
      'attachment; filename="Invoice 1050.pdf"',
    ]);
    for (const a of attachments) {
      expect(a.headers.get('content-type')).toMatch(/^application\/pdf/);
      expect(a.body.equals(PDF)).toBe(true);
    }
    // Outside the pending queue: the reminder's own row is its outbox.
    expect(await store.list('any', 10)).toEqual([]);
  });

  it('When the server refuses the message after reading it, then the failure proves it was not sent', async () => {
    const { outbox } = outboxFor(smtp.url);
    smtp.refuseNext(1);
    const err = await outbox.sendNow({ to: 'amy@birds.test', subject: 'S', text: 'T' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailSendError);
    expect(err).toMatchObject({ delivery: 'not-sent', permanent: true, responseCode: 554 });
    expect(smtp.received).toHaveLength(0);
  });

  it('When no SMTP server listens, then the failure proves it was not sent, and may be retried', async () => {
    const closed = await startSmtpCatcher();
    await closed.close();
    const { outbox } = outboxFor(closed.url);
    const err = await outbox.sendNow({ to: 'amy@birds.test', subject: 'S', text: 'T' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailSendError);
    expect(err).toMatchObject({ delivery: 'not-sent', permanent: false, responseCode: null });
  });

  it('When no SMTP is configured, then the message is kept, not delivered', async () => {
    const { outbox } = outboxFor(undefined);
    const m = reminder();
    const result = await outbox.sendNow({ to: 'amy@birds.test', subject: m.subject, text: m.text });
    expect(result).toMatchObject({ transport: 'local', status: 'kept', messageId: null, accepted: [] });
    expect(smtp.received).toHaveLength(0);
  });
});
