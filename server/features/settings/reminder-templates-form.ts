/**
 * The reminder templates as a form: the invoice line, and per tone its templates (the day each starts on, a
 * subject, a body), as typed, with a message per field. The templates' own check (checkReminderTemplates) decides
 * what is valid and says why in words; this only turns the form's text into the templates' shape and back.
 */
import type { FieldError } from '../reminders/domain/field-errors.js';
import { REMINDER_TONES, type ReminderTone } from '../reminders/domain/reminder-policy.js';
import {
  BODY_MAX,
  checkReminderTemplates,
  LINE_MAX,
  SUBJECT_MAX,
  TEMPLATES_PER_TONE_MAX,
  type ReminderTemplates,
} from '../reminders/domain/reminder-templates.js';

/** One template as typed; `fromDay` is its field's text ("-3", "0", "7"). */
export interface TemplateRow {
  fromDay: string;
  subject: string;
  body: string;
}

export interface ReminderTemplatesForm {
  invoiceLine: string;
  /** Per tone its templates, from the earliest day, and one empty row to add a template (while there is room). */
  tones: Record<ReminderTone, TemplateRow[]>;
  /**
   * By the form's field name: invoiceLine, `<tone>-<n>-fromDay|subject|body` (n from 0, in the order shown), the
   * tone itself for its list as a whole (`firm`: two templates on one day), and form for anything else.
   */
  errors: Record<string, string>;
}

/** The form's field of one template's part: 'firm-1-body'. */
export const templateField = (tone: ReminderTone, n: number, part: keyof TemplateRow) => `${tone}-${n}-${part}`;

/** One more than the check allows, so that it says what is too long rather than the form cutting it. */
const LIMITS: Record<'subject' | 'body' | 'invoiceLine', number> = {
  subject: SUBJECT_MAX + 1,
  body: BODY_MAX + 1,
  invoiceLine: LINE_MAX + 1,
};
const EMPTY_ROW: TemplateRow = { fromDay: '', subject: '', body: '' };

const withRoomToAdd = (rows: TemplateRow[]) => (rows.length < TEMPLATES_PER_TONE_MAX ? [...rows, EMPTY_ROW] : rows);

export function templatesFormOf(t: ReminderTemplates): ReminderTemplatesForm {
  const tones = Object.fromEntries(
    REMINDER_TONES.map((tone) => [
      tone,
      withRoomToAdd(t.tones[tone].map((x) => ({ fromDay: String(x.fromDay), subject: x.subject, body: x.body }))),
    ]),
  ) as ReminderTemplatesForm['tones'];
  return { invoiceLine: t.invoiceLine, tones, errors: {} };
}

/** A text field as sent, line breaks as "\n" (a browser sends a textarea's as "\r\n"), cut a little past its limit. */
function field(body: Record<string, unknown>, name: string, max: number): string {
  const v = body[name];
  return typeof v === 'string' ? v.replace(/\r\n?/g, '\n').slice(0, max) : '';
}

/** A day as typed ("-3", "+7", a word processor's minus too), or the text itself for the check to refuse. */
function dayOf(text: string): number | string {
  const plain = text.trim().replace(/[\u2212\u2013]/g, '-');
  return /^[+-]?\d{1,4}$/.test(plain) ? Number(plain) : text;
}

/**
 * A tone's templates as sent: every row with something typed in it, except those marked to remove, from the
 * earliest day (the order the check keeps, so its messages point at the rows as shown; days not typed as a number
 * go last).
 */
function rowsOf(body: Record<string, unknown>, tone: ReminderTone): TemplateRow[] {
  const rows: TemplateRow[] = [];
  for (let n = 0; n <= TEMPLATES_PER_TONE_MAX; n++) {
    if (body[`${tone}-${n}-remove`] !== undefined) continue;
    const row = {
      fromDay: field(body, templateField(tone, n, 'fromDay'), 20).trim(),
      subject: field(body, templateField(tone, n, 'subject'), LIMITS.subject),
      body: field(body, templateField(tone, n, 'body'), LIMITS.body),
    };
    if (row.fromDay !== '' || row.subject.trim() !== '' || row.body.trim() !== '') rows.push(row);
  }
  const day = (r: TemplateRow) => {
    const d = dayOf(r.fromDay);
    return typeof d === 'number' ? d : Infinity;
  };
  return rows.sort((a, b) => day(a) - day(b));
}

/** Reads the form as the next version of `current`; `templates` is set only when every template is valid. */
export function parseTemplatesForm(
  body: Record<string, unknown>,
  current: ReminderTemplates,
): { form: ReminderTemplatesForm; templates?: ReminderTemplates } {
  const tones = Object.fromEntries(REMINDER_TONES.map((t) => [t, rowsOf(body, t)])) as ReminderTemplatesForm['tones'];
  const invoiceLine = field(body, 'invoiceLine', LIMITS.invoiceLine);
  const checked = checkReminderTemplates({
    version: current.version,
    invoiceLine,
    tones: Object.fromEntries(
      REMINDER_TONES.map((t) => [
        t,
        tones[t].map((r) => ({ fromDay: dayOf(r.fromDay), subject: r.subject, body: r.body })),
      ]),
    ),
  });
  const shown = Object.fromEntries(
    REMINDER_TONES.map((t) => [t, withRoomToAdd(tones[t])]),
  ) as ReminderTemplatesForm['tones'];
  const form: ReminderTemplatesForm = { invoiceLine, tones: shown, errors: {} };
  if (checked.ok) return { form, templates: checked.value };
  form.errors = formErrors(checked.errors);
  return { form };
}

/** One message per form field (the first the check gave). */
function formErrors(errors: FieldError[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) {
    const [first, tone, n, part] = e.field.split('.');
    const own = REMINDER_TONES.find((t) => t === tone);
    const name =
      first === 'invoiceLine'
        ? 'invoiceLine'
        : first === 'tones' && own
          ? n !== undefined && part !== undefined
            ? `${own}-${n}-${part}`
            : own
          : 'form';
    out[name] ??= e.message;
  }
  return out;
}
