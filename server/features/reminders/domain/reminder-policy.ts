/**
 * The reminder policy as data: validated, versioned, with defaults a small business can keep. Every rule the
 * reminder plan applies that a business might want different lives here; the Settings form edits it and shows the
 * messages below beside its fields, so each message names its field in words.
 */
import { z } from 'zod';
import { STRATEGIES, type Strategy } from '../../risk/domain/risk-policy.js';
import { WEEKDAYS, stageInWords, type Weekday } from './calendar.js';
import { checkWith, parseWith, type Checked } from './field-errors.js';

export type { Strategy };

/** How a reminder reads: friendly, firm, or a final notice (the policy gives each strategy its tone). */
export const REMINDER_TONES = ['friendly', 'firm', 'final'] as const;
export type ReminderTone = (typeof REMINDER_TONES)[number];
export const TONE_WORDS: Readonly<Record<ReminderTone, string>> = {
  friendly: 'Friendly',
  firm: 'Firm',
  final: 'Final notice',
};

/**
 * How a reminder leaves: 'quickbooks' is QuickBooks' own invoice email to the invoice's BillEmail (QuickBooks records
 * it on the invoice; its wording is QuickBooks'); 'email' is Duesense's own email in the tone's words.
 */
export const REMINDER_CHANNELS = ['quickbooks', 'email'] as const;
export type ReminderChannel = (typeof REMINDER_CHANNELS)[number];

/** 'approval': the nightly run fills a queue a bookkeeper approves; 'automatic': it sends. */
export const REMINDER_MODES = ['approval', 'automatic'] as const;
export type ReminderMode = (typeof REMINDER_MODES)[number];

/** Stages are whole days from the due date, within these bounds (a month before, half a year after). */
export const STAGE_DAYS_MIN = -30;
export const STAGE_DAYS_MAX = 180;
const MAX_STAGES = 8;
const WORDING_MAX = 300;

function wholeNumber(words: string, min: number, max: number) {
  return z.number({ error: words }).int(words).min(min, words).max(max, words);
}

const stageWords = `from ${-STAGE_DAYS_MIN} days before to ${STAGE_DAYS_MAX} days after the due date`;

/** A list of stages: whole days, each once, kept in order from the earliest. */
function stageList(label: string, minCount: number) {
  return z
    .array(
      wholeNumber(`${label}: each stage is a whole number of days ${stageWords}.`, STAGE_DAYS_MIN, STAGE_DAYS_MAX),
      {
        error: `${label}: give a list of stages in days from the due date.`,
      },
    )
    .min(minCount, `${label}: keep at least one stage.`)
    .max(MAX_STAGES, `${label}: at most ${MAX_STAGES} stages.`)
    .refine((days) => new Set(days).size === days.length, `${label}: each stage can appear only once.`)
    .transform((days) => [...days].sort((a, b) => a - b));
}

/** What customers of one strategy get: which stages, by which channel, in which tone. */
function strategyRule(strategy: Strategy) {
  const label = `${strategy} customers`;
  return z.strictObject(
    {
      stages: stageList(label, 0),
      channel: z.enum(REMINDER_CHANNELS, { error: `${label}: the channel is QuickBooks or email.` }),
      tone: z.enum(REMINDER_TONES, { error: `${label}: the tone is friendly, firm or final notice.` }),
    },
    { error: `${label}: give the stages, the channel and the tone.` },
  );
}

function optionalWording(label: string) {
  return z
    .string({ error: `${label}: give the words, or leave it empty for none.` })
    .trim()
    .max(WORDING_MAX, `${label}: at most ${WORDING_MAX} characters.`)
    .refine((text) => !/[{}]/.test(text), `${label}: merge fields such as {{dueDate}} go in the templates, not here.`)
    .nullable()
    .transform((text) => (text ? text : null));
}

const isoDate = z
  .string({ error: 'Holidays: each is a date written YYYY-MM-DD.' })
  .refine(
    (d) => /^\d{4}-\d{2}-\d{2}$/.test(d) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    'Holidays: each is a real date written YYYY-MM-DD.',
  );

