import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ReminderPolicy } from '../../../server/features/reminders/domain/reminder-policy.js';
import { MailSendError } from '../../../server/features/mail/mail-transport.js';
import { DEFAULT_REMINDER_TEMPLATES } from '../../../server/features/reminders/domain/reminder-templates.js';
import type { ReminderStore } from '../../../server/features/reminders/reminder-store-type.js';
import { EMAIL_STRATEGIES, remindersWith, reminderWorld, type ReminderWorld } from '../../support/reminder-harness.js';
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
const EMAIL_POLICY: Partial<ReminderPolicy> = { mode: 'automatic', strategies: EMAIL_STRATEGIES };

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

/** A payment in QuickBooks of the invoice's whole balance, applied to it. */
function payInFull(world: ReminderWorld, invoiceId: string, customerId: string): void {
  const balance = Number(world.invoice(invoiceId).Balance);
  world.company.create('Payment', {
    CustomerRef: { value: customerId },
    TotalAmt: balance,
    Line: [{ Amount: balance, LinkedTxn: [{ TxnId: invoiceId, TxnType: 'Invoice' }] }],
  });
}

/** The store, dying (throwing) once at the first move `when` picks: before it (`before`) or after it happened. */
function dyingAt(when: (m: Parameters<ReminderStore['move']>[2]) => boolean, o: { after?: boolean } = {}) {
  let died = false;
  /** Runs `change`, dying once at the first move `when` picks, before or after it happened. */
  const around = async <T>(m: Parameters<ReminderStore['move']>[2], change: () => Promise<T>): Promise<T> => {
    const hit = !died && when(m);
    if (hit) died = true;
    if (hit && !o.after) throw new Error('process died');
    const moved = await change();
    if (hit) throw new Error('process died');
    return moved;
  };
  return (store: ReminderStore): ReminderStore => ({
    ...store,
    move: (realmId, id, m) => around(m, () => store.move(realmId, id, m)),
    moveAll: (realmId, ids, m) => around(m, () => store.moveAll(realmId, ids, m)),
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
    // The company's own invoice line: the text written again at the send (an invoice left out) uses it too.
    const invoiceLine = 'Invoice {{invoiceNumber}} (ours): {{openBalance}} open.';
    const saved = await w.c.reminders.saveTemplates(w.realmId, { ...DEFAULT_REMINDER_TEMPLATES, invoiceLine }, 'Ada');
    expect(saved.ok).toBe(true);
    const paid = several.reminders[0]!;
    payInFull(w, paid.invoiceId, several.customerId);
    payInFull(w, single.reminders[0]!.invoiceId, single.customerId);
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
    // The customer's rows were taken together: every one of them is left sending.
    const leftRows = await w.store.list(w.realmId, { status: 'sending' });
    const left = leftRows[0];
    expect(left).toBeDefined();
    expect(new Set(leftRows.map((r) => r.customerId))).toEqual(new Set([left!.customerId]));
    expect(await w.store.list(w.realmId, { customerId: left!.customerId, status: 'approved' })).toEqual([]);
    const next = await w.run();
    expect(next.sent!.review).toBe(leftRows.length);
    for (const row of leftRows) expect(await w.store.get(w.realmId, row.id)).toMatchObject({ status: 'needs_review' });
    const sentCount = smtp.received.length;
    expect(smtp.received.some((m) => left!.to.every((a) => m.envelope.to.includes(a)))).toBe(false);
    const rerun = await w.run();
    expect(rerun.sent).toMatchObject({ sent: 0, review: 0 });
    expect(smtp.received).toHaveLength(sentCount);
    for (const row of leftRows) expect(linesOf(noteOf(w, row.invoiceId))).toEqual([]);
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

describe('a reminder to review, confirmed sent by a person', () => {
  it('is marked sent by that person, never resent, and its line lands in QuickBooks once', async () => {
    w = await emailWorld();
    const lost = remindersWith(w.c, {
      wrapMail: (mail) => ({
        async sendNow(m) {
          await mail.sendNow(m);
          throw new MailSendError('Email not sent: Connection closed unexpectedly', 'unknown', false, null);
        },
      }),
    });
    await lost.service.run(w.realmId, { origin: 'nightly', actor: 'test' });
    const rows = await w.store.list(w.realmId, { status: 'needs_review' });
    expect(rows.length).toBeGreaterThan(0);
    const received = smtp.received.length;
    // The bookkeeper checked (the customer has it): one email's rows, confirmed one by one.
    const mine = rows.filter((r) => r.customerId === rows[0]!.customerId);
    const ids = mine.map((r) => r.id);
    expect(await w.c.reminders.confirmSent(w.realmId, ids, 'Ada Lovelace')).toBe(mine.length);
    await w.c.writeback.drain(w.realmId);
    for (const row of mine) {
      expect(await w.store.get(w.realmId, row.id)).toMatchObject({
        status: 'sent',
        decidedBy: 'Ada Lovelace',
        sentAt: row.sendingAt,
      });
      expect(linesOf(noteOf(w, row.invoiceId))).toEqual([
        expect.stringMatching(new RegExp(`^2026-11-02 Duesense reminder \\(.+\\) emailed to ${row.to[0]}`)),
      ]);
    }
    // Never sent again, and confirming twice writes nothing more.
    expect(await w.c.reminders.confirmSent(w.realmId, [mine[0]!.id], 'Bob')).toBe(0);
    await w.run();
    await w.c.writeback.drain(w.realmId);
    expect(smtp.received).toHaveLength(received);
    for (const row of mine) expect(linesOf(noteOf(w, row.invoiceId))).toHaveLength(1);
    const log = await w.c.activity.list(w.realmId, { kind: 'email', customerId: mine[0]!.customerId });
    expect(log.filter((e) => e.actor === 'Ada Lovelace' && e.summary.startsWith('Confirmed that'))).toHaveLength(
      mine.length,
    );
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

describe('"Send a reminder now" by the email channel', () => {
  /** An open invoice whose reminder passes every guard now, and its customer's other open invoices. */
  async function anInvoice(world: ReminderWorld) {
    const { plan } = await world.c.reminders.preview(world.realmId);
    const due = plan.due[0]!;
    return { ...due, name: String(world.company.table('Customer').get(due.customerId)!.DisplayName) };
  }
  const ref = (o: Record<string, unknown>, field: string) => String((o[field] as { value: string }).value);

  it('sends one email with the PDF, marks the row sent by hand, and records the line in QuickBooks', async () => {
    w = await emailWorld();
    const d = await anInvoice(w);
    const result = await w.c.reminders.sendNow(w.realmId, d.invoiceId, 'Ada Lovelace');
    expect(result).toMatchObject({ ok: true, report: { sent: 1, emails: 1, failed: 0, review: 0 } });
    expect(smtp.received).toHaveLength(1);
    expect(w.emails()).toEqual([]); // QuickBooks sent nothing itself
    const m = smtp.received[0]!;
    const [row] = await w.store.list(w.realmId, { invoiceId: d.invoiceId });
    expect(row).toMatchObject({
      status: 'sent',
      channel: 'email',
      origin: 'send-now',
      stageDays: null,
      decidedBy: 'Ada Lovelace',
      messageId: m.headers.get('message-id'),
    });
    expect(m.envelope.to).toEqual(row!.to);
    expect(m.headers.get('reply-to')).toBe('"Harborview Services Co." <billing@harborview.example.com>');
    expect(m.headers.get('subject')).toBe(row!.subject);
    expect(m.text).toBe(row!.text);
    expect(m.text).toContain(d.docNumber!);
    const attached = pdfs(m);
    expect(attached.map(filenameOf)).toEqual([`Invoice ${d.docNumber}.pdf`]);
    expect(attached[0]!.body.equals(await w.c.qbo(w.realmId, (api) => api.invoicePdf(d.invoiceId)))).toBe(true);
    // The line went into QuickBooks through the write-back outbox, drained by the send.
    expect(linesOf(noteOf(w, d.invoiceId))).toEqual([
      `2026-11-02 Duesense reminder (sent by hand, ${d.tone === 'final' ? 'final notice' : d.tone}) ` +
        `emailed to ${row!.to.join(', ')}`,
    ]);
    const [note] = await w.c.writeback.list(w.realmId, { kind: 'invoice_note' });
    expect(note).toMatchObject({ status: 'done', origin: 'reminders', actor: 'Ada Lovelace', targetId: d.invoiceId });
    const log = await w.c.activity.list(w.realmId, { kind: 'email', customerId: d.customerId });
    expect(log.some((e) => e.actor === 'Ada Lovelace' && e.summary.startsWith('Reminder emailed to'))).toBe(true);
    // A second "send now" is a person's deliberate act: a second email with a row of its own. Its line, the same
    // words on the same day, is already on the invoice: the note keeps one line for the day (write-back's rule).
    expect(await w.c.reminders.sendNow(w.realmId, d.invoiceId, 'Ada Lovelace')).toMatchObject({
      ok: true,
      report: { sent: 1, emails: 1 },
    });
    expect(smtp.received).toHaveLength(2);
    expect(await w.store.list(w.realmId, { invoiceId: d.invoiceId, status: 'sent' })).toHaveLength(2);
    const notes = await w.c.writeback.list(w.realmId, { kind: 'invoice_note' });
    expect(notes.map((n) => [n.status, n.result?.outcome])).toEqual([
      ['done', 'already-in-quickbooks'],
      ['done', 'written'],
    ]);
    expect(linesOf(noteOf(w, d.invoiceId))).toHaveLength(1);
  });

  it('never for a paid invoice: refused when the copy knows it, skipped when found at the send', async () => {
    w = await emailWorld();
    const { plan } = await w.c.reminders.preview(w.realmId);
    const [known, late] = [plan.due[0]!, plan.due.find((x) => x.customerId !== plan.due[0]!.customerId)!];
    payInFull(w, known.invoiceId, known.customerId);
    await w.syncNow();
    expect(await w.c.reminders.sendNow(w.realmId, known.invoiceId, 'Ada')).toEqual({
      ok: false,
      reason: { code: 'balance-zero' },
    });
    // Paid in QuickBooks after the last sync: the fresh read before the send finds it.
    payInFull(w, late.invoiceId, late.customerId);
    const r = await w.c.reminders.sendNow(w.realmId, late.invoiceId, 'Ada');
    expect(r).toMatchObject({ ok: true, report: { sent: 0, skipped: 1, emails: 0 } });
    expect(smtp.received).toEqual([]);
    expect(await w.store.list(w.realmId, { invoiceId: late.invoiceId })).toMatchObject([
      { status: 'skipped', reason: { code: 'balance-zero' } },
    ]);
    await w.c.writeback.drain(w.realmId);
    for (const id of [known.invoiceId, late.invoiceId]) expect(linesOf(noteOf(w, id))).toEqual([]);
  });

  it('holds it while money waits: refused when the copy knows it, held when found at the send', async () => {
    w = await emailWorld();
    const { plan } = await w.c.reminders.preview(w.realmId);
    const [known, late] = [plan.due[0]!, plan.due.find((x) => x.customerId !== plan.due[0]!.customerId)!];
    w.company.create('Payment', { CustomerRef: { value: known.customerId }, TotalAmt: 50 });
    await w.syncNow();
    expect(await w.c.reminders.sendNow(w.realmId, known.invoiceId, 'Ada')).toMatchObject({
      ok: false,
      reason: { code: 'held', unappliedPaymentCents: 5000 },
    });
    w.company.create('CreditMemo', {
      CustomerRef: { value: late.customerId },
      Line: [{ Amount: 25, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: '1' } } }],
    });
    const r = await w.c.reminders.sendNow(w.realmId, late.invoiceId, 'Ada');
    expect(r).toMatchObject({ ok: true, report: { sent: 0, held: 1, emails: 0 } });
    expect(smtp.received).toEqual([]);
    const [row] = await w.store.list(w.realmId, { invoiceId: late.invoiceId });
    expect(row).toMatchObject({ status: 'awaiting_approval', reason: { code: 'held', unusedCreditCents: 2500 } });
    expect((await w.c.reminders.forAPerson(w.realmId)).held.listed.map((x) => x.invoice)).toContain(
      `invoice ${late.docNumber}`,
    );
  });

  it('cannot send without an address, and says so', async () => {
    w = await emailWorld();
    const d = await anInvoice(w);
    const customer = w.company.table('Customer').get(d.customerId)!;
    w.company.update(
      'Customer',
      { Id: d.customerId, SyncToken: customer.SyncToken, PrimaryEmailAddr: { Address: '' } },
      true,
    );
    for (const invoice of w.company.table('Invoice').values())
      if (ref(invoice, 'CustomerRef') === d.customerId)
        w.company.update('Invoice', { Id: invoice.Id, SyncToken: invoice.SyncToken, BillEmail: { Address: '' } }, true);
    await w.syncNow();
    expect(await w.c.reminders.sendNow(w.realmId, d.invoiceId, 'Ada')).toEqual({
      ok: false,
      reason: { code: 'no-email' },
    });
    expect(smtp.received).toEqual([]);
    expect(await w.store.list(w.realmId, { invoiceId: d.invoiceId })).toEqual([]);
  });
});
