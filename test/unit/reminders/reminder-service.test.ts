import { describe, expect, it } from 'vitest';
import { manualClock } from '../../../server/clock.js';
import { createFakeActivityLog } from '../../../server/features/activity/fake-activity-log.js';
import {
  DEFAULT_REMINDER_POLICY,
  type ReminderPolicy,
} from '../../../server/features/reminders/domain/reminder-policy.js';
import {
  DEFAULT_REMINDER_TEMPLATES,
  parseReminderTemplates,
  type ReminderTemplatesInput,
} from '../../../server/features/reminders/domain/reminder-templates.js';
import { createFakeReminderStore } from '../../../server/features/reminders/fake-reminder-store.js';
import { ReminderExecutor, type ReminderApi } from '../../../server/features/reminders/reminder-executor.js';
import { ReminderService, runSummary } from '../../../server/features/reminders/reminder-service.js';
import type { NewReminder, Reminder, ReminderStatus } from '../../../server/features/reminders/reminder-store-type.js';
import { FakeCustomerInputStore } from '../../../server/features/risk/fake-customer-input-store.js';
import type { MoneyWaiting } from '../../../server/features/sync/local-copy-reader-type.js';
import type { Writeback } from '../../../server/features/writeback/writeback-store-type.js';
import type { WritebackService } from '../../../server/features/writeback/writeback-service.js';
import { silentLogger } from '../../../server/logger.js';
import type { QboEntity } from '../../../server/qbo/qbo-api-client.js';
import { QboPermanent, QboReauthRequired, QboTransient, type QboError } from '../../../server/qbo/qbo-errors.js';

const REALM = '4620816365';
/** Monday 2 November 2026, 10:00 in New York. */
const NOW = '2026-11-02T15:00:00Z';

/**
 * QuickBooks as the reminder executor sees it, scripted: invoices with a balance, BillEmail and delivery, payments
 * by customer, every send recorded (the oracle), and failures a test queues for the next sends or reads.
 */
class ScriptedQuickBooks {
  readonly invoices = new Map<string, QboEntity>();
  readonly payments: QboEntity[] = [];
  readonly sent: Array<{ id: string; sendTo: string | undefined }> = [];
  readonly sendFailures: QboError[] = [];
  readonly readFailures: QboError[] = [];
  /** The queries of each batch request, in order. */
  readonly batchQueries: string[][] = [];
  /** Runs after QuickBooks sent and before it answers (the answer can then be lost). */
  lostAnswers = 0;

  constructor(private readonly clock: { now(): Date }) {}

  invoice(id: string, customerId: string, dueDate: string, o: Record<string, unknown> = {}): void {
    this.invoices.set(id, {
      Id: id,
      SyncToken: '0',
      DocNumber: `10${id}`,
      CustomerRef: { value: customerId },
      DueDate: dueDate,
      Balance: 120,
      BillEmail: { Address: `ap${customerId}@example.com` },
      EmailStatus: 'NotSet',
      ...o,
    });
  }

  /** A query's rows: invoices by `Id in (...)`, a customer's payments (credit memos: none). */
  private rowsOf(entity: string, criteria: string): QboEntity[] {
    if (entity === 'Invoice') {
      const ids = [...(/Id in \(([^)]*)\)/.exec(criteria)?.[1] ?? '').matchAll(/'([^']+)'/g)].map((m) => m[1]!);
      return ids.flatMap((id) => this.invoices.get(id) ?? []);
    }
    const customerId = /CustomerRef = '([^']+)'/.exec(criteria)?.[1];
    return entity === 'Payment' ? this.payments.filter((p) => ref(p) === customerId) : [];
  }

  readonly api: ReminderApi = {
    read: async (_entity, id) => {
      const failure = this.readFailures.shift();
      if (failure) throw failure;
      return this.invoices.get(id);
    },
    query: async (entity, criteria) => ({ rows: this.rowsOf(entity, criteria), time: '' }),
    batchQuery: async (queries) => {
      const failure = this.readFailures.shift();
      if (failure) throw failure;
      this.batchQueries.push(queries.map((q) => q.query));
      return new Map(
        queries.map((q) => {
          const [, entity, criteria] = /^select \* from (\w+) (.*)$/.exec(q.query)!;
          return [q.bId, { rows: this.rowsOf(entity!, criteria!) }];
        }),
      );
    },
    invoicePdf: async (id) => Buffer.from(`%PDF-1.4 invoice ${id}`, 'latin1'),
    sendInvoice: async (id, sendTo) => {
      const failure = this.sendFailures.shift();
      if (failure) throw failure;
      const invoice = this.invoices.get(id)!;
      const sent = {
        ...invoice,
        EmailStatus: 'EmailSent',
        DeliveryInfo: { DeliveryType: 'Email', DeliveryTime: this.clock.now().toISOString() },
      };
      this.invoices.set(id, sent);
      this.sent.push({ id, sendTo });
      if (this.lostAnswers > 0) {
        this.lostAnswers--;
        throw new QboTransient('QuickBooks send invoice: socket hang up');
      }
      return sent;
    },
  };
}

