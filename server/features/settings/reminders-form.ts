/**
 * The Reminders section of Settings as a form: the mode, the policy's limits, the business days and holidays, the
 * schedule's stages and each strategy's stages, channel and tone, and the early-payment and late-fee wording, as
 * typed, with a message per field. The policy's own check (checkReminderPolicy) decides what is valid and says why
 * in words; this only turns the form's text into the policy's shape.
 */
import { WEEKDAYS, type Weekday } from '../reminders/domain/calendar.js';
import type { FieldError } from '../reminders/domain/field-errors.js';
import {
  checkReminderPolicy,
  REMINDER_CHANNELS,
  TONE_WORDS,
  type ReminderPolicy,
  type Strategy,
} from '../reminders/domain/reminder-policy.js';
import { STRATEGIES } from '../risk/domain/risk-policy.js';

/** The weekdays in the order the form lists them: Monday first. */
export const FORM_WEEKDAYS: readonly Weekday[] = [...WEEKDAYS.slice(1), WEEKDAYS[0]];

export interface RemindersForm {
  /** As sent: 'approval' or 'automatic'; anything else is an error. */
  mode: string;
  dailyCap: string;
  maxPerInvoice: string;
  minGapDays: string;
  /** In the home currency, as typed ("10.00"). */
  minimumAmount: string;
  businessDays: string[];
  /** Dates as typed, one a line (commas and spaces separate them too): "2026-12-25". */
  holidays: string;
  /** The wording the templates' {{earlyPaymentDiscount}} and {{lateFee}} become; empty for none. */
  earlyPaymentDiscount: string;
  lateFee: string;
  /** The schedule's stages as typed: days from the due date, "-3, 0, 7, 14, 30". */
  stages: string;
  /** Per strategy: its stages as typed, its channel and its tone as sent. */
  strategies: Record<Strategy, { stages: string; channel: string; tone: string }>;
  /**
   * By the form's field name: mode, dailyCap, maxPerInvoice, minGapDays, minimumAmount, businessDays, holidays,
   * earlyPaymentDiscount, lateFee, stages, `strategy-<slug>-stages|channel|tone` (see strategySlug), and form (a
   * field the form does not show).
   */
  errors: Record<string, string>;
}

