import { describe, expect, it } from 'vitest';
import {
  dueStatusInWords,
  nextBusinessDay,
  stageInWords,
  weekdayOf,
  type BusinessCalendar,
} from '../../../server/features/reminders/domain/calendar.js';
import { addressesIn } from '../../../server/features/reminders/domain/reminder-facts.js';
import { checkSendNow } from '../../../server/features/reminders/domain/reminder-guards.js';
import { DEFAULT_REMINDER_POLICY } from '../../../server/features/reminders/domain/reminder-policy.js';
import { reasonInWords, type NotRemindedReason } from '../../../server/features/reminders/domain/reminder-reasons.js';
import { TUESDAY, customer, invoice } from './reminder-builders.js';

describe('"Send a reminder now"', () => {
  const check = (i = invoice(), c = customer()) => checkSendNow(i, c, DEFAULT_REMINDER_POLICY, TUESDAY, 'UTC');

  it('When nothing stops it, then it goes in the strategy’s tone, by its channel, whatever the schedule says', () => {
    const notDueYet = invoice({ dueDate: '2026-05-01', openBalanceCents: 100 });
    expect(check(notDueYet, customer({ strategy: 'AR follow-up' }))).toEqual({
      ok: true,
      tone: 'firm',
      channel: 'quickbooks',
      to: ['ap@elm.test'],
    });
  });

  it('When the invoice is paid, excluded, paused, disputed, snoozed, held or has no address, then no', () => {
    const refusals: Array<[ReturnType<typeof check>, NotRemindedReason['code']]> = [
      [check(invoice({ openBalanceCents: 0 })), 'balance-zero'],
      [check(invoice(), customer({ excluded: true })), 'excluded'],
      [check(invoice(), customer({ remindersPaused: true })), 'paused'],
      [check(invoice({ disputed: true })), 'disputed'],
      [check(invoice({ snoozedUntil: '2026-03-20' })), 'snoozed'],
      [check(invoice(), customer({ unappliedPaymentCents: 1 })), 'held'],
      [check(invoice({ billEmail: null }), customer({ email: null })), 'no-email'],
    ];
    for (const [result, code] of refusals) expect(result).toMatchObject({ ok: false, reason: { code } });
  });
});

describe('reasons in words', () => {
  const cases: Array<[NotRemindedReason, string]> = [
    [{ code: 'balance-zero' }, 'Paid: the balance is zero.'],
    [
      { code: 'held', unappliedPaymentCents: 12_000, unusedCreditCents: 2_550, currency: 'USD' },
      'Held: the customer has an unapplied payment of $120.00 and unused credit of $25.50 in QuickBooks, ' +
        'which usually means the money arrived.',
    ],
    [{ code: 'no-email' }, 'Cannot send: no email address on the invoice or the customer.'],
    [{ code: 'snoozed', until: '2026-03-20' }, 'Snoozed until March 20, 2026.'],
    [{ code: 'under-minimum', minimumCents: 1000, currency: 'CAD' }, 'Under the minimum amount of CA$10.00.'],
    [{ code: 'not-business-day', nextBusinessDay: '2026-03-16' }, 'Not a business day: it waits until March 16, 2026.'],
    [
      { code: 'min-gap', lastEmailOn: '2026-03-09', nextAllowedOn: '2026-03-12', minGapDays: 3 },
      'Too soon: the customer was emailed on March 9, 2026 and the gap between emails is 3 days; ' +
        'it can go on March 12, 2026.',
    ],
    [
      { code: 'stage-already-done', stageDays: 7, status: 'skipped', nextStageOn: '2026-03-24' },
      'The reminder 7 days after the due date was skipped by a person; the next one is on March 24, 2026.',
    ],
    [
      { code: 'stage-already-done', stageDays: 30, status: 'sent', nextStageOn: null },
      'The reminder 30 days after the due date was already sent; it was the last stage.',
    ],
    [{ code: 'daily-cap', cap: 50 }, 'Daily cap of 50 reached: it goes out on the next run with room.'],
    [{ code: 'max-per-invoice', max: 5 }, 'Limit reached: 5 reminders already went out for this invoice.'],
    [{ code: 'no-stages', strategy: 'Loyalty' }, 'No reminders: the policy gives Loyalty customers no stages.'],
  ];
  it('Then each reason reads as a sentence a bookkeeper can act on', () => {
    for (const [reason, words] of cases) expect(reasonInWords(reason)).toBe(words);
  });
});

describe('the calendar', () => {
  it('Then weekdays, the next business day, stages and where an invoice stands read as expected', () => {
    expect(weekdayOf('2026-03-14')).toBe('Saturday');
    const calendar: BusinessCalendar = { businessDays: ['Monday', 'Friday'], holidays: ['2026-03-16'] };
    expect(nextBusinessDay('2026-03-14', calendar)).toBe('2026-03-20');
    expect([-3, -1, 0, 1, 30].map(stageInWords)).toEqual([
      '3 days before the due date',
      '1 day before the due date',
      'on the due date',
      '1 day after the due date',
      '30 days after the due date',
    ]);
    expect(
      ['2026-03-13', '2026-03-10', '2026-03-09', '2026-03-01'].map((due) => dueStatusInWords(due, '2026-03-10')),
    ).toEqual(['due in 3 days', 'due today', '1 day overdue', '9 days overdue']);
  });

  it('When an email field holds several addresses, junk or nothing, then only addresses are kept', () => {
    expect(addressesIn('a@x.test; b@y.test,c@z.test')).toEqual(['a@x.test', 'b@y.test', 'c@z.test']);
    expect(addressesIn('none, n/a, @x, a@b')).toEqual([]);
    expect(addressesIn(null)).toEqual([]);
  });
});
