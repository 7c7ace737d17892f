import type { QboEntity } from '../../qbo/qbo-api-client.js';
import type { CompanyFacts } from '../risk/domain/risk-facts.js';

/** A customer and the jobs below it, with names; depth 0 is the customer itself. */
export interface CoveredCustomer {
  id: string;
  name: string;
  depth: number;
}

/** An invoice as QBO has it: its date and its total in the home currency. */
export interface InvoiceOnFile {
  txnDate: string | null;
  totalCents: number | null;
}

/** What the company's customer list is made of, so a page can say what a customer count counts. */
export interface CustomerOverview {
  /** Every customer in the local copy (ones deleted in QuickBooks left out), jobs included. */
  all: number;
  /** Of them, jobs (sub-customers): when jobs roll up, their invoices count under their top-level customer. */
  jobs: number;
  /** Top-level customers marked inactive in QuickBooks (they are scored all the same). */
  inactive: number;
  /** The first two active top-level customers by Id (the credit-score CSV example). */
  examples: Array<{ id: string; name: string }>;
}

/**
 * The read side of the local copy of a company's QuickBooks data (the qbo_* tables, which the sync writes),
 * for the features that score and show it. Every read is scoped to one company.
 */
export interface LocalCopyReader {
  /**
   * The engine's facts (sync/company-facts-loader.ts). Customers come with a null credit score: credit scores
   * are Duesense's own data (risk/customer-input-store.ts).
   */
  companyFacts(realmId: string, o: { rollUpJobs: boolean; customerIds?: readonly string[] }): Promise<CompanyFacts>;
  /** The customer and, when jobs roll up, every job below it (jobs of jobs too); empty for an unknown id. */
  customerAndJobs(realmId: string, customerId: string, rollUpJobs: boolean): Promise<CoveredCustomer[]>;
  /** The customer's email and whether it is active in QBO; undefined for an unknown id. */
  customerContact(realmId: string, customerId: string): Promise<{ email: string | null; active: boolean } | undefined>;
  /** These invoices' dates and totals, by invoice id; ids not in the copy are left out. */
  invoicesOnFile(realmId: string, invoiceIds: readonly string[]): Promise<Map<string, InvoiceOnFile>>;
  /** Every live customer's display name by id. */
  customerNames(realmId: string): Promise<Map<string, string>>;
  /** How many customers, jobs and inactive customers the copy holds, and two active ones to show as examples. */
  /**
   * `syncedAt` is when the last sync of the company finished: the overview is kept until another sync finishes
   * (and for at most 30 seconds, for what webhooks change in between).
   */
  customerOverview(realmId: string, syncedAt: Date | null): Promise<CustomerOverview>;
  /**
   * Live records as QuickBooks sent them (raw JSON, SyncToken included): these ids, or every live one of the entity
   * when no ids are given. What write-back merges into.
   */
  rawEntities(realmId: string, entity: 'Customer' | 'Invoice', ids?: readonly string[]): Promise<QboEntity[]>;
  /** Open invoices (balance above zero, not voided) as QuickBooks sent them. */
  openInvoiceEntities(realmId: string, customerId?: string): Promise<QboEntity[]>;
  /** The company's active CustomerTypes, by name: what a risk tier may be mapped to (the API cannot create them). */
  customerTypes(realmId: string): Promise<Array<{ id: string; name: string }>>;
  /**
   * Money each customer has in QuickBooks not yet matched to an invoice: payments' UnappliedAmt and credit memos'
   * RemainingCredit, in cents (customers with none left out). What holds a reminder.
   */
  moneyWaiting(realmId: string, customerId?: string): Promise<Map<string, MoneyWaiting>>;
  /** The company's active CustomerTypes, by name: what a risk tier may be mapped to (the API cannot create them). */
  customerTypes(realmId: string): Promise<Array<{ id: string; name: string }>>;
}

export interface MoneyWaiting {
  unappliedPaymentCents: number;
  unusedCreditCents: number;
}
