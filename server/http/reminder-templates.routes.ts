import { Router, type Response } from 'express';
import type { Container } from '../container.js';
import { formatMoney } from '../money.js';
import { INVOICE_FIELDS, MERGE_FIELD_WORDS, MESSAGE_FIELDS } from '../features/reminders/domain/merge-fields.js';
import { REMINDER_TONES, TONE_WORDS, type ReminderTone } from '../features/reminders/domain/reminder-policy.js';
import {
  BODY_MAX,
  LINE_MAX,
  SUBJECT_MAX,
  templateInWords,
  type ReminderTemplates,
} from '../features/reminders/domain/reminder-templates.js';
import type { InvoiceToPreview, TemplatePreview } from '../features/reminders/reminder-service.js';
import {
  parseTemplatesForm,
  templatesFormOf,
  type ReminderTemplatesForm,
} from '../features/settings/reminder-templates-form.js';
import { actorOf } from './actor.js';
import { requireCompany } from './middleware/tenant-context.js';
import { QUICKBOOKS_WORDING } from './reminders-view.js';

const PAGE = '/settings/reminders/templates';
const STYLES = ['/assets/css/settings.css', '/assets/css/writeback.css'];

/** Messages after a save (a fixed set: nothing from the address is echoed). */
const NOTICES: Record<string, string> = {
  saved: 'Reminder templates saved as a new version. The email channel writes with them from now on.',
  defaults: 'The default texts are back, as a new version. The email channel writes with them from now on.',
  unchanged: 'Nothing changed: these are the templates in use.',
};

/** What the page shows besides the form: the preview's choices and result, and the flash. */
interface PageExtras {
  notice?: string | undefined;
  /** The preview's choice as sent: an invoice id and a tone ('' for the customer's own). */
  choice?: { invoice: string; tone: string };
  preview?: TemplatePreview | undefined;
  /** The preview was asked for and could not be shown: why. */
  previewError?: string | undefined;
}

const invoiceLabel = (x: InvoiceToPreview) =>
  `${x.customerName}: invoice ${x.invoice.docNumber ?? `with QuickBooks id ${x.invoice.invoiceId}`}, ` +
  `${formatMoney(x.invoice.openBalanceCents, x.invoice.currency)} open, due ${x.invoice.dueDate}`;

/** A tone as the preview's form sent it: one of the tones, or '' (the policy's tone for the invoice's customer). */
const toneOf = (raw: unknown): ReminderTone | '' => REMINDER_TONES.find((t) => t === raw) ?? '';

/**
 * Settings → Reminders → Templates: the email channel's words per tone and starting day, and the invoice line,
 * edited as a form (server-rendered, no script), saved as a new version or reset to the defaults; and a preview of
 * the words as typed, unsaved, for a real open invoice of the company. A preview saves and sends nothing.
 */