const ref = (e: QboEntity) => (e.CustomerRef as { value: string }).value;

/** An invoice note the email channel queued for QuickBooks (through the write-back outbox). */
type QueuedNote = Parameters<WritebackService['queueInvoiceNote']>[1];

function setup(policy: Partial<ReminderPolicy> = {}) {
  const clock = manualClock(NOW);
  /** Money waiting per customer in the local copy (unapplied payments, unused credit). */
  const waiting = new Map<string, MoneyWaiting>();
  /** The email channel's notes, once per key as the write-back outbox keeps them. */
  const notes = new Map<string, QueuedNote>();
  const qb = new ScriptedQuickBooks(clock);
  const store = createFakeReminderStore();
  const customerInputs = new FakeCustomerInputStore();
  const activity = createFakeActivityLog(clock);
  const customers: QboEntity[] = ['1', '2', '3'].map((id) => ({
    Id: id,
    SyncToken: '0',
    DisplayName: `Customer ${id}`,
    PrimaryEmailAddr: { Address: `c${id}@example.com` },
  }));
  const executor = new ReminderExecutor({
    store,
    localCopyWriter: { apply: async () => {} },
    customerInputs,
    qbo: (_realmId, call) => call(qb.api),
    clock,
    logger: silentLogger,
    activity,
    // The email channel without an SMTP server: what a row left to review needs (its note when confirmed sent).
    email: {
      smtpConfigured: false,
      mail: {
        sendNow: async () => {
          throw new Error('no SMTP server in these tests');
        },
      },
      writeback: {
        queueInvoiceNote: async (_realmId, n) => {
          if (notes.has(n.key)) return undefined;
          notes.set(n.key, n);
          return {} as Writeback;
        },
        drain: async () => undefined,
      },
      localCopy: { rawEntities: async () => [] },
      companyInfo: async () => undefined,
      settings: store,
    },
    options: { staleAfterMs: 60_000, clockSkewMs: 0 },
  });
  const service = new ReminderService({
    store,
    executor,
    localCopy: {
      // The local copy as of the last sync: what QuickBooks had then (tests change qb after it when they need to).
      openInvoiceEntities: async () => [...qb.invoices.values()].filter((i) => Number(i.Balance) > 0),
      rawEntities: async (_realmId, entity, ids) =>
        entity === 'Customer' ? customers : [...qb.invoices.values()].filter((i) => ids?.includes(i.Id) ?? true),
      moneyWaiting: async () => new Map(waiting),
    },
    scoreRuns: { latestRun: async () => undefined, labelFacts: async () => [] },
    customerInputs,
    companies: {
      getCompany: async (realmId) => ({
        realmId,
        companyName: 'Test Co',
        environment: 'sandbox',
        status: 'connected',
        timeZone: 'America/New_York',
        homeCurrency: 'USD',
        connectedAt: null,
        disconnectedAt: null,
      }),
    },
    clock,
    logger: silentLogger,
    activity,
    defaultTimeZone: 'America/New_York',
  });
  const save = async () => {
    const saved = await service.savePolicy(REALM, { ...DEFAULT_REMINDER_POLICY, ...policy }, 'Owner');
    if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
  };
  // Invoice 1 of customer 1 is a week overdue; invoice 2 of customer 2 is due today.
  qb.invoice('1', '1', '2026-10-26');
  qb.invoice('2', '2', '2026-11-02');
  return { clock, qb, store, service, activity, customerInputs, save, waiting, notes };
}

/** A new row like `r` (its invoice, customer and addresses). */
const reminderFor = (r: Reminder): NewReminder => ({
  realmId: r.realmId,
  invoiceId: r.invoiceId,
  docNumber: r.docNumber,
  customerId: r.customerId,
  stageDays: null,
  idempotencyKey: r.idempotencyKey,
  channel: r.channel,
  tone: r.tone,
  to: r.to,
  status: 'approved',
  origin: 'send-now',
  actor: 'Ada',
});

