import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REMINDER_POLICY,
  checkReminderPolicy,
  parseReminderPolicy,
  remindersFor,
  type ReminderPolicy,
} from '../../../server/features/reminders/domain/reminder-policy.js';

const saved = (change: Record<string, unknown>) => ({ ...structuredClone(DEFAULT_REMINDER_POLICY), ...change });

/** The errors of a policy with `change`, as field → message. */
function errorsOf(change: Record<string, unknown>): Record<string, string> {
  const checked = checkReminderPolicy(saved(change));
  if (checked.ok) throw new Error('expected the policy to be refused');
  return Object.fromEntries(checked.errors.map((e) => [e.field, e.message]));
}

describe('the reminder policy', () => {
  it('When the defaults are saved and read back, then they are the same policy', () => {
    expect(parseReminderPolicy(JSON.parse(JSON.stringify(DEFAULT_REMINDER_POLICY)))).toEqual(DEFAULT_REMINDER_POLICY);
  });

  it('Then a new company starts in approval mode, on QuickBooks’ email, with the stages and tones of the issue', () => {
    const p = DEFAULT_REMINDER_POLICY;
    expect(p.mode).toBe('approval');
    expect(p.stages).toEqual([-3, 0, 7, 14, 30]);
    expect(
      Object.fromEntries(Object.entries(p.strategies).map(([s, rule]) => [s, [rule.tone, rule.channel, rule.stages]])),
    ).toEqual({
      Standard: ['friendly', 'quickbooks', [-3, 0, 7, 14, 30]],
      Loyalty: ['friendly', 'quickbooks', [7, 14, 30]],
      'Send reminders': ['friendly', 'quickbooks', [-3, 0, 7, 14, 30]],
      'AR follow-up': ['firm', 'quickbooks', [-3, 0, 7, 14, 30]],
      'Credit restriction': ['final', 'quickbooks', [-3, 0, 7, 14, 30]],
    });
    expect(p.businessDays).toEqual(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday']);
    expect([p.dailyCap, p.maxPerInvoice, p.minGapDays, p.minimumAmountCents]).toEqual([50, 5, 3, 1000]);
    expect(p.wording).toEqual({ earlyPaymentDiscount: null, lateFee: null });
  });

  it('When a customer was never scored, then it is reminded as Standard', () => {
    expect(remindersFor(DEFAULT_REMINDER_POLICY, null)).toBe(DEFAULT_REMINDER_POLICY.strategies.Standard);
  });

  it('When lists come in any order or with repeats that do not matter, then they are kept in order', () => {
    const p = parseReminderPolicy(
      saved({
        stages: [30, -3, 14, 0, 7],
        businessDays: ['Friday', 'Monday'],
        holidays: ['2026-12-25', '2026-01-01', '2026-12-25'],
      }),
    );
    expect(p.stages).toEqual([-3, 0, 7, 14, 30]);
    expect(p.businessDays).toEqual(['Monday', 'Friday']);
    expect(p.holidays).toEqual(['2026-01-01', '2026-12-25']);
  });

  it('When the wording is blank, then there is none; when it is set, it is kept trimmed', () => {
    const p = parseReminderPolicy(
      saved({ wording: { earlyPaymentDiscount: '  ', lateFee: ' 1.5% a month after 30 days. ' } }),
    );
    expect(p.wording).toEqual({ earlyPaymentDiscount: null, lateFee: '1.5% a month after 30 days.' });
  });

  it('When numbers are out of range, then each error names its field in words', () => {
    expect(errorsOf({ dailyCap: 0, maxPerInvoice: 21, minGapDays: -1, minimumAmountCents: 10.5 })).toEqual({
      dailyCap: 'The daily cap must be a whole number of reminders from 1 to 1,000.',
      maxPerInvoice: 'Reminders per invoice must be a whole number from 1 to 20.',
      minGapDays: 'The gap between two emails to the same customer must be a whole number of days from 0 to 30.',
      minimumAmountCents: 'The minimum amount must be from 0.00 to 1,000,000.00, in whole cents.',
    });
  });

  it('When the stages are wrong, then the errors say what is wrong with them', () => {
    expect(errorsOf({ stages: [] })).toEqual({ stages: 'The schedule: keep at least one stage.' });
    expect(errorsOf({ stages: [0, 7, 7] })).toMatchObject({ stages: 'The schedule: each stage can appear only once.' });
    expect(errorsOf({ stages: [-31, 0] })).toMatchObject({
      'stages.0':
        'The schedule: each stage is a whole number of days from 30 days before to 180 days after the due date.',
    });
  });

  it('When a strategy uses a stage the schedule does not have, then its error names the strategy and the stage', () => {
    const strategies = {
      ...DEFAULT_REMINDER_POLICY.strategies,
      Loyalty: { stages: [21, -3, 10], channel: 'quickbooks', tone: 'friendly' },
    };
    expect(errorsOf({ strategies })).toEqual({
      'strategies.Loyalty.stages':
        'Loyalty customers: 10 days after the due date, 21 days after the due date are not stages of the schedule.',
    });
  });

  it('When a channel, a tone or the mode is not one the app knows, then the error lists the choices', () => {
    const strategies = {
      ...DEFAULT_REMINDER_POLICY.strategies,
      'AR follow-up': { stages: [0], channel: 'sms', tone: 'angry' },
    };
    expect(errorsOf({ strategies, mode: 'yolo' })).toEqual({
      mode: 'The mode is approval (a bookkeeper approves each reminder) or automatic.',
      'strategies.AR follow-up.channel': 'AR follow-up customers: the channel is QuickBooks or email.',
      'strategies.AR follow-up.tone': 'AR follow-up customers: the tone is friendly, firm or final notice.',
    });
  });

  it('When the calendar or the wording is wrong, then the errors name them', () => {
    expect(
      errorsOf({
        businessDays: [],
        holidays: ['2026-02-30'],
        wording: { earlyPaymentDiscount: 'Take 2% off {{amount}}', lateFee: 'x'.repeat(301) },
      }),
    ).toEqual({
      businessDays: 'Business days: choose at least one day of the week.',
      'holidays.0': 'Holidays: each is a real date written YYYY-MM-DD.',
      'wording.earlyPaymentDiscount':
        'The early-payment discount wording: merge fields such as {{dueDate}} go in the templates, not here.',
      'wording.lateFee': 'The late-fee wording: at most 300 characters.',
    });
  });

  it('When a setting is missing or unknown, then the error says which', () => {
    const { dailyCap: _dropped, ...withoutCap } = structuredClone(DEFAULT_REMINDER_POLICY);
    const checked = checkReminderPolicy({ ...withoutCap, dailyLimit: 10 });
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.errors).toEqual([
      { field: 'dailyCap', message: 'The daily cap must be a whole number of reminders from 1 to 1,000.' },
      { field: '', message: 'Not a setting Duesense knows: dailyLimit.' },
    ]);
  });

  it('When a saved policy is not valid, then parsing throws with every field named', () => {
    const bad: Partial<ReminderPolicy> = { dailyCap: 0, minGapDays: 99 };
    expect(() => parseReminderPolicy(saved(bad))).toThrow(
      'The reminder policy is not valid: ' +
        'dailyCap: The daily cap must be a whole number of reminders from 1 to 1,000. ' +
        'minGapDays: The gap between two emails to the same customer must be a whole number of days from 0 to 30.',
    );
  });
});