export function reminderTemplateRoutes(c: Pick<Container, 'reminders'>): Router {
  const router = Router();

  async function render(res: Response, status: number, form: ReminderTemplatesForm | undefined, x: PageExtras) {
    const realmId = res.locals.company!.realmId;
    const [stored, { policy }] = await Promise.all([c.reminders.templates(realmId), c.reminders.policy(realmId)]);
    const preview = x.preview ?? (await c.reminders.templatePreview(realmId, { templates: stored.templates }));
    const byEmail = Object.entries(policy.strategies).filter(([, r]) => r.channel === 'email');
    const shown = form ?? templatesFormOf(stored.templates);
    res.status(status).render('pages/reminder-templates', {
      title: Object.keys(shown.errors).length > 0 ? 'Not saved: Reminder templates' : 'Reminder templates: Settings',
      nav: 'settings',
      stylesheets: STYLES,
      notice: x.notice,
      stored,
      form: shown,
      tones: REMINDER_TONES.map((tone) => ({
        tone,
        words: TONE_WORDS[tone],
        strategies: Object.entries(policy.strategies)
          .filter(([, r]) => r.tone === tone)
          .map(([name]) => name),
        rows: shown.tones[tone].map((row, n) => ({
          ...row,
          n,
          legend: /^[+-]?\d{1,4}$/.test(row.fromDay.trim())
            ? templateInWords(tone, Number(row.fromDay))
            : row.subject === '' && row.body === ''
              ? 'A new template'
              : 'A template',
        })),
      })),
      emailStrategies: byEmail.map(([name]) => name),
      quickbooksWording: QUICKBOOKS_WORDING,
      messageFields: MESSAGE_FIELDS.map((name) => ({ name, words: MERGE_FIELD_WORDS[name] })),
      invoiceFields: INVOICE_FIELDS.map((name) => ({ name, words: MERGE_FIELD_WORDS[name] })),
      limits: { subject: SUBJECT_MAX, body: BODY_MAX, line: LINE_MAX },
      choices: {
        invoices: preview.invoices.map((i) => ({
          value: i.invoice.invoiceId,
          label: invoiceLabel(i),
          selected: i.invoice.invoiceId === x.choice?.invoice,
        })),
        total: preview.total,
        tones: REMINDER_TONES.map((t) => ({ value: t, label: TONE_WORDS[t], selected: t === x.choice?.tone })),
      },
      previewError: x.previewError,
      chosen: preview.chosen && {
        label: invoiceLabel(preview.chosen),
        tone: TONE_WORDS[preview.chosen.tone],
        message: preview.chosen.message,
      },
    });
  }

  router.get(PAGE, requireCompany, async (req, res) => {
    const done = typeof req.query.done === 'string' ? req.query.done : '';
    await render(res, 200, undefined, { notice: NOTICES[done] });
  });

  /** Checks the templates as typed; a valid set goes through the service (next version, recorded). */
  router.post(PAGE, requireCompany, async (req, res) => {
    const realmId = res.locals.company!.realmId;
    const current = (await c.reminders.templates(realmId)).templates;
    const { form, templates } = parseTemplatesForm((req.body ?? {}) as Record<string, unknown>, current);
    if (!templates) return render(res, 400, form, {});
    const saved = await c.reminders.saveTemplates(realmId, templates, actorOf(res));
    if (!saved.ok) {
      for (const e of saved.errors) form.errors.form ??= e.message;
      return render(res, 400, form, {});
    }
    res.redirect(303, `${PAGE}?done=${saved.changed ? 'saved' : 'unchanged'}#templates-state`);
  });

  router.post(`${PAGE}/defaults`, requireCompany, async (_req, res) => {
    const reset = await c.reminders.resetTemplates(res.locals.company!.realmId, actorOf(res));
    res.redirect(303, `${PAGE}?done=${reset.changed ? 'defaults' : 'unchanged'}#templates-state`);
  });

  /**
   * The words as typed, unsaved, for the chosen open invoice and tone: the form comes back as sent, with the
   * preview below it (or the templates' errors beside their fields, and no preview). Reads only.
   */
  router.post(`${PAGE}/preview`, requireCompany, async (req, res) => {
    const realmId = res.locals.company!.realmId;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const current = (await c.reminders.templates(realmId)).templates;
    const { form, templates } = parseTemplatesForm(body, current);
    const choice = {
      invoice: typeof body.previewInvoice === 'string' ? body.previewInvoice.slice(0, 40) : '',
      tone: toneOf(body.previewTone),
    };
    if (!templates)
      return render(res, 400, form, {
        choice,
        previewError: 'Correct the templates marked above to see what they write: nothing was saved.',
      });
    const preview = await previewOf(realmId, templates, choice);
    const previewError = preview.chosen
      ? undefined
      : 'That invoice is not an open invoice of the company: choose one from the list.';
    await render(res, previewError ? 400 : 200, form, { choice, preview, previewError });
  });

  const previewOf = (realmId: string, templates: ReminderTemplates, choice: { invoice: string; tone: string }) =>
    c.reminders.templatePreview(realmId, {
      templates,
      invoiceId: choice.invoice,
      tone: toneOf(choice.tone) || undefined,
    });

  return router;
}
