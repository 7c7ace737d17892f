import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_REMINDER_POLICY } from '../../../server/features/reminders/domain/reminder-policy.js';
import { reasonInWords } from '../../../server/features/reminders/domain/reminder-reasons.js';
import { runSummary } from '../../../server/features/reminders/reminder-service.js';
import type { Reminder, ReminderStore } from '../../../server/features/reminders/reminder-store-type.js';
import { remindersWith, reminderWorld, type ReminderWorld } from '../../support/reminder-harness.js';

/**
 * The QuickBooks channel against the emulator: its email outbox (every invoice email QuickBooks sent) is the oracle.
 */
let w: ReminderWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const byInvoice = (emails: ReadonlyArray<{ invoiceId: string }>) => {
  const n = new Map<string, number>();
  for (const e of emails) n.set(e.invoiceId, (n.get(e.invoiceId) ?? 0) + 1);
  return n;
};
const ref = (o: Record<string, unknown>, field: string) => String((o[field] as { value: string }).value);

describe('the QuickBooks channel', () => {
  it('in approval mode queues, sends nothing until approved, then QuickBooks sends to the BillEmail', async () => {
    w = await reminderWorld();
    const first = await w.run();
    expect(first.queued.length).toBe(first.plan.due.length);
    expect(first.queued.length).toBeGreaterThan(2);
    expect(first.queued.every((r) => r.status === 'awaiting_approval' && r.channel === 'quickbooks')).toBe(true);
    expect(first.sent).toMatchObject({ sent: 0 });
    expect(w.emails()).toEqual([]);
    // A second run the same day queues nothing again.
    expect((await w.run()).queued).toEqual([]);

    const [a, b] = first.queued;
    expect(await w.c.reminders.approve(w.realmId, [a!.id, b!.id], 'Ada')).toBe(2);
    const report = await w.c.reminders.sendApproved(w.realmId);
    expect(report).toMatchObject({ sent: 2, failed: 0, held: 0, skipped: 0 });
    const emails = w.emails();
    expect(emails.map((e) => e.invoiceId).sort()).toEqual([a!.invoiceId, b!.invoiceId].sort());
    for (const e of emails) {
      const invoice = w.invoice(e.invoiceId);
      expect(e.to).toBe((invoice.BillEmail as { Address: string }).Address);
      expect(invoice.EmailStatus).toBe('EmailSent');
    }
    const rows = await w.store.all(w.realmId);
    expect(rows.filter((r) => r.status === 'sent').map((r) => r.id)).toEqual([a!.id, b!.id]);
    expect(rows.find((r) => r.id === a!.id)).toMatchObject({ decidedBy: 'Ada', attempts: 1 });
    expect(rows.filter((r) => r.status === 'awaiting_approval')).toHaveLength(first.queued.length - 2);
    const log = await w.c.activity.list(w.realmId, { kind: 'email' });
    expect(log.filter((e) => e.summary.startsWith('Reminder sent by QuickBooks'))).toHaveLength(2);
    expect(log.find((e) => e.summary.startsWith('Reminder sent'))?.customerId).toBeTruthy();
  });

  it('sends exactly once per (invoice, stage) across two runs, in automatic mode', async () => {
    w = await reminderWorld();
    await w.policy({ mode: 'automatic' });
    const first = await w.run();
    expect(first.sent!.sent).toBe(first.plan.due.length);
    expect(w.emails()).toHaveLength(first.plan.due.length);
    expect([...byInvoice(w.emails()).values()].every((n) => n === 1)).toBe(true);
    const second = await w.run();
    expect(second.queued).toEqual([]);
    expect(second.sent).toMatchObject({ sent: 0, reconciled: 0 });
    expect(w.emails()).toHaveLength(first.plan.due.length);
    expect(second.plan.notReminded.some((n) => n.reason.code === 'stage-already-done')).toBe(true);
  });

  it('never sends after a payment recorded in QuickBooks between scoring and sending', async () => {
    w = await reminderWorld();
    await w.policy({ mode: 'automatic' });
    const { plan } = await w.c.reminders.preview(w.realmId);
    const target = plan.due[0]!;
    const balance = Number(w.invoice(target.invoiceId).Balance);
    w.company.create('Payment', {
      CustomerRef: { value: target.customerId },
      TotalAmt: balance,
      Line: [{ Amount: balance, LinkedTxn: [{ TxnId: target.invoiceId, TxnType: 'Invoice' }] }],
    });
    const r = await w.run();
    expect(r.plan.due.map((d) => d.invoiceId)).toContain(target.invoiceId); // the local copy did not know yet
    expect(w.emails().map((e) => e.invoiceId)).not.toContain(target.invoiceId);
    const [row] = await w.store.list(w.realmId, { invoiceId: target.invoiceId });
    expect(row).toMatchObject({ status: 'skipped', reason: { code: 'balance-zero' }, decidedBy: 'Duesense' });
    expect(r.sent!.skipped).toBe(1);
  });

  it('holds the reminders of a customer with an unapplied payment, from the local copy or read fresh', async () => {
    w = await reminderWorld();
    await w.policy({ mode: 'automatic' });
    const { plan } = await w.c.reminders.preview(w.realmId);
    const [known, fresh] = [...new Set(plan.due.map((d) => d.customerId))] as [string, string];
    const invoicesOf = (customerId: string) =>
      plan.due.filter((d) => d.customerId === customerId).map((d) => d.invoiceId);
    // Money the local copy knows: the plan holds the customer's reminders and says why.
    w.company.create('Payment', { CustomerRef: { value: known }, TotalAmt: 50 });
    await w.syncNow();
    // Money that arrives in QuickBooks after the last sync: the send's fresh read finds it.
    w.company.create('Payment', { CustomerRef: { value: fresh }, TotalAmt: 75 });
    const r = await w.run();
    const held = r.plan.notReminded.filter((n) => n.customerId === known && n.reason.code === 'held');
    expect(held.map((n) => n.invoiceId).sort()).toEqual(invoicesOf(known).sort());
    expect(reasonInWords(held[0]!.reason)).toMatch(/^Held: the customer has an unapplied payment of \$50\.00/);
    const rows = await w.store.list(w.realmId, { customerId: fresh });
    expect(rows.map((row) => row.invoiceId).sort()).toEqual(invoicesOf(fresh).sort());
    for (const row of rows)
      expect(row).toMatchObject({
        status: 'awaiting_approval',
        reason: { code: 'held', unappliedPaymentCents: 7500, unusedCreditCents: 0 },
      });
    expect(r.sent!.held).toBe(rows.length);
    const customers = new Set(w.emails().map((e) => ref(w!.invoice(e.invoiceId), 'CustomerRef')));
    expect(customers.has(known) || customers.has(fresh)).toBe(false);
    expect(w.emails().length).toBe(r.plan.due.length - rows.length);
    expect(runSummary(r)).toContain(`${held.length + rows.length} held`);
  });

  it('never reminds an excluded or paused customer, a disputed or snoozed invoice', async () => {
    w = await reminderWorld();
    await w.policy({ mode: 'automatic' });
    const { plan } = await w.c.reminders.preview(w.realmId);
    const customers = [...new Set(plan.due.map((d) => d.customerId))];
    expect(customers.length).toBeGreaterThanOrEqual(3);
    const [excluded, paused, other] = customers as [string, string, string];
    const at = w.c.clock.now();
    await w.c.customerInputs.setControls(w.realmId, excluded, { excluded: true }, 'Ada', at);
    await w.c.customerInputs.setControls(w.realmId, paused, { remindersPaused: true }, 'Ada', at);
    const [disputed, snoozed] = plan.due.filter((d) => d.customerId === other).map((d) => d.invoiceId);
    await w.c.reminders.setInvoiceControls(w.realmId, disputed!, { disputed: true, disputeNote: 'wrong qty' }, 'Ada');
    if (snoozed) await w.c.reminders.setInvoiceControls(w.realmId, snoozed, { snoozedUntil: '2026-11-20' }, 'Ada');
    const r = await w.run();
    const sentTo = new Set(w.emails().map((e) => ref(w!.invoice(e.invoiceId), 'CustomerRef')));
    expect(sentTo.has(excluded)).toBe(false);
    expect(sentTo.has(paused)).toBe(false);
    const sentInvoices = w.emails().map((e) => e.invoiceId);
    expect(sentInvoices).not.toContain(disputed);
    if (snoozed) expect(sentInvoices).not.toContain(snoozed);
    const reasons = new Map(r.plan.notReminded.map((n) => [n.invoiceId, n.reason.code]));
    expect(reasons.get(disputed!)).toBe('disputed');
    if (snoozed) expect(reasons.get(snoozed)).toBe('snoozed');
    expect(r.plan.notReminded.filter((n) => n.customerId === excluded).map((n) => n.reason.code)).toContain('excluded');
    expect(r.plan.notReminded.filter((n) => n.customerId === paused).map((n) => n.reason.code)).toContain('paused');
  });

  it('sends to the customer’s email when the invoice has no BillEmail; "send now" sends again, by hand', async () => {
    w = await reminderWorld();
    await w.policy({ mode: 'automatic' });
    const { plan } = await w.c.reminders.preview(w.realmId);
    const target = plan.due[0]!;
    const invoice = w.invoice(target.invoiceId);
    w.company.update('Invoice', { Id: invoice.Id, SyncToken: invoice.SyncToken, BillEmail: { Address: '' } }, true);
    await w.syncNow();
    const customer = w.company.table('Customer').get(target.customerId)!;
    const address = (customer.PrimaryEmailAddr as { Address: string }).Address;
    await w.run();
    const [email] = w.emails().filter((e) => e.invoiceId === target.invoiceId);
    expect(email!.to).toBe(address);
    expect((w.invoice(target.invoiceId).BillEmail as { Address: string }).Address).toBe(address);
    const now = await w.c.reminders.sendNow(w.realmId, target.invoiceId, 'Ada');
    expect(now).toMatchObject({ ok: true, report: { sent: 1 } });
    expect(w.emails().filter((e) => e.invoiceId === target.invoiceId)).toHaveLength(2);
    const rows = await w.store.list(w.realmId, { invoiceId: target.invoiceId });
    expect(rows.map((r) => [r.stageDays, r.origin, r.status])).toEqual([
      [null, 'send-now', 'sent'],
      [target.stageDays, 'cli', 'sent'],
    ]);
  });

  it('a reminder without an email address is listed as "cannot send: no email", never sent', async () => {
    w = await reminderWorld();
    await w.policy({ mode: 'automatic' });
    const { plan } = await w.c.reminders.preview(w.realmId);
    const customerId = plan.due[0]!.customerId;
    const customer = w.company.table('Customer').get(customerId)!;
    w.company.update(
      'Customer',
      { Id: customerId, SyncToken: customer.SyncToken, PrimaryEmailAddr: { Address: '' } },
      true,
    );
    for (const d of plan.due.filter((x) => x.customerId === customerId)) {
      const invoice = w.invoice(d.invoiceId);
      w.company.update('Invoice', { Id: d.invoiceId, SyncToken: invoice.SyncToken, BillEmail: { Address: '' } }, true);
    }
    await w.syncNow();
    const r = await w.run();
    const noEmail = r.plan.notReminded.filter((n) => n.customerId === customerId && n.reason.code === 'no-email');
    expect(noEmail.length).toBeGreaterThan(0);
    expect(reasonInWords(noEmail[0]!.reason)).toBe('Cannot send: no email address on the invoice or the customer.');
    expect(w.emails().filter((e) => ref(w!.invoice(e.invoiceId), 'CustomerRef') === customerId)).toEqual([]);
  });
});

