import { Router, type Request, type RequestHandler, type Response } from 'express';
import multer from 'multer';
import type { Container } from '../container.js';
import { DEFAULT_RISK_POLICY } from '../features/risk/domain/risk-policy.js';
import { parseCreditScoreCsv } from '../features/risk/credit-score-import.js';
import { toCsv } from '../features/risk/exports.js';
import {
  CREDIT_SCORE_UPLOAD_BYTES,
  creditScoreTemplate,
  decodeUpload,
} from '../features/settings/credit-score-upload.js';
import { DISPATCH_EVERY_MINUTES, effectiveNightlyTime, nextNightlyRun } from '../features/settings/nightly-schedule.js';
import {
  describePolicy,
  draftOf,
  parsePolicyForm,
  POLICY_FIELDS,
  POLICY_GROUP_TEXT,
  policyChanges,
  policyToValues,
  UNIT_LABELS,
  type PolicyForm,
} from '../features/settings/policy-form.js';
import { SETTINGS_SECTIONS, type SettingsSection } from '../features/settings/settings-sections.js';
import { parseWritebackForm, sameWritebackSettings, type WritebackForm } from '../features/settings/writeback-form.js';
import type { ActivityEntry } from '../features/activity/activity-log-type.js';
import type { DueReminder } from '../features/reminders/domain/reminder-plan.js';
import { localDate, readLocalTime } from '../time-zone.js';
import { actorOf } from './actor.js';
import { customerCounts, syncedAt } from './customer-count-view.js';
import { csrfProtection } from './middleware/csrf.js';
import { requireCompany, tenantContext } from './middleware/tenant-context.js';
import { writebackChoices, writebackSection } from './writeback-settings-view.js';
import { parseRemindersForm, sameReminderPolicy, type RemindersForm } from '../features/settings/reminders-form.js';
import { QUICKBOOKS_REMINDERS_ADVICE, QUICKBOOKS_WORDING } from './reminders-view.js';
import { TONE_WORDS } from '../features/reminders/domain/reminder-policy.js';
import { stageInWords } from '../features/reminders/domain/calendar.js';
import { CHANNEL_IN_WORDS, invoiceInWords } from '../features/reminders/reminder-words.js';
import { remindersSection } from './reminders-settings-view.js';

type Deps = Pick<
  Container,
  | 'riskPolicies'
  | 'scoreRuns'
  | 'customerInputs'
  | 'localCopy'
  | 'digests'
  | 'preferences'
  | 'nightly'
  | 'activity'
  | 'clock'
  | 'config'
  | 'users'
  | 'connections'
  | 'syncStore'
  | 'writeback'
  | 'companySettings'
  | 'reminders'
>;

