/**
 * The Reminders section of Settings as a form: the mode and the policy's main limits, as typed, with a message per
 * field. The policy's own check (checkReminderPolicy) decides what is valid and says why in words; this only turns
 * the form's text into the policy's shape, keeping what the form does not show (stages, strategies, wording,
 * holidays) as saved.
 */
import { WEEKDAYS, type Weekday } from '../reminders/domain/calendar.js';
import type { FieldError } from '../reminders/domain/field-errors.js';
import { checkReminderPolicy, type ReminderPolicy } from '../reminders/domain/reminder-policy.js';

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
  /** By the form's field name: mode, dailyCap, maxPerInvoice, minGapDays, minimumAmount, businessDays, form. */
  errors: Record<string, string>;
}

/** The policy's field (its path's first part) → the form's field. */
const FORM_FIELD: Record<string, keyof Omit<RemindersForm, 'errors'>> = {
  mode: 'mode',
  dailyCap: 'dailyCap',
  maxPerInvoice: 'maxPerInvoice',
  minGapDays: 'minGapDays',
  minimumAmountCents: 'minimumAmount',
  businessDays: 'businessDays',
};

const MAX_VALUE = 40;

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
    errors: {},
  };
}

function field(body: Record<string, unknown>, name: string): string {
  const v = body[name];
  return typeof v === 'string' ? v.trim().slice(0, MAX_VALUE) : '';
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

/** Reads the form over the saved policy; `policy` is set only when the whole policy is valid. */
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
  });
  if (checked.ok) return { form, policy: checked.value };
  form.errors = formErrors(checked.errors);
  return { form };
}

/** One message per form field (the first the check gave); errors of fields the form does not show under 'form'. */
function formErrors(errors: FieldError[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) {
    const name = FORM_FIELD[e.field.split('.')[0] ?? ''] ?? 'form';
    out[name] ??= e.message;
  }
  return out;
}

/** True when the form saves what is saved already (the version aside). */
export function sameReminderPolicy(a: ReminderPolicy, b: ReminderPolicy): boolean {
  return JSON.stringify({ ...a, version: 0 }) === JSON.stringify({ ...b, version: 0 });
}
