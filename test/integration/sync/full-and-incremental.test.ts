import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { differences, syncWorld, type SyncWorld } from '../../support/sync-harness.js';

const DAY = 86_400_000;

describe('sync: full pass, then incremental', () => {
  let w: SyncWorld;
  beforeAll(async () => {
    w = await syncWorld({ customers: 120, months: 12 });
  });
  afterAll(() => w.close());

  it('copies the whole company, field by field, in the minimum number of calls', async () => {
    const run = await w.t.container.sync.sync(w.realmId, { trigger: 'manual' });
    expect(run.status).toBe('succeeded');
    expect(run.mode).toBe('full');
    expect(await differences(w)).toEqual([]);
    for (const row of await w.t.container.db('qbo_customers').where({ realm_id: w.realmId })) {
      expect(Number(row.balance_cents)).toBe(
        Math.round((w.company.table('Customer').get(row.qbo_id)!.Balance as number) * 100),
      );
    }
    const sizes = ['Term', 'CustomerType', 'Item', 'Customer', 'Invoice', 'CreditMemo', 'Payment'].map(
      (e) => w.company.table(e as never).size,
    );
    const minimum = 2 + sizes.reduce((n, size) => n + Math.floor(size / 1000) + 1, 0);
    expect(w.company.table('Invoice').size).toBeGreaterThan(1000); // more than one page
    expect(run.apiCalls).toBe(minimum);
    const lines = await w.t.container.db('qbo_invoice_lines').where({ realm_id: w.realmId }).count({ n: '*' });
    expect(Number(lines[0]!.n)).toBeGreaterThan(w.company.table('Invoice').size);
  });

  it('brings updates, new rows, deletes and voids through CDC in one call', async () => {
    w.emulator.clock.advance(DAY);
    const c = w.company;
    const customer = [...c.table('Customer').values()].find((x) => x.Active !== false && !x.ParentRef)!;
    c.update('Customer', { Id: customer.Id, SyncToken: customer.SyncToken, Notes: 'moved to net 60' }, true);
    const created = c.create('Invoice', {
      CustomerRef: { value: customer.Id },
      Line: [{ Amount: 123.45, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: '1' } } }],
    });
    const open = [...c.table('Invoice').values()].filter(
      (i) => (i.Balance as number) > 0 && !(i.LinkedTxn as unknown[] | undefined)?.length,
    );
    const toDelete = open[0]!;
    const toVoid = open[1]!;
    c.delete('Invoice', { Id: toDelete.Id, SyncToken: toDelete.SyncToken });
    c.void('Invoice', { Id: toVoid.Id, SyncToken: toVoid.SyncToken });
    c.create('Payment', {
      CustomerRef: { value: customer.Id },
      TotalAmt: 100,
      Line: [{ Amount: 100, LinkedTxn: [{ TxnId: created.Id, TxnType: 'Invoice' }] }],
    });

    const run = await w.t.container.sync.sync(w.realmId);
    expect(run.status).toBe('succeeded');
    expect(run.mode).toBe('cdc');
    // CompanyInfo, Preferences, one CDC call (CustomerType never changes by CDC, so no query)
    expect(run.apiCalls).toBe(3);
    expect(await differences(w)).toEqual([]);
    const db = w.t.container.db;
    expect(
      (await db('qbo_invoices').where({ realm_id: w.realmId, qbo_id: toDelete.Id }).first()).deleted_at,
    ).not.toBeNull();
    expect(Boolean((await db('qbo_invoices').where({ realm_id: w.realmId, qbo_id: toVoid.Id }).first()).voided)).toBe(
      true,
    );
    expect(
      Number((await db('qbo_invoices').where({ realm_id: w.realmId, qbo_id: created.Id }).first()).balance_cents),
    ).toBe(2345);
  });

  it('falls back to query mode past 30 days, then reconciles the deletions it could not see', async () => {
    w.emulator.clock.advance(31 * DAY);
    const c = w.company;
    const invoice = [...c.table('Invoice').values()].find(
      (i) => (i.Balance as number) > 0 && !(i.LinkedTxn as unknown[] | undefined)?.length,
    )!;
    c.delete('Invoice', { Id: invoice.Id, SyncToken: invoice.SyncToken });
    const item = c.table('Item').get('3')!;
    c.update('Item', { Id: '3', SyncToken: item.SyncToken, PurchaseCost: 50 }, true);

    const stale = await w.t.container.sync.sync(w.realmId);
    expect(stale.mode).toContain('query');
    expect(
      Number(
        (await w.t.container.db('qbo_items').where({ realm_id: w.realmId, qbo_id: '3' }).first()).purchase_cost_cents,
      ),
    ).toBe(5000);
    // Query mode cannot see the deletion…
    expect(
      (await w.t.container.db('qbo_invoices').where({ realm_id: w.realmId, qbo_id: invoice.Id }).first()).deleted_at,
    ).toBeNull();
    // …the next run reconciles with a full pass and sweeps it away.
    const reconcile = await w.t.container.sync.sync(w.realmId);
    expect(reconcile.mode).toContain('full');
    expect(await differences(w)).toEqual([]);
  });

  it('records every run with its mode, counts and API calls', async () => {
    const runs = await w.t.container.syncStore.runs(w.realmId);
    expect(runs.length).toBeGreaterThanOrEqual(4);
    expect(runs.every((r) => r.status === 'succeeded' && r.apiCalls > 0 && r.finishedAt)).toBe(true);
    expect(runs.at(-1)!.counts!.Invoice!.upserted).toBeGreaterThan(1000);
  });
});
