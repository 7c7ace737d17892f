import type { QboObject } from './entity-registry.js';

/**
 * A company as a JSON file: QBO-shaped entities exactly as the real API returns them, plus two emulator
 * fields (`timeZone`, `webhookVerifier` is not here: webhooks are configured on the emulator, not per file).
 * Derived fields (Invoice.Balance, Customer.Balance/BalanceWithJobs, Payment.UnappliedAmt, LinkedTxn on
 * invoices and credit memos) are recomputed on load, so a file may omit them.
 */
export interface CompanyFile {
  realmId: string;
  /** IANA zone the company's DateTimes are rendered in; default America/Los_Angeles (Intuit's sandbox). */
  timeZone?: string;
  CompanyInfo: QboObject;
  Preferences?: QboObject;
  Customers: QboObject[];
  Items: QboObject[];
  Terms: QboObject[];
  CustomerTypes?: QboObject[];
  Invoices: QboObject[];
  Payments: QboObject[];
  CreditMemos: QboObject[];
}

export const DEFAULT_TIME_ZONE = 'America/Los_Angeles';
