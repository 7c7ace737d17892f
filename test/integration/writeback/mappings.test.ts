import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QboObject } from '../../../server/emulator/entity-registry.js';
import { readNotesBlock } from '../../../server/features/writeback/domain/notes-block.js';
import { writebackWorld, type WritebackWorld } from '../../support/writeback-harness.js';

type Field = Record<string, unknown>;
const ref = (o: QboObject, field: string) => (o[field] as { value?: string } | undefined)?.value ?? null;
const settings = {
  nightlyEnabled: false,
  editedBlock: 'keep' as const,
  customerTypes: null,
  invoiceFieldId: null,
};

describe('the risk tier as a customer type (CustomerTypeRef) against the emulator', () => {
  let w: WritebackWorld;
  /** The types a person made in QuickBooks for the tiers (the API cannot create CustomerTypes: qbo-api.md §3). */
  const TYPES = { Low: '4', Medium: '5', High: '6' } as const;
  const typeOf = (id: string) => ref(w.customer(id), 'CustomerTypeRef');

  beforeAll(async () => {
    w = await writebackWorld({
      customers: 16,
      edit(file) {
        const meta = file.CustomerTypes![0]!.MetaData;
        for (const [Name, Id] of Object.entries(TYPES))
          file.CustomerTypes!.push({ Id, SyncToken: '0', Name: `${Name} risk`, Active: true, MetaData: meta });
        // Half the customers have no type; the others have one a person chose (Retail, Wholesale, Contractor).
        for (const c of file.Customers) if (Number(c.Id) % 2 === 0) delete c.CustomerTypeRef;
      },
    });
    await w.t.container.writeback.saveSettings(w.realmId, { ...settings, customerTypes: { ...TYPES } }, 'test');
  });
  afterAll(() => w.close());

  it('sets the tier’s type where there is none, keeps a type a person chose, and then writes nothing', async () => {
    const chosen = new Map(w.scored.map((s) => [s.id, typeOf(s.id)]));
    expect([...chosen.values()]).toContain(null);
    expect([...chosen.values()].some((t) => t !== null)).toBe(true);
    const result = await w.run();
    expect(result.drained).toMatchObject({ failed: 0 });
    for (const s of w.scored) {
      expect(typeOf(s.id)).toBe(chosen.get(s.id) ?? TYPES[s.tier]);
      expect(readNotesBlock(String(w.customer(s.id).Notes ?? '')).state).toBe('ours');
    }
    const mark = w.mark();
    expect((await w.run()).queued).toBe(0);
    expect(w.posts(mark)).toEqual([]);
  });

  it('moves a type between the mapped ones, but never takes back a type a person chose outside them', async () => {
    const mapped = w.scored.filter((s) => Number(s.id) % 2 === 0);
    const [moved, personal] = [mapped[0]!, mapped[1]!];
    const wrong = Object.values(TYPES).find((t) => t !== TYPES[moved.tier])!;
    w.personEdits(moved.id, { CustomerTypeRef: { value: wrong } });
    w.personEdits(personal.id, { CustomerTypeRef: { value: '1' } });
    await w.syncNow();
    const result = await w.run();
    expect(result.plan.writes.map((x) => [x.targetId, x.fields])).toEqual([[moved.id, ['CustomerTypeRef']]]);
    expect(typeOf(moved.id)).toBe(TYPES[moved.tier]);
    expect(typeOf(personal.id)).toBe('1');
  });

  it('fails the rows of a mapping to a type QuickBooks no longer has, with its words and intuit_tid', async () => {
    // A customer whose type Duesense set (the first two were changed by the test before).
    const target = w.scored.filter((s) => Number(s.id) % 2 === 0)[2]!;
    const other = Object.values(TYPES).find((t) => t !== TYPES[target.tier])!;
    w.personEdits(target.id, { CustomerTypeRef: { value: other } });
    await w.syncNow();
    const token = w.customer(target.id).SyncToken;
    await w.t.container.writeback.saveSettings(
      w.realmId,
      { ...settings, customerTypes: { ...TYPES, [target.tier]: '99' } },
      'test',
    );
    const result = await w.run();
    expect(result.drained).toMatchObject({ failed: 1, written: 0 });
    const [row] = await w.outbox.list(w.realmId, { customerId: target.id, status: 'failed' });
    expect(row!.lastError).toMatchObject({ errorClass: 'permanent', code: '2500' });
    expect(row!.lastError!.message).toMatch(/Invalid Reference Id/);
    expect(row!.lastError!.intuitTid).toMatch(/^1-[0-9a-f]+-[0-9a-f]+$/);
    expect([w.customer(target.id).SyncToken, typeOf(target.id)]).toEqual([token, other]);
  });
});