const run = (t: ReturnType<typeof setup>, o: { approveAll?: boolean } = {}) =>
  t.service.run(REALM, { origin: 'cli', actor: 'Ada', ...o });

describe('ReminderService', () => {
  it('approval mode queues what is due and sends nothing; --approve-all approves earlier rows too', async () => {
    const t = setup();
    await t.save();
    const first = await run(t);
    expect(first.queued.map((r) => [r.invoiceId, r.stageDays, r.status])).toEqual([
      ['1', 7, 'awaiting_approval'],
      ['2', 0, 'awaiting_approval'],
    ]);
    expect(t.qb.sent).toEqual([]);
    expect(runSummary(first)).toBe('2 queued for approval, 0 sent');
    const approved = await run(t, { approveAll: true });
    expect(approved.queued).toEqual([]);
    expect(approved.approved).toBe(2);
    expect(t.qb.sent.map((s) => s.id)).toEqual(['1', '2']);
    expect(t.store.rows().map((r) => [r.status, r.decidedBy])).toEqual([
      ['sent', 'Ada'],
      ['sent', 'Ada'],
    ]);
  });

  it('automatic mode sends at once, each stage once', async () => {
    const t = setup({ mode: 'automatic' });
    await t.save();
    const first = await run(t);
    expect(first.sent).toMatchObject({ sent: 2 });
    expect(first.queued.every((r) => r.decidedBy === 'Automatic mode')).toBe(true);
    expect((await run(t)).sent).toMatchObject({ sent: 0 });
    expect(t.qb.sent).toHaveLength(2);
    expect(t.activity.entries(REALM).filter((e) => e.kind === 'email')).toHaveLength(2);
  });

  it('queues the email channel’s reminders with the reason in words, and never sends or approves them', async () => {
    const email = { channel: 'email' as const, tone: 'friendly' as const, stages: [-3, 0, 7, 14, 30] };
    const t = setup({ mode: 'automatic', strategies: { ...DEFAULT_REMINDER_POLICY.strategies, Standard: email } });
    await t.save();
    const r = await run(t, { approveAll: true });
    expect(r.queued.map((q) => [q.status, q.reason])).toEqual([
      ['awaiting_approval', { code: 'email-channel-not-set-up' }],
      ['awaiting_approval', { code: 'email-channel-not-set-up' }],
    ]);
    // Written in the tone's words when queued, one email per customer, for the email channel to send.
    expect(r.queued[0]!.subject).toMatch(/101/);
    expect(r.queued[0]!.text).toContain('Customer 1');
    expect(r.queued[0]!.text).toMatch(/- .*101/);
    expect(r.queued[1]!.text).toMatch(/- .*102/);
    expect(await t.service.approve(REALM, [r.queued[0]!.id], 'Ada')).toBe(0);
    expect(t.qb.sent).toEqual([]);
    expect(runSummary(r)).toBe('0 queued for approval, 0 sent, 2 waiting: email reminders need SMTP_URL');
    expect(t.store.rows().some((row) => row.status === 'sent')).toBe(false);
  });

  it('a skipped stage is taken for good; the next stage still comes', async () => {
    const t = setup();
    await t.save();
    const { queued } = await run(t);
    expect(await t.service.skip(REALM, [queued[0]!.id], 'Ada')).toBe(1);
    expect(await t.service.skip(REALM, [queued[0]!.id], 'Ada')).toBe(0);
    const again = await t.service.preview(REALM);
    expect(again.plan.notReminded.find((n) => n.invoiceId === '1')?.reason).toMatchObject({
      code: 'stage-already-done',
      status: 'skipped',
    });
    t.clock.set('2026-11-09T15:00:00Z');
    expect((await t.service.preview(REALM)).plan.due.map((d) => [d.invoiceId, d.stageDays])).toContainEqual(['1', 14]);
  });

  it('the reminders-send job sends what a person approved since the run, company by company', async () => {
    const t = setup();
    await t.save();
    expect(await t.service.sendDue()).toBe('nothing to send');
    const { queued } = await run(t);
    await t.service.approve(REALM, [queued[1]!.id], 'Ada');
    expect(await t.service.sendDue()).toBe(`${REALM}: 1 sent`);
    expect(t.qb.sent.map((x) => x.id)).toEqual(['2']);
    expect(await t.service.sendDue()).toBe('nothing to send');
  });

  it('a customer page’s preview, from what the page read, plans as the one that reads everything', async () => {
    const t = setup();
    await t.save();
    const company = { timeZone: 'America/New_York', homeCurrency: 'USD', companyName: 'Test Co' };
    const known = { customerId: '1', company, strategy: null, excluded: false, paused: false };
    const read = await t.service.customerPreview(REALM, '1');
    const given = await t.service.customerPreview(REALM, known);
    expect(given.plan).toEqual(read.plan);
    expect(given.plan.due.filter((d) => d.customerId === '1').map((d) => d.invoiceId)).toEqual(['1']);
    const excluded = await t.service.customerPreview(REALM, { ...known, excluded: true });
    expect(excluded.plan.notReminded.map((n) => [n.invoiceId, n.reason.code])).toEqual([['1', 'excluded']]);
    await run(t);
    // The reminders on record come with it, newest first (the page's timeline).
    expect((await t.service.customerPreview(REALM, known)).rows.map((r) => [r.invoiceId, r.status])).toEqual([
      ['1', 'awaiting_approval'],
    ]);
  });

  it('refuses a policy with errors, field by field, and logs a saved one', async () => {
    const t = setup();
    const bad = await t.service.savePolicy(REALM, { ...DEFAULT_REMINDER_POLICY, dailyCap: 0 }, 'Owner');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.map((e) => e.field)).toEqual(['dailyCap']);
    await t.save();
    expect((await t.service.policy(REALM)).policy.version).toBe(2);
    expect(t.activity.entries(REALM).map((e) => e.summary)).toEqual(['Reminder policy saved (version 2)']);
  });

  describe('the company’s templates', () => {
    const email = { channel: 'email' as const, tone: 'friendly' as const, stages: [-3, 0, 7, 14, 30] };
    /** The default templates with every friendly subject changed, as a person would edit them. */
    const edited = (subject: string): ReminderTemplatesInput => ({
      ...DEFAULT_REMINDER_TEMPLATES,
      tones: {
        ...DEFAULT_REMINDER_TEMPLATES.tones,
        friendly: DEFAULT_REMINDER_TEMPLATES.tones.friendly.map((x) => ({ ...x, subject })),
      },
    });

    it('writes the queued texts and the preview with the saved templates; a reset, the defaults', async () => {
      const t = setup({ strategies: { ...DEFAULT_REMINDER_POLICY.strategies, Standard: email } });
      await t.save();
      const saved = await t.service.saveTemplates(REALM, edited('Ours: {{whichInvoices}}'), 'Owner');
      expect(saved).toMatchObject({ ok: true, changed: true, saved: { own: true, templates: { version: 2 } } });
      const entry = t.activity.entries(REALM).at(-1)!;
      expect(entry).toMatchObject({ kind: 'settings', section: 'reminders', actor: 'Owner' });
      expect(entry.summary).toBe('Reminder templates saved (version 2)');
      expect((entry.detail as { changes: string[] }).changes).toContain(
        'Friendly reminder from 1 day after the due date: subject',
      );
      expect((await t.service.messagePreview(REALM, '2')).chosen?.message?.subject).toBe('Ours: invoice 102');
      const queued = (await run(t)).queued;
      expect(queued.map((r) => r.subject)).toEqual(['Ours: invoice 101', 'Ours: invoice 102']);
      // The same templates again: nothing saved, nothing recorded.
      const entries = t.activity.entries(REALM).length;
      expect(await t.service.saveTemplates(REALM, edited('Ours: {{whichInvoices}}'), 'Owner')).toMatchObject({
        ok: true,
        changed: false,
      });
      expect(t.activity.entries(REALM)).toHaveLength(entries);
      const reset = await t.service.resetTemplates(REALM, 'Owner');
      expect(reset).toMatchObject({ changed: true, saved: { own: false, templates: { version: 3 } } });
      expect(t.activity.entries(REALM).at(-1)!.summary).toBe('Reminder templates reset to the defaults (version 3)');
      expect((await t.service.resetTemplates(REALM, 'Owner')).changed).toBe(false);
      const afterReset = await t.service.templatePreview(REALM, {
        templates: (await t.service.templates(REALM)).templates,
        invoiceId: '2',
      });
      expect(afterReset.chosen?.message.subject).not.toMatch(/^Ours/);
    });

    it('refuses templates with errors, field by field, saving and recording nothing', async () => {
      const t = setup();
      const bad = await t.service.saveTemplates(REALM, edited('Hello {{CustomerName}}'), 'Owner');
      expect(bad.ok).toBe(false);
      if (!bad.ok) {
        expect(bad.errors.map((e) => e.field)).toEqual([0, 1, 2, 3].map((n) => `tones.friendly.${n}.subject`));
        expect(bad.errors[0]!.message).toBe(
          'Friendly reminder from 30 days before the due date, subject: {{CustomerName}} is not a merge field. ' +
            'Did you mean {{customerName}}?',
        );
      }
      expect(await t.service.templates(REALM)).toMatchObject({ own: false, templates: { version: 1 } });
      expect(t.activity.entries(REALM)).toEqual([]);
    });

    it('previews unsaved templates on any open invoice, in the customer’s tone or another; saves nothing', async () => {
      const t = setup();
      const templates = DEFAULT_REMINDER_TEMPLATES;
      const list = await t.service.templatePreview(REALM, { templates });
      expect(list.invoices.map((i) => [i.customerName, i.invoice.invoiceId, i.tone])).toEqual([
        ['Customer 1', '1', 'friendly'],
        ['Customer 2', '2', 'friendly'],
      ]);
      expect(list).toMatchObject({ total: 2 });
      expect(list.chosen).toBeUndefined();
      const final = { ...templates.tones.final[0]!, fromDay: 0, subject: 'Final: {{whichInvoices}}' };
      const preview = await t.service.templatePreview(REALM, {
        templates: parseReminderTemplates({ ...templates, tones: { ...templates.tones, final: [final] } }),
        invoiceId: '1',
        tone: 'final',
      });
      expect(preview.chosen).toMatchObject({ tone: 'final', customerName: 'Customer 1' });
      expect(preview.chosen!.message.subject).toBe('Final: invoice 101');
      expect(preview.chosen!.message.text).toContain('Customer 1');
      expect((await t.service.templatePreview(REALM, { templates, invoiceId: 'nope' })).chosen).toBeUndefined();
      expect(await t.service.templates(REALM)).toMatchObject({ own: false, savedAt: null });
      expect(t.store.rows()).toEqual([]);
      expect(t.activity.entries(REALM)).toEqual([]);
    });
  });

  it('"send now" goes through the same guards, with a key of its own each time', async () => {
    const t = setup();
    await t.save();
    expect(await t.service.sendNow(REALM, '1', 'Ada')).toMatchObject({ ok: true, report: { sent: 1 } });
    expect(await t.service.sendNow(REALM, '1', 'Ada')).toMatchObject({ ok: true, report: { sent: 1 } });
    expect(t.qb.sent.map((s) => s.id)).toEqual(['1', '1']);
    expect(t.store.rows().map((r) => [r.stageDays, r.origin])).toEqual([
      [null, 'send-now'],
      [null, 'send-now'],
    ]);
    await t.customerInputs.setControls(REALM, '2', { remindersPaused: true }, 'Ada', t.clock.now());
    expect(await t.service.sendNow(REALM, '2', 'Ada')).toEqual({ ok: false, reason: { code: 'paused' } });
    expect(await t.service.sendNow(REALM, '99', 'Ada')).toEqual({ ok: false, reason: { code: 'invoice-gone' } });
    t.qb.invoices.set('1', { ...t.qb.invoices.get('1')!, Balance: 0 });
    expect(await t.service.sendNow(REALM, '1', 'Ada')).toEqual({ ok: false, reason: { code: 'balance-zero' } });
  });
});

