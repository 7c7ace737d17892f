import { describe, expect, it } from 'vitest';
import {
  changeFor,
  type CustomerLabelPayload,
  type InvoiceTierPayload,
} from '../../../server/features/writeback/domain/entity-changes.js';
import {
  BLOCK_START,
  NOTES_LIMIT,
  blockForms,
  mergeNotesBlock,
  readNotesBlock,
  type RiskLabel,
} from '../../../server/features/writeback/domain/notes-block.js';
import { HIGH_LABEL } from './writeback-fixtures.js';

const LABEL = HIGH_LABEL;
const label = (payload: Partial<CustomerLabelPayload> = {}): CustomerLabelPayload => ({
  label: LABEL,
  editedBlock: 'keep',
  ...payload,
});
const customer = (o: Record<string, unknown> = {}) => ({ Id: '7', SyncToken: '4', ...o });
const labelled = (userText: string, l: RiskLabel = LABEL) => mergeNotesBlock(userText, l).notes;
/** Notes whose block a person edited in QuickBooks (a digit of the credit limit changed). */
const edited = (userText: string) => labelled(userText).replace('USD 0.00', 'USD 5,000.00');
/** Customer types: Low → 1, Medium → 2, High → 3 (the mapping); 9 is a type a person made. */
const HIGH_TYPE = { set: '3', replaceable: ['1', '2'] };

describe('a customer label', () => {
  it('When Notes lack the block, then a sparse update writes the user text and the block', () => {
    const change = changeFor('customer_label', label(), customer({ Notes: 'Call first.', DisplayName: 'Acme' }));
    expect(change).toMatchObject({ write: true, fields: ['Notes'], omitted: [] });
    if (!change.write) throw new Error('expected a write');
    expect(change.body).toEqual({ Id: '7', SyncToken: '4', sparse: true, Notes: labelled('Call first.') });
    expect(readNotesBlock(change.notes!)).toMatchObject({ state: 'ours', userText: 'Call first.' });
  });

  it('When a customer has no Notes field at all, then the Notes are the block alone', () => {
    const change = changeFor('customer_label', label(), customer());
    expect(change.write && change.body.Notes).toBe(labelled(''));
  });

  it('When QuickBooks already shows the label, then there is nothing to write', () => {
    expect(changeFor('customer_label', label(), customer({ Notes: labelled('Call first.') }))).toEqual({
      write: false,
      reason: 'already-in-quickbooks',
      omitted: [],
    });
  });

  it('When a person edited the block, then it is kept unless the owner chose to replace edited blocks', () => {
    const notes = edited('Call first.');
    expect(readNotesBlock(notes).state).toBe('edited');
    expect(changeFor('customer_label', label(), customer({ Notes: notes }))).toMatchObject({
      write: false,
      reason: 'edited-block-kept',
    });
    const replaced = changeFor('customer_label', label({ editedBlock: 'replace' }), customer({ Notes: notes }));
    expect(replaced.write && replaced.body.Notes).toBe(labelled('Call first.'));
  });

  it('When the user text leaves no room and there is no block, then nothing is written (no-room)', () => {
    const full = 'x'.repeat(NOTES_LIMIT - 10);
    expect(changeFor('customer_label', label(), customer({ Notes: full }))).toMatchObject({
      write: false,
      reason: 'no-room',
    });
  });

  it('When even the shortest form of the new label does not fit, then the old block goes and the text stays', () => {
    const low: RiskLabel = { ...LABEL, riskTier: 'Low', strategy: 'Standard', creditHold: false };
    const shortestLow = blockForms(low).at(-1)!.block;
    const user = 'y'.repeat(NOTES_LIMIT - 2 - shortestLow.length);
    const notes = labelled(user, low);
    expect(notes).toBe(`${user}\n\n${shortestLow}`);
    const change = changeFor('customer_label', label(), customer({ Notes: notes }));
    expect(change).toMatchObject({ write: true, fields: ['Notes'], noRoom: true });
    expect(change.write && change.body.Notes).toBe(user);
  });

  it('When the user text leaves room for a shorter form only, then it says which parts it left out', () => {
    const text = 'z'.repeat(NOTES_LIMIT - 120);
    const change = changeFor('customer_label', label(), customer({ Notes: text }));
    expect(change.write).toBe(true);
    expect(change.omitted!.length).toBeGreaterThan(0);
    expect((change.write && String(change.body.Notes).length) || 0).toBeLessThanOrEqual(NOTES_LIMIT);
  });

  it('When the tier is mapped to a customer type, then an empty type or another mapped type is replaced', () => {
    const payload = label({ customerType: HIGH_TYPE });
    const notes = labelled('');
    const none = changeFor('customer_label', payload, customer({ Notes: notes }));
    expect(none).toMatchObject({ write: true, fields: ['CustomerTypeRef'] });
    expect(none.write && none.body).toEqual({ Id: '7', SyncToken: '4', sparse: true, CustomerTypeRef: { value: '3' } });
    const lower = changeFor('customer_label', payload, customer({ Notes: '', CustomerTypeRef: { value: '1' } }));
    expect(lower).toMatchObject({ write: true, fields: ['Notes', 'CustomerTypeRef'] });
    expect(
      changeFor('customer_label', payload, customer({ Notes: notes, CustomerTypeRef: { value: '3', name: 'High' } })),
    ).toMatchObject({ write: false, reason: 'already-in-quickbooks' });
  });

  it('When a person chose a customer type outside the mapping, then the type is kept', () => {
    const payload = label({ customerType: HIGH_TYPE });
    const mine = changeFor('customer_label', payload, customer({ Notes: '', CustomerTypeRef: { value: '9' } }));
    expect(mine).toMatchObject({ write: true, fields: ['Notes'] });
    expect(mine.write && 'CustomerTypeRef' in mine.body).toBe(false);
    expect(
      changeFor('customer_label', payload, customer({ Notes: labelled(''), CustomerTypeRef: { value: '9' } })),
    ).toMatchObject({ write: false, reason: 'already-in-quickbooks' });
  });

  it('When the block is edited but the type is ours to set, then only the type is written', () => {
    const change = changeFor('customer_label', label({ customerType: HIGH_TYPE }), customer({ Notes: edited('') }));
    expect(change).toMatchObject({ write: true, fields: ['CustomerTypeRef'] });
  });
});

