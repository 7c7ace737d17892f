import type { QboErrorClass } from '../../qbo/qbo-errors.js';
import type { ReminderChannel, ReminderPolicy, ReminderTone } from './domain/reminder-policy.js';
import type { NotRemindedReason, RecordStatus } from './domain/reminder-reasons.js';
import type { ReminderTemplates } from './domain/reminder-templates.js';

export const REMINDER_STATUSES = [
  'awaiting_approval',
  'approved',
  'sending',
  'sent',
  'failed',
  'skipped',
  'needs_review',
] as const;
export type ReminderStatus = (typeof REMINDER_STATUSES)[number];

/**
 * What each status is to the plan (reminder-reasons.ts): a row waiting for a person or for its send is queued; a
 * row left to review after an interrupted send may have reached the customer, as one still sending may.
 */
export const RECORD_STATUS_OF: Readonly<Record<ReminderStatus, RecordStatus>> = {
  awaiting_approval: 'queued',
  approved: 'queued',
  sending: 'sending',
  sent: 'sent',
  failed: 'failed',
  skipped: 'skipped',
  needs_review: 'sending',
};

export const REMINDER_ORIGINS = ['nightly', 'cli', 'panel', 'send-now'] as const;
export type ReminderOrigin = (typeof REMINDER_ORIGINS)[number];

/**
 * Why a row is held or was skipped: a reason of the plan's guards (found again when the invoice was read fresh
 * before sending), or one of the sender's own.
 */
export type ReminderReason =
  | NotRemindedReason
  /** The deployment has no SMTP server (SMTP_URL): the email channel's rows wait, and are never reported as sent. */
  | { code: 'email-channel-not-set-up' }
  /** The invoice is no longer in QuickBooks (deleted or voided). */
  | { code: 'invoice-gone' };

export interface ReminderError {
  errorClass: QboErrorClass | 'unknown';
  code: string | null;
  message: string;
  intuitTid: string | null;
}

