import { fromCents } from '../../money.js';
import type { CompanyFile } from '../company-file-format.js';
import { DEFAULT_TIME_ZONE } from '../company-file-format.js';
import type { QboObject } from '../entity-registry.js';
import type { Archetype } from './archetypes.js';
import { customerTypeObjects, itemObjects, ITEMS, termObjects } from './catalog.js';
import { dayNumber, isoDate, localDateTimes, monthStart } from './calendar.js';
import { generateCustomers, type GeneratedCustomer } from './customers.js';
import { address, emailFor } from './names.js';
import { Rng } from '../../random.js';
import { customerTransactions, type GenCreditMemo, type GenInvoice, type GenPayment } from './transactions.js';

export interface GenerateOptions {
  seed: number;
  customers: number;
  months: number;
  /** The company's today (YYYY-MM-DD): history ends here. */
  asOf: string;
  realmId?: string;
  companyName?: string;
  /**
   * Average invoices per customer per month (default 0.9: 300 customers × 24 months ≈ 7,000 invoices; 0.78 gives
   * ~100,000 for 5,000 × 24).
   */
  invoicesPerCustomerMonth?: number;
  timeZone?: string;
}

export interface GeneratedCompany {
  company: CompanyFile;
  /** Each customer's paying habit, by QBO customer Id: the ground truth tests and benchmarks check against. */
  truth: Map<string, Archetype>;
}

const money = (cents: number) => fromCents(cents);
const ITEM_NAMES = new Map(ITEMS.map((i) => [i.id, i.name]));
const CURRENCY_NAMES = { USD: 'United States Dollar', CAD: 'Canadian Dollar', EUR: 'Euro' } as const;
const ref = (value: string, name?: string) => (name === undefined ? { value } : { value, name });

/**
 * A deterministic demo company: a small service-and-supplies business with `customers` customers and
 * `months` months of invoices, payments and credit memos ending at `asOf`. Same options, same bytes.
 */
export function generateCompany(o: GenerateOptions): CompanyFile {
  return generateCompanyWithTruth(o).company;
}

