import { fromCents, toCents } from '../../../money.js';
import { faults } from '../../qbo-fault.js';
import type { QboObject } from '../../entity-registry.js';
import type { WriteContext } from '../write-context.js';
import { paymentLinks, refValue } from '../ledger.js';
import { type Body, checkDate, isObject, requireNumber, resolveRef } from './common.js';

/**
 * Payment create/update. Lines apply money to invoices and credit memos of the same customer (or its
 * jobs); QBO refuses to apply more than a transaction's open balance or more than the payment holds.
 */
export function preparePayment(ctx: WriteContext, b: Body, existing: QboObject | undefined): Body {
  const customerRef = resolveRef(ctx, 'Customer', b.CustomerRef, 'CustomerRef', { required: true })!;
  const customer = ctx.get('Customer', customerRef.value)!;
  const totalCents = toCents(requireNumber(b.TotalAmt, 'TotalAmt'));
  if (totalCents < 0) throw faults.businessValidation('The payment amount cannot be negative.', 'TotalAmt');

  // What this payment already applies counts as available again when it is being updated.
  const alreadyApplied = new Map<string, number>();
  for (const l of existing ? paymentLinks(existing) : []) {
    alreadyApplied.set(`${l.kind}:${l.id}`, (alreadyApplied.get(`${l.kind}:${l.id}`) ?? 0) + l.cents);
  }

  const lines: Body[] = [];
  let invoiceCents = 0;
  let creditCents = 0;
  for (const raw of Array.isArray(b.Line) ? b.Line : []) {
    if (!isObject(raw)) throw faults.requestNotParsable('Property Name:Line has an invalid value');
    const cents = toCents(requireNumber(raw.Amount, 'Amount'));
    if (cents <= 0) throw faults.businessValidation('A payment line amount must be greater than zero.', 'Amount');
    const links = Array.isArray(raw.LinkedTxn) ? raw.LinkedTxn : [];
    if (links.length !== 1 || !isObject(links[0])) {
      throw faults.businessValidation('Each payment line must link exactly one transaction.', 'LinkedTxn');
    }
    const link = links[0];
    const kind = link.TxnType;
    if (kind !== 'Invoice' && kind !== 'CreditMemo') throw faults.invalidEnumeration('TxnType', String(kind));
    const txn = ctx.get(kind, String(link.TxnId));
    if (!txn) throw faults.objectNotFound();
    if (!belongsTo(ctx, refValue(txn.CustomerRef), customerRef.value)) {
      throw faults.businessValidation(`The ${kind} you're applying belongs to a different customer.`, 'LinkedTxn');
    }
    const open = kind === 'Invoice' ? toCents(txn.Balance as number) : toCents(txn.RemainingCredit as number);
    const available = open + (alreadyApplied.get(`${kind}:${txn.Id}`) ?? 0);
    if (cents > available) {
      throw faults.businessValidation(
        `The amount applied to ${kind} ${String(txn.DocNumber ?? txn.Id)} (${fromCents(cents)}) ` +
          `is more than its open balance (${fromCents(available)}).`,
        'Line',
      );
    }
    alreadyApplied.set(`${kind}:${txn.Id}`, available - cents);
    if (kind === 'Invoice') invoiceCents += cents;
    else creditCents += cents;
    lines.push({ Amount: fromCents(cents), LinkedTxn: [{ TxnId: txn.Id, TxnType: kind }] });
  }
  if (invoiceCents - creditCents > totalCents) {
    throw faults.businessValidation(
      `Total amount of the payment, ${fromCents(totalCents)}, ` +
        `is less than the total amount applied to transactions, ${fromCents(invoiceCents - creditCents)}.`,
      'TotalAmt',
    );
  }

  const home = ctx.homeCurrency();
  const currency = refValue(customer.CurrencyRef) ?? home.value;
  const out: Body = {
    ProcessPayment: false,
    DepositToAccountRef: { value: '4' },
    ...b,
    CustomerRef: customerRef,
    TotalAmt: fromCents(totalCents),
    Line: lines,
    TxnDate: checkDate(b.TxnDate, 'TxnDate') ?? ctx.today(),
    CurrencyRef: currency === home.value ? home : customer.CurrencyRef,
  };
  if (currency !== home.value)
    out.ExchangeRate = b.ExchangeRate === undefined ? 1 : requireNumber(b.ExchangeRate, 'ExchangeRate');
  return out;
}

/** A payment may settle the customer's own transactions and those of its jobs. */
function belongsTo(ctx: WriteContext, txnCustomerId: string | undefined, payerId: string): boolean {
  let current = txnCustomerId;
  for (let depth = 0; current && depth < 6; depth++) {
    if (current === payerId) return true;
    current = refValue(ctx.get('Customer', current)?.ParentRef);
  }
  return false;
}
