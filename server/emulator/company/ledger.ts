import { fromCents, toCents } from '../../money.js';
import type { QboObject } from '../entity-registry.js';

/**
 * Keeps QBO's derived receivables fields consistent, as the real API does after every write:
 * Invoice.Balance and LinkedTxn, CreditMemo.RemainingCredit/Balance, Payment.UnappliedAmt,
 * Customer.Balance and BalanceWithJobs. Payments are the only link: a credit memo is applied to an
 * invoice through a Payment whose lines link both (TotalAmt 0).
 */

export type TxnKind = 'Invoice' | 'CreditMemo';
export type TrackedKind = TxnKind | 'Payment';
type TxnKey = `${TxnKind}:${string}`;

export interface LedgerTables {
  customers: Map<string, QboObject>;
  invoices: Map<string, QboObject>;
  creditMemos: Map<string, QboObject>;
  payments: Map<string, QboObject>;
}

interface PaymentLink {
  kind: TxnKind;
  id: string;
  cents: number;
}

export function refValue(ref: unknown): string | undefined {
  if (ref && typeof ref === 'object' && 'value' in ref) {
    const v = (ref as { value: unknown }).value;
    return v === undefined || v === null ? undefined : String(v);
  }
  return undefined;
}

/** The invoice and credit-memo links of a payment's lines, with the amount applied to each. */
export function paymentLinks(payment: QboObject): PaymentLink[] {
  const links: PaymentLink[] = [];
  const lines = Array.isArray(payment.Line) ? (payment.Line as Record<string, unknown>[]) : [];
  for (const line of lines) {
    const linked = Array.isArray(line.LinkedTxn) ? (line.LinkedTxn as Record<string, unknown>[]) : [];
    for (const l of linked) {
      if (l.TxnType === 'Invoice' || l.TxnType === 'CreditMemo') {
        links.push({ kind: l.TxnType, id: String(l.TxnId), cents: toCents(line.Amount as number) });
      }
    }
  }
  return links;
}

export class Ledger {
  /** txn key → ids of payments linking it */
  private readonly paymentsByTxn = new Map<TxnKey, Set<string>>();
  /** customer id → its own invoices, credit memos and payments */
  private readonly byCustomer = new Map<string, Record<TrackedKind, Set<string>>>();

  constructor(private readonly t: LedgerTables) {}

  /** Full rebuild, used when a company is loaded. */
  recomputeAll(): void {
    this.paymentsByTxn.clear();
    this.byCustomer.clear();
    for (const p of this.t.payments.values()) this.index(p, true);
    for (const inv of this.t.invoices.values()) this.track('Invoice', undefined, inv);
    for (const cm of this.t.creditMemos.values()) this.track('CreditMemo', undefined, cm);
    for (const p of this.t.payments.values()) this.track('Payment', undefined, p);
    for (const id of this.t.invoices.keys()) this.recomputeTxn('Invoice', id);
    for (const id of this.t.creditMemos.keys()) this.recomputeTxn('CreditMemo', id);
    for (const p of this.t.payments.values()) this.recomputePayment(p);
    this.recomputeCustomers([...this.t.customers.keys()]);
  }

  /**
   * Call after a payment was created, changed or removed (before/after = undefined for none).
   * Returns the transactions whose derived fields changed, so the caller can stamp them as updated.
   */
  paymentChanged(before: QboObject | undefined, after: QboObject | undefined): Array<{ kind: TxnKind; id: string }> {
    if (before) this.index(before, false);
    if (after) this.index(after, true);
    if (after) this.recomputePayment(after);
    const touched = new Map<TxnKey, { kind: TxnKind; id: string }>();
    for (const l of [...(before ? paymentLinks(before) : []), ...(after ? paymentLinks(after) : [])]) {
      touched.set(`${l.kind}:${l.id}`, { kind: l.kind, id: l.id });
    }
    const changed: Array<{ kind: TxnKind; id: string }> = [];
    for (const txn of touched.values()) if (this.recomputeTxn(txn.kind, txn.id)) changed.push(txn);
    return changed;
  }