export function generateCompanyWithTruth(o: GenerateOptions): GeneratedCompany {
  const rng = new Rng(o.seed);
  const timeZone = o.timeZone ?? DEFAULT_TIME_ZONE;
  const at = localDateTimes(timeZone);
  const asOfDay = dayNumber(o.asOf);
  const firstDay = monthStart(asOfDay, o.months);
  const setupDay = firstDay - 30;
  const meta = (day: number, second = 36_000, updatedDay = day, updatedSecond = second) => ({
    CreateTime: at(day, second),
    LastUpdatedTime: at(updatedDay, updatedSecond),
  });

  const customers = generateCustomers(rng.fork(1), o.customers, {
    firstDay,
    asOfDay,
    invoicesPerCustomerMonth: o.invoicesPerCustomerMonth ?? 0.9,
  });
  let key = 0;
  const nextKey = () => ++key;
  const invoices: GenInvoice[] = [];
  const creditMemos: GenCreditMemo[] = [];
  const payments: GenPayment[] = [];
  const txnRng = rng.fork(2);
  for (const c of customers) {
    const t = customerTransactions(txnRng.fork(Number(c.id)), c, { asOfDay, nextKey });
    invoices.push(...t.invoices);
    creditMemos.push(...t.creditMemos);
    payments.push(...t.payments);
  }

  // QBO numbers transactions from one sequence in the order they were entered.
  const entered = [
    ...invoices.map((x) => ({ kind: 'Invoice' as const, x })),
    ...creditMemos.map((x) => ({ kind: 'CreditMemo' as const, x })),
    ...payments.map((x) => ({ kind: 'Payment' as const, x })),
  ].sort((a, b) => a.x.day - b.x.day || a.x.second - b.x.second || a.x.key - b.x.key);
  const idOf = new Map<number, string>();
  const docOf = new Map<number, string>();
  let doc = 1000;
  entered.forEach((e, i) => {
    idOf.set(e.x.key, String(i + 1));
    if (e.kind !== 'Payment') docOf.set(e.x.key, String(++doc));
  });

  const customerObjects = customers.map((c) => customerObject(c, meta(Math.max(setupDay, c.firstDay - 15)), rng));
  const company: CompanyFile = {
    // Built as text: a 16-digit realm id is beyond Number.MAX_SAFE_INTEGER.
    realmId: o.realmId ?? `9130${String(o.seed % 1_000_000_000).padStart(9, '0')}007`,
    timeZone,
    CompanyInfo: {
      Id: '1',
      SyncToken: '3',
      MetaData: meta(setupDay - 400),
      CompanyName: o.companyName ?? 'Harborview Services Co.',
      LegalName: `${o.companyName ?? 'Harborview Services Co.'} LLC`,
      CompanyAddr: address(rng, 1),
      Country: 'US',
      Email: { Address: 'billing@harborview.example.com' },
      FiscalYearStartMonth: 'January',
      CompanyStartDate: isoDate(setupDay - 400),
      SupportedLanguages: 'en',
    },
    Preferences: {
      Id: '1',
      SyncToken: '1',
      MetaData: meta(setupDay - 400),
      CurrencyPrefs: { HomeCurrency: { value: 'USD' }, MultiCurrencyEnabled: true },
      SalesFormsPrefs: {
        DefaultTerms: { value: '3' },
        AllowDeposit: false,
        AllowDiscount: true,
        CustomField: [
          {
            CustomField: [
              { Name: 'SalesFormsPrefs.UseSalesCustom1', Type: 'BooleanType', BooleanValue: true },
              { Name: 'SalesFormsPrefs.SalesCustomName1', Type: 'StringType', StringValue: 'PO Number' },
            ],
          },
        ],
      },
    },
    Terms: termObjects(meta, setupDay - 400),
    CustomerTypes: customerTypeObjects(meta, setupDay - 400),
    Items: itemObjects(meta, setupDay - 400),
    Customers: customerObjects,
    Invoices: invoices.map((i) =>
      invoiceObject(i, idOf, docOf, meta, customerObjects[Number(i.customer.id) - 1]!.BillAddr),
    ),
    CreditMemos: creditMemos.map((cm) => creditMemoObject(cm, idOf, docOf, meta)),
    Payments: payments.map((p) => paymentObject(p, idOf, meta)),
  };
  // Lists in Id order, as a company file written by the emulator would have them.
  for (const list of [company.Invoices, company.CreditMemos, company.Payments])
    list.sort((a, b) => Number(a.Id) - Number(b.Id));
  return { company, truth: new Map(customers.map((c) => [c.id, c.habit.archetype])) };
}

type Meta = (
  day: number,
  second?: number,
  updatedDay?: number,
  updatedSecond?: number,
) => { CreateTime: string; LastUpdatedTime: string };

function currencyFields(c: GeneratedCustomer): Record<string, unknown> {
  return c.currency === 'USD'
    ? {}
    : { CurrencyRef: ref(c.currency, CURRENCY_NAMES[c.currency]), ExchangeRate: c.exchangeRate };
}

function customerObject(
  c: GeneratedCustomer,
  metaData: { CreateTime: string; LastUpdatedTime: string },
  rng: Rng,
): QboObject {
  return {
    Id: c.id,
    SyncToken: String(rng.int(0, 3)),
    MetaData: metaData,
    DisplayName: c.name,
    ...(c.parentId ? {} : { CompanyName: c.name }),
    Active: c.active,
    PrimaryEmailAddr: { Address: emailFor(c.name) },
    PrimaryPhone: { FreeFormNumber: `(${rng.int(200, 999)}) 555-${String(rng.int(0, 9999)).padStart(4, '0')}` },
    BillAddr: address(rng, Number(c.id) + 100),
    SalesTermRef: ref(c.termId),
    CustomerTypeRef: ref(c.typeId),
    ...(c.parentId ? { ParentRef: ref(c.parentId), Job: true, BillWithParent: true } : {}),
    ...(c.currency === 'USD' ? {} : { CurrencyRef: ref(c.currency, CURRENCY_NAMES[c.currency]) }),
    PreferredDeliveryMethod: 'Email',
  } as unknown as QboObject;
}

