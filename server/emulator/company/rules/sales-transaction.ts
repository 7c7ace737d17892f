import { fromCents, toCents } from '../../../money.js';
import { faults } from '../../qbo-fault.js';
import type { QboObject } from '../../entity-registry.js';
import type { WriteContext } from '../write-context.js';
import { refValue } from '../ledger.js';
import { addDaysToDate } from '../../../features/risk/domain/dates.js';
import { type Body, checkDate, checkMaxLength, isObject, requireNumber, resolveRef } from './common.js';

const LINE_TYPES = new Set([
  'SalesItemLineDetail',
  'SubTotalLineDetail',
  'DiscountLineDetail',
  'DescriptionOnly',
  'GroupLineDetail',
]);
const EMAIL_STATUSES = new Set(['NotSet', 'NeedToSend', 'EmailSent']);
const PRINT_STATUSES = new Set(['NotSet', 'NeedToPrint', 'PrintComplete']);

/**
 * Invoice and CreditMemo create/update, normalised the way QBO answers a minimal create (create-invoice
 * capture): DocNumber, TxnDate and DueDate defaulted, lines numbered, a SubTotal line appended, TotalAmt
 * recomputed from the lines, CustomerRef.name, BillEmail and BillAddr filled from the customer.
 */
export function prepareSalesTransaction(ctx: WriteContext, b: Body, existing: QboObject | undefined): Body {
  const kind = ctx.entityName as 'Invoice' | 'CreditMemo';
  const customerRef = resolveRef(ctx, 'Customer', b.CustomerRef, 'CustomerRef', { required: true })!;
  const customer = ctx.get('Customer', customerRef.value)!;
  const out: Body = { ...b, CustomerRef: customerRef };

  const { lines, totalCents } = normaliseLines(ctx, b.Line);
  out.Line = lines;
  const taxCents = isObject(b.TxnTaxDetail) ? toCents(b.TxnTaxDetail.TotalTax as number) : 0;
  out.TxnTaxDetail = isObject(b.TxnTaxDetail) ? b.TxnTaxDetail : { TotalTax: 0 };
  out.TotalAmt = fromCents(totalCents + taxCents);

  out.DocNumber =
    b.DocNumber === undefined || b.DocNumber === ''
      ? (existing?.DocNumber ?? ctx.nextDocNumber(kind))
      : String(b.DocNumber);
  checkMaxLength(out.DocNumber, 'DocNumber', 21);
  out.TxnDate = checkDate(b.TxnDate, 'TxnDate') ?? ctx.today();
  // PrivateNote's limit is not in Intuit's XSD; 4000 is the commonly cited figure (UNCONFIRMED, qbo-api.md).
  checkMaxLength(b.PrivateNote, 'PrivateNote', 4000);
  if (isObject(b.CustomerMemo)) checkMaxLength(b.CustomerMemo.value, 'CustomerMemo', 1000);

  const term = resolveRef(
    ctx,
    'Term',
    b.SalesTermRef ?? customer.SalesTermRef ?? termRef(ctx.defaultTermId()),
    'SalesTermRef',
    {
      required: false,
      mustBeActive: false,
    },
  );
  if (term) out.SalesTermRef = term;
  if (kind === 'Invoice') {
    out.DueDate = checkDate(b.DueDate, 'DueDate') ?? dueDateFor(ctx, out.TxnDate as string, term?.value);
    out.Deposit = b.Deposit === undefined ? 0 : requireNumber(b.Deposit, 'Deposit');
    for (const flag of [
      'AllowIPNPayment',
      'AllowOnlinePayment',
      'AllowOnlineCreditCardPayment',
      'AllowOnlineACHPayment',
    ]) {
      out[flag] = b[flag] ?? false;
    }
  }

  const currency = refValue(b.CurrencyRef) ?? refValue(customer.CurrencyRef) ?? ctx.homeCurrency().value;
  if (currency !== (refValue(customer.CurrencyRef) ?? ctx.homeCurrency().value)) {
    throw faults.businessValidation("The transaction currency must match the customer's currency.", 'CurrencyRef');
  }
  out.CurrencyRef = currency === ctx.homeCurrency().value ? ctx.homeCurrency() : customer.CurrencyRef;
  if (currency !== ctx.homeCurrency().value)
    out.ExchangeRate = b.ExchangeRate === undefined ? 1 : requireNumber(b.ExchangeRate, 'ExchangeRate');

  const email = isObject(b.BillEmail)
    ? b.BillEmail
    : isObject(customer.PrimaryEmailAddr)
      ? { Address: customer.PrimaryEmailAddr.Address }
      : undefined;
  if (email) {
    checkMaxLength(email.Address, 'BillEmail', 100);
    out.BillEmail = email;
  }
  if (b.BillAddr === undefined && customer.BillAddr !== undefined) out.BillAddr = customer.BillAddr;
  out.EmailStatus = b.EmailStatus ?? 'NotSet';
  if (!EMAIL_STATUSES.has(String(out.EmailStatus)))
    throw faults.invalidEnumeration('EmailStatus', String(out.EmailStatus));
  out.PrintStatus = b.PrintStatus ?? 'NeedToPrint';
  if (!PRINT_STATUSES.has(String(out.PrintStatus)))
    throw faults.invalidEnumeration('PrintStatus', String(out.PrintStatus));
  out.ApplyTaxAfterDiscount = b.ApplyTaxAfterDiscount ?? false;
  out.CustomField = customFields(ctx, b.CustomField);
  // Payment links are derived from payments; other links (e.g. an Estimate) are the client's to set.
  out.LinkedTxn = (Array.isArray(b.LinkedTxn) ? (b.LinkedTxn as Body[]) : []).filter((l) => l.TxnType !== 'Payment');
  return out;
}

