import { describe, expect, it } from 'vitest';
import type { ScoredCustomer } from '../../../server/features/risk/score-run-store-type.js';
import type { CustomerLabelPayload } from '../../../server/features/writeback/domain/entity-changes.js';
import { NOTES_LIMIT, mergeNotesBlock, readNotesBlock } from '../../../server/features/writeback/domain/notes-block.js';
import { labelFor } from '../../../server/features/writeback/domain/risk-label.js';
import {
  DEFAULT_WRITEBACK_SETTINGS,
  planWriteback,
  type CustomerOnFile,
  type OpenInvoiceOnFile,
  type PlanFacts,
  type WritebackSettings,
} from '../../../server/features/writeback/domain/writeback-plan.js';

const RUN_AS_OF = '2026-10-31';

const scored = (customerId: string, o: Partial<ScoredCustomer> = {}): ScoredCustomer => ({
  customerId,
  name: `Customer ${customerId}`,
  band: 'high',
  strategy: 'Credit restriction',
  creditLimit: { cents: 250_000, basis: 'average monthly billing x 45 days' },
  ...o,
});
const onFile = (customerId: string, o: Partial<CustomerOnFile> = {}): CustomerOnFile => ({
  customerId,
  name: `Customer ${customerId}`,
  syncToken: '0',
  notes: '',
  customerTypeId: null,
  ...o,
});
/** Notes as Duesense wrote them for `s` in a run as of `asOf`. */
const written = (userText: string, s: ScoredCustomer, asOf = RUN_AS_OF) =>
  mergeNotesBlock(userText, labelFor(s, { currency: 'USD', runAsOf: asOf })!).notes;

function facts(o: Partial<Omit<PlanFacts, 'settings'>> & { settings?: Partial<WritebackSettings> } = {}): PlanFacts {
  const customers = o.customers ?? new Map();
  return {
    mode: 'label',
    runAsOf: RUN_AS_OF,
    currency: 'USD',
    scored: [],
    excluded: new Set(),
    openInvoices: [],
    ...o,
    customers,
    settings: { ...DEFAULT_WRITEBACK_SETTINGS, ...o.settings },
  };
}
const byId = (...customers: CustomerOnFile[]) => new Map(customers.map((c) => [c.customerId, c]));

