/**
 * Why an invoice got no reminder on a run, as data (for the queue, the customer's timeline and the CLI) and in
 * words. Nothing is skipped silently: every open invoice the plan looks at is either due or has one of these.
 */
import { formatMoney } from '../../../money.js';
import type { Strategy } from '../../risk/domain/risk-policy.js';
import { dateInWords, daysInWords, stageInWords } from './calendar.js';

/** The state of a reminder on record for an (invoice, stage); any of them takes the stage for good. */
export const RECORD_STATUSES = ['queued', 'sending', 'sent', 'failed', 'skipped'] as const;
export type RecordStatus = (typeof RECORD_STATUSES)[number];

export type NotRemindedReason =
  | { code: 'unknown-customer' }
  | { code: 'balance-zero' }
  | { code: 'excluded' }
  | { code: 'paused' }
  | { code: 'disputed' }
  | { code: 'snoozed'; until: string }
  | { code: 'under-minimum'; minimumCents: number; currency: string }
  | { code: 'no-stages'; strategy: Strategy }
  | { code: 'no-stage-due'; nextStageOn: string }
  | { code: 'stage-already-done'; stageDays: number; status: RecordStatus; nextStageOn: string | null }
  | { code: 'max-per-invoice'; max: number }
  | { code: 'held'; unappliedPaymentCents: number; unusedCreditCents: number; currency: string }
  | { code: 'no-email' }
  | { code: 'not-business-day'; nextBusinessDay: string }
  | { code: 'min-gap'; lastEmailOn: string; nextAllowedOn: string; minGapDays: number }
  | { code: 'daily-cap'; cap: number };

export type ReasonCode = NotRemindedReason['code'];

const STATUS_WORDS: Readonly<Record<RecordStatus, string>> = {
  queued: 'is already in the queue',
  sending: 'was already being sent (shown for review, never sent twice)',
  sent: 'was already sent',
  failed: 'already failed (shown for review, not sent again)',
  skipped: 'was skipped by a person',
};

/** The reason in one sentence a bookkeeper can act on. */
export function reasonInWords(reason: NotRemindedReason, locale = 'en-US'): string {
  const date = (d: string) => dateInWords(d, locale);
  const money = (cents: number, currency: string) => formatMoney(cents, currency, locale);
  switch (reason.code) {
    case 'unknown-customer':
      return 'Cannot send: the invoice’s customer is not in the local copy of QuickBooks yet.';
    case 'balance-zero':
      return 'Paid: the balance is zero.';
    case 'excluded':
      return 'Excluded: the customer is excluded from automatic actions.';
    case 'paused':
      return 'Paused: reminders are paused for this customer.';
    case 'disputed':
      return 'Disputed: a dispute is recorded on this invoice.';
    case 'snoozed':
      return `Snoozed until ${date(reason.until)}.`;
    case 'under-minimum':
      return `Under the minimum amount of ${money(reason.minimumCents, reason.currency)}.`;
    case 'no-stages':
      return `No reminders: the policy gives ${reason.strategy} customers no stages.`;
    case 'no-stage-due':
      return `Nothing due yet: the first reminder is on ${date(reason.nextStageOn)}.`;
    case 'stage-already-done': {
      const stage = `The reminder ${stageInWords(reason.stageDays)} ${STATUS_WORDS[reason.status]}`;
      return reason.nextStageOn === null
        ? `${stage}; it was the last stage.`
        : `${stage}; the next one is on ${date(reason.nextStageOn)}.`;
    }
    case 'max-per-invoice':
      return `Limit reached: ${reason.max} reminders already went out for this invoice.`;
    case 'held':
      return `Held: the customer has ${heldMoney(reason, money)} in QuickBooks, which usually means the money arrived.`;
    case 'no-email':
      return 'Cannot send: no email address on the invoice or the customer.';
    case 'not-business-day':
      return `Not a business day: it waits until ${date(reason.nextBusinessDay)}.`;
    case 'min-gap':
      return (
        `Too soon: the customer was emailed on ${date(reason.lastEmailOn)} and the gap between emails is ` +
        `${daysInWords(reason.minGapDays)}; it can go on ${date(reason.nextAllowedOn)}.`
      );
    case 'daily-cap':
      return `Daily cap of ${reason.cap} reached: it goes out on the next run with room.`;
  }
}

function heldMoney(
  reason: Extract<NotRemindedReason, { code: 'held' }>,
  money: (cents: number, currency: string) => string,
): string {
  const parts: string[] = [];
  if (reason.unappliedPaymentCents > 0)
    parts.push(`an unapplied payment of ${money(reason.unappliedPaymentCents, reason.currency)}`);
  if (reason.unusedCreditCents > 0) parts.push(`unused credit of ${money(reason.unusedCreditCents, reason.currency)}`);
  return parts.join(' and ');
}
