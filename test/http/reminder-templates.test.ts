import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCompany } from '../../server/emulator/generator/generate-company.js';
import { EMULATED_USERS } from '../../server/emulator/oauth/oauth-users.js';
import { DEFAULT_REMINDER_TEMPLATES } from '../../server/features/reminders/domain/reminder-templates.js';
import { startApp, type TestApp } from '../support/app-harness.js';
import { connectCompany, csrfFrom, newAgent, type Agent } from '../support/connect-helper.js';
import { startEmulator, type RunningEmulator } from '../support/emulator-harness.js';
import { AS_OF, MONDAY } from '../support/reminder-harness.js';
import { scoreOn } from '../support/score-on.js';

const REALM = '9130350000000472';
const PAGE = '/settings/reminders/templates';

const unescape = (v: string) =>
  v.replace(/&#39;/g, "'").replace(/&#34;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The templates form as the page shows it: every text field and textarea by name, unescaped. */
function templateFields(html: string): Record<string, string> {
  const form =
    /<form method="post" action="\/settings\/reminders\/templates" id="form-reminder-templates"[\s\S]*?<\/form>/.exec(
      html,
    )![0];
  const fields: Record<string, string> = {};
  for (const m of form.matchAll(/<input id="templates-[^"]+" name="([^"]+)" type="text"[^>]* value="([^"]*)"/g))
    fields[m[1]!] = unescape(m[2]!);
  for (const m of form.matchAll(/<textarea id="templates-[^"]+" name="([^"]+)"[^>]*>([^<]*)<\/textarea>/g))
    fields[m[1]!] = unescape(m[2]!);
  return fields;
}

const errorOf = (html: string, id: string) =>
  new RegExp(
    `<p class="field-error" id="templates-${id}-error"><span class="visually-hidden">Error: </span>([^<]*)</p>`,
  )
    .exec(html)?.[1]
    ?.replace(/&#39;/g, "'");

describe('Settings → Reminders → Templates', () => {
  let emulator: RunningEmulator;
  let t: TestApp;
  let alice: Agent;
  let csrf: string;
  const c = () => t.container;
  const entries = () => c().activity.list(REALM, { kind: 'settings', limit: 100 });
  /** The form as the page shows it now, with these fields changed, sent to `path`. */
  const post = async (fields: Record<string, unknown>, path = PAGE) => {
    const shown = templateFields((await alice.get(PAGE)).text);
    return alice
      .post(path)
      .type('form')
      .send({ _csrf: csrf, ...shown, ...fields });
  };

  beforeAll(async () => {
    const file = generateCompany({ seed: 43, customers: 14, months: 12, asOf: AS_OF, realmId: REALM });
    emulator = await startEmulator({ companies: [file], now: '2026-10-31T20:00:00Z' });
    t = await startApp(emulator, {
      rateLimit: { perSecond: 1000, perMinute: 100_000, backoffBaseMs: 5, backoffMaxMs: 20 },
    });
    alice = newAgent(t.app);
    expect((await connectCompany(alice, REALM, 'approve', EMULATED_USERS[0]!.sub)).status).toBe(200);
    await c().sync.sync(REALM);
    await scoreOn(c(), emulator.clock, REALM, AS_OF);
    emulator.clock.set(MONDAY);
    csrf = csrfFrom((await alice.get('/settings')).text);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await emulator?.close();
  });

  it('shows the default texts by tone and day, the merge fields in words, and who writes QuickBooks’ own', async () => {
    const settings = await alice.get('/settings');
    expect(settings.text).toMatch(
      /id="reminders-templates">The email channel's words: <strong>the default texts<\/strong> \(templates version 1\)/,
    );
    expect(settings.text).toContain('<a href="/settings/reminders/templates" id="reminders-templates-link">');
    const page = await alice.get(PAGE);
    expect(page.status).toBe(200);
    expect(page.text).toContain("<strong>These are the words of Duesense's own email (the email channel) only.");
    expect(page.text).toContain('QuickBooks’ API does not let an app set the wording of this email');
    expect(page.text).toContain('No strategy uses the email channel now');
    expect(page.text).toContain('Templates version 1: the default texts.');
    expect(page.text).toMatch(/<dt><code>\{\{paymentLink\}\}<\/code><\/dt><dd>the invoice&#39;s online payment link/);
    expect(page.text).toMatch(/<dt><code>\{\{contactName\}\}<\/code><\/dt><dd>the customer&#39;s contact/);
    const fields = templateFields(page.text);
    expect(fields.invoiceLine).toBe(DEFAULT_REMINDER_TEMPLATES.invoiceLine);
    for (const tone of ['friendly', 'firm', 'final'] as const) {
      const list = DEFAULT_REMINDER_TEMPLATES.tones[tone];
      list.forEach((x, n) => {
        expect(fields[`${tone}-${n}-fromDay`]).toBe(String(x.fromDay));
        expect(fields[`${tone}-${n}-subject`]).toBe(x.subject);
        expect(fields[`${tone}-${n}-body`]).toBe(x.body);
      });
      // One empty template to add one.
      expect([fields[`${tone}-${list.length}-subject`], fields[`${tone}-${list.length}-body`]]).toEqual(['', '']);
    }
    expect(page.text).toContain('<legend>Friendly reminder from 1 day after the due date</legend>');
    for (const m of page.text.matchAll(/<(?:input|textarea|select) id="(templates-[^"]+)"/g))
      expect(page.text, m[1]).toContain(`<label for="${m[1]}">`);
    expect(page.text).not.toContain('id="form-templates-defaults"');
  });

  it('saves edited, added and removed templates as a new version, with who; the same again saves nothing', async () => {
    const n = (await entries()).length;
    const res = await post({
      'friendly-1-subject': 'Due today: {{whichInvoices}}',
      // CRLF as a browser sends a textarea's lines.
      'friendly-1-body': 'Hello {{contactName}},\r\n\r\nToday is the day:\r\n{{invoices}}\r\n\r\n{{companyName}}',
      'firm-4-fromDay': '60',
      'firm-4-subject': 'Two months: {{whichInvoices}}',
      'firm-4-body': 'Still open:\n{{invoices}}\nPlease call us.',
      'final-3-remove': '1',
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${PAGE}?done=saved#templates-state`);
    const stored = await c().reminders.templates(REALM);
    expect(stored).toMatchObject({ own: true, savedBy: 'Dana Demo', templates: { version: 2 } });
    const { tones } = stored.templates;
    expect(tones.friendly[1]).toEqual({
      fromDay: DEFAULT_REMINDER_TEMPLATES.tones.friendly[1]!.fromDay,
      subject: 'Due today: {{whichInvoices}}',
      body: 'Hello {{contactName}},\n\nToday is the day:\n{{invoices}}\n\n{{companyName}}',
    });
    expect(tones.firm.map((x) => x.fromDay)).toEqual([
      ...DEFAULT_REMINDER_TEMPLATES.tones.firm.map((x) => x.fromDay),
      60,
    ]);
    expect(tones.final).toEqual(DEFAULT_REMINDER_TEMPLATES.tones.final.slice(0, 3));
    const entry = await c().activity.lastChange(REALM, 'reminders');
    expect(entry).toMatchObject({ actor: 'Dana Demo', summary: 'Reminder templates saved (version 2)' });
    expect((entry!.detail as { changes: string[] }).changes).toEqual([
      'Friendly reminder from the due date: subject and body',
      'Firm reminder from 60 days after the due date (added)',
      'Final notice reminder from 30 days after the due date (removed)',
    ]);
    expect((await entries()).length).toBe(n + 1);
    const page = await alice.get(res.headers.location!);
    expect(page.text).toContain('Reminder templates saved as a new version.');
    expect(page.text).toMatch(/Templates version 2: your own words, saved <time[^>]*>[^<]+<\/time> by Dana Demo\./);
    expect(templateFields(page.text)['firm-4-subject']).toBe('Two months: {{whichInvoices}}');
    expect((await alice.get('/settings')).text).toContain('<strong>your own templates</strong> (templates version 2)');
    const again = await post({});
    expect(again.headers.location).toBe(`${PAGE}?done=unchanged#templates-state`);
    expect((await c().reminders.templates(REALM)).templates.version).toBe(2);
    expect((await entries()).length).toBe(n + 1);
  });

  it('refuses wrong templates with a message beside each field, keeps what was typed, and saves nothing', async () => {
    const n = (await entries()).length;
    const body = 'Hi {{CustomerName}},\r\nNo list here.';
    const res = await post({
      invoiceLine: 'Thank you for your business.',
      'friendly-0-subject': 'Hello {{CustomerName}}',
      'friendly-0-body': body,
      'firm-0-subject': '',
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('<title>Not saved: Reminder templates');
    expect(res.text).toContain('<strong>The templates were not saved.</strong>');
    expect(errorOf(res.text, 'firm-0-subject')).toBe('Firm reminders: write the subject.');
    // The text checks come once the templates' shape is right: fix the subject, and they say the rest.
    const fixed = await post({
      invoiceLine: 'Thank you for your business.',
      'friendly-0-subject': 'Hello {{CustomerName}}',
      'friendly-0-body': body,
    });
    expect(fixed.status).toBe(400);
    expect(errorOf(fixed.text, 'invoiceLine')).toBe(
      'The invoice line: the invoice line must name the invoice with {{invoiceNumber}}.',
    );
    expect(errorOf(fixed.text, 'friendly-0-subject')).toBe(
      'Friendly reminder from 30 days before the due date, subject: {{CustomerName}} is not a merge field. ' +
        'Did you mean {{customerName}}?',
    );
    expect(errorOf(fixed.text, 'friendly-0-body')).toMatch(/body: \{\{CustomerName\}\} is not a merge field/);
    expect(fixed.text).toMatch(
      /<input id="templates-invoiceLine" name="invoiceLine"[^>]* value="Thank you for your business\."[^>]*aria-invalid="true">/,
    );
    expect(templateFields(fixed.text)).toMatchObject({
      'friendly-0-subject': 'Hello {{CustomerName}}',
      'friendly-0-body': 'Hi {{CustomerName}},\nNo list here.',
    });
    // Two templates of a tone on one day: said for the tone.
    const twice = await post({ 'firm-1-fromDay': templateFields((await alice.get(PAGE)).text)['firm-0-fromDay'] });
    expect(errorOf(twice.text, 'firm')).toBe('Firm reminders: two templates cannot start on the same day.');
    expect((await c().reminders.templates(REALM)).templates.version).toBe(2);
    expect((await entries()).length).toBe(n);
  });

  it('previews the words as typed for a real open invoice and a tone, saving nothing', async () => {
    const n = (await entries()).length;
    const { invoices } = await c().reminders.templatePreview(REALM, {
      templates: (await c().reminders.templates(REALM)).templates,
    });
    const overdue = invoices.find((i) => i.invoice.dueDate < '2026-10-01' && i.invoice.docNumber !== null)!;
    const page = await alice.get(PAGE);
    expect([...page.text.matchAll(/<option value="(\d+)"/g)].map((m) => m[1])).toEqual(
      invoices.map((i) => i.invoice.invoiceId),
    );
    const fields = templateFields(page.text);
    const res = await post(
      {
        'final-2-subject': 'Unsaved words for {{customerName}}: {{whichInvoices}}',
        previewInvoice: overdue.invoice.invoiceId,
        previewTone: 'final',
      },
      `${PAGE}/preview`,
    );
    expect(res.status).toBe(200);
    const subject = /<span id="templates-preview-subject">([^<]+)<\/span>/.exec(res.text)![1]!;
    expect(unescape(subject)).toBe(`Unsaved words for ${overdue.customerName}: invoice ${overdue.invoice.docNumber}`);
    const text = unescape(/<pre class="notes-block" id="templates-preview-text">([^<]+)<\/pre>/.exec(res.text)![1]!);
    expect(text).toContain(String(overdue.invoice.docNumber));
    expect(text).not.toContain('{{');
    expect(res.text).toContain('<strong>Not saved.</strong> The final notice words as typed above');
    // The form comes back as typed, with the choice kept.
    expect(templateFields(res.text)['final-2-subject']).toBe('Unsaved words for {{customerName}}: {{whichInvoices}}');
    expect(res.text).toContain(`<option value="${overdue.invoice.invoiceId}" selected>`);
    expect(res.text).toContain('<option value="final" selected>');
    expect((await c().reminders.templates(REALM)).templates.tones.final[2]!.subject).toBe(fields['final-2-subject']);
    expect((await c().reminders.templates(REALM)).templates.version).toBe(2);
    expect((await entries()).length).toBe(n);
    // Wrong templates: their errors, and no preview. An invoice that is not open: said beside the choice.
    const bad = await post(
      { 'final-0-subject': '{{nope}}', previewInvoice: overdue.invoice.invoiceId },
      `${PAGE}/preview`,
    );
    expect(bad.status).toBe(400);
    expect(errorOf(bad.text, 'final-0-subject')).toMatch(/\{\{nope\}\} is not a merge field/);
    expect(errorOf(bad.text, 'preview')).toBe(
      'Correct the templates marked above to see what they write: nothing was saved.',
    );
    expect(bad.text).not.toContain('id="templates-preview-subject"');
    const gone = await post({ previewInvoice: 'nope' }, `${PAGE}/preview`);
    expect(gone.status).toBe(400);
    expect(errorOf(gone.text, 'preview')).toBe(
      'That invoice is not an open invoice of the company: choose one from the list.',
    );
    expect(gone.text).toMatch(/<select id="templates-preview-invoice" name="previewInvoice" aria-invalid="true"/);
    expect((await entries()).length).toBe(n);
  });

  it('refuses a save, a preview or a reset without a valid CSRF token (403)', async () => {
    const fields = templateFields((await alice.get(PAGE)).text);
    for (const path of [PAGE, `${PAGE}/preview`, `${PAGE}/defaults`])
      expect(
        (
          await alice
            .post(path)
            .type('form')
            .send({ ...fields, 'friendly-0-subject': 'x' })
        ).status,
      ).toBe(403);
    expect((await c().reminders.templates(REALM)).templates.version).toBe(2);
  });

  it('resets to the default texts as a new version, recorded; the reset button goes with them', async () => {
    const page = await alice.get(PAGE);
    expect(page.text).toContain('id="action-reset-templates"');
    const res = await alice.post(`${PAGE}/defaults`).type('form').send({ _csrf: csrf });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${PAGE}?done=defaults#templates-state`);
    expect(await c().reminders.templates(REALM)).toMatchObject({
      own: false,
      templates: { ...DEFAULT_REMINDER_TEMPLATES, version: 3 },
    });
    expect((await c().activity.lastChange(REALM, 'reminders'))!.summary).toBe(
      'Reminder templates reset to the defaults (version 3)',
    );
    const after = await alice.get(res.headers.location!);
    expect(after.text).toContain('The default texts are back, as a new version.');
    expect(after.text).not.toContain('id="action-reset-templates"');
    expect(templateFields(after.text)['friendly-1-subject']).toBe(
      DEFAULT_REMINDER_TEMPLATES.tones.friendly[1]!.subject,
    );
    const again = await alice.post(`${PAGE}/defaults`).type('form').send({ _csrf: csrf });
    expect(again.headers.location).toBe(`${PAGE}?done=unchanged#templates-state`);
    expect((await c().reminders.templates(REALM)).templates.version).toBe(3);
  });
});