describe('reminders waiting for a person (the alert digest)', () => {
  it('counts held, awaiting approval, failed and to review, each with the first few in words', async () => {
    const t = setup();
    await t.save();
    // Invoice 3's customer has a payment not applied yet: the plan holds it.
    t.qb.invoice('3', '3', '2026-10-26');
    t.waiting.set('3', { unappliedPaymentCents: 5000, unusedCreditCents: 0 });
    const nothing = await t.service.forAPerson(REALM);
    expect(nothing.held).toEqual({
      count: 1,
      listed: [
        {
          customerName: 'Customer 3',
          invoice: 'invoice 103',
          why:
            'Held: the customer has an unapplied payment of $50.00 in QuickBooks, ' +
            'which usually means the money arrived.',
        },
      ],
    });
    expect([nothing.awaitingApproval, nothing.failed.count, nothing.toReview.count]).toEqual([0, 0, 0]);

    const { queued } = await run(t);
    expect((await t.service.forAPerson(REALM)).awaitingApproval).toBe(3 - 1);
    const [one, two] = queued;
    const at = t.clock.now();
    await t.store.move(REALM, one!.id, {
      from: ['awaiting_approval'],
      to: 'failed',
      at,
      lastError: { errorClass: 'permanent', code: '6000', message: 'Invalid email address', intuitTid: null },
    });
    await t.store.move(REALM, two!.id, {
      from: ['awaiting_approval'],
      to: 'awaiting_approval',
      at,
      reason: { code: 'paused' },
    });
    const [lost] = await t.store.enqueue(
      [{ ...reminderFor(one!), idempotencyKey: 'reminder:1:now:x', channel: 'email', status: 'approved' }],
      at,
    );
    await t.store.move(REALM, lost!.id, { from: ['approved'], to: 'needs_review', at, sendingAt: at });

    const waiting = await t.service.forAPerson(REALM);
    expect(waiting.awaitingApproval).toBe(0);
    expect(waiting.held.count).toBe(2);
    expect(waiting.held.listed.map((x) => [x.invoice, x.why.split(':')[0]])).toEqual([
      ['invoice 102', 'Paused'],
      ['invoice 103', 'Held'],
    ]);
    expect(waiting.failed).toEqual({
      count: 1,
      listed: [
        {
          customerName: 'Customer 1',
          invoice: 'invoice 101',
          why: 'Not sent (Invalid email address): it is sent again only when someone approves it again.',
        },
      ],
    });
    expect(waiting.toReview).toEqual({
      count: 1,
      listed: [
        {
          customerName: 'Customer 1',
          invoice: 'invoice 101',
          why: 'May have been sent: the send was interrupted. It is never sent again on its own.',
        },
      ],
    });
    const few = await t.service.forAPerson(REALM, 1);
    expect([few.held.count, few.held.listed.length]).toEqual([2, 1]);
    expect(await t.service.forAPerson('another-company')).toMatchObject({ awaitingApproval: 0, failed: { count: 0 } });
  });
});

