import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailSendError } from '../../server/features/mail/mail-transport.js';
import { PG_ADMIN_URL, PG_SKIP_MESSAGE, usePostgresSyncWorld } from '../support/pg-database.js';
import { readNotesBlock } from '../../server/features/writeback/domain/notes-block.js';
import { DEFAULT_REMINDER_POLICY } from '../../server/features/reminders/domain/reminder-policy.js';
import { DEFAULT_REMINDER_TEMPLATES } from '../../server/features/reminders/domain/reminder-templates.js';
import { EMAIL_STRATEGIES, remindersWith } from '../support/reminder-harness.js';
import { startSmtpCatcher, type SmtpCatcher } from '../support/smtp-catcher.js';
import { scoreOn } from '../support/score-on.js';
import { differences, dumpLocalCopy } from '../support/sync-harness.js';

/**
 * The PostgreSQL suite: the same migrations, connect flow and sync against a real PostgreSQL server.
 * .ci/run starts the server installed on the machine and sets DUESENSE_TEST_PG_URL; without it this is skipped.
 */
if (!PG_ADMIN_URL) console.warn(`PostgreSQL suite ${PG_SKIP_MESSAGE}`);

describe.skipIf(!PG_ADMIN_URL)('PostgreSQL', () => {
  const world = usePostgresSyncWorld({ customers: 60, months: 12 });

  it('runs the migrations, connects, and copies the company field by field', async () => {
    const w = world();
    const run = await w.t.container.sync.sync(w.realmId);
    expect(run.status).toBe('succeeded');
    expect(await differences(w)).toEqual([]);
    const row = await w.t.container.db('qbo_invoices').where({ realm_id: w.realmId }).first();
    expect(typeof row.due_date).toBe('string');
    expect(typeof row.total_cents).toBe('number');
  });

  it('applies incremental changes and deletions, and a re-run changes nothing', async () => {
    const w = world();
    w.emulator.clock.advance(86_400_000);
    const invoice = [...w.company.table('Invoice').values()].find(
      (i) => !(i.LinkedTxn as unknown[] | undefined)?.length,
    )!;
    w.company.delete('Invoice', { Id: invoice.Id, SyncToken: invoice.SyncToken });
    expect((await w.t.container.sync.sync(w.realmId)).mode).toBe('cdc');
    expect(await differences(w)).toEqual([]);
    const before = await dumpLocalCopy(w);
    await w.t.container.sync.sync(w.realmId);
    expect(await dumpLocalCopy(w)).toEqual(before);
  });

  it('writes risk labels through the outbox, and a second run writes nothing', async () => {
    const w = world();
    const c = w.t.container;
    await c.sync.sync(w.realmId);
    await scoreOn(c, w.emulator.clock, w.realmId, '2026-11-01');
    const first = await c.writeback.run(w.realmId, { origin: 'cli', actor: 'test' });
    expect(first.drained).toMatchObject({ failed: 0, retrying: 0, reconnectNeeded: false });
    expect(first.drained!.written).toBe(first.queued);
    const labelled = [...w.company.table('Customer').values()].filter(
      (x) => readNotesBlock(String(x.Notes ?? '')).state === 'ours',
    );
    expect(labelled).toHaveLength(first.queued);
    const again = await c.writeback.run(w.realmId, { origin: 'cli', actor: 'test' });
    expect([again.queued, again.plan.counts.customerWrites]).toEqual([0, 0]);
    expect((await c.writeback.list(w.realmId, { status: 'done' })).length).toBe(Math.min(first.queued, 50));
  });

  it('sends reminders exactly once with two runners at once, and reconciles a send left unresolved', async () => {
    const w = world();
    const c = w.t.container;
    // Monday 2 November 2026, a business day, after the scoring above.
    w.emulator.clock.set('2026-11-02T15:00:00Z');
    await c.reminders.savePolicy(w.realmId, { ...DEFAULT_REMINDER_POLICY, mode: 'automatic' }, 'test');
    const emails = () => w.emulator.emulator.outbox.list({ realmId: w.realmId });
    const [a, b] = [remindersWith(c).service, remindersWith(c).service];
    const [ra, rb] = await Promise.all([
      a.run(w.realmId, { origin: 'nightly', actor: 'a' }),
      b.run(w.realmId, { origin: 'nightly', actor: 'b' }),
    ]);
    expect(ra.plan.due.length).toBeGreaterThan(0);
    expect(emails()).toHaveLength(ra.plan.due.length);
    expect(new Set(emails().map((e) => e.invoiceId)).size).toBe(emails().length);
    expect(ra.sent!.sent + rb.sent!.sent).toBe(ra.plan.due.length);
    // A row left sending (its answer lost): taken again once it is stale, found sent, never sent twice.
    const [row] = await c.reminders.list(w.realmId, { status: 'sent', limit: 1 });
    await c.db('reminders').where({ id: row!.id }).update({ status: 'sending', sending_at: row!.sentAt });
    w.emulator.clock.advance(11 * 60_000);
    expect(await c.reminders.sendApproved(w.realmId)).toMatchObject({ reconciled: 1, sent: 0 });
    expect(emails()).toHaveLength(ra.plan.due.length);
  });

  it('keeps a company’s reminder templates: saved as versions, read back checked, reset to the defaults', async () => {
    const w = world();
    const c = w.t.container;
    expect(await c.reminders.templates(w.realmId)).toMatchObject({ own: false, savedAt: null });
    const invoiceLine = 'Invoice {{invoiceNumber}}: {{openBalance}} open, due {{dueDate}}.';
    const saved = await c.reminders.saveTemplates(w.realmId, { ...DEFAULT_REMINDER_TEMPLATES, invoiceLine }, 'Ada');
    expect(saved).toMatchObject({ ok: true, changed: true });
    const read = await c.reminders.templates(w.realmId);
    expect(read).toMatchObject({ own: true, savedBy: 'Ada', templates: { version: 2, invoiceLine } });
    expect(read.templates.tones).toEqual(DEFAULT_REMINDER_TEMPLATES.tones);
    expect(read.savedAt).toBeInstanceOf(Date);
    expect((await c.reminders.resetTemplates(w.realmId, 'Bo')).saved).toMatchObject({
      own: false,
      savedBy: 'Bo',
      templates: { ...DEFAULT_REMINDER_TEMPLATES, version: 3 },
    });
    expect(await c.reminders.templates(w.realmId)).toMatchObject({ own: false, templates: { version: 3 } });
  });
});