/** Item lines as QBO returns them: numbered, non-taxable, followed by the SubTotal line QBO appends. */
function salesLines(
  lines: ReadonlyArray<{ itemId: string; qty: number; unitCents: number; amountCents: number }>,
  totalCents: number,
  voided = false,
): unknown[] {
  return [
    ...lines.map((l, n) => ({
      Id: String(n + 1),
      LineNum: n + 1,
      Amount: money(l.amountCents),
      DetailType: 'SalesItemLineDetail',
      SalesItemLineDetail: {
        ItemRef: ref(l.itemId, ITEM_NAMES.get(l.itemId)),
        Qty: voided ? 0 : l.qty,
        UnitPrice: money(l.unitCents),
        TaxCodeRef: { value: 'NON' },
      },
    })),
    { Amount: money(totalCents), DetailType: 'SubTotalLineDetail', SubTotalLineDetail: {} },
  ];
}

function invoiceObject(
  i: GenInvoice,
  idOf: Map<number, string>,
  docOf: Map<number, string>,
  meta: Meta,
  billAddr: unknown,
): QboObject {
  const changed = i.lastChangeDay > i.day;
  return {
    Id: idOf.get(i.key)!,
    SyncToken: changed ? '1' : '0',
    MetaData: meta(i.day, i.second, i.lastChangeDay, changed ? 61_000 : i.second),
    // QBO returns every custom field defined on sales forms, with a value only where one was entered.
    CustomField: [
      { DefinitionId: '1', Name: 'PO Number', Type: 'StringType', ...(i.poNumber ? { StringValue: i.poNumber } : {}) },
    ],
    DocNumber: docOf.get(i.key)!,
    TxnDate: isoDate(i.day),
    ...currencyFields(i.customer),
    ...(i.voided ? { PrivateNote: 'Voided' } : {}),
    Line: salesLines(i.lines, i.totalCents, i.voided),
    CustomerRef: ref(i.customer.id, i.customer.name),
    BillAddr: billAddr,
    SalesTermRef: ref(i.customer.termId),
    DueDate: isoDate(i.dueDay),
    TotalAmt: money(i.totalCents),
    Deposit: 0,
    EmailStatus: i.emailed ? 'EmailSent' : 'NotSet',
    BillEmail: { Address: emailFor(i.customer.name) },
  } as unknown as QboObject;
}

function creditMemoObject(
  cm: GenCreditMemo,
  idOf: Map<number, string>,
  docOf: Map<number, string>,
  meta: Meta,
): QboObject {
  return {
    Id: idOf.get(cm.key)!,
    SyncToken: '0',
    MetaData: meta(cm.day, cm.second),
    DocNumber: docOf.get(cm.key)!,
    TxnDate: isoDate(cm.day),
    CustomerRef: ref(cm.customer.id, cm.customer.name),
    ...currencyFields(cm.customer),
    Line: salesLines(
      [{ itemId: cm.itemId, qty: 1, unitCents: cm.amountCents, amountCents: cm.amountCents }],
      cm.amountCents,
    ),
    TotalAmt: money(cm.amountCents),
    PrivateNote: `Credit against invoice ${docOf.get(cm.invoiceKey)}`,
  } as unknown as QboObject;
}

function paymentObject(p: GenPayment, idOf: Map<number, string>, meta: Meta): QboObject {
  return {
    Id: idOf.get(p.key)!,
    SyncToken: '0',
    MetaData: meta(p.day, p.second),
    TxnDate: isoDate(p.day),
    CustomerRef: ref(p.customer.id, p.customer.name),
    ...currencyFields(p.customer),
    TotalAmt: money(p.totalCents),
    // Credit applications move no money; real payments land in Undeposited Funds, some with a check number.
    ...(p.totalCents > 0
      ? { DepositToAccountRef: ref('4'), ...(p.checkNumber ? { PaymentRefNum: p.checkNumber } : {}) }
      : {}),
    ProcessPayment: false,
    Line: p.lines.map((l) => ({
      Amount: money(l.amountCents),
      LinkedTxn: [{ TxnId: idOf.get(l.key)!, TxnType: l.kind }],
    })),
  } as unknown as QboObject;
}
