import { describe, expect, it } from 'vitest';
import { manualClock } from '../../../server/clock.js';
import { createFakeActivityLog } from '../../../server/features/activity/fake-activity-log.js';
import type { Company } from '../../../server/features/connections/connection-store-type.js';
import { createFakeJobLockStore } from '../../../server/features/jobs/fake-job-lock-store.js';
import type { ScoredCustomer, ScoreRunSummary } from '../../../server/features/risk/score-run-store-type.js';
import { mergeNotesBlock } from '../../../server/features/writeback/domain/notes-block.js';
import { labelFor } from '../../../server/features/writeback/domain/risk-label.js';
import { createFakeWritebackStore } from '../../../server/features/writeback/fake-writeback-store.js';
import { WritebackService } from '../../../server/features/writeback/writeback-service.js';
import { silentLogger } from '../../../server/logger.js';
import type { QboEntity } from '../../../server/qbo/qbo-api-client.js';
import { EMPTY_DRAIN } from './writeback-fixtures.js';

const REALM = '9130354';
const RUN: ScoreRunSummary = {
  id: 1,
  realmId: REALM,
  asOf: '2026-10-31',
  policyVersion: 1,
  trigger: 'nightly',
  createdAt: new Date('2026-10-31T12:00:00Z'),
};
const SCORED: ScoredCustomer[] = ['1', '2'].map((customerId) => ({
  customerId,
  name: `Customer ${customerId}`,
  band: 'high',
  strategy: 'Credit restriction',
  creditLimit: { cents: 0, basis: 'no new credit until overdue invoices are paid' },
}));
const OURS = mergeNotesBlock('Mine.', labelFor(SCORED[0]!, { currency: 'USD', runAsOf: RUN.asOf })!).notes;

function setup() {
  const clock = manualClock('2026-10-31T20:00:00Z');
  const store = createFakeWritebackStore();
  const activity = createFakeActivityLog(clock);
  const customers: QboEntity[] = SCORED.map((s) => ({ Id: s.customerId, SyncToken: '0', DisplayName: s.name }));
  const company = { realmId: REALM, homeCurrency: 'USD', status: 'connected' } as Company;
  const drained: string[] = [];
  const service = new WritebackService({
    store,
    // The executor is not under test here: it records which companies it was asked to drain.
    executor: {
      drain: async (realmId) => {
        drained.push(realmId);
        return { ...EMPTY_DRAIN };
      },
      staleBefore: (now) => new Date(now.getTime() - 600_000),
    },
    scoreRuns: { latestRun: async () => RUN, labelFacts: async () => SCORED },
    localCopy: {
      rawEntities: async () => customers.map((c) => ({ ...c })),
      openInvoiceEntities: async () => [],
    },
    customerInputs: { excludedCustomerIds: async () => new Set<string>() },
    companies: { getCompany: async () => company },
    locks: createFakeJobLockStore(),
    clock,
    logger: silentLogger,
    activity,
  });
  return { clock, store, activity, customers, company, drained, service };
}

describe('the write-back service', () => {
  it('queues a plan once: a rerun before the rows are written adds nothing', async () => {
    const t = setup();
    const first = await t.service.run(REALM, { origin: 'cli', actor: 'ada' });
    expect(first.queued).toBe(2);
    expect((await t.service.run(REALM, { origin: 'cli', actor: 'ada' })).queued).toBe(0);
    expect((await t.store.counts(REALM)).pending).toBe(2);
    expect(await t.service.run(REALM, { origin: 'cli', actor: 'ada', dryRun: true })).toMatchObject({
      queued: 0,
      drained: undefined,
    });
  });

  it("notices a person's edit of the block once, however many runs see it, and each new edit once", async () => {
    const t = setup();
    t.customers[0]!.Notes = OURS.replace('Credit hold: yes', 'Credit hold: no, agreed with Sam');
    await t.service.run(REALM, { origin: 'nightly', actor: 'Nightly schedule' });
    await t.service.run(REALM, { origin: 'nightly', actor: 'Nightly schedule' });
    const notices = await t.store.list(REALM, { customerId: '1' });
    expect(notices.map((n) => [n.status, n.result?.outcome])).toEqual([['skipped', 'edited-block-kept']]);
    const noticed = t.activity.entries(REALM).filter((e) => e.actor === 'QuickBooks');
    expect(noticed).toHaveLength(1);
    expect(noticed[0]!.summary).toContain('Someone edited the Duesense block in Customer 1');

    t.customers[0]!.Notes = OURS.replace('Credit hold: yes', 'Credit hold: ask Sam');
    await t.service.run(REALM, { origin: 'nightly', actor: 'Nightly schedule' });
    expect(t.activity.entries(REALM).filter((e) => e.actor === 'QuickBooks')).toHaveLength(2);
  });

  it('writes nothing at night until the owner turns nightly write-back on', async () => {
    const t = setup();
    expect(await t.service.afterScoring(REALM)).toBe('write-back off');
    expect(await t.store.counts(REALM)).toMatchObject({ pending: 0 });
    await t.service.saveSettings(
      REALM,
      { nightlyEnabled: true, editedBlock: 'keep', customerTypes: null, invoiceFieldId: null },
      'ada',
    );
    expect(await t.service.afterScoring(REALM)).toBe('write-back: 2 queued; 0 written');
    expect(t.drained).toEqual([REALM]);
  });

  it('drains companies whose rows are due, rows a dead process left in flight included, once connected', async () => {
    const t = setup();
    await t.service.run(REALM, { origin: 'cli', actor: 'ada', dryRun: true });
    await t.store.enqueue(
      [
        {
          realmId: REALM,
          kind: 'customer_unlabel',
          targetType: 'Customer',
          targetId: '1',
          customerId: '1',
          targetName: 'Customer 1',
          payload: { editedBlock: 'keep' },
          idempotencyKey: 'unlabel:1',
          origin: 'removal',
          actor: 'ada',
        },
      ],
      t.clock.now(),
    );
    await t.store.claim(REALM, { now: t.clock.now(), staleBefore: new Date(0), limit: 10 });
    expect(await t.service.drainDue()).toBe('nothing due');
    t.clock.advance(600_001);
    t.company.status = 'needs_reauth';
    expect(await t.service.drainDue()).toBe('nothing due');
    t.company.status = 'connected';
    expect(await t.service.drainDue()).toBe(`${REALM}: 0 written`);
    expect(t.drained).toEqual([REALM]);
  });

  it('queues a reminder’s invoice note once per key, nightly write-back on or off; refuses a stray line', async () => {
    const t = setup();
    const note = {
      invoiceId: '130',
      customerId: '1',
      targetName: '1042',
      line: '2026-12-07 Duesense reminder (+7 days, firm) emailed to a@b.com',
      key: 'reminder-17',
      actor: 'Reminders',
    };
    expect(await t.service.queueInvoiceNote(REALM, note)).toMatchObject({
      kind: 'invoice_note',
      targetType: 'Invoice',
      targetId: '130',
      payload: { line: note.line, key: 'reminder-17' },
      idempotencyKey: `${REALM}:invoice_note:130:reminder-17`,
      origin: 'reminders',
      status: 'pending',
    });
    expect(await t.service.queueInvoiceNote(REALM, note)).toBeUndefined();
    await expect(t.service.queueInvoiceNote(REALM, { ...note, key: 'k2', line: 'Called Amy' })).rejects.toThrow(
      RangeError,
    );
    await expect(t.service.queueInvoiceNote(REALM, { ...note, key: '' })).rejects.toThrow(RangeError);
    expect(t.store.rows()).toHaveLength(1);
  });
});