/** One reminder on record (reminders): the outbox row of one (invoice, stage), or of a person's "send now". */
export interface Reminder {
  id: number;
  realmId: string;
  invoiceId: string;
  docNumber: string | null;
  customerId: string;
  /** Days from the due date; null for a reminder a person sent with "Send a reminder now". */
  stageDays: number | null;
  idempotencyKey: string;
  channel: ReminderChannel;
  tone: ReminderTone;
  status: ReminderStatus;
  reason: ReminderReason | null;
  to: string[];
  /** The text as rendered (the email channel's); null for QuickBooks' channel, whose wording QuickBooks sets. */
  subject: string | null;
  text: string | null;
  origin: ReminderOrigin;
  actor: string;
  attempts: number;
  lastError: ReminderError | null;
  decidedBy: string | null;
  decidedAt: Date | null;
  /** When the send under way (or the last one) started. */
  sendingAt: Date | null;
  sentAt: Date | null;
  /** The email channel's SMTP Message-ID (one for every row of one customer's email); null otherwise. */
  messageId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewReminder extends Pick<
  Reminder,
  'realmId' | 'invoiceId' | 'docNumber' | 'customerId' | 'stageDays' | 'idempotencyKey' | 'channel' | 'tone'
> {
  status: 'awaiting_approval' | 'approved';
  reason?: ReminderReason | null | undefined;
  to: readonly string[];
  subject?: string | null | undefined;
  text?: string | null | undefined;
  origin: ReminderOrigin;
  actor: string;
  /** Who approved it as it was queued (automatic mode, `--approve-all`). */
  decidedBy?: string | undefined;
}

/**
 * A conditional change of one row: it happens only while the row is in one of `from` (and, with `whileSendingAt`,
 * only while its send started at that instant), so two processes never both take the same row.
 */
export interface ReminderMove {
  from: readonly ReminderStatus[];
  to: ReminderStatus;
  at: Date;
  whileSendingAt?: Date | undefined;
  reason?: ReminderReason | null | undefined;
  lastError?: ReminderError | null | undefined;
  /** Sets decided_by, and decided_at to `at`. */
  decidedBy?: string | undefined;
  sendingAt?: Date | null | undefined;
  sentAt?: Date | undefined;
  /** The addresses it went (or goes) to, when they changed since it was queued. */
  sentTo?: readonly string[] | undefined;
  /** One attempt more (+1), or one given back (−1). */
  attempts?: 1 | -1 | undefined;
  /** The SMTP Message-ID the email channel's message went with. */
  messageId?: string | undefined;
  /** The text as sent, when it was written again at send time (an invoice left out of the email). */
  message?: { subject: string; text: string } | undefined;
}

export interface ReminderQuery {
  status?: ReminderStatus | undefined;
  customerId?: string | undefined;
  invoiceId?: string | undefined;
  channel?: ReminderChannel | undefined;
  /** Keyset paging: rows older than this id. */
  beforeId?: number | undefined;
  limit?: number | undefined;
}

/** The company's policy as saved; the default (version 1, approval mode) until the owner saves one. */
export interface StoredReminderPolicy {
  policy: ReminderPolicy;
  savedBy: string | null;
  savedAt: Date | null;
}

/**
 * The company's reminder templates: its own once saved, else the default texts (never saved, or reset to them,
 * which is saved as a version too: the version only goes up).
 */
export interface StoredReminderTemplates {
  templates: ReminderTemplates;
  /** False while the company uses the default texts. */
  own: boolean;
  savedBy: string | null;
  savedAt: Date | null;
}

/** What a person decided about one invoice. */
export interface InvoiceControls {
  invoiceId: string;
  /** YYYY-MM-DD in the company's zone: no reminder before it. */
  snoozedUntil: string | null;
  disputed: boolean;
  disputeNote: string | null;
  updatedBy: string;
  updatedAt: Date;
}

/**
 * The reminder outbox (reminders), each company's reminder policy (reminder_settings) and templates
 * (reminder_templates), and the controls people set on invoices (invoice_controls); all scoped by realm.
 */
export interface ReminderStore {
  /** Adds the rows whose idempotency keys are new, in one transaction; returns the rows added, oldest first. */
  enqueue(rows: readonly NewReminder[], at: Date): Promise<Reminder[]>;
  /** A conditional change of one row of the company; false when the row was not in a state it applies to. */
  move(realmId: string, id: number, m: ReminderMove): Promise<boolean>;
  /**
   * The same change of several rows of the company in one statement (a customer's rows, taken together so that two
   * runners never split one customer's email); returns the ids that moved, in order.
   */
  moveAll(realmId: string, ids: readonly number[], m: ReminderMove): Promise<number[]>;
  get(realmId: string, id: number): Promise<Reminder | undefined>;
  /** Newest first. */
  list(realmId: string, q?: ReminderQuery): Promise<Reminder[]>;
  /** Every row of the company (what the plan reads as records), oldest first. */
  all(realmId: string, customerId?: string): Promise<Reminder[]>;
  /** Rows in `sending` whose send started before `before`: left by a process that died, or still unresolved. */
  staleSending(realmId: string, before: Date): Promise<Reminder[]>;
  counts(realmId: string): Promise<Record<ReminderStatus, number>>;
  /**
   * Companies with rows to send: approved ones; QuickBooks-channel sends left unresolved since `staleBefore`; and
   * email-channel rows left `sending` (whatever their age: a later pass shows them for review).
   */
  realmsToSend(staleBefore: Date): Promise<string[]>;
  /** Validated on every read: a saved policy that fails its checks throws, naming every field. */
  policy(realmId: string): Promise<StoredReminderPolicy>;
  /** Validated again; saved as the next version. Returns what was saved. */
  savePolicy(realmId: string, policy: ReminderPolicy, by: string, at: Date): Promise<StoredReminderPolicy>;
  /** Validated on every read, as the policy: saved templates that fail their checks throw, naming every field. */
  templates(realmId: string): Promise<StoredReminderTemplates>;
  /** Validated again; saved as the next version. `null` goes back to the default texts (as the next version). */
  saveTemplates(
    realmId: string,
    templates: ReminderTemplates | null,
    by: string,
    at: Date,
  ): Promise<StoredReminderTemplates>;
  invoiceControls(realmId: string): Promise<Map<string, InvoiceControls>>;
  setInvoiceControls(
    realmId: string,
    invoiceId: string,
    change: Partial<Pick<InvoiceControls, 'snoozedUntil' | 'disputed' | 'disputeNote'>>,
    by: string,
    at: Date,
  ): Promise<InvoiceControls>;
}