describe.skipIf(!PG_ADMIN_URL)('PostgreSQL: the email channel', () => {
  let smtp: SmtpCatcher;
  beforeAll(async () => {
    smtp = await startSmtpCatcher();
  });
  afterAll(() => smtp.close());
  const world = usePostgresSyncWorld({
    customers: 30,
    months: 12,
    appEnv: () => ({ SMTP_URL: smtp.url, MAIL_FROM: 'Duesense <reminders@duesense.test>' }),
  });

  it('sends once with two runners (Message-ID on the rows), puts a lost answer and a dead pass to review', async () => {
    const w = world();
    const c = w.t.container;
    await c.sync.sync(w.realmId);
    await scoreOn(c, w.emulator.clock, w.realmId, '2026-11-01');
    // Monday 2 November 2026, a business day, after the scoring above.
    w.emulator.clock.set('2026-11-02T15:00:00Z');
    const policy = { ...DEFAULT_REMINDER_POLICY, mode: 'automatic' as const, strategies: EMAIL_STRATEGIES };
    expect((await c.reminders.savePolicy(w.realmId, policy, 'test')).ok).toBe(true);
    const { plan } = await c.reminders.preview(w.realmId);
    expect(plan.emails.length).toBeGreaterThan(1);
    const [a, b] = [remindersWith(c).service, remindersWith(c).service];
    await Promise.all([
      a.run(w.realmId, { origin: 'nightly', actor: 'a' }),
      b.run(w.realmId, { origin: 'nightly', actor: 'b' }),
    ]);
    expect(smtp.received).toHaveLength(plan.emails.length);
    const sent = await c.reminders.list(w.realmId, { status: 'sent', limit: 1000 });
    expect(sent).toHaveLength(plan.due.length);
    const ids = new Set(smtp.received.map((m) => m.headers.get('message-id')));
    for (const row of sent) expect(ids.has(row.messageId!)).toBe(true);

    // A week on, the next stages fall due: one pass dies after marking its rows sending, before any SMTP.
    w.emulator.clock.set('2026-11-09T15:00:00Z');
    const next = (await c.reminders.preview(w.realmId)).plan;
    expect(next.emails.length).toBeGreaterThan(1);
    let died = false;
    const dying = remindersWith(c, {
      wrapStore: (store) => ({
        ...store,
        async moveAll(realmId, ids, m) {
          const moved = await store.moveAll(realmId, ids, m);
          if (!died && m.to === 'sending') {
            died = true;
            throw new Error('process died');
          }
          return moved;
        },
      }),
    });
    await expect(dying.service.run(w.realmId, { origin: 'nightly', actor: 'test' })).rejects.toThrow('process died');
    // The customer's rows were taken together, in one statement: all of them are left sending.
    const leftRows = await c.reminders.list(w.realmId, { status: 'sending' });
    const left = leftRows[0];
    expect(new Set(leftRows.map((r) => r.customerId))).toEqual(new Set([left!.customerId]));
    // The companies with reminders to send include one whose email row was left sending, however recent.
    const received = smtp.received.length;
    expect(await c.reminders.sendDue()).toContain(`${w.realmId}: `);
    for (const row of leftRows)
      expect(await c.reminders.get(w.realmId, row.id)).toMatchObject({ status: 'needs_review' });
    expect(smtp.received.length - received).toBe(next.emails.length - 1);

    // A person checks that the email did go: confirmed, by that person, once.
    const leftIds = leftRows.map((r) => r.id);
    expect(await c.reminders.confirmSent(w.realmId, leftIds, 'Ada Lovelace')).toBe(leftIds.length);
    expect(await c.reminders.confirmSent(w.realmId, leftIds, 'Bob')).toBe(0);
    expect(await c.reminders.get(w.realmId, left!.id)).toMatchObject({
      status: 'sent',
      decidedBy: 'Ada Lovelace',
      sentAt: left!.sendingAt,
      messageId: null,
    });
    await c.writeback.drain(w.realmId);
    const note = String(w.company.table('Invoice').get(left!.invoiceId)!.PrivateNote ?? '');
    expect(note).toMatch(/^2026-11-09 Duesense reminder \(.+\) emailed to /m);
    expect(await c.reminders.sendDue()).toBe('nothing to send');
    expect(smtp.received.length - received).toBe(next.emails.length - 1);
  });

  it('an SMTP answer lost after the data: to review (conditional on sending_at), never resent', async () => {
    const w = world();
    const c = w.t.container;
    w.emulator.clock.set('2026-11-16T15:00:00Z');
    const { plan } = await c.reminders.preview(w.realmId);
    expect(plan.due.length).toBeGreaterThan(0);
    const lost = remindersWith(c, {
      wrapMail: (mail) => ({
        async sendNow(m) {
          await mail.sendNow(m);
          throw new MailSendError('Email not sent: Connection closed unexpectedly', 'unknown', false, null);
        },
      }),
    });
    const before = smtp.received.length;
    const r = await lost.service.run(w.realmId, { origin: 'nightly', actor: 'test' });
    expect(r.sent).toMatchObject({ sent: 0, review: plan.due.length });
    const review = await c.reminders.list(w.realmId, { status: 'needs_review', limit: 1000 });
    expect(review).toHaveLength(plan.due.length);
    expect(review.every((row) => row.lastError?.message.includes('Connection closed'))).toBe(true);
    expect(await c.reminders.sendDue()).toBe('nothing to send');
    expect(smtp.received.length - before).toBe(plan.emails.length);
    expect(await c.reminders.skip(w.realmId, [review[0]!.id], 'Ada')).toBe(1);
    expect(await c.reminders.confirmSent(w.realmId, [review[0]!.id], 'Ada')).toBe(0);
  });
});