describe('the risk tier in an invoice custom field against the emulator', () => {
  let w: WritebackWorld;
  const FIELD = '2';
  const fieldsOf = (id: string) => (w.company.table('Invoice').get(id)!.CustomField ?? []) as Field[];
  const valueOf = (id: string, definitionId: string) =>
    fieldsOf(id).find((f) => String(f.DefinitionId) === definitionId)?.StringValue;
  const invoices = () => [...w.company.table('Invoice').values()];
  const tierOf = (customerId: string) => w.scored.find((s) => s.id === customerId)?.tier;

  beforeAll(async () => {
    w = await writebackWorld({
      customers: 12,
      edit(file) {
        // A person turned on a second sales-form custom field, "Risk tier", in QuickBooks' settings; QuickBooks lists
        // every defined field on each invoice, with a value only where one was entered.
        const prefs = (file.Preferences!.SalesFormsPrefs as { CustomField: Array<{ CustomField: Field[] }> })
          .CustomField[0]!.CustomField;
        prefs.push(
          { Name: 'SalesFormsPrefs.UseSalesCustom2', Type: 'BooleanType', BooleanValue: true },
          { Name: 'SalesFormsPrefs.SalesCustomName2', Type: 'StringType', StringValue: 'Risk tier' },
        );
        for (const i of file.Invoices)
          (i.CustomField as Field[]).push({ DefinitionId: FIELD, Name: 'Risk tier', Type: 'StringType' });
      },
    });
    await w.t.container.writeback.saveSettings(w.realmId, { ...settings, invoiceFieldId: FIELD }, 'test');
  });
  afterAll(() => w.close());

  it('writes the tier on open invoices only, keeps the other field and a person’s own value', async () => {
    const open = invoices().filter((i) => Number(i.Balance) > 0 && tierOf(ref(i, 'CustomerRef')!));
    const paid = invoices().filter((i) => Number(i.Balance) <= 0);
    expect(open.length).toBeGreaterThan(3);
    expect(paid.length).toBeGreaterThan(0);
    const [own, payLater, ...rest] = open;
    // A person typed their own value on one invoice (sending the whole list back, as QuickBooks' form does).
    w.company.update(
      'Invoice',
      {
        Id: own!.Id,
        SyncToken: own!.SyncToken,
        CustomField: fieldsOf(own!.Id).map((f) => (f.DefinitionId === FIELD ? { ...f, StringValue: 'ask Sam' } : f)),
      },
      true,
    );
    await w.syncNow();
    // Another is paid in full after the sync, before the write.
    const balance = Number(w.company.table('Invoice').get(payLater!.Id)!.Balance);
    w.company.create('Payment', {
      CustomerRef: { value: ref(payLater!, 'CustomerRef') },
      TotalAmt: balance,
      Line: [{ Amount: balance, LinkedTxn: [{ TxnId: payLater!.Id, TxnType: 'Invoice' }] }],
    });
    const before = new Map(invoices().map((i) => [i.Id, { token: i.SyncToken, po: valueOf(i.Id, '1') }]));

    const result = await w.run();
    expect(result.drained).toMatchObject({ failed: 0 });
    expect(result.plan.counts.invoiceValuesKept).toBe(1);
    for (const i of rest) {
      expect(valueOf(i.Id, FIELD)).toBe(`${tierOf(ref(i, 'CustomerRef')!)} risk`);
      expect(valueOf(i.Id, '1')).toBe(before.get(i.Id)!.po);
      expect(Number(w.company.table('Invoice').get(i.Id)!.SyncToken)).toBe(Number(before.get(i.Id)!.token) + 1);
    }
    expect(valueOf(own!.Id, FIELD)).toBe('ask Sam');
    for (const i of [...paid, w.company.table('Invoice').get(payLater!.Id)!]) {
      expect(valueOf(i.Id, FIELD)).toBeUndefined();
      expect(w.company.table('Invoice').get(i.Id)!.SyncToken).toBe(before.get(i.Id)!.token);
    }
    const [closed] = await w.outbox.list(w.realmId, { kind: 'invoice_tier', status: 'skipped' });
    expect(closed).toMatchObject({ targetId: payLater!.Id, result: { outcome: 'invoice-closed', conflicts: 1 } });

    const mark = w.mark();
    expect((await w.run()).queued).toBe(0);
    expect(w.posts(mark)).toEqual([]);
  });
});