describe('planning labels', () => {
  it('counts what it would write and why it leaves the others alone', () => {
    const same = scored('2');
    const plan = planWriteback(
      facts({
        scored: [scored('1'), same, scored('3'), scored('4', { band: null }), scored('5')],
        customers: byId(
          onFile('1', { notes: 'Call first.' }),
          onFile('2', { notes: written('', same) }),
          onFile('3'),
          onFile('4'),
        ),
        excluded: new Set(['3']),
      }),
    );
    // Customer 5 is not in the local copy: not considered.
    expect(plan.counts).toMatchObject({
      considered: 4,
      customerWrites: 1,
      unchanged: 1,
      excluded: 1,
      unscored: 1,
      editedBlocksKept: 0,
    });
    expect(plan.writes.map((w) => [w.kind, w.targetId, w.fields])).toEqual([['customer_label', '1', ['Notes']]]);
    const [write] = plan.writes;
    expect(readNotesBlock(write!.notes!)).toMatchObject({
      state: 'ours',
      userText: 'Call first.',
      label: { riskTier: 'High', creditHold: true, asOf: RUN_AS_OF },
    });
    expect(write).toMatchObject({
      targetType: 'Customer',
      customerId: '1',
      targetName: 'Customer 1',
      baseSyncToken: '0',
    });
  });

  it('never plans a write for an excluded customer, whatever their Notes hold', () => {
    const plan = planWriteback(
      facts({ scored: [scored('1')], customers: byId(onFile('1', { notes: 'x' })), excluded: new Set(['1']) }),
    );
    expect(plan.writes).toEqual([]);
    expect(plan.counts.excluded).toBe(1);
  });

  it('keeps the as-of date of an unchanged recommendation, so a night passing rewrites nothing', () => {
    const s = scored('1');
    const yesterday = written('Mine.', s, '2026-10-30');
    const unchanged = planWriteback(facts({ scored: [s], customers: byId(onFile('1', { notes: yesterday })) }));
    expect(unchanged.writes).toEqual([]);
    expect(unchanged.counts.unchanged).toBe(1);

    // A new limit is a new recommendation: it is written with the run's date.
    const raised = scored('1', { creditLimit: { cents: 300_000, basis: s.creditLimit.basis } });
    const changed = planWriteback(facts({ scored: [raised], customers: byId(onFile('1', { notes: yesterday })) }));
    expect(changed.writes).toHaveLength(1);
    const reading = readNotesBlock(changed.writes[0]!.notes!);
    expect(reading).toMatchObject({ state: 'ours', userText: 'Mine.', label: { asOf: RUN_AS_OF } });
    expect(reading.state === 'ours' && reading.label.creditLimit).toEqual({ cents: 300_000, currency: 'USD' });
  });

  it('rewrites nothing when a short form (no date shown) already says the same', () => {
    const s = scored('1');
    const long = 'w'.repeat(NOTES_LIMIT - 160);
    const notes = written(long, s, '2026-10-01');
    const reading = readNotesBlock(notes);
    expect(reading.state === 'ours' && reading.omitted).toContain('asOf');
    const plan = planWriteback(facts({ scored: [s], customers: byId(onFile('1', { notes })) }));
    expect(plan.writes).toEqual([]);
    expect(plan.counts.unchanged).toBe(1);
  });

  it('counts a shortened label and a label with no room', () => {
    const plan = planWriteback(
      facts({
        scored: [scored('1'), scored('2')],
        customers: byId(
          onFile('1', { notes: 'a'.repeat(NOTES_LIMIT - 200) }),
          onFile('2', { notes: 'b'.repeat(NOTES_LIMIT - 5) }),
        ),
      }),
    );
    expect(plan.counts).toMatchObject({ customerWrites: 1, shortened: 1, noRoom: 1 });
    expect(plan.writes[0]!.omitted!.length).toBeGreaterThan(0);
  });

  it('notices a block a person edited, with a hash that names that edit across runs', () => {
    const s = scored('1');
    const edited = written('Mine.', s).replace('Risk tier: High', 'Risk tier: High (agreed with Sam)');
    const other = written('Mine.', s).replace('Credit hold: yes', 'Credit hold: no');
    const plan = (notes: string) =>
      planWriteback(facts({ scored: [s], customers: byId(onFile('1', { notes, name: 'Acme' })) }));
    const first = plan(edited);
    expect(first.writes).toEqual([]);
    expect(first.counts.editedBlocksKept).toBe(1);
    expect(first.editedBlocks).toEqual([{ customerId: '1', name: 'Acme', blockHash: expect.any(String) }]);
    expect(plan(edited).editedBlocks).toEqual(first.editedBlocks);
    expect(plan(other).editedBlocks[0]!.blockHash).not.toBe(first.editedBlocks[0]!.blockHash);
    // The owner may choose to replace edited blocks: then it is a write, not a notice.
    const replace = planWriteback(
      facts({ scored: [s], customers: byId(onFile('1', { notes: edited })), settings: { editedBlock: 'replace' } }),
    );
    expect(replace.editedBlocks).toEqual([]);
    expect(replace.writes).toHaveLength(1);
  });

  it('gives the same change to the same version the same key, and a new key once QuickBooks moves on', () => {
    const s = scored('1');
    const key = (syncToken: string, c: ScoredCustomer = s) =>
      planWriteback(facts({ scored: [c], customers: byId(onFile('1', { syncToken })) })).writes[0]!.idempotencyKey;
    expect(key('3')).toBe(key('3'));
    expect(key('3')).not.toBe(key('4'));
    expect(key('3')).not.toBe(key('3', scored('1', { band: 'low', strategy: 'Standard' })));
    expect(key('3')).toMatch(/^customer_label:1:3:[0-9a-f]{24}$/);
  });

  it('sets the customer type the tier maps to, and may replace only the other mapped types', () => {
    const settings = { customerTypes: { Low: '10', Medium: null, High: '30' } };
    const plan = planWriteback(
      facts({
        scored: [scored('1'), scored('2', { band: 'medium', strategy: 'Send reminders' })],
        customers: byId(onFile('1', { customerTypeId: '10' }), onFile('2', { customerTypeId: '10' })),
        settings,
      }),
    );
    const [high, medium] = plan.writes;
    expect((high!.payload as CustomerLabelPayload).customerType).toEqual({ set: '30', replaceable: ['10'] });
    expect(high!.fields).toEqual(['Notes', 'CustomerTypeRef']);
    // Medium maps to no type: the type is left alone.
    expect((medium!.payload as CustomerLabelPayload).customerType).toBeUndefined();
    expect(medium!.fields).toEqual(['Notes']);
  });
});

