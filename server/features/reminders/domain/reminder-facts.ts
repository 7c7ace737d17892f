/**
 * The facts of one company the reminder plan reads: its open invoices, their customers and the reminders already
 * on record. The caller builds them from the local copy of QuickBooks and Duesense's own tables; the plan reads
 * every one of them, and none has a silent default.
 */
import type { Strategy } from '../../risk/domain/risk-policy.js';
import type { RecordStatus } from './reminder-reasons.js';

export interface InvoiceToRemind {
  invoiceId: string;
  /** QuickBooks' DocNumber, the number the customer knows; null when the invoice has none. */
  docNumber: string | null;
  customerId: string;
  /** YYYY-MM-DD, as QuickBooks gives it: a calendar date in the company's time zone. */
  dueDate: string;
  /** Invoice.Balance in cents of the invoice's currency. */
  openBalanceCents: number;
  currency: string;
  /** Invoice.ExchangeRate: home currency per unit of the invoice's currency; 1 for an invoice in the home currency. */
  exchangeRate: number;
  /** Invoice.BillEmail.Address (QuickBooks allows several, comma-separated); null when empty. */
  billEmail: string | null;
  /**
   * When QuickBooks last emailed this invoice (DeliveryInfo.DeliveryTime while EmailStatus is EmailSent): the
   * invoice itself, a reminder QuickBooks sent on its own, or a person's send from QuickBooks. It counts toward the
   * gap between two emails to the customer, so Duesense does not follow QuickBooks' own email a day later.
   */
  lastEmailedAt: Date | null;
  /** A person snoozed the invoice: no reminder before this date (YYYY-MM-DD, the company's zone). */
  snoozedUntil: string | null;
  /** A dispute is recorded on the invoice: no reminder while it stands. */
  disputed: boolean;
}

export interface CustomerToRemind {
  customerId: string;
  /** The customer's strategy from the latest score run; null when never scored (reminded as Standard). */
  strategy: Strategy | null;
  /** Customer.PrimaryEmailAddr.Address; null when empty. */
  email: string | null;
  /** Excluded from every automatic action (write-back and reminders). */
  excluded: boolean;
  remindersPaused: boolean;
  /** Payments received from the customer not yet applied to an invoice (Payment.UnappliedAmt), in cents. */
  unappliedPaymentCents: number;
  /** Credit memos with a remaining balance (CreditMemo.RemainingCredit), in cents. */
  unusedCreditCents: number;
  /**
   * The last email Duesense sent or queued for this customer, by either channel, including reminders of invoices
   * no longer open; null for none. The plan also reads the records and the invoices' lastEmailedAt.
   */
  lastEmailAt: Date | null;
}

/** A reminder on record for an invoice: one per (invoice, stage), and any number sent by hand. */
export interface ReminderRecord {
  invoiceId: string;
  /** The stage, in days from the due date; null for a reminder a person sent with "Send a reminder now". */
  stageDays: number | null;
  status: RecordStatus;
  /** When it was queued or sent. */
  at: Date;
}

export interface ReminderFacts {
  /** The company's home currency: the minimum amount is in it. */
  homeCurrency: string;
  invoices: readonly InvoiceToRemind[];
  customers: readonly CustomerToRemind[];
  records: readonly ReminderRecord[];
}

/**
 * Whether a record is a reminder that went, or may have gone, to the customer: every status but skipped. A failed
 * or interrupted send may still have reached them, so it counts toward the limits (never twice beats never missed).
 */
export function reachedCustomer(record: Pick<ReminderRecord, 'status'>): boolean {
  return record.status !== 'skipped';
}

/** The addresses in an email field: QuickBooks allows several, separated by commas or semicolons. */
export function addressesIn(field: string | null): string[] {
  if (field === null) return [];
  return field
    .split(/[,;\s]+/)
    .map((address) => address.trim())
    .filter((address) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(address));
}
