import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoiceGrossProfit } from '../../../server/features/risk/domain/invoice-metrics.js';
import { loadCompanyFacts } from '../../../server/features/sync/company-facts-loader.js';
import { fixtureCompany } from '../../support/fixture-company.js';
import { syncWorld, type SyncWorld } from '../../support/sync-harness.js';

/** What the engine sees of the local copy: voids, deletions, missing due dates, foreign currency, jobs. */
describe('the facts loader', () => {
  let w: SyncWorld;
  beforeAll(async () => {
    const file = fixtureCompany();
    file.Preferences = {
      ...file.Preferences!,
      CurrencyPrefs: { HomeCurrency: { value: 'USD' }, MultiCurrencyEnabled: true },
    };
    file.Customers.push({
      Id: '7',
      SyncToken: '0',
      MetaData: file.Customers[0]!.MetaData,
      DisplayName: 'Maple Leaf Supply',
      CurrencyRef: { value: 'CAD', name: 'Canadian Dollar' },
    } as never);
    file.Invoices.push({
      Id: '105',
      SyncToken: '0',
      MetaData: file.Invoices[0]!.MetaData,
      DocNumber: '1005',
      TxnDate: '2025-05-01',
      DueDate: '2025-05-31',
      CustomerRef: { value: '7' },
      CurrencyRef: { value: 'CAD' },
      ExchangeRate: 0.75,
      Line: [
        {
          Amount: 200,
          DetailType: 'SalesItemLineDetail',
          SalesItemLineDetail: { ItemRef: { value: '1' }, Qty: 5, UnitPrice: 40 },
        },
      ],
      TotalAmt: 200,
    } as never);
    w = await syncWorld({ file });
    const c = w.company;
    const voidMe = c.create('Invoice', {
      CustomerRef: { value: '3' },
      TxnDate: '2025-05-02',
      Line: [{ Amount: 70, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: '1' } } }],
    });
    c.void('Invoice', { Id: voidMe.Id, SyncToken: voidMe.SyncToken });
    const deleteMe = c.create('Invoice', {
      CustomerRef: { value: '3' },
      TxnDate: '2025-05-03',
      Line: [{ Amount: 90, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: '1' } } }],
    });
    await w.t.container.sync.sync(w.realmId);
    c.delete('Invoice', { Id: deleteMe.Id, SyncToken: deleteMe.SyncToken });
    w.emulator.clock.advance(60_000);
    await w.t.container.sync.sync(w.realmId);
    // QBO always has a due date, but an imported or migrated invoice may not: the customer's terms (Net 30) apply.
    await w.t.container.db('qbo_invoices').where({ realm_id: w.realmId, qbo_id: '101' }).update({ due_date: null });
  });
  afterAll(() => w.close());

  it('leaves out voided and deleted invoices, converts currency, fills a missing due date, rolls jobs up', async () => {
    const facts = await loadCompanyFacts(w.t.container.db, w.realmId, { rollUpJobs: true });
    expect(facts.invoices.map((i) => i.id).sort()).toEqual(['101', '102', '103', '104', '105']);
    const cad = facts.invoices.find((i) => i.id === '105')!;
    expect(cad.totalCents).toBe(15_000); // CAD 200 at 0.75
    // Lines summed in SQL, in QBO's currencies: CAD 200 of lines; 5 × $22 of item cost (costs are the home currency's).
    expect(cad.lineTotals).toEqual({ amountCents: 20_000, uncostedAmountCents: 0, costCents: 11_000 });
    expect(cad.exchangeRate).toBe(0.75);
    // Gross profit: CAD 200 at 0.75 = $150, less $110 of cost = $40 (not (200 − 110) × 0.75 = $67.50).
    expect(invoiceGrossProfit(cad, facts.items)).toEqual({ grossProfitCents: 4_000, estimatedCents: 0 });
    expect(facts.invoices.find((i) => i.id === '101')!.dueDate).toBe('2025-03-31'); // 2025-03-01 + 30 days
    expect(facts.invoices.find((i) => i.id === '104')!.customerId).toBe('4'); // the job's invoice belongs to Freeman
    expect(facts.customers.some((c) => c.id === '5')).toBe(false);
    const separate = await loadCompanyFacts(w.t.container.db, w.realmId, { rollUpJobs: false });
    expect(separate.invoices.find((i) => i.id === '104')!.customerId).toBe('5');
  });

  it('marks the credit-memo part of a payment as not cash', async () => {
    const facts = await loadCompanyFacts(w.t.container.db, w.realmId, { rollUpJobs: true });
    expect(facts.invoices.find((i) => i.id === '103')!.applications).toEqual([
      { date: '2025-04-20', cents: 3_000, cash: false },
    ]);
    expect(facts.invoices.find((i) => i.id === '102')!.applications).toEqual([
      { date: '2025-05-05', cents: 12_500, cash: true },
    ]);
  });
});