const STYLES = ['/assets/css/settings.css'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_EMAIL = 254;
/** Rejected rows listed on the page; the rest are counted. */
const MAX_REPORTED_ROWS = 200;

/** Messages after a save (a fixed set: nothing from the address is echoed, except a validated count). */
const NOTICES: Record<string, (n: number | undefined) => string> = {
  policy: () =>
    'Risk policy saved as a new version. It applies from the next score run: choose Score now to apply it at once.',
  'policy-defaults': () => 'The default risk policy is restored, as a new version. It applies from the next score run.',
  'policy-unchanged': () => 'Nothing to save: the policy already has these values.',
  schedule: () => 'Nightly schedule saved.',
  'credit-scores': (n) =>
    `Imported ${n === undefined ? 'the' : n.toLocaleString('en-US')} credit score${n === 1 ? '' : 's'}. ` +
    'They count from the next score run.',
  digest: () => 'Alert digest saved.',
  writeback: () => 'Write-back settings saved.',
  'writeback-on': () =>
    'Write-back settings saved. Nightly write-back is on: after each nightly score run Duesense writes what changed ' +
    'into QuickBooks. The Write-back page shows what the next run would write.',
  reminders: () => 'Reminder settings saved. They apply from the next nightly run.',
  'reminders-automatic': () =>
    'Reminder settings saved. Automatic mode is on: from the next nightly run, the reminders that fall due are ' +
    `sent without waiting for approval. ${QUICKBOOKS_REMINDERS_ADVICE}`,
  unchanged: () => 'Nothing changed.',
};

/** The summary at the top of a page that came back with errors, linking to its section. */
const FAILED: Record<SettingsSection, { section: SettingsSection; title: string; message: string }> = {
  policy: { section: 'policy', title: 'Risk policy', message: 'The risk policy was not saved.' },
  schedule: { section: 'schedule', title: 'Nightly schedule', message: 'The schedule was not saved.' },
  'credit-scores': { section: 'credit-scores', title: 'Credit scores', message: 'No credit scores were imported.' },
  digest: { section: 'digest', title: 'Alert digest', message: 'The alert digest was not saved.' },
  writeback: { section: 'writeback', title: 'Write-back', message: 'The write-back settings were not saved.' },
  reminders: { section: 'reminders', title: 'Reminders', message: 'The reminder settings were not saved.' },
};

export interface ScheduleForm {
  /** The time as typed; empty: the deployment default. */
  time: string;
  errors: Record<string, string>;
}

export interface DigestForm {
  enabled: boolean;
  recipient: 'owner' | 'address';
  to: string;
  errors: Record<string, string>;
}

export interface CreditScoresForm {
  error?: string;
  report?: {
    fileName: string;
    accepted: number;
    rejected: Array<{ line: number; value: string; reason: string }>;
    rejectedTotal: number;
  };
}

interface Overrides {
  policy?: PolicyForm;
  schedule?: ScheduleForm;
  digest?: DigestForm;
  creditScores?: CreditScoresForm;
  writeback?: WritebackForm;
  reminders?: RemindersForm;
}

const text = (body: unknown, name: string, max: number): string => {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v.trim().slice(0, max) : '';
};

function settingsPage(c: Deps) {
  /** The whole page: each section from what is saved, unless a form came back with errors. */
  async function render(res: Response, status: number, o: Overrides = {}, notice?: string): Promise<void> {
    const company = res.locals.company!;
    const realmId = company.realmId;
    const [policy, savedAt, latestRun, ownTime, digest, owner, scores, customers, counts] = await Promise.all([
      c.riskPolicies.policy(realmId),
      c.riskPolicies.policySavedAt(realmId),
      c.scoreRuns.latestRun(realmId),
      c.preferences.nightlyTime(realmId),
      c.digests.preferences(realmId),
      c.digests.ownerEmail(realmId),
      c.customerInputs.creditScores(realmId),
      c.localCopy.customerNames(realmId),
      customerCounts(c, realmId, { syncedAt: syncedAt(res) }),
    ]);
    const lastChange: Partial<Record<SettingsSection, ActivityEntry>> = {};
    for (const s of SETTINGS_SECTIONS) lastChange[s] = await c.activity.lastChange(realmId, s);
    const zone = company.timeZone ?? c.config.sync.defaultCompanyTimeZone;
    const now = c.clock.now();
    const time = effectiveNightlyTime(ownTime, c.config.sync.nightlyLocalTime);
    const next = nextNightlyRun({ now, zone, time, today: await c.nightly.statusOf(realmId, localDate(now, zone)) });
    const policyForm = o.policy ?? { values: policyToValues(draftOf(policy)), errors: {} };
    const failed = o.policy
      ? FAILED.policy
      : o.schedule
        ? FAILED.schedule
        : o.digest
          ? FAILED.digest
          : o.creditScores
            ? FAILED['credit-scores']
            : o.writeback
              ? FAILED.writeback
              : o.reminders
                ? FAILED.reminders
                : undefined;
    res.status(status).render('pages/settings', {
      title: failed ? 'Not saved: Settings' : 'Settings',
      nav: 'settings',
      stylesheets: STYLES,
      notice,
      failed,
      policy: {
        ...policyForm,
        fields: POLICY_FIELDS,
        groups: POLICY_GROUP_TEXT,
        unitLabels: UNIT_LABELS,
        defaults: describePolicy(draftOf(DEFAULT_RISK_POLICY)),
        version: policy.version,
        savedAt,
        lastChange: lastChange.policy,
        latestRun,
        isDefault: policyChanges(draftOf(policy), draftOf(DEFAULT_RISK_POLICY)).length === 0,
      },
      schedule: {
        ...(o.schedule ?? { time: ownTime ?? '', errors: {} }),
        saved: ownTime,
        deploymentDefault: c.config.sync.nightlyLocalTime,
        zone,
        zoneIsDefault: company.timeZone === null,
        effective: time,
        next,
        connected: company.status === 'connected',
        everyMinutes: DISPATCH_EVERY_MINUTES,
        lastChange: lastChange.schedule,
      },
      creditScores: {
        ...(o.creditScores ?? {}),
        count: scores.size,
        customers: customers.size,
        counted: counts.text,
        examples: counts.overview.examples,
        limitLabel: `${CREDIT_SCORE_UPLOAD_BYTES / 1024 / 1024} MB`,
        lastChange: lastChange['credit-scores'],
      },
      digest: {
        ...(o.digest ?? {
          enabled: digest.enabled,
          recipient: digest.to ? 'address' : 'owner',
          to: digest.to ?? '',
          errors: {},
        }),
        owner,
        smtp: Boolean(c.config.mail.smtpUrl),
        lastChange: lastChange.digest,
      },
      writeback: await writebackSection(c, realmId, {
        form: o.writeback,
        scored: latestRun !== undefined,
        lastChange: lastChange.writeback,
      }),
      reminders: await remindersSection(c, realmId, {
        form: o.reminders,
        lastChange: lastChange.reminders,
        homeCurrency: company.homeCurrency ?? 'USD',
      }),
    });
  }

  return { render };
}

const redirectDone = (res: Response, done: keyof typeof NOTICES, anchor: string, n?: number) =>
  res.redirect(303, `/settings?done=${done}${n !== undefined ? `&n=${n}` : ''}#${anchor}`);

/**
 * The credit-score upload. Mounted before the app's body-level CSRF check, because that check reads the
 * token from the parsed body and a multipart body is parsed here: multer reads it into memory (one file of at
 * most 1 MB, a few small fields), then the same CSRF check runs on the token field, then the tenant context.
 * Nothing is read from the file, nor anything saved, before the token is checked.
 */
export function settingsUploadRoutes(c: Deps): Router {
  const router = Router();
  const { render } = settingsPage(c);
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: CREDIT_SCORE_UPLOAD_BYTES, files: 1, fields: 5, fieldSize: 1024, parts: 6 },
  }).single('file');
  const receive: RequestHandler = (req, res, next) => {
    upload(req, res, (err: unknown) => {
      if (err) res.locals.uploadError = uploadErrorMessage(err);
      next();
    });
  };

  router.post(
    '/settings/credit-scores',
    receive,
    csrfProtection(),
    tenantContext(c),
    requireCompany,
    async (req: Request, res: Response) => {
      const realmId = res.locals.company!.realmId;
      const file = req.file;
      const fail = (error: string) => render(res, 400, { creditScores: { error } });
      if (res.locals.uploadError) return fail(String(res.locals.uploadError));
      if (!file) return fail('Choose a CSV file to upload.');
      const fileName = file.originalname.slice(0, 120);
      const decoded = decodeUpload(file.buffer);
      if ('error' in decoded) return fail(decoded.error);
      const report = parseCreditScoreCsv(decoded.text, await c.localCopy.customerNames(realmId));
      if (report.rejected.length > 0) {
        return render(res, 400, {
          creditScores: {
            report: {
              fileName,
              accepted: report.accepted.length,
              rejected: report.rejected
                .slice(0, MAX_REPORTED_ROWS)
                .map((r) => ({ ...r, value: r.value.slice(0, 200) })),
              rejectedTotal: report.rejected.length,
            },
          },
        });
      }
      await c.customerInputs.importCreditScores(realmId, report.accepted, c.clock.now());
      const n = report.accepted.length;
      await c.activity.record(realmId, {
        actor: actorOf(res),
        kind: 'settings',
        summary: `Imported ${n.toLocaleString('en-US')} credit score${n === 1 ? '' : 's'} from ${fileName}`,
        section: 'credit-scores',
        detail: { count: n, fileName },
      });
      redirectDone(res, 'credit-scores', 'credit-scores', n);
    },
  );
  return router;
}

