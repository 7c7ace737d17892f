/**
 * Reminder templates: per tone, a subject and a body for each range of days from the due date, and one invoice line
 * every email repeats for each invoice it lists. They are checked when saved, so a template with an unknown or
 * misplaced merge field never reaches a send; only checked templates can be rendered (the type says so).
 *
 * Which template a reminder uses is decided by where its invoices stand on the day it is written (the most overdue
 * of them), not by the stage that triggered it: a due-date reminder that waited two days for a business day reads
 * as overdue, and an approval that takes a day still writes the truth.
 */
import { z } from 'zod';
import { daysInWords } from './calendar.js';
import { checkWith, parseWith, type Checked } from './field-errors.js';
import { textProblems, type TextPlace } from './merge-fields.js';
import { DEFAULT_TEMPLATE_TEXTS } from './reminder-default-texts.js';
import { REMINDER_TONES, STAGE_DAYS_MAX, STAGE_DAYS_MIN, TONE_WORDS, type ReminderTone } from './reminder-policy.js';

export const SUBJECT_MAX = 200;
export const BODY_MAX = 5000;
export const LINE_MAX = 500;
export const TEMPLATES_PER_TONE_MAX = 8;

/** 'Friendly reminder from 7 days after the due date'. */
export function templateInWords(tone: ReminderTone, fromDay: number): string {
  const from =
    fromDay === 0
      ? 'the due date'
      : `${daysInWords(Math.abs(fromDay))} ${fromDay < 0 ? 'before' : 'after'} the due date`;
  return `${TONE_WORDS[tone]} reminder from ${from}`;
}

function templateText(label: string, place: TextPlace, max: number) {
  return z
    .string({ error: `${label}: write the ${place}.` })
    .trim()
    .min(1, `${label}: write the ${place}.`)
    .max(max, `${label}: the ${place} can be at most ${max} characters.`);
}

function toneTemplates(tone: ReminderTone) {
  const label = `${TONE_WORDS[tone]} reminders`;
  const fromDay = `${label}: each template starts a whole number of days from ${-STAGE_DAYS_MIN} before to ${
    STAGE_DAYS_MAX
  } after the due date.`;
  return z
    .array(
      z.strictObject({
        fromDay: z.number({ error: fromDay }).int(fromDay).min(STAGE_DAYS_MIN, fromDay).max(STAGE_DAYS_MAX, fromDay),
        subject: templateText(label, 'subject', SUBJECT_MAX),
        body: templateText(label, 'body', BODY_MAX),
      }),
      { error: `${label}: give a list of templates.` },
    )
    .min(1, `${label}: keep at least one template.`)
    .max(TEMPLATES_PER_TONE_MAX, `${label}: at most ${TEMPLATES_PER_TONE_MAX} templates.`)
    .refine(
      (list) => new Set(list.map((t) => t.fromDay)).size === list.length,
      `${label}: two templates cannot start on the same day.`,
    )
    .transform((list) => [...list].sort((a, b) => a.fromDay - b.fromDay));
}

export const reminderTemplatesSchema = z
  .strictObject({
    version: z.number({ error: 'The version must be a whole number from 1.' }).int().min(1),
    invoiceLine: templateText('The invoice line', 'invoice line', LINE_MAX),
    tones: z.strictObject(
      Object.fromEntries(REMINDER_TONES.map((tone) => [tone, toneTemplates(tone)])) as Record<
        ReminderTone,
        ReturnType<typeof toneTemplates>
      >,
      { error: 'Give the templates of every tone: friendly, firm and final notice.' },
    ),
  })
  .superRefine((set, ctx) => {
    for (const problem of textProblems(set.invoiceLine, 'invoice line'))
      ctx.addIssue({ code: 'custom', path: ['invoiceLine'], message: `The invoice line: ${problem}` });
    for (const tone of REMINDER_TONES) {
      set.tones[tone].forEach((template, index) => {
        for (const place of ['subject', 'body'] as const) {
          for (const problem of textProblems(template[place], place))
            ctx.addIssue({
              code: 'custom',
              path: ['tones', tone, index, place],
              message: `${templateInWords(tone, template.fromDay)}, ${place}: ${problem}`,
            });
        }
      });
    }
  })
  .brand<'CheckedReminderTemplates'>();

/** Templates that passed the checks: the only kind the renderer takes. */
export type ReminderTemplates = z.output<typeof reminderTemplatesSchema>;
export type ReminderTemplatesInput = z.input<typeof reminderTemplatesSchema>;
export type StageTemplate = ReminderTemplates['tones'][ReminderTone][number];

/** Templates as saved or as a form sends them: the templates, or every error with its field named in words. */
export function checkReminderTemplates(input: unknown): Checked<ReminderTemplates> {
  return checkWith(reminderTemplatesSchema, input);
}

export function parseReminderTemplates(input: unknown): ReminderTemplates {
  return parseWith(reminderTemplatesSchema, 'The reminder templates', input);
}

/** Checked when this module loads: a mistake in the default texts fails every test, not a customer's email. */
export const DEFAULT_REMINDER_TEMPLATES: ReminderTemplates = parseReminderTemplates(DEFAULT_TEMPLATE_TEXTS);

/** The template of a tone for an email whose most overdue invoice is `daysOverdue` days past due (negative: before). */
export function templateFor(templates: ReminderTemplates, tone: ReminderTone, daysOverdue: number): StageTemplate {
  const list = templates.tones[tone];
  // The last template that has started; before the first one starts, the first (the earliest words there are).
  return list.findLast((t) => t.fromDay <= daysOverdue) ?? list[0]!;
}

/**
 * What differs between two sets of templates, in words ('the invoice line', 'Firm reminder from the due date:
 * subject', '… (added)', '… (removed)'); none when only the version does. Templates are matched by tone and day.
 */
export function templateChanges(before: ReminderTemplates, after: ReminderTemplates): string[] {
  const changes = before.invoiceLine === after.invoiceLine ? [] : ['the invoice line'];
  for (const tone of REMINDER_TONES) {
    const was = new Map(before.tones[tone].map((t) => [t.fromDay, t]));
    const now = new Map(after.tones[tone].map((t) => [t.fromDay, t]));
    for (const day of [...new Set([...was.keys(), ...now.keys()])].sort((a, b) => a - b)) {
      const [a, b] = [was.get(day), now.get(day)];
      const name = templateInWords(tone, day);
      if (!a) changes.push(`${name} (added)`);
      else if (!b) changes.push(`${name} (removed)`);
      else {
        const parts = (['subject', 'body'] as const).filter((part) => a[part] !== b[part]);
        if (parts.length > 0) changes.push(`${name}: ${parts.join(' and ')}`);
      }
    }
  }
  return changes;
}