/** The store, failing once at a chosen move: the process dies there. */
function dyingAt(when: (m: Parameters<ReminderStore['move']>[2]) => boolean) {
  let died = false;
  return (store: ReminderStore): ReminderStore => ({
    ...store,
    async move(realmId, id, m) {
      if (!died && when(m)) {
        died = true;
        throw new Error('process died');
      }
      return store.move(realmId, id, m);
    },
  });
}

describe('exactly once', () => {
  it('a crash after QuickBooks sent and before the commit is reconciled, never sent twice', async () => {
    w = await reminderWorld();
    await w.policy({ mode: 'automatic' });
    const dying = remindersWith(w.c, { wrapStore: dyingAt((m) => m.to === 'sent') });
    await expect(dying.service.run(w.realmId, { origin: 'nightly', actor: 'test' })).rejects.toThrow('process died');
    expect(w.emails()).toHaveLength(1);
    const [left] = await w.store.list(w.realmId, { status: 'sending' });
    expect(left!.invoiceId).toBe(w.emails()[0]!.invoiceId);

    // Another run soon after sends the rest and leaves the unresolved row alone.
    const next = await w.run();
    expect(next.sent).toMatchObject({ reconciled: 0 });
    expect(byInvoice(w.emails()).get(left!.invoiceId)).toBe(1);
    const total = w.emails().length;
    // Once the send is stale, QuickBooks' delivery says it went: marked sent, not sent again.
    w.emulator.clock.advance(11 * 60_000);
    const later = await w.run();
    expect(later.sent).toMatchObject({ reconciled: 1, sent: 0 });
    expect(w.emails()).toHaveLength(total);
    expect(await w.store.get(w.realmId, left!.id)).toMatchObject({ status: 'sent' });
    const log = await w.c.activity.list(w.realmId, { kind: 'email', customerId: left!.customerId });
    expect(log.some((e) => e.summary.includes('found sent after an interrupted send'))).toBe(true);
  });

  it('a crash after the claim and before the send sends it once, when the claim is stale', async () => {
    w = await reminderWorld();
    await w.policy({ mode: 'automatic' });
    let died = false;
    const dying = remindersWith(w.c, {
      wrapStore: (store) => ({
        ...store,
        async move(realmId, id, m) {
          const moved = await store.move(realmId, id, m);
          if (!died && m.to === 'sending') {
            died = true;
            throw new Error('process died');
          }
          return moved;
        },
      }),
    });
    await expect(dying.service.run(w.realmId, { origin: 'nightly', actor: 'test' })).rejects.toThrow('process died');
    expect(w.emails()).toEqual([]);
    const [left] = await w.store.list(w.realmId, { status: 'sending' });
    await w.run();
    expect(w.emails().map((e) => e.invoiceId)).not.toContain(left!.invoiceId);
    w.emulator.clock.advance(11 * 60_000);
    const later = await w.run();
    expect(later.sent).toMatchObject({ sent: 1, reconciled: 0 });
    expect(byInvoice(w.emails()).get(left!.invoiceId)).toBe(1);
  });

  it('two runners at once send each reminder once', async () => {
    w = await reminderWorld();
    await w.policy({ mode: 'automatic' });
    const a = remindersWith(w.c).service;
    const b = remindersWith(w.c).service;
    const [ra, rb] = await Promise.all([
      a.run(w.realmId, { origin: 'nightly', actor: 'a' }),
      b.run(w.realmId, { origin: 'nightly', actor: 'b' }),
    ]);
    const due = new Set(ra.plan.due.map((d) => `${d.invoiceId}:${d.stageDays}`));
    expect(w.emails()).toHaveLength(due.size);
    expect([...byInvoice(w.emails()).values()].every((n) => n === 1)).toBe(true);
    expect(ra.sent!.sent + rb.sent!.sent).toBe(due.size);
    const rows = await w.store.all(w.realmId);
    expect(rows).toHaveLength(due.size);
    expect(rows.every((r: Reminder) => r.status === 'sent')).toBe(true);
  });
});