/** A strategy's name in field names and ids: 'AR follow-up' → 'ar-follow-up'. */
export function strategySlug(strategy: Strategy): string {
  return strategy.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

const stagesText = (days: readonly number[]) => days.join(', ');

/** The policy's field (its path's first part) → the form's field. */
const FORM_FIELD: Record<string, string> = {
  stages: 'stages',
  mode: 'mode',
  dailyCap: 'dailyCap',
  maxPerInvoice: 'maxPerInvoice',
  minGapDays: 'minGapDays',
  minimumAmountCents: 'minimumAmount',
  businessDays: 'businessDays',
  holidays: 'holidays',
  'wording.earlyPaymentDiscount': 'earlyPaymentDiscount',
  'wording.lateFee': 'lateFee',
};

const MAX_VALUE = 40;
/** One more than the policy allows, so its check says what is too long rather than the form cutting it. */
const MAX_WORDING = 301;
/** 366 dates of 10 characters with their separators, and some room for spaces typed. */
const MAX_HOLIDAYS = 5000;

export function centsToAmount(cents: number): string {
  return (cents / 100).toFixed(2);
}

export function remindersFormOf(p: ReminderPolicy): RemindersForm {
  return {
    mode: p.mode,
    dailyCap: String(p.dailyCap),
    maxPerInvoice: String(p.maxPerInvoice),
    minGapDays: String(p.minGapDays),
    minimumAmount: centsToAmount(p.minimumAmountCents),
    businessDays: [...p.businessDays],
    holidays: p.holidays.join('\n'),
    earlyPaymentDiscount: p.wording.earlyPaymentDiscount ?? '',
    lateFee: p.wording.lateFee ?? '',
    stages: stagesText(p.stages),
    strategies: Object.fromEntries(
      STRATEGIES.map((s) => {
        const r = p.strategies[s];
        return [s, { stages: stagesText(r.stages), channel: r.channel, tone: r.tone }];
      }),
    ) as RemindersForm['strategies'],
    errors: {},
  };
}

const MAX_LIST = 120;

function field(body: Record<string, unknown>, name: string, max = MAX_VALUE): string {
  const v = body[name];
  return typeof v === 'string' ? v.trim().slice(0, max) : '';
}

/** A whole number as typed ("1,000" too), or the text itself so the policy's check says what is wrong with it. */
function wholeNumber(text: string): number | string {
  const plain = text.replace(/,/g, '');
  return /^-?\d{1,12}$/.test(plain) ? Number(plain) : text;
}

/** An amount as typed ("$1,250.50", "10") in whole cents, or the text itself for the check to refuse. */
function amountInCents(text: string): number | string {
  const plain = text.replace(/[$,\s]/g, '');
  const m = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(plain);
  if (!m) return text;
  return Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
}

/**
 * A list of stages as typed ("-3, 0, +7", the minus sign as typed by a word processor too): whole numbers, or each
 * token as typed for the check to refuse. Empty is an empty list.
 */
function stageList(text: string): Array<number | string> {
  return text
    .replace(/[\u2212\u2013]/g, '-')
    .split(/[\s,;]+/)
    .filter((t) => t !== '')
    .slice(0, 40)
    .map((t) => (/^[+-]?\d{1,4}$/.test(t) ? Number(t) : t));
}

/** Holidays as typed: one a line, or separated by commas or spaces. */
function holidayList(text: string): string[] {
  return text.split(/[\s,;]+/).filter((d) => d !== '');
}

/** Reads the form over the saved policy (its version); `policy` is set only when the whole policy is valid. */
export function parseRemindersForm(
  body: Record<string, unknown>,
  current: ReminderPolicy,
): { form: RemindersForm; policy?: ReminderPolicy } {
  const raw = body.businessDays;
  const days = (raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]).filter(
    (d): d is string => typeof d === 'string',
  );
  const form: RemindersForm = {
    mode: field(body, 'mode'),
    dailyCap: field(body, 'dailyCap'),
    maxPerInvoice: field(body, 'maxPerInvoice'),
    minGapDays: field(body, 'minGapDays'),
    minimumAmount: field(body, 'minimumAmount'),
    businessDays: days.slice(0, 14).map((d) => d.slice(0, MAX_VALUE)),
    holidays: field(body, 'holidays', MAX_HOLIDAYS),
    earlyPaymentDiscount: field(body, 'earlyPaymentDiscount', MAX_WORDING),
    lateFee: field(body, 'lateFee', MAX_WORDING),
    stages: field(body, 'stages', MAX_LIST),
    strategies: Object.fromEntries(
      STRATEGIES.map((s) => {
        const slug = strategySlug(s);
        return [
          s,
          {
            stages: field(body, `strategy-${slug}-stages`, MAX_LIST),
            channel: field(body, `strategy-${slug}-channel`),
            tone: field(body, `strategy-${slug}-tone`),
          },
        ];
      }),
    ) as RemindersForm['strategies'],
    errors: {},
  };
  const checked = checkReminderPolicy({
    ...current,
    mode: form.mode,
    dailyCap: wholeNumber(form.dailyCap),
    maxPerInvoice: wholeNumber(form.maxPerInvoice),
    minGapDays: wholeNumber(form.minGapDays),
    minimumAmountCents: amountInCents(form.minimumAmount),
    businessDays: form.businessDays,
    holidays: holidayList(form.holidays),
    wording: { earlyPaymentDiscount: form.earlyPaymentDiscount, lateFee: form.lateFee },
    stages: stageList(form.stages),
    strategies: Object.fromEntries(
      STRATEGIES.map((s) => {
        const r = form.strategies[s];
        return [s, { stages: stageList(r.stages), channel: r.channel, tone: r.tone }];
      }),
    ),
  });
  if (checked.ok) return { form, policy: checked.value };
  form.errors = formErrors(checked.errors, holidayList(form.holidays));
  return { form };
}

/**
 * One message per form field (the first the check gave); errors of fields the form does not show under 'form'.
 * A holiday's message names the date as typed: the check's path has only its place in the list.
 */
function formErrors(errors: FieldError[], holidays: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) {
    const [first, second, part] = e.field.split('.');
    const own = STRATEGIES.find((s) => s === second);
    const name =
      first === 'strategies' && own && part
        ? `strategy-${strategySlug(own)}-${part}`
        : (FORM_FIELD[first ?? ''] ?? FORM_FIELD[`${first}.${second}`] ?? 'form');
    const typed = first === 'holidays' && second !== undefined ? holidays[Number(second)] : undefined;
    out[name] ??= typed === undefined ? e.message : `${e.message.replace(/\.$/, '')}; "${typed.slice(0, 40)}" is not.`;
  }
  return out;
}

/** The choices of a strategy's channel and tone, in words. */
export const CHANNEL_CHOICES = REMINDER_CHANNELS.map((value) => ({
  value,
  label: value === 'quickbooks' ? 'QuickBooks’ invoice email' : 'Duesense’s own email',
}));
export const TONE_CHOICES = Object.entries(TONE_WORDS).map(([value, label]) => ({ value, label }));

/** True when the form saves what is saved already (the version aside). */
export function sameReminderPolicy(a: ReminderPolicy, b: ReminderPolicy): boolean {
  return JSON.stringify({ ...a, version: 0 }) === JSON.stringify({ ...b, version: 0 });
}