describe('removing the block', () => {
  const payload = { editedBlock: 'keep' as const };

  it('When Notes carry our block, then the update gives back exactly the user text', () => {
    const user = 'Line one\r\n\nLine two  ';
    const change = changeFor('customer_unlabel', payload, customer({ Notes: labelled(user) }));
    expect(change).toMatchObject({ write: true, fields: ['Notes'], notes: user });
    expect(change.write && change.body).toEqual({ Id: '7', SyncToken: '4', sparse: true, Notes: user });
  });

  it('When there is no block, then there is nothing to remove', () => {
    expect(changeFor('customer_unlabel', payload, customer({ Notes: `${BLOCK_START} typed by hand` }))).toEqual({
      write: false,
      reason: 'no-block',
    });
    expect(changeFor('customer_unlabel', payload, customer())).toMatchObject({ reason: 'no-block' });
  });

  it('When a person edited the block, then it stays unless the owner chose to replace edited blocks', () => {
    const notes = edited('mine');
    expect(changeFor('customer_unlabel', payload, customer({ Notes: notes }))).toEqual({
      write: false,
      reason: 'edited-block-kept',
    });
    const removed = changeFor('customer_unlabel', { editedBlock: 'replace' }, customer({ Notes: notes }));
    expect(removed.write && removed.body.Notes).toBe('mine');
  });
});

describe('the tier on an open invoice', () => {
  const payload: InvoiceTierPayload = {
    definitionId: '2',
    value: 'High risk',
    replaceable: ['Low risk', 'Medium risk'],
  };
  const po = { DefinitionId: '1', Name: 'PO Number', Type: 'StringType', StringValue: 'PO-1' };
  const slot3 = { DefinitionId: '3', Name: 'Crew #', Type: 'StringType' };
  const tier = (value?: string) => ({
    DefinitionId: '2',
    Name: 'Risk tier',
    Type: 'StringType',
    ...(value === undefined ? {} : { StringValue: value }),
  });
  const invoice = (fields: unknown[], balance = 120) => ({
    Id: '50',
    SyncToken: '2',
    Balance: balance,
    CustomField: fields,
  });

  it('When the field is empty, then the whole list goes back with only our slot filled', () => {
    const change = changeFor('invoice_tier', payload, invoice([po, tier(), slot3]));
    expect(change).toMatchObject({ write: true, fields: ['CustomField'] });
    expect(change.write && change.body).toEqual({
      Id: '50',
      SyncToken: '2',
      sparse: true,
      CustomField: [po, tier('High risk'), slot3],
    });
  });

  it('When the invoice does not list our slot yet, then it is added and the others are kept', () => {
    const change = changeFor('invoice_tier', payload, invoice([po]));
    expect(change.write && change.body.CustomField).toEqual([
      po,
      { DefinitionId: '2', Type: 'StringType', StringValue: 'High risk' },
    ]);
  });

  it('When the field holds another tier Duesense wrote, then it is replaced', () => {
    const change = changeFor('invoice_tier', payload, invoice([po, tier('Low risk')]));
    expect(change.write && change.body.CustomField).toEqual([po, tier('High risk')]);
  });

  it('When the field already says the tier, then there is nothing to write', () => {
    expect(changeFor('invoice_tier', payload, invoice([po, tier('High risk')]))).toEqual({
      write: false,
      reason: 'already-in-quickbooks',
    });
  });

  it('When a person typed their own value, then it is kept', () => {
    expect(changeFor('invoice_tier', payload, invoice([po, tier('ask Sam')]))).toEqual({
      write: false,
      reason: 'person-value-kept',
    });
  });

  it('When the invoice is paid, then it is not written', () => {
    expect(changeFor('invoice_tier', payload, invoice([po, tier()], 0))).toEqual({
      write: false,
      reason: 'invoice-closed',
    });
  });
});
