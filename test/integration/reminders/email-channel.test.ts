import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_REMINDER_POLICY,
  type ReminderPolicy,
} from '../../../server/features/reminders/domain/reminder-policy.js';
import { MailSendError } from '../../../server/features/mail/mail-transport.js';
import { DEFAULT_REMINDER_TEMPLATES } from '../../../server/features/reminders/domain/reminder-templates.js';
import type { ReminderStore } from '../../../server/features/reminders/reminder-store-type.js';
import { remindersWith, reminderWorld, type ReminderWorld } from '../../support/reminder-harness.js';
import { startSmtpCatcher, type ReceivedMessage, type SmtpCatcher } from '../../support/smtp-catcher.js';

/**
 * The email channel against the emulator and a real local SMTP server (smtp-server): what the server received is
 * the oracle; QuickBooks' own email outbox must stay empty (the email channel never asks QuickBooks to send).
 */
let smtp: SmtpCatcher;
let w: ReminderWorld | undefined;
beforeAll(async () => {
  smtp = await startSmtpCatcher();
});
afterAll(() => smtp.close());
afterEach(async () => {
  await w?.close();
  w = undefined;
  smtp.received.splice(0);
  smtp.refuseNext(0);
});

/** Every strategy by the email channel, automatic mode. */
const EMAIL_POLICY: Partial<ReminderPolicy> = {
  mode: 'automatic',
  strategies: Object.fromEntries(
    Object.entries(DEFAULT_REMINDER_POLICY.strategies).map(([tier, s]) => [tier, { ...s, channel: 'email' }]),
  ) as ReminderPolicy['strategies'],
};

async function emailWorld(): Promise<ReminderWorld> {
  const world = await reminderWorld({ smtpUrl: smtp.url });
  await world.policy(EMAIL_POLICY);
  return world;
}

const pdfs = (m: ReceivedMessage) =>
  m.parts.filter((p) => /application\/pdf/i.test(p.headers.get('content-type') ?? ''));
const filenameOf = (p: ReceivedMessage['parts'][number]) =>
  /filename="?([^";]+)"?/i.exec(p.headers.get('content-disposition') ?? '')?.[1];
const noteOf = (w: ReminderWorld, invoiceId: string) => String(w.invoice(invoiceId).PrivateNote ?? '');
const linesOf = (note: string) => note.split('\n').filter((l) => /^\d{4}-\d{2}-\d{2} Duesense reminder/.test(l));

/** The store, dying (throwing) once at the first move `when` picks: before it (`before`) or after it happened. */
function dyingAt(when: (m: Parameters<ReminderStore['move']>[2]) => boolean, o: { after?: boolean } = {}) {
  let died = false;
  return (store: ReminderStore): ReminderStore => ({
    ...store,
    async move(realmId, id, m) {
      const hit = !died && when(m);
      if (hit && !o.after) {
        died = true;
        throw new Error('process died');
      }
      const moved = await store.move(realmId, id, m);
      if (hit) {
        died = true;
        throw new Error('process died');
      }
      return moved;
    },
  });
}

