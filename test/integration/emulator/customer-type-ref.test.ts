import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCompany } from '../../../server/emulator/generator/generate-company.js';
import {
  failureOf,
  nodeQuickBooks,
  startEmulator,
  tokenFor,
  type QbCall,
  type RunningEmulator,
} from '../../support/emulator-harness.js';

/**
 * Customer.CustomerTypeRef, which write-back's customer-type mapping sets. The API cannot create CustomerTypes (a
 * person makes them in QuickBooks); the XSD lists the reference as writable ("Product: ALL"). Whether real QuickBooks
 * accepts assigning it on update, and which fault a missing type gets, is UNCONFIRMED (qbo-api.md §3): the emulator
 * answers a missing reference with 2500 Invalid Reference Id (in QBO's list of common errors, §4) and an inactive one
 * with 610 Object Not Found (whose real detail names inactive records), and leaves the customer as it was.
 */
describe('assigning a customer type (UNCONFIRMED against real QuickBooks)', () => {
  let running: RunningEmulator;
  let qb: QbCall;
  const file = generateCompany({ seed: 3, customers: 4, months: 2, asOf: '2026-10-31' });
  file.CustomerTypes!.push({
    Id: '4',
    SyncToken: '0',
    Name: 'Old type',
    Active: false,
    MetaData: file.CustomerTypes![0]!.MetaData,
  });

  beforeAll(async () => {
    running = await startEmulator({ companies: [file], now: '2026-10-31T20:00:00Z' });
    qb = nodeQuickBooks(running.url, file.realmId, await tokenFor(running.url, file.realmId)).call;
  });
  afterAll(() => running.close());

  it('sets an existing, active CustomerType on a sparse update', async () => {
    const before = await qb('getCustomer', '1');
    const other = ['1', '2', '3'].find((id) => id !== before.CustomerTypeRef?.value)!;
    const saved = await qb('updateCustomer', {
      Id: '1',
      SyncToken: before.SyncToken,
      CustomerTypeRef: { value: other },
    });
    expect(saved.CustomerTypeRef).toEqual({ value: other });
    expect(saved.SyncToken).toBe(String(Number(before.SyncToken) + 1));
    expect(saved.Notes).toBe(before.Notes);
    expect((await qb('getCustomer', '1')).CustomerTypeRef).toEqual({ value: other });
  });

  it('refuses a missing CustomerType with 2500 and an inactive one with 610, changing nothing', async () => {
    const before = await qb('getCustomer', '2');
    const missing = failureOf(
      await qb('updateCustomer', { Id: '2', SyncToken: before.SyncToken, CustomerTypeRef: { value: '999' } }).catch(
        (e) => e,
      ),
    );
    expect(missing.status).toBe(400);
    expect(missing.body.Fault).toMatchObject({
      type: 'ValidationFault',
      Error: [{ code: '2500', Message: 'Invalid Reference Id', element: 'CustomerTypeRef' }],
    });
    const inactive = failureOf(
      await qb('updateCustomer', { Id: '2', SyncToken: before.SyncToken, CustomerTypeRef: { value: '4' } }).catch(
        (e) => e,
      ),
    );
    expect(inactive.status).toBe(400);
    expect(inactive.body.Fault.Error[0].code).toBe('610');
    const after = await qb('getCustomer', '2');
    expect([after.SyncToken, after.CustomerTypeRef]).toEqual([before.SyncToken, before.CustomerTypeRef]);
  });

  it('answers a missing type inside a batch for that item only, as write-back sends it', async () => {
    const [a, b] = [await qb('getCustomer', '3'), await qb('getCustomer', '4')];
    const answer = await qb('batch', [
      { bId: 'b0', operation: 'update', Customer: { Id: '3', SyncToken: a.SyncToken, sparse: true, Notes: 'ok' } },
      {
        bId: 'b1',
        operation: 'update',
        Customer: { Id: '4', SyncToken: b.SyncToken, sparse: true, CustomerTypeRef: { value: '999' } },
      },
    ]);
    const [first, second] = answer.BatchItemResponse;
    expect(first).toMatchObject({ bId: 'b0', Customer: { Id: '3', Notes: 'ok' } });
    expect(second).toMatchObject({ bId: 'b1', Fault: { Error: [{ code: '2500' }] } });
    expect((await qb('getCustomer', '4')).SyncToken).toBe(b.SyncToken);
  });
});
