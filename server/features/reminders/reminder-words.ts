import { stageInWords } from './domain/calendar.js';
import { reasonInWords } from './domain/reminder-reasons.js';
import type { Reminder, ReminderReason, ReminderStatus } from './reminder-store-type.js';

/** A held or skipped row's reason as a sentence a bookkeeper can act on. */
export function reminderReasonInWords(reason: ReminderReason, locale = 'en-US'): string {
  switch (reason.code) {
    case 'email-channel-not-set-up':
      return 'Waiting: the email channel is not set up yet, so this reminder has not been sent.';
    case 'invoice-gone':
      return 'Skipped: the invoice is no longer in QuickBooks.';
    default:
      return reasonInWords(reason, locale);
  }
}

export const STATUS_IN_WORDS: Readonly<Record<ReminderStatus, string>> = {
  awaiting_approval: 'awaiting approval',
  approved: 'approved, to send',
  sending: 'being sent',
  sent: 'sent',
  failed: 'failed',
  skipped: 'skipped',
  needs_review: 'to review (may have been sent)',
};

/** "invoice 1042" (or the QuickBooks id when it has no number). */
export function invoiceInWords(r: Pick<Reminder, 'docNumber' | 'invoiceId'>): string {
  return r.docNumber ? `invoice ${r.docNumber}` : `invoice with QuickBooks id ${r.invoiceId}`;
}

/** "the reminder 7 days after the due date", or "a reminder sent by hand". */
export function stageOf(r: Pick<Reminder, 'stageDays'>): string {
  return r.stageDays === null ? 'a reminder sent by hand' : `the reminder ${stageInWords(r.stageDays)}`;
}

export const CHANNEL_IN_WORDS = { quickbooks: 'QuickBooks', email: 'email' } as const;