function termRef(id: string | undefined): { value: string } | undefined {
  return id === undefined ? undefined : { value: id };
}

/** DueDate from the sales term: STANDARD adds DueDays; DATE_DRIVEN falls on DayOfMonthDue of this or next month. */
export function dueDateFor(ctx: WriteContext, txnDate: string, termId: string | undefined): string {
  const term = termId ? ctx.get('Term', termId) : undefined;
  if (!term) return txnDate;
  if (term.Type === 'DATE_DRIVEN') {
    const day = Number(term.DayOfMonthDue ?? 1);
    const [y, m, d] = txnDate.split('-').map(Number) as [number, number, number];
    const nextMonth = d >= day || d > 31 - Number(term.DueNextMonthDays ?? 0) ? 1 : 0;
    const due = new Date(Date.UTC(y, m - 1 + nextMonth, 1));
    const lastDay = new Date(Date.UTC(due.getUTCFullYear(), due.getUTCMonth() + 1, 0)).getUTCDate();
    due.setUTCDate(Math.min(day, lastDay));
    return due.toISOString().slice(0, 10);
  }
  return addDaysToDate(txnDate, Number(term.DueDays ?? 0));
}

function normaliseLines(ctx: WriteContext, input: unknown): { lines: Body[]; totalCents: number } {
  if (!Array.isArray(input) || input.length === 0)
    throw faults.requiredParam('Line', 'Required parameter Line is missing in the request');
  const lines: Body[] = [];
  let subtotalCents = 0;
  let discountCents = 0;
  let lineNum = 0;
  for (const raw of input) {
    if (!isObject(raw)) throw faults.requestNotParsable('Property Name:Line has an invalid value');
    const type = raw.DetailType;
    if (typeof type !== 'string') throw faults.requiredParam('DetailType');
    if (!LINE_TYPES.has(type)) throw faults.invalidEnumeration('DetailType', type);
    if (type === 'SubTotalLineDetail') continue; // recomputed below
    lineNum += 1;
    const line: Body = { Id: String(lineNum), LineNum: lineNum, ...raw };
    line.Id = String(lineNum);
    line.LineNum = lineNum;
    if (type === 'SalesItemLineDetail') {
      const detail: Body = isObject(raw.SalesItemLineDetail) ? { ...raw.SalesItemLineDetail } : {};
      const item = resolveRef(ctx, 'Item', detail.ItemRef ?? defaultItemRef(ctx), 'ItemRef', { required: true })!;
      detail.ItemRef = item;
      detail.TaxCodeRef = detail.TaxCodeRef ?? { value: 'NON' };
      const amount =
        raw.Amount === undefined && detail.Qty !== undefined && detail.UnitPrice !== undefined
          ? requireNumber(detail.Qty, 'Qty') * requireNumber(detail.UnitPrice, 'UnitPrice')
          : requireNumber(raw.Amount, 'Amount');
      if (detail.Qty !== undefined && detail.UnitPrice !== undefined) {
        const expected = toCents(requireNumber(detail.Qty, 'Qty') * requireNumber(detail.UnitPrice, 'UnitPrice'));
        if (Math.abs(expected - toCents(amount)) > 1) {
          throw faults.businessValidation(`Amount is not equal to UnitPrice * Qty. Supplied value:${amount}`, 'Amount');
        }
      }
      line.Amount = fromCents(toCents(amount));
      line.SalesItemLineDetail = detail;
      subtotalCents += toCents(amount);
    } else if (type === 'DiscountLineDetail') {
      const detail = isObject(raw.DiscountLineDetail) ? raw.DiscountLineDetail : {};
      const cents =
        detail.PercentBased === true
          ? Math.round((subtotalCents * requireNumber(detail.DiscountPercent, 'DiscountPercent')) / 100)
          : toCents(requireNumber(raw.Amount, 'Amount'));
      line.Amount = fromCents(cents);
      discountCents += cents;
    } else if (type === 'DescriptionOnly') {
      line.Amount = raw.Amount === undefined ? 0 : requireNumber(raw.Amount, 'Amount');
    } else {
      const amount = requireNumber(raw.Amount, 'Amount');
      line.Amount = amount;
      subtotalCents += toCents(amount);
    }
    lines.push(line);
  }
  if (lineNum === 0) throw faults.businessValidation('You must set a transaction amount.', 'Line');
  lines.push({ Amount: fromCents(subtotalCents), DetailType: 'SubTotalLineDetail', SubTotalLineDetail: {} });
  return { lines, totalCents: subtotalCents - discountCents };
}

/** QBO puts the "Services" item on a sales line that names none. */
function defaultItemRef(ctx: WriteContext): { value: string } | undefined {
  for (const item of ctx.list('Item')) if (item.Name === 'Services' && item.Active !== false) return { value: item.Id };
  return undefined;
}

function customFields(ctx: WriteContext, input: unknown): Body[] {
  const given = new Map<string, Body>();
  for (const f of Array.isArray(input) ? input : []) {
    if (isObject(f) && f.DefinitionId !== undefined) given.set(String(f.DefinitionId), f);
  }
  return ctx.customFieldDefinitions().map((def) => {
    const value = given.get(def.DefinitionId)?.StringValue;
    if (value !== undefined) checkMaxLength(value, 'CustomField', 31);
    return value === undefined ? { ...def } : { ...def, StringValue: String(value) };
  });
}