describe('the email channel', () => {
  it('sends one email per customer listing every due invoice, the PDFs attached, Reply-To the company', async () => {
    w = await emailWorld();
    const { plan } = await w.c.reminders.preview(w.realmId);
    expect(plan.emails.length).toBeGreaterThan(1);
    expect(plan.emails.some((e) => e.reminders.length > 1)).toBe(true);
    const r = await w.run();
    expect(r.sent).toMatchObject({ sent: plan.due.length, emails: plan.emails.length, failed: 0, review: 0 });
    expect(smtp.received).toHaveLength(plan.emails.length);
    expect(w.emails()).toEqual([]); // QuickBooks sent nothing itself
    const rows = await w.store.all(w.realmId);
    expect(rows.every((row) => row.status === 'sent' && row.channel === 'email')).toBe(true);
    for (const email of plan.emails) {
      const got = smtp.received.filter((m) => email.to.every((a) => m.envelope.to.includes(a)));
      expect(got).toHaveLength(1);
      const m = got[0]!;
      expect(m.headers.get('reply-to')).toBe('"Harborview Services Co." <billing@harborview.example.com>');
      expect(m.headers.get('from')).toContain('reminders@duesense.test');
      const mine = rows.filter((row) => row.customerId === email.customerId);
      expect(mine.map((row) => row.invoiceId).sort()).toEqual(email.reminders.map((d) => d.invoiceId).sort());
      // The text as queued, every row the same message id as the one the server received.
      expect(m.text).toBe(mine[0]!.text);
      expect(m.headers.get('subject')).toBe(mine[0]!.subject);
      for (const row of mine) expect(row.messageId).toBe(m.headers.get('message-id'));
      const attached = pdfs(m);
      expect(attached).toHaveLength(email.reminders.length);
      for (const d of email.reminders) {
        const fromQuickBooks = await w.c.qbo(w.realmId, (api) => api.invoicePdf(d.invoiceId));
        const part = attached.find((p) => filenameOf(p) === `Invoice ${d.docNumber ?? d.invoiceId}.pdf`);
        expect(part, `PDF of invoice ${d.invoiceId}`).toBeDefined();
        expect(part!.body.equals(fromQuickBooks)).toBe(true);
        expect(m.text).toContain(d.docNumber!);
      }
    }
    // Each invoice carries its line in QuickBooks once (drained by the send).
    for (const row of rows) {
      const lines = linesOf(noteOf(w, row.invoiceId));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^2026-11-02 Duesense reminder \(([+-]\d+ days?|due date), (friendly|firm|final notice)\) emailed to /,
      );
      expect(lines[0]).toContain(`emailed to ${row.to.join(', ')}`);
    }
    const log = await w.c.activity.list(w.realmId, { kind: 'email' });
    expect(log.filter((e) => e.summary.startsWith('Reminder emailed to'))).toHaveLength(plan.emails.length);
    expect(log.every((e) => !e.summary.startsWith('Reminder emailed') || e.customerId)).toBe(true);
    // A rerun sends nothing again, and the notes stay once.
    const again = await w.run();
    expect(again.sent).toMatchObject({ sent: 0, emails: 0 });
    await w.c.writeback.drain(w.realmId);
    expect(smtp.received).toHaveLength(plan.emails.length);
    for (const row of rows) expect(linesOf(noteOf(w, row.invoiceId))).toHaveLength(1);
  });

  it('leaves out an invoice paid between the plan and the send; sends nothing when none is left', async () => {
    w = await emailWorld();
    const { plan } = await w.c.reminders.preview(w.realmId);
    const several = plan.emails.find((e) => e.reminders.length > 1)!;
    const single = plan.emails.find((e) => e.reminders.length === 1)!;
    const pay = (invoiceId: string, customerId: string) => {
      const balance = Number(w!.invoice(invoiceId).Balance);
      w!.company.create('Payment', {
        CustomerRef: { value: customerId },
        TotalAmt: balance,
        Line: [{ Amount: balance, LinkedTxn: [{ TxnId: invoiceId, TxnType: 'Invoice' }] }],
      });
    };
    // The company's own invoice line: the text written again at the send (an invoice left out) uses it too.
    const invoiceLine = 'Invoice {{invoiceNumber}} (ours): {{openBalance}} open.';
    const saved = await w.c.reminders.saveTemplates(w.realmId, { ...DEFAULT_REMINDER_TEMPLATES, invoiceLine }, 'Ada');
    expect(saved.ok).toBe(true);
    const paid = several.reminders[0]!;
    pay(paid.invoiceId, several.customerId);
    pay(single.reminders[0]!.invoiceId, single.customerId);
    const r = await w.run();
    expect(r.sent).toMatchObject({ skipped: 2, emails: plan.emails.length - 1 });
    expect(smtp.received).toHaveLength(plan.emails.length - 1);
    expect(smtp.received.some((m) => single.to.some((a) => m.envelope.to.includes(a)))).toBe(false);
    const [m] = smtp.received.filter((x) => several.to.every((a) => x.envelope.to.includes(a)));
    expect(pdfs(m!)).toHaveLength(several.reminders.length - 1);
    expect(m!.text).not.toContain(paid.docNumber!);
    for (const d of several.reminders.slice(1)) expect(m!.text).toContain(`- Invoice ${d.docNumber!} (ours): `);
    const [row] = await w.store.list(w.realmId, { invoiceId: paid.invoiceId });
    expect(row).toMatchObject({ status: 'skipped', reason: { code: 'balance-zero' } });
    expect(linesOf(noteOf(w, paid.invoiceId))).toEqual([]);
    // The rows that went carry the text as sent.
    const sent = await w.store.list(w.realmId, { customerId: several.customerId, status: 'sent' });
    expect(sent.every((s) => s.text === m!.text)).toBe(true);
  });

  it('a crash between marking sending and the SMTP transaction: to review, nothing sent, never resent', async () => {
    w = await emailWorld();
    const dying = remindersWith(w.c, { wrapStore: dyingAt((m) => m.to === 'sending', { after: true }) });
    await expect(dying.service.run(w.realmId, { origin: 'nightly', actor: 'test' })).rejects.toThrow('process died');
    expect(smtp.received).toEqual([]);
    const [left] = await w.store.list(w.realmId, { status: 'sending' });
    expect(left).toBeDefined();
    const next = await w.run();
    expect(next.sent!.review).toBe(1);
    expect(await w.store.get(w.realmId, left!.id)).toMatchObject({ status: 'needs_review' });
    const sentCount = smtp.received.length;
    expect(smtp.received.some((m) => left!.to.every((a) => m.envelope.to.includes(a)))).toBe(
      // Another invoice of the same customer, not taken before the crash, may go in its own email.
      (await w.store.list(w.realmId, { customerId: left!.customerId, status: 'sent' })).length > 0,
    );
    const rerun = await w.run();
    expect(rerun.sent).toMatchObject({ sent: 0, review: 0 });
    expect(smtp.received).toHaveLength(sentCount);
    expect(linesOf(noteOf(w, left!.invoiceId))).toEqual([]);
    const log = await w.c.activity.list(w.realmId, { kind: 'email', customerId: left!.customerId });
    expect(log.some((e) => e.summary.includes('may have been sent'))).toBe(true);
  });

  it('a crash after the SMTP transaction and before the commit: one message, to review, never resent', async () => {
    w = await emailWorld();
    const dying = remindersWith(w.c, { wrapStore: dyingAt((m) => m.to === 'sent') });
    await expect(dying.service.run(w.realmId, { origin: 'nightly', actor: 'test' })).rejects.toThrow('process died');
    expect(smtp.received).toHaveLength(1);
    const left = await w.store.list(w.realmId, { status: 'sending' });
    expect(left.length).toBeGreaterThan(0);
    const next = await w.run();
    expect(next.sent!.review).toBe(left.length);
    for (const row of left) expect(await w.store.get(w.realmId, row.id)).toMatchObject({ status: 'needs_review' });
    const count = smtp.received.length;
    const toLeft = (m: ReceivedMessage) => left[0]!.to.every((a) => m.envelope.to.includes(a));
    expect(smtp.received.filter(toLeft)).toHaveLength(1);
    await w.run();
    expect(smtp.received).toHaveLength(count);
    // The email went: its note was queued before the crash and lands once.
    await w.c.writeback.drain(w.realmId);
    for (const row of left) expect(linesOf(noteOf(w, row.invoiceId))).toHaveLength(1);
  });

  it('two runners at once send each customer one message', async () => {
    w = await emailWorld();
    const { plan } = await w.c.reminders.preview(w.realmId);
    const a = remindersWith(w.c).service;
    const b = remindersWith(w.c).service;
    const [ra, rb] = await Promise.all([
      a.run(w.realmId, { origin: 'nightly', actor: 'a' }),
      b.run(w.realmId, { origin: 'nightly', actor: 'b' }),
    ]);
    expect(smtp.received).toHaveLength(plan.emails.length);
    for (const email of plan.emails)
      expect(smtp.received.filter((m) => email.to.every((x) => m.envelope.to.includes(x)))).toHaveLength(1);
    expect(ra.sent!.emails + rb.sent!.emails).toBe(plan.emails.length);
    const rows = await w.store.all(w.realmId);
    expect(rows).toHaveLength(plan.due.length);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    await w.c.writeback.drain(w.realmId);
    for (const row of rows) expect(linesOf(noteOf(w, row.invoiceId))).toHaveLength(1);
  });

  it('an SMTP server refusing the message (554): nothing sent, the rows fail with its words, no note', async () => {
    w = await emailWorld();
    const { plan } = await w.c.reminders.preview(w.realmId);
    smtp.refuseNext(1);
    const r = await w.run();
    const first = plan.emails[0]!;
    expect(r.sent).toMatchObject({ failed: first.reminders.length, emails: plan.emails.length - 1, review: 0 });
    expect(smtp.received).toHaveLength(plan.emails.length - 1);
    const rows = await w.store.list(w.realmId, { customerId: first.customerId });
    for (const row of rows) {
      expect(row).toMatchObject({ status: 'failed', lastError: { errorClass: 'permanent', code: '554' } });
      expect(row.lastError!.message).toMatch(/Message refused/);
      expect(linesOf(noteOf(w, row.invoiceId))).toEqual([]);
    }
    // A person approves them again: they go, once.
    expect(
      await w.c.reminders.approve(
        w.realmId,
        rows.map((x) => x.id),
        'Ada',
      ),
    ).toBe(rows.length);
    const again = await w.c.reminders.sendApproved(w.realmId);
    expect(again).toMatchObject({ sent: rows.length, emails: 1 });
    expect(smtp.received).toHaveLength(plan.emails.length);
  });

  it('an SMTP server that cannot be reached: not sent, the rows wait approved for the next pass', async () => {
    w = await emailWorld();
    const down = remindersWith(w.c, {
      wrapMail: () => ({
        sendNow: async () => {
          throw new MailSendError('Email not sent: connect ECONNREFUSED', 'not-sent', false, null);
        },
      }),
    });
    const r = await down.service.run(w.realmId, { origin: 'nightly', actor: 'test' });
    expect(r.sent).toMatchObject({ sent: 0, failed: 0, review: 0 });
    const rows = await w.store.all(w.realmId);
    expect(rows.every((row) => row.status === 'approved' && row.lastError?.message.includes('ECONNREFUSED'))).toBe(
      true,
    );
    const later = await w.c.reminders.sendApproved(w.realmId);
    expect(later.sent).toBe(rows.length);
    expect(smtp.received).toHaveLength(new Set(rows.map((row) => row.customerId)).size);
  });
});