describe('planning the tier on open invoices', () => {
  const invoice = (invoiceId: string, customerId: string, o: Partial<OpenInvoiceOnFile> = {}): OpenInvoiceOnFile => ({
    invoiceId,
    customerId,
    docNumber: `10${invoiceId}`,
    syncToken: '1',
    balanceCents: 5_000,
    customFields: [{ DefinitionId: '1', Name: 'PO Number', Type: 'StringType', StringValue: 'PO-7' }],
    ...o,
  });

  it('writes the tier of labelled customers only, keeps a value a person typed, and leaves paid invoices', () => {
    const plan = planWriteback(
      facts({
        scored: [scored('1'), scored('2'), scored('3', { band: null })],
        customers: byId(onFile('1'), onFile('2'), onFile('3')),
        excluded: new Set(['2']),
        openInvoices: [
          invoice('50', '1'),
          invoice('51', '1', { customFields: [{ DefinitionId: '2', StringValue: 'ask Sam' }] }),
          invoice('52', '1', { balanceCents: 0 }),
          invoice('53', '2'),
          invoice('54', '3'),
          invoice('55', '1', { docNumber: null }),
        ],
        settings: { invoiceFieldId: '2' },
      }),
    );
    const invoices = plan.writes.filter((w) => w.kind === 'invoice_tier');
    expect(invoices.map((w) => [w.targetId, w.targetName, w.customerId])).toEqual([
      ['50', 'Invoice 1050', '1'],
      ['55', 'Invoice 55', '1'],
    ]);
    expect(invoices[0]!.payload).toEqual({
      definitionId: '2',
      value: 'High risk',
      replaceable: ['Low risk', 'Medium risk'],
    });
    expect(plan.counts).toMatchObject({ invoiceWrites: 2, invoiceValuesKept: 1, customerWrites: 1 });
  });

  it('plans no invoice writes while the invoice field is off', () => {
    const plan = planWriteback(
      facts({ scored: [scored('1')], customers: byId(onFile('1')), openInvoices: [invoice('50', '1')] }),
    );
    expect(plan.counts.invoiceWrites).toBe(0);
  });
});

describe('planning the removal', () => {
  it('takes our block out of every customer that has one, giving back their own text; edited blocks stay', () => {
    const s = scored('1');
    const plan = planWriteback(
      facts({
        mode: 'remove',
        scored: [],
        customers: byId(
          onFile('1', { notes: written('Keep\r\nthis ', s) }),
          onFile('2', { notes: 'No block here' }),
          onFile('3', { notes: written('', s) }),
          onFile('4', { notes: written('Mine', s).replace('Credit hold: yes', 'Credit hold: maybe') }),
          onFile('5', { notes: written('Excluded', s) }),
        ),
        excluded: new Set(['5']),
      }),
    );
    expect(plan.writes.map((w) => [w.kind, w.targetId, w.notes])).toEqual([
      ['customer_unlabel', '1', 'Keep\r\nthis '],
      ['customer_unlabel', '3', ''],
    ]);
    expect(plan.counts).toMatchObject({ considered: 4, customerWrites: 2, excluded: 1, editedBlocksKept: 1 });
    expect(plan.editedBlocks.map((e) => e.customerId)).toEqual(['4']);
  });
});
