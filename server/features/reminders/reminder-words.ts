import { stageInWords } from './domain/calendar.js';
import { reasonInWords } from './domain/reminder-reasons.js';
import type { Reminder, ReminderReason, ReminderStatus } from './reminder-store-type.js';

/** A held or skipped row's reason as a sentence a bookkeeper can act on. */
export function reminderReasonInWords(reason: ReminderReason, locale = 'en-US'): string {
  switch (reason.code) {
    case 'email-channel-not-set-up':
      return 'Waiting: email reminders need SMTP_URL; see docs/configuration.md. This reminder has not been sent.';
    case 'invoice-gone':
      return 'Skipped: the invoice is no longer in QuickBooks.';
    default:
      return reasonInWords(reason, locale);
  }
}

/** Why a failed row waits for a person, in words. */
export function failedInWords(r: Pick<Reminder, 'lastError'>): string {
  const why = r.lastError ? ` (${r.lastError.message})` : '';
  return `Not sent${why}: it is sent again only when someone approves it again.`;
}

/** Why a row to review waits for a person, in words. */
export function toReviewInWords(r: Pick<Reminder, 'lastError'>): string {
  const why = r.lastError ? ` (${r.lastError.message})` : '';
  return `May have been sent: the send was interrupted${why}. It is never sent again on its own.`;
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

/** "invoice 1042", "invoices 1042 and 1050", "invoices 1042, 1050 and 1061". */
export function invoicesInWords(rows: ReadonlyArray<Pick<Reminder, 'docNumber' | 'invoiceId'>>): string {
  if (rows.length === 1) return invoiceInWords(rows[0]!);
  const numbers = rows.map((r) => r.docNumber ?? r.invoiceId);
  return `invoices ${numbers.slice(0, -1).join(', ')} and ${numbers[numbers.length - 1]!}`;
}

const TONE_IN_NOTE = { friendly: 'friendly', firm: 'firm', final: 'final notice' } as const;

/** The stage as a note line gives it: "+7 days", "-3 days", "due date", "sent by hand". */
export function stageInNote(stageDays: number | null): string {
  if (stageDays === null) return 'sent by hand';
  if (stageDays === 0) return 'due date';
  const n = Math.abs(stageDays);
  return `${stageDays > 0 ? '+' : '-'}${n} day${n === 1 ? '' : 's'}`;
}

/**
 * The dated line an emailed reminder leaves on its invoice in QuickBooks (PrivateNote):
 * `2026-11-02 Duesense reminder (+7 days, firm) emailed to a@b.com`, at most 200 characters (addresses beyond
 * what fits are counted, not named).
 */
export function invoiceNoteLine(
  today: string,
  row: Pick<Reminder, 'stageDays' | 'tone'>,
  to: readonly string[],
  max = 200,
): string {
  const head = `${today} Duesense reminder (${stageInNote(row.stageDays)}, ${TONE_IN_NOTE[row.tone]}) emailed to `;
  for (let named = to.length; named >= 1; named--) {
    const more = to.length - named;
    const line = head + to.slice(0, named).join(', ') + (more > 0 ? ` and ${more} more` : '');
    if (line.length <= max) return line;
  }
  const cut = `${head}${to.length} address${to.length === 1 ? '' : 'es'}`;
  return cut.slice(0, max);
}