describe('an SMTP answer lost after the data', () => {
  it('puts the rows to review, never resends them', async () => {
    w = await emailWorld();
    const { plan } = await w.c.reminders.preview(w.realmId);
    let calls = 0;
    const lost = remindersWith(w.c, {
      wrapMail: (mail) => ({
        async sendNow(m) {
          calls++;
          await mail.sendNow(m);
          throw new MailSendError('Email not sent: Connection closed unexpectedly', 'unknown', false, null);
        },
      }),
    });
    const r = await lost.service.run(w.realmId, { origin: 'nightly', actor: 'test' });
    expect(r.sent).toMatchObject({ sent: 0, review: plan.due.length, emails: 0 });
    expect(smtp.received).toHaveLength(calls);
    expect(await w.store.counts(w.realmId)).toMatchObject({ needs_review: plan.due.length, sent: 0 });
    const again = await w.run();
    expect(again.sent).toMatchObject({ sent: 0, review: 0 });
    expect(smtp.received).toHaveLength(calls);
    // No note: whether it went is not known.
    await w.c.writeback.drain(w.realmId);
    for (const d of plan.due) expect(linesOf(noteOf(w, d.invoiceId))).toEqual([]);
  });
});

describe('the email channel without SMTP', () => {
  it('waits with the reason in words, cannot be approved, never says sent', async () => {
    w = await reminderWorld();
    await w.policy(EMAIL_POLICY);
    const r = await w.run({ approveAll: true });
    expect(r.queued.length).toBeGreaterThan(0);
    expect(
      r.queued.every((q) => q.status === 'awaiting_approval' && q.reason?.code === 'email-channel-not-set-up'),
    ).toBe(true);
    expect(await w.c.reminders.approve(w.realmId, [r.queued[0]!.id], 'Ada')).toBe(0);
    expect(r.sent).toMatchObject({ sent: 0, emails: 0 });
    expect(smtp.received).toEqual([]);
  });
});