export const reminderPolicySchema = z
  .strictObject({
    version: wholeNumber('The version must be a whole number from 1.', 1, Number.MAX_SAFE_INTEGER),
    mode: z.enum(REMINDER_MODES, { error: 'The mode is approval (a bookkeeper approves each reminder) or automatic.' }),
    /** Days from the due date: negative before it, 0 on it, positive after it. */
    stages: stageList('The schedule', 1),
    strategies: z.strictObject(
      Object.fromEntries(STRATEGIES.map((s) => [s, strategyRule(s)])) as Record<
        Strategy,
        ReturnType<typeof strategyRule>
      >,
      { error: 'Give the stages, channel and tone of every strategy.' },
    ),
    /** Sentences the templates can include: an early-payment discount before the due date, a late fee after it. */
    wording: z.strictObject({
      earlyPaymentDiscount: optionalWording('The early-payment discount wording'),
      lateFee: optionalWording('The late-fee wording'),
    }),
    businessDays: z
      .array(z.enum(WEEKDAYS, { error: 'Business days: each is a day of the week, Monday to Sunday.' }), {
        error: 'Business days: give the days of the week reminders may go out.',
      })
      .min(1, 'Business days: choose at least one day of the week.')
      .refine((days) => new Set(days).size === days.length, 'Business days: each day can appear only once.')
      .transform((days) => WEEKDAYS.filter((d) => days.includes(d))),
    /** Dates on which no reminder goes out, on top of the days of the week that are not business days. */
    holidays: z
      .array(isoDate, { error: 'Holidays: give a list of dates.' })
      .max(366, 'Holidays: at most 366 dates.')
      .transform((dates) => [...new Set(dates)].sort()),
    dailyCap: wholeNumber('The daily cap must be a whole number of reminders from 1 to 1,000.', 1, 1000),
    maxPerInvoice: wholeNumber('Reminders per invoice must be a whole number from 1 to 20.', 1, 20),
    minGapDays: wholeNumber(
      'The gap between two emails to the same customer must be a whole number of days from 0 to 30.',
      0,
      30,
    ),
    minimumAmountCents: wholeNumber(
      'The minimum amount must be from 0.00 to 1,000,000.00, in whole cents.',
      0,
      100_000_000,
    ),
  })
  .superRefine(
    (policy, ctx) => {
      for (const strategy of STRATEGIES) {
        const strays = policy.strategies[strategy].stages.filter((days) => !policy.stages.includes(days));
        if (strays.length > 0)
          ctx.addIssue({
            code: 'custom',
            path: ['strategies', strategy, 'stages'],
            message:
              `${strategy} customers: ${strays.map(stageInWords).join(', ')} ` +
              `${strays.length === 1 ? 'is not a stage' : 'are not stages'} of the schedule.`,
          });
      }
    },
    // Only a schedule that is right on its own can be compared with: one error at a time, where it is.
    { when: (payload) => payload.issues.length === 0 },
  );

export type ReminderPolicy = z.output<typeof reminderPolicySchema>;
export type StrategyReminders = ReminderPolicy['strategies'][Strategy];
export type ReminderWording = ReminderPolicy['wording'];

const EVERY_STAGE = [-3, 0, 7, 14, 30];

/**
 * The defaults, chosen for a small business that has just turned reminders on:
 * - a courtesy note 3 days before the due date, one on it, then a week, two weeks and a month after: the schedule
 *   most reminder tools start from, and what QuickBooks users already know;
 * - Loyalty customers (low risk, profitable) hear nothing before a week past due: a late payment from them is
 *   usually an oversight, and a nudge before the due date would treat them as a risk;
 * - friendly for Loyalty, Standard and Send reminders (the Medium tier is ordinary customers, not yet a collection
 *   case), firm for AR follow-up, final notice for Credit restriction;
 * - QuickBooks' own invoice email for everyone: it comes from the address customers know, with the invoice and its
 *   payment link, and QuickBooks records it;
 * - approval mode: a new company sees what would be sent before anything is;
 * - business days Monday to Friday, no holidays until the owner adds them;
 * - at most 50 reminders a day: more than a small business sends on an ordinary day, so it binds only on a flood
 *   (the first run over a backlog, or a data mistake), which it spreads over a few days;
 * - at most 5 per invoice (the whole default schedule, a manual one counting), 3 days between two emails to one
 *   customer (the two courtesy stages are 3 days apart), and nothing under 10.00 (a few dollars left open by a
 *   bank fee is not worth an email).
 */
export const DEFAULT_REMINDER_POLICY: ReminderPolicy = {
  version: 1,
  mode: 'approval',
  stages: EVERY_STAGE,
  strategies: {
    Standard: { stages: EVERY_STAGE, channel: 'quickbooks', tone: 'friendly' },
    Loyalty: { stages: [7, 14, 30], channel: 'quickbooks', tone: 'friendly' },
    'Send reminders': { stages: EVERY_STAGE, channel: 'quickbooks', tone: 'friendly' },
    'AR follow-up': { stages: EVERY_STAGE, channel: 'quickbooks', tone: 'firm' },
    'Credit restriction': { stages: EVERY_STAGE, channel: 'quickbooks', tone: 'final' },
  },
  wording: { earlyPaymentDiscount: null, lateFee: null },
  businessDays: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'] satisfies Weekday[],
  holidays: [],
  dailyCap: 50,
  maxPerInvoice: 5,
  minGapDays: 3,
  minimumAmountCents: 1000,
};

/** A policy as saved or as a form sends it: the policy, or every error with its field named in words. */
export function checkReminderPolicy(input: unknown): Checked<ReminderPolicy> {
  return checkWith(reminderPolicySchema, input);
}

/** The policy, or an Error naming every field that is wrong (for a saved policy, which should never be). */
export function parseReminderPolicy(input: unknown): ReminderPolicy {
  return parseWith(reminderPolicySchema, 'The reminder policy', input);
}

/** What customers of a strategy get; an unscored customer (no strategy yet) is Standard, as in customerStrategy. */
export function remindersFor(policy: ReminderPolicy, strategy: Strategy | null): StrategyReminders {
  return policy.strategies[strategy ?? 'Standard'];
}