  /** Recomputes an invoice's or credit memo's derived fields; true when any of them changed. */
  recomputeTxn(kind: TxnKind, id: string): boolean {
    const table = kind === 'Invoice' ? this.t.invoices : this.t.creditMemos;
    const txn = table.get(id);
    if (!txn) return false;
    let appliedCents = 0;
    const paymentIds: string[] = [];
    for (const pid of this.paymentsByTxn.get(`${kind}:${id}`) ?? []) {
      const p = this.t.payments.get(pid);
      if (!p) continue;
      paymentIds.push(pid);
      for (const l of paymentLinks(p)) if (l.kind === kind && l.id === id) appliedCents += l.cents;
    }
    paymentIds.sort((a, b) => Number(a) - Number(b));
    const total = toCents(txn.TotalAmt as number);
    const before = JSON.stringify([txn.Balance, txn.RemainingCredit, txn.LinkedTxn]);
    if (kind === 'Invoice') {
      const deposit = toCents(txn.Deposit as number);
      txn.Balance = fromCents(Math.max(0, total - deposit - appliedCents));
      const otherLinks = (Array.isArray(txn.LinkedTxn) ? (txn.LinkedTxn as Record<string, unknown>[]) : []).filter(
        (l) => l.TxnType !== 'Payment',
      );
      txn.LinkedTxn = [...otherLinks, ...paymentIds.map((pid) => ({ TxnId: pid, TxnType: 'Payment' }))];
    } else {
      const remaining = fromCents(Math.max(0, total - appliedCents));
      txn.RemainingCredit = remaining;
      txn.Balance = remaining;
    }
    return before !== JSON.stringify([txn.Balance, txn.RemainingCredit, txn.LinkedTxn]);
  }

  recomputePayment(payment: QboObject): void {
    let applied = 0;
    for (const l of paymentLinks(payment)) applied += l.kind === 'Invoice' ? l.cents : -l.cents;
    payment.UnappliedAmt = fromCents(Math.max(0, toCents(payment.TotalAmt as number) - applied));
  }

  /** Customer.Balance (own open invoices less unapplied credits and payments) and BalanceWithJobs. */
  recomputeCustomers(customerIds: Iterable<string>): void {
    const wanted = new Set<string>();
    for (const id of customerIds) {
      // A job's balance also changes every ancestor's BalanceWithJobs.
      let current: string | undefined = id;
      for (let depth = 0; current && depth < 6; depth++) {
        wanted.add(current);
        current = refValue(this.t.customers.get(current)?.ParentRef);
      }
    }
    const own = new Map<string, number>();
    for (const id of wanted) {
      const txns = this.byCustomer.get(id);
      let cents = 0;
      for (const iid of txns?.Invoice ?? []) cents += toCents(this.t.invoices.get(iid)?.Balance as number);
      for (const cid of txns?.CreditMemo ?? [])
        cents -= toCents(this.t.creditMemos.get(cid)?.RemainingCredit as number);
      for (const pid of txns?.Payment ?? []) cents -= toCents(this.t.payments.get(pid)?.UnappliedAmt as number);
      own.set(id, cents);
    }

    const children = new Map<string, string[]>();
    for (const c of this.t.customers.values()) {
      const parent = refValue(c.ParentRef);
      if (parent) children.set(parent, [...(children.get(parent) ?? []), c.Id]);
    }
    const withJobs = (id: string, depth: number): number => {
      let sum = own.get(id) ?? toCents(this.t.customers.get(id)?.Balance as number);
      if (depth < 6) for (const child of children.get(id) ?? []) sum += withJobs(child, depth + 1);
      return sum;
    };
    for (const id of wanted) {
      const c = this.t.customers.get(id);
      if (!c) continue;
      c.Balance = fromCents(own.get(id) ?? 0);
      c.BalanceWithJobs = fromCents(withJobs(id, 0));
    }
  }

  /**
   * Keeps the customer → transactions index current; the company calls it on every write of an invoice,
   * credit memo or payment (before/after = undefined for none). Returns the customers affected.
   */
  track(kind: TrackedKind, before: QboObject | undefined, after: QboObject | undefined): string[] {
    const affected: string[] = [];
    for (const [obj, add] of [
      [before, false],
      [after, true],
    ] as const) {
      const customerId = obj ? refValue(obj.CustomerRef) : undefined;
      if (!obj || customerId === undefined) continue;
      let entry = this.byCustomer.get(customerId);
      if (!entry)
        this.byCustomer.set(customerId, (entry = { Invoice: new Set(), CreditMemo: new Set(), Payment: new Set() }));
      if (add) entry[kind].add(obj.Id);
      else entry[kind].delete(obj.Id);
      affected.push(customerId);
    }
    return affected;
  }

  private index(payment: QboObject, add: boolean): void {
    for (const l of paymentLinks(payment)) {
      const key: TxnKey = `${l.kind}:${l.id}`;
      let set = this.paymentsByTxn.get(key);
      if (!set) this.paymentsByTxn.set(key, (set = new Set()));
      if (add) set.add(payment.Id);
      else set.delete(payment.Id);
    }
  }
}
