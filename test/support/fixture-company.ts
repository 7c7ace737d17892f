import type { CompanyFile } from '../../server/emulator/company-file-format.js';

/**
 * A tiny, hand-written company whose every balance can be checked by eye:
 * - Amy's Bird Sanctuary: invoice 1001 $100 paid in full; invoice 1002 $250 half paid ($125 open).
 * - Bill's Windsurf Shop: invoice 1003 $80, credit memo $30 applied through a zero-total payment ($50 open).
 * - Cool Cars: no transactions; Freeman Sporting Goods with a job "0969 Ocean View Road" (invoice 1004 $40 open).
 * - Dormant Dan: inactive.
 */
export const FIXTURE_REALM = '9130350000000001';
const meta = (day: string) => ({ CreateTime: `${day}T09:00:00-08:00`, LastUpdatedTime: `${day}T09:00:00-08:00` });
const line = (amount: number, itemId = '1') => ({
  Amount: amount,
  DetailType: 'SalesItemLineDetail',
  SalesItemLineDetail: { ItemRef: { value: itemId }, Qty: 1, UnitPrice: amount },
});
const invoice = (id: string, doc: string, customer: string, date: string, due: string, amount: number) => ({
  Id: id,
  SyncToken: '0',
  MetaData: meta(date),
  DocNumber: doc,
  TxnDate: date,
  DueDate: due,
  CustomerRef: { value: customer },
  SalesTermRef: { value: '3' },
  Line: [line(amount)],
  TotalAmt: amount,
  EmailStatus: 'NotSet',
});
const customer = (id: string, name: string, extra: Record<string, unknown> = {}) => ({
  Id: id,
  SyncToken: '0',
  MetaData: meta('2025-01-02'),
  DisplayName: name,
  Active: true,
  PrimaryEmailAddr: { Address: `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@example.test` },
  SalesTermRef: { value: '3' },
  ...extra,
});

export function fixtureCompany(): CompanyFile {
  return {
    realmId: FIXTURE_REALM,
    timeZone: 'America/Los_Angeles',
    CompanyInfo: {
      Id: '1',
      SyncToken: '0',
      MetaData: meta('2025-01-01'),
      CompanyName: 'Fixture Landscaping',
      Country: 'US',
    },
    Preferences: {
      Id: '1',
      SyncToken: '0',
      MetaData: meta('2025-01-01'),
      CurrencyPrefs: { HomeCurrency: { value: 'USD' }, MultiCurrencyEnabled: false },
    },
    Terms: [
      {
        Id: '1',
        SyncToken: '0',
        MetaData: meta('2025-01-01'),
        Name: 'Due on receipt',
        Active: true,
        Type: 'STANDARD',
        DueDays: 0,
      },
      {
        Id: '2',
        SyncToken: '0',
        MetaData: meta('2025-01-01'),
        Name: 'Net 15',
        Active: true,
        Type: 'STANDARD',
        DueDays: 15,
      },
      {
        Id: '3',
        SyncToken: '0',
        MetaData: meta('2025-01-01'),
        Name: 'Net 30',
        Active: true,
        Type: 'STANDARD',
        DueDays: 30,
      },
    ],
    Items: [
      {
        Id: '1',
        SyncToken: '0',
        MetaData: meta('2025-01-01'),
        Name: 'Gardening',
        Active: true,
        Type: 'Service',
        UnitPrice: 40,
        PurchaseCost: 22,
        IncomeAccountRef: { value: '45' },
      },
      {
        Id: '2',
        SyncToken: '0',
        MetaData: meta('2025-01-01'),
        Name: 'Rocks',
        Active: true,
        Type: 'NonInventory',
        UnitPrice: 10,
        IncomeAccountRef: { value: '45' },
      },
    ],
    Customers: [
      customer('1', "Amy's Bird Sanctuary"),
      customer('2', "Bill's Windsurf Shop"),
      customer('3', 'Cool Cars'),
      customer('4', 'Freeman Sporting Goods'),
      customer('5', '0969 Ocean View Road', { ParentRef: { value: '4' }, Job: true, BillWithParent: true }),
      customer('6', 'Dormant Dan', { Active: false }),
    ],
    Invoices: [
      invoice('101', '1001', '1', '2025-03-01', '2025-03-31', 100),
      invoice('102', '1002', '1', '2025-04-01', '2025-05-01', 250),
      invoice('103', '1003', '2', '2025-04-10', '2025-05-10', 80),
      invoice('104', '1004', '5', '2025-05-01', '2025-05-31', 40),
    ],
    CreditMemos: [
      {
        Id: '201',
        SyncToken: '0',
        MetaData: meta('2025-04-15'),
        DocNumber: 'CM-1',
        TxnDate: '2025-04-15',
        CustomerRef: { value: '2' },
        Line: [line(30)],
        TotalAmt: 30,
      },
    ],
    Payments: [
      {
        Id: '301',
        SyncToken: '0',
        MetaData: meta('2025-03-20'),
        TxnDate: '2025-03-20',
        CustomerRef: { value: '1' },
        TotalAmt: 100,
        Line: [{ Amount: 100, LinkedTxn: [{ TxnId: '101', TxnType: 'Invoice' }] }],
      },
      {
        Id: '302',
        SyncToken: '0',
        MetaData: meta('2025-05-05'),
        TxnDate: '2025-05-05',
        CustomerRef: { value: '1' },
        TotalAmt: 125,
        Line: [{ Amount: 125, LinkedTxn: [{ TxnId: '102', TxnType: 'Invoice' }] }],
      },
      {
        Id: '303',
        SyncToken: '0',
        MetaData: meta('2025-04-20'),
        TxnDate: '2025-04-20',
        CustomerRef: { value: '2' },
        TotalAmt: 0,
        Line: [
          { Amount: 30, LinkedTxn: [{ TxnId: '103', TxnType: 'Invoice' }] },
          { Amount: 30, LinkedTxn: [{ TxnId: '201', TxnType: 'CreditMemo' }] },
        ],
      },
    ],
  };
}