describe('a reminder to review, confirmed sent by a person', () => {
  /** An email-channel row left to review by an interrupted send on Monday. */
  async function toReview(t: ReturnType<typeof setup>, status: ReminderStatus = 'needs_review') {
    const at = t.clock.now();
    const [row] = await t.store.enqueue(
      [
        {
          realmId: REALM,
          invoiceId: '1',
          docNumber: '101',
          customerId: '1',
          stageDays: 7,
          idempotencyKey: 'reminder:1:stage:7',
          channel: 'email',
          tone: 'friendly',
          to: ['ap1@example.com'],
          status: 'approved',
          origin: 'nightly',
          actor: 'Nightly schedule',
        },
      ],
      at,
    );
    await t.store.move(REALM, row!.id, { from: ['approved'], to: status, at, sendingAt: at });
    return row!;
  }

  it('moves it to sent by that person, logs who confirmed it, and queues its line for the invoice once', async () => {
    const t = setup();
    const row = await toReview(t);
    t.clock.advance(26 * 3600_000);
    expect(await t.service.confirmSent(REALM, [row.id], 'Ada Lovelace')).toBe(1);
    expect(await t.service.get(REALM, row.id)).toMatchObject({
      status: 'sent',
      decidedBy: 'Ada Lovelace',
      decidedAt: t.clock.now(),
      sentAt: new Date(NOW),
    });
    const [entry] = t.activity.entries(REALM).filter((e) => e.kind === 'email');
    expect(entry).toMatchObject({
      actor: 'Ada Lovelace',
      customerId: '1',
      summary:
        'Confirmed that the reminder email for invoice 101 to ap1@example.com was sent ' +
        '(it was to review after an interrupted send)',
    });
    // The line is dated the day the send started, as if the send had finished.
    expect([...t.notes.values()]).toEqual([
      {
        invoiceId: '1',
        customerId: '1',
        targetName: 'Invoice 101',
        line: '2026-11-02 Duesense reminder (+7 days, friendly) emailed to ap1@example.com',
        key: String(row.id),
        actor: 'Ada Lovelace',
      },
    ]);
    // Once: a second confirm (or a second person) changes nothing.
    expect(await t.service.confirmSent(REALM, [row.id], 'Bob')).toBe(0);
    expect((await t.service.get(REALM, row.id))!.decidedBy).toBe('Ada Lovelace');
    expect(t.activity.entries(REALM).filter((e) => e.kind === 'email')).toHaveLength(1);
  });

  it("moves nothing but a row to review, and nothing of another company's", async () => {
    for (const status of ['sending', 'failed', 'approved', 'awaiting_approval', 'skipped'] as const) {
      const t = setup();
      const row = await toReview(t, status);
      expect(await t.service.confirmSent(REALM, [row.id], 'Ada'), status).toBe(0);
      expect((await t.service.get(REALM, row.id))!.status).toBe(status);
      expect(t.notes.size).toBe(0);
    }
    const t = setup();
    const row = await toReview(t);
    expect(await t.service.confirmSent('another-company', [row.id], 'Ada')).toBe(0);
    expect(await t.service.confirmSent(REALM, [row.id + 1], 'Ada')).toBe(0);
    expect((await t.service.get(REALM, row.id))!.status).toBe('needs_review');
    // Skip stays the other way out of review.
    expect(await t.service.skip(REALM, [row.id], 'Ada')).toBe(1);
    expect(await t.service.confirmSent(REALM, [row.id], 'Ada')).toBe(0);
  });
});