describe('QuickBooks’ daily email limit', () => {
  it('stops the send when the sandbox’s emails for the day are used up; the rest go the next day', async () => {
    w = await reminderWorld({ emailDailyLimit: 3 });
    await w.policy({ mode: 'automatic' });
    const first = await w.run();
    expect(first.plan.due.length).toBeGreaterThan(3);
    expect(first.sent).toMatchObject({ sent: 3, failed: 0, dailyLimitReached: true });
    expect(w.emails()).toHaveLength(3);
    const waiting = await w.store.list(w.realmId, { status: 'approved' });
    expect(waiting).toHaveLength(first.plan.due.length - 3);
    expect(waiting.find((r) => r.lastError)?.lastError?.message).toMatch(/limit of 3 emails a day/);
    // QuickBooks counts the last 24 hours.
    w.emulator.clock.advance(86_400_000 + 60_000);
    const next = await w.run();
    expect(next.sent!.sent).toBe(Math.min(3, waiting.length));
    expect([...byInvoice(w.emails()).values()].every((n) => n === 1)).toBe(true);
  });
});

describe('the nightly step', () => {
  it('catches up a missed night with one reminder per invoice, never a stage twice', async () => {
    w = await reminderWorld();
    await w.policy({ mode: 'automatic' });
    const first = await w.c.nightly.runAll({ realmId: w.realmId });
    expect(first).toMatch(/reminders: 0 queued for approval, \d+ sent/);
    const sentFirst = w.emails().length;
    expect(sentFirst).toBeGreaterThan(0);
    // The app is down for seventeen days (to Thursday 19 November); the next night catches up.
    w.emulator.clock.advance(17 * 86_400_000);
    const second = await w.c.nightly.runAll({ realmId: w.realmId });
    expect(second).toMatch(/reminders: 0 queued for approval, \d+ sent/);
    const later = w.emails().slice(sentFirst);
    expect(later.length).toBeGreaterThan(0);
    expect([...byInvoice(later).values()].every((n) => n === 1)).toBe(true);
    const rows = await w.store.all(w.realmId);
    const keys = rows.map((r) => `${r.invoiceId}:${r.stageDays}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(w.emails().length);
    // Catching up sends the latest stage that fell due, never the ones missed in between (7 days after the due
    // date was missed while the app was down; the reminder a fortnight after went instead).
    const stagesOf = new Map<string, number[]>();
    for (const r of rows) stagesOf.set(r.invoiceId, [...(stagesOf.get(r.invoiceId) ?? []), r.stageDays!]);
    const caughtUp = [...stagesOf.values()].filter((stages) => stages.length === 2);
    expect(caughtUp.length).toBeGreaterThan(0);
    expect(caughtUp.some(([a, b]) => DEFAULT_REMINDER_POLICY.stages.some((s) => s > a! && s < b!))).toBe(true);
  });

  it('in approval mode fills the queue and sends nothing', async () => {
    w = await reminderWorld();
    const summary = await w.c.nightly.runAll({ realmId: w.realmId });
    const queued = Number(/reminders: (\d+) queued for approval, 0 sent/.exec(summary)?.[1]);
    expect(queued).toBeGreaterThan(0);
    expect(w.emails()).toEqual([]);
    expect(await w.store.counts(w.realmId)).toMatchObject({ awaiting_approval: queued, sent: 0 });
    const log = await w.c.activity.list(w.realmId, { kind: 'email' });
    expect(log.map((e) => [e.actor, e.summary])).toContainEqual([
      'Nightly schedule',
      `${queued} reminders queued for approval`,
    ]);
  });
});
