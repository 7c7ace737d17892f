/**
 * What the risk engine knows, as plain data (no I/O, no QBO shapes). Built from the local copy by
 * risk-facts-loader.ts; amounts in integer cents of the home currency.
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
  amountCents: number;
}

export interface InvoiceFact {
  id: string;
  docNumber: string | null;
  /** The customer it belongs to after roll-up (top-level parent unless jobs are scored separately). */
  customerId: string;
  txnDate: string;
  /** DueDate, or TxnDate plus default terms when QBO has none (see the loader). */
  dueDate: string;
  totalCents: number;
  applications: ApplicationFact[];
  lines: readonly LineFact[];
  /**
   * The lines' gross profit when the loader has already summed them (in SQL, to avoid reading every line):
   * amount − qty × item cost, with lines whose item has no cost counted at full amount (`estimatedCents`).
   * When present, `lines` is empty and this is used instead.
   */
  lineProfit?: { grossProfitCents: number; estimatedCents: number };
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
