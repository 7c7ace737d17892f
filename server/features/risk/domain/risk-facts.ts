/**
 * What the risk engine knows, as plain data (no I/O, no QBO shapes). Built from the local copy by
 * sync/company-facts-loader.ts (through the local-copy reader); amounts in integer cents of the home currency.
 */
export interface ApplicationFact {
  /** Payment.TxnDate. */
  date: string;
  cents: number;
  /** False when funded by a credit memo (a zero-total payment linking a credit memo): credits are not cash. */
  cash: boolean;
}

export interface LineFact {
  itemId: string | null;
  qty: number | null;
  /** Line Amount in the invoice's currency. */
  amountCents: number;
}

/** An invoice's lines summed (the loader sums them in the database instead of reading every line). */
export interface LineTotals {
  /** Σ line Amount, in the invoice's currency. */
  amountCents: number;
  /** Σ Amount of the lines whose item has no PurchaseCost (their profit is estimated), invoice currency. */
  uncostedAmountCents: number;
  /** Σ Qty × Item.PurchaseCost (each rounded to the cent) over the lines whose item has a cost, home currency. */
  costCents: number;
}

export interface InvoiceFact {
  id: string;
  docNumber: string | null;
  /** The customer it belongs to after roll-up (top-level parent unless jobs are scored separately). */
  customerId: string;
  txnDate: string;
  /** DueDate, or TxnDate plus the terms' days when QBO has none (effectiveDueDate, applied by the loader). */
  dueDate: string;
  /** In the home currency, as are the applications. */
  totalCents: number;
  applications: ApplicationFact[];
  /** Invoice.ExchangeRate (home currency per unit of the invoice's); absent means 1. */
  exchangeRate?: number;
  lines: readonly LineFact[];
  /** The lines already summed (the loader's form); when present, `lines` is empty and this is used instead. */
  lineTotals?: LineTotals;
}

export interface CustomerFact {
  id: string;
  name: string;
  active: boolean;
  /** 300–850 from the user (manual or CSV); absent by default. */
  creditScore: number | null;
}

export interface ItemFact {
  id: string;
  /** PurchaseCost in cents; null when the item has none (its lines' profit is then estimated). */
  costCents: number | null;
}

export interface CompanyFacts {
  realmId: string;
  homeCurrency: string;
  customers: CustomerFact[];
  invoices: InvoiceFact[];
  items: Map<string, ItemFact>;
}
