import type { InvoiceFact } from '../domain/risk-facts.js';

/**
 * What the late-payment model reads of each invoice (id, customer, dates, total, applications), as columns a
 * worker thread receives without copying object by object: structured cloning 100k invoice objects took
 * longer than training on them. Repeated strings (customers, dates) are sent once and indexed.
 */
export interface PackedInvoices {
  /** JSON arrays of strings: one string to copy instead of 100k. */
  idsJson: string;
  customersJson: string;
  datesJson: string;
  customer: Int32Array;
  txnDate: Int32Array;
  dueDate: Int32Array;
  totalCents: Float64Array;
  /** Invoice i's applications are entries [appStart[i], appStart[i + 1]) of the app* columns. */
  appStart: Int32Array;
  appDate: Int32Array;
  appCents: Float64Array;
  appCash: Uint8Array;
}

export function packInvoices(invoices: readonly InvoiceFact[]): PackedInvoices {
  const n = invoices.length;
  const customers = new Dictionary();
  const dates = new Dictionary();
  const customer = new Int32Array(n);
  const txnDate = new Int32Array(n);
  const dueDate = new Int32Array(n);
  const totalCents = new Float64Array(n);
  const appStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) appStart[i + 1] = appStart[i]! + invoices[i]!.applications.length;
  const appDate = new Int32Array(appStart[n]!);
  const appCents = new Float64Array(appStart[n]!);
  const appCash = new Uint8Array(appStart[n]!);
  for (let i = 0; i < n; i++) {
    const inv = invoices[i]!;
    customer[i] = customers.index(inv.customerId);
    txnDate[i] = dates.index(inv.txnDate);
    dueDate[i] = dates.index(inv.dueDate);
    totalCents[i] = inv.totalCents;
    let at = appStart[i]!;
    for (const a of inv.applications) {
      appDate[at] = dates.index(a.date);
      appCents[at] = a.cents;
      appCash[at] = a.cash ? 1 : 0;
      at++;
    }
  }
  return {
    idsJson: JSON.stringify(invoices.map((i) => i.id)), customersJson: JSON.stringify(customers.values), datesJson: JSON.stringify(dates.values),
    customer, txnDate, dueDate, totalCents, appStart, appDate, appCents, appCash,
  };
}

/** The typed arrays' buffers, to transfer rather than copy. */
export function transferList(p: PackedInvoices): ArrayBuffer[] {
  return [p.customer, p.txnDate, p.dueDate, p.totalCents, p.appStart, p.appDate, p.appCents, p.appCash].map((a) => a.buffer as ArrayBuffer);
}

/** The invoices again, with what the model reads; lines and document numbers are not carried. */
export function unpackInvoices(p: PackedInvoices): InvoiceFact[] {
  const ids = JSON.parse(p.idsJson) as string[];
  const customers = JSON.parse(p.customersJson) as string[];
  const dates = JSON.parse(p.datesJson) as string[];
  const invoices = new Array<InvoiceFact>(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const applications: InvoiceFact['applications'] = [];
    for (let a = p.appStart[i]!; a < p.appStart[i + 1]!; a++) applications.push({ date: dates[p.appDate[a]!]!, cents: p.appCents[a]!, cash: p.appCash[a] === 1 });
    invoices[i] = {
      id: ids[i]!, docNumber: null, customerId: customers[p.customer[i]!]!, txnDate: dates[p.txnDate[i]!]!, dueDate: dates[p.dueDate[i]!]!,
      totalCents: p.totalCents[i]!, applications, lines: [],
    };
  }
  return invoices;
}

/** Distinct strings in first-seen order, each with its index. */
class Dictionary {
  readonly values: string[] = [];
  private readonly indexes = new Map<string, number>();
  index(value: string): number {
    let at = this.indexes.get(value);
    if (at === undefined) {
      at = this.values.length;
      this.values.push(value);
      this.indexes.set(value, at);
    }
    return at;
  }
}