describe('ReminderExecutor', () => {
  it('a send whose answer was lost stays sending, not sent again while fresh, reconciled once stale', async () => {
    const t = setup({ mode: 'automatic' });
    await t.save();
    t.qb.lostAnswers = 1;
    const first = await run(t);
    expect(first.sent).toMatchObject({ sent: 1, unresolved: 1 });
    const [lost] = t.store.rows().filter((r) => r.status === 'sending');
    expect(lost!.lastError).toMatchObject({ errorClass: 'transient' });
    await run(t);
    expect(t.qb.sent).toHaveLength(2);
    t.clock.advance(61_000);
    expect((await run(t)).sent).toMatchObject({ reconciled: 1, sent: 0 });
    expect(t.qb.sent).toHaveLength(2);
    expect(t.store.rows().every((r) => r.status === 'sent')).toBe(true);
  });

  it('a send that failed without an answer and never reached QuickBooks is sent once when stale', async () => {
    const t = setup({ mode: 'automatic' });
    await t.save();
    t.qb.sendFailures.push(new QboTransient('QuickBooks send invoice: 503'));
    await run(t);
    expect(t.qb.sent.map((s) => s.id)).toEqual(['2']);
    t.clock.advance(61_000);
    t.qb.readFailures.push(new QboTransient('QuickBooks read: timeout'));
    // The check itself failed: the row keeps the time its send started, and the next pass checks again.
    expect((await run(t)).sent).toMatchObject({ unresolved: 1, sent: 0 });
    const [row] = t.store.rows().filter((r) => r.status === 'sending');
    expect(row!.sendingAt).toEqual(new Date(NOW));
    t.clock.advance(61_000);
    expect((await run(t)).sent).toMatchObject({ sent: 1, reconciled: 0 });
    expect(t.qb.sent.map((s) => s.id)).toEqual(['2', '1']);
  });

  it('a fault QuickBooks answered with fails the row for review; approving it sends it again', async () => {
    const t = setup({ mode: 'automatic' });
    await t.save();
    const limit = new QboPermanent('Business Validation Error: Invalid email address: ap1@example', {
      status: 400,
      code: '6000',
      intuitTid: 'tid-9',
    });
    t.qb.sendFailures.push(limit);
    const r = await run(t);
    expect(r.sent).toMatchObject({ failed: 1, sent: 1 });
    const [failed] = t.store.rows().filter((x) => x.status === 'failed');
    expect(failed!.lastError).toEqual({
      errorClass: 'permanent',
      code: '6000',
      message: 'Business Validation Error: Invalid email address: ap1@example',
      intuitTid: 'tid-9',
    });
    expect((await run(t)).sent).toMatchObject({ sent: 0 });
    expect(await t.service.approve(REALM, [failed!.id], 'Ada')).toBe(1);
    expect(await t.service.sendApproved(REALM)).toMatchObject({ sent: 1 });
    expect(t.qb.sent.map((s) => s.id).sort()).toEqual(['1', '2']);
  });

  it('QuickBooks’ daily email limit stops the pass; the row waits, approved, and goes on the next run', async () => {
    const t = setup({ mode: 'automatic' });
    await t.save();
    t.qb.sendFailures.push(
      new QboPermanent(
        'QuickBooks send invoice 1: Business Validation Error: You have reached the limit of 40 emails a day ' +
          'for this company. (HTTP 400)',
        { status: 400, code: '6000' },
      ),
    );
    const r = await run(t);
    expect(r.sent).toMatchObject({ dailyLimitReached: true, sent: 0, failed: 0 });
    expect(runSummary(r)).toContain('daily email limit reached');
    expect(t.store.rows().map((x) => [x.status, x.attempts])).toEqual([
      ['approved', 0],
      ['approved', 0],
    ]);
    expect((await run(t)).sent).toMatchObject({ sent: 2 });
  });

  it('reads ahead: ten rows’ invoices and their customers’ money in one batch request, then a send each', async () => {
    const t = setup({ mode: 'automatic' });
    await t.save();
    for (let id = 3; id <= 12; id++) t.qb.invoice(String(id), String((id % 3) + 1), '2026-10-26');
    const r = await run(t);
    expect(r.sent).toMatchObject({ sent: 12 });
    expect(t.qb.batchQueries).toHaveLength(2);
    const [first, second] = t.qb.batchQueries;
    // The invoices of the first ten rows, then each of their customers' payments and credit memos.
    expect(first![0]).toMatch(/^select \* from Invoice where Id in \(('\d+',){9}'\d+'\) maxresults 1000$/);
    expect(first!.slice(1).sort()).toEqual(
      ['1', '2', '3']
        .flatMap((c) => [
          `select * from CreditMemo where CustomerRef = '${c}' maxresults 1000`,
          `select * from Payment where CustomerRef = '${c}' maxresults 1000`,
        ])
        .sort(),
    );
    expect(second![0]).toMatch(/Id in \('\d+','\d+'\)/);
    expect(t.qb.sent).toHaveLength(12);
  });

  it('a read-ahead that fails sends nothing: the rows wait, approved, with the error, for the next pass', async () => {
    const t = setup({ mode: 'automatic' });
    await t.save();
    t.qb.readFailures.push(new QboTransient('QuickBooks batch of 5 queries: 503 Service Unavailable'));
    const r = await run(t);
    expect(r.sent).toMatchObject({ unresolved: 2, sent: 0 });
    expect(t.qb.sent).toEqual([]);
    expect(t.store.rows().map((x) => [x.status, x.attempts, x.lastError?.message])).toEqual([
      ['approved', 0, 'QuickBooks batch of 5 queries: 503 Service Unavailable'],
      ['approved', 0, 'QuickBooks batch of 5 queries: 503 Service Unavailable'],
    ]);
    expect(await t.service.sendApproved(REALM)).toMatchObject({ sent: 2 });
  });

  it('a company that must reconnect stops the pass; its rows wait, approved, with no attempt counted', async () => {
    const t = setup({ mode: 'automatic' });
    await t.save();
    t.qb.readFailures.push(new QboReauthRequired('QuickBooks: invalid_grant'));
    const r = await run(t);
    expect(r.sent).toMatchObject({ reconnectNeeded: true, sent: 0 });
    expect(t.store.rows().map((x) => [x.status, x.attempts])).toEqual([
      ['approved', 0],
      ['approved', 0],
    ]);
    expect(await t.service.sendApproved(REALM)).toMatchObject({ sent: 2 });
  });

  it('reads fresh before sending: paid since the plan → skipped; money waiting → held; no address → held', async () => {
    const t = setup({ mode: 'automatic' });
    await t.save();
    const { plan } = await t.service.preview(REALM);
    expect(plan.due).toHaveLength(2);
    // After the plan, before the send: invoice 1 is paid, customer 2 pays without applying it.
    const original = t.service.preview.bind(t.service);
    t.service.preview = async (realmId) => {
      const p = await original(realmId);
      t.qb.invoices.set('1', { ...t.qb.invoices.get('1')!, Balance: 0 });
      t.qb.payments.push({ Id: 'p1', SyncToken: '0', CustomerRef: { value: '2' }, UnappliedAmt: 30 });
      return p;
    };
    const r = await run(t);
    expect(r.sent).toMatchObject({ sent: 0, skipped: 1, held: 1 });
    expect(t.qb.sent).toEqual([]);
    expect(t.store.rows().map((x) => [x.invoiceId, x.status, x.reason?.code])).toEqual([
      ['1', 'skipped', 'balance-zero'],
      ['2', 'awaiting_approval', 'held'],
    ]);
  });
});