function uploadErrorMessage(err: unknown): string {
  const code = (err as { code?: string }).code;
  if (code === 'LIMIT_FILE_SIZE')
    return (
      `The file is larger than ${CREDIT_SCORE_UPLOAD_BYTES / 1024 / 1024} MB. ` +
      'Upload at most about 25,000 rows at a time.'
    );
  if (code === 'LIMIT_UNEXPECTED_FILE' || code === 'LIMIT_FILE_COUNT')
    return 'Upload one CSV file, with the form on this page.';
  return 'The upload could not be read. Choose the file again and upload it with the form on this page.';
}

/** Settings: the risk policy, the nightly schedule, credit scores and the alert digest, each its own form. */
export function settingsRoutes(c: Deps): Router {
  const router = Router();
  const { render } = settingsPage(c);

  router.get('/settings', requireCompany, async (req, res) => {
    const done = typeof req.query.done === 'string' ? req.query.done : '';
    const nRaw = typeof req.query.n === 'string' && /^\d{1,7}$/.test(req.query.n) ? Number(req.query.n) : undefined;
    await render(res, 200, {}, NOTICES[done]?.(nRaw));
  });

  router.post('/settings/policy', requireCompany, async (req, res) => {
    const realmId = res.locals.company!.realmId;
    const current = draftOf(await c.riskPolicies.policy(realmId));
    const parsed = parsePolicyForm((req.body ?? {}) as Record<string, unknown>, current);
    if (!parsed.draft) return render(res, 400, { policy: parsed });
    const changes = policyChanges(current, parsed.draft);
    if (changes.length === 0) return redirectDone(res, 'policy-unchanged', 'policy');
    const saved = await c.riskPolicies.savePolicy(realmId, parsed.draft, c.clock.now());
    await c.activity.record(realmId, {
      actor: actorOf(res),
      kind: 'settings',
      summary: `Saved risk policy version ${saved.version}: ${changes.join(', ')}`,
      section: 'policy',
      detail: { version: saved.version, changes },
    });
    redirectDone(res, 'policy', 'policy');
  });

  router.post('/settings/policy/defaults', requireCompany, async (_req, res) => {
    const realmId = res.locals.company!.realmId;
    const defaults = draftOf(DEFAULT_RISK_POLICY);
    const changes = policyChanges(draftOf(await c.riskPolicies.policy(realmId)), defaults);
    if (changes.length === 0) return redirectDone(res, 'policy-unchanged', 'policy');
    const saved = await c.riskPolicies.savePolicy(realmId, defaults, c.clock.now());
    await c.activity.record(realmId, {
      actor: actorOf(res),
      kind: 'settings',
      summary: `Restored the default risk policy as version ${saved.version}: ${changes.join(', ')}`,
      section: 'policy',
      detail: { version: saved.version, changes, restoredDefaults: true },
    });
    redirectDone(res, 'policy-defaults', 'policy');
  });

  router.post('/settings/schedule', requireCompany, async (req, res) => {
    const company = res.locals.company!;
    // "Use the default" sends nightly=default; otherwise an empty time is the default too.
    const useDefault = text(req.body, 'nightly', 20) === 'default';
    const timeRaw = useDefault ? '' : text(req.body, 'time', 20);
    const time = timeRaw === '' ? null : readLocalTime(timeRaw);
    if (time === undefined) {
      const error =
        `"${timeRaw}" is not a time of day: enter HH:MM from 00:00 to 23:59, ` +
        'for example 05:00, or leave it empty for the default.';
      return render(res, 400, { schedule: { time: timeRaw, errors: { time: error } } });
    }
    const before = await c.preferences.nightlyTime(company.realmId);
    if (before === time) return redirectDone(res, 'unchanged', 'schedule');
    await c.preferences.setNightlyTime(company.realmId, time, c.clock.now());
    const zone = company.timeZone ?? c.config.sync.defaultCompanyTimeZone;
    const summary = time
      ? `Set the nightly run to ${time} (${zone}), was ${before ?? `the default ${c.config.sync.nightlyLocalTime}`}`
      : `Set the nightly run back to the default ${c.config.sync.nightlyLocalTime} (${zone}), was ${before}`;
    await c.activity.record(company.realmId, {
      actor: actorOf(res),
      kind: 'settings',
      summary,
      section: 'schedule',
      detail: { time, previous: before },
    });
    redirectDone(res, 'schedule', 'schedule');
  });

  router.post('/settings/digest', requireCompany, async (req, res) => {
    const realmId = res.locals.company!.realmId;
    const enabledRaw = text(req.body, 'enabled', 10);
    const recipientRaw = text(req.body, 'recipient', 20);
    const toRaw = text(req.body, 'to', MAX_EMAIL + 1);
    const form: DigestForm = {
      enabled: enabledRaw === '1' || enabledRaw === 'on',
      recipient: recipientRaw === 'address' ? 'address' : 'owner',
      to: toRaw,
      errors: {},
    };
    if (recipientRaw !== 'owner' && recipientRaw !== 'address')
      form.errors.recipient = 'Choose who gets the digest: the owner or another address.';
    if (form.recipient === 'address') {
      if (toRaw === '') form.errors.to = 'Enter the email address to send the digest to.';
      else if (toRaw.length > MAX_EMAIL || !EMAIL.test(toRaw))
        form.errors.to = `"${toRaw.slice(0, 60)}" is not an email address: enter one like name@example.com.`;
    }
    const owner = await c.digests.ownerEmail(realmId);
    if (form.enabled && form.recipient === 'owner' && !owner && !form.errors.recipient) {
      form.errors.recipient = 'The owner has no email address on file: choose Another address and enter one.';
    }
    if (Object.keys(form.errors).length > 0) return render(res, 400, { digest: form });
    const before = await c.digests.preferences(realmId);
    const after = { enabled: form.enabled, to: form.recipient === 'address' ? toRaw : null };
    if (before.enabled === after.enabled && before.to === after.to) return redirectDone(res, 'unchanged', 'digest');
    await c.digests.setPreferences(realmId, after);
    const recipient = after.to ?? `the owner${owner ? ` (${owner})` : ''}`;
    const summary =
      before.enabled !== after.enabled
        ? after.enabled
          ? `Turned the alert digest on, to ${recipient}`
          : 'Turned the alert digest off'
        : `Changed the alert digest's recipient to ${recipient}${after.enabled ? '' : ' (the digest is off)'}`;
    await c.activity.record(realmId, {
      actor: actorOf(res),
      kind: 'settings',
      summary,
      section: 'digest',
      detail: { enabled: after.enabled, to: after.to },
    });
    redirectDone(res, 'digest', 'digest');
  });

  router.post('/settings/writeback', requireCompany, async (req, res) => {
    const realmId = res.locals.company!.realmId;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { form, settings } = parseWritebackForm(body, await writebackChoices(c, realmId));
    if (!settings) return render(res, 400, { writeback: form });
    const before = await c.writeback.settings(realmId);
    if (sameWritebackSettings(before, settings)) return redirectDone(res, 'unchanged', 'writeback');
    // The service records the change, with who made it, in the activity log (section 'writeback').
    await c.writeback.saveSettings(realmId, settings, actorOf(res));
    redirectDone(res, settings.nightlyEnabled && !before.nightlyEnabled ? 'writeback-on' : 'writeback', 'writeback');
  });

  router.post('/settings/reminders', requireCompany, async (req, res) => {
    const realmId = res.locals.company!.realmId;
    const before = (await c.reminders.policy(realmId)).policy;
    const { form, policy } = parseRemindersForm((req.body ?? {}) as Record<string, unknown>, before);
    if (!policy) return render(res, 400, { reminders: form });
    if (sameReminderPolicy(before, policy)) return redirectDone(res, 'unchanged', 'reminders');
    // The service checks the policy again, saves it as the next version and records the change, with who made it,
    // in the activity log (section 'reminders').
    const saved = await c.reminders.savePolicy(realmId, policy, actorOf(res));
    if (!saved.ok) {
      for (const e of saved.errors) form.errors.form ??= e.message;
      return render(res, 400, { reminders: form });
    }
    // Switching to automatic: the flash says to switch off QuickBooks' own reminders.
    const nowAutomatic = policy.mode === 'automatic' && before.mode !== 'automatic';
    redirectDone(res, `reminders${nowAutomatic ? '-automatic' : ''}`, 'reminders');
  });

  /**
   * What a reminder says: choose one of the reminders a run would send now (a real customer and invoice of the
   * company), and see its text as the company's templates write it in its tone. Reads only.
   */
  router.get('/settings/reminders/preview', requireCompany, async (req, res) => {
    const realmId = res.locals.company!.realmId;
    const raw = typeof req.query.invoice === 'string' ? req.query.invoice.slice(0, 40) : '';
    const preview = await c.reminders.messagePreview(realmId, raw === '' ? undefined : raw);
    const label = (r: DueReminder) =>
      `${preview.names.get(r.customerId) ?? r.customerId}: ${invoiceInWords(r)}, ${stageInWords(r.stageDays)} ` +
      `(${TONE_WORDS[r.tone].toLowerCase()}, by ${CHANNEL_IN_WORDS[r.channel]})`;
    const chosen = preview.chosen;
    const missing = raw !== '' && !chosen;
    res.status(missing ? 400 : 200).render('pages/reminder-preview', {
      title: 'What a reminder says: Settings',
      nav: 'settings',
      stylesheets: ['/assets/css/settings.css', '/assets/css/writeback.css'],
      options: preview.due.map((r) => ({ value: r.invoiceId, label: label(r), selected: r.invoiceId === raw })),
      missing,
      quickbooksWording: QUICKBOOKS_WORDING,
      chosen: chosen && {
        label: label(chosen.reminder),
        channel: chosen.reminder.channel,
        tone: TONE_WORDS[chosen.reminder.tone],
        to: chosen.reminder.to.join(', '),
        message: chosen.message,
      },
    });
  });

  router.get('/settings/credit-scores/template.csv', requireCompany, async (_req, res) => {
    const realmId = res.locals.company!.realmId;
    const table = creditScoreTemplate(
      await c.localCopy.customerNames(realmId),
      await c.customerInputs.creditScores(realmId),
    );
    res.attachment('duesense-credit-scores.csv');
    res.type('text/csv').send(toCsv(table));
  });

  return router;
}
