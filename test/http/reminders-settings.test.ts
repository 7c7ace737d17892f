import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCompany } from '../../server/emulator/generator/generate-company.js';
import { EMULATED_USERS } from '../../server/emulator/oauth/oauth-users.js';
import { DEFAULT_REMINDER_POLICY } from '../../server/features/reminders/domain/reminder-policy.js';
import { startApp, type TestApp } from '../support/app-harness.js';
import { connectCompany, csrfFrom, newAgent, type Agent } from '../support/connect-helper.js';
import { startEmulator, type RunningEmulator } from '../support/emulator-harness.js';
import { AS_OF, MONDAY } from '../support/reminder-harness.js';
import { scoreOn } from '../support/score-on.js';

const REALM = '9130350000000471';
const ADVICE = 'Switch off QuickBooks’ own automatic invoice reminders (in QuickBooks: Settings → Account and settings';

/** The Reminders form as the page shows it, every field by name (the weekdays as a list). */
function remindersFields(html: string): Record<string, string | string[]> {
  const form = /<form method="post" action="\/settings\/reminders" id="form-reminders"[\s\S]*?<\/form>/.exec(html)![0];
  const fields: Record<string, string | string[]> = {};
  for (const m of form.matchAll(/<input id="reminders-[^"]+" name="([^"]+)" type="text"[^>]* value="([^"]*)"/g))
    fields[m[1]!] = m[2]!;
  for (const m of form.matchAll(/<select id="reminders-[^"]+" name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g))
    fields[m[1]!] = /<option value="([^"]+)" selected>/.exec(m[2]!)![1]!;
  for (const m of form.matchAll(/<textarea id="reminders-[^"]+" name="([^"]+)"[^>]*>([^<]*)<\/textarea>/g))
    fields[m[1]!] = m[2]!;
  fields.mode = /name="mode" value="(\w+)"[^>]*checked/.exec(form)![1]!;
  fields.businessDays = [...form.matchAll(/name="businessDays" value="(\w+)" checked/g)].map((m) => m[1]!);
  return fields;
}

const errorOf = (html: string, name: string) =>
  new RegExp(
    `<p class="field-error" id="reminders-${name}-error"><span class="visually-hidden">Error: </span>([^<]*)</p>`,
  ).exec(html)?.[1];

describe('Settings → Reminders: the mode and the policy’s limits', () => {
  let emulator: RunningEmulator;
  let t: TestApp;
  let alice: Agent;
  let csrf: string;
  const c = () => t.container;
  const entries = () => c().activity.list(REALM, { kind: 'settings', limit: 100 });
  /** The form as the page shows it now, with these fields changed. */
  const post = async (fields: Record<string, unknown>) => {
    const shown = remindersFields((await alice.get('/settings')).text);
    return alice
      .post('/settings/reminders')
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

  it('shows the section with the defaults: approval mode, the limits, Monday to Friday', async () => {
    const page = await alice.get('/settings');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<a href="#reminders">Reminders</a>');
    expect(page.text).toMatch(
      /<form method="post" action="\/settings\/reminders" id="form-reminders"[^>]*>\s*<input type="hidden" name="_csrf" value="[^"]+">/,
    );
    const fields = remindersFields(page.text);
    expect(fields).toMatchObject({
      mode: 'approval',
      dailyCap: '50',
      maxPerInvoice: '5',
      minGapDays: '3',
      minimumAmount: '10.00',
      businessDays: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'],
      stages: '-3, 0, 7, 14, 30',
      'strategy-standard-stages': '-3, 0, 7, 14, 30',
      'strategy-standard-channel': 'quickbooks',
      'strategy-standard-tone': 'friendly',
      'strategy-loyalty-stages': '7, 14, 30',
      'strategy-ar-follow-up-tone': 'firm',
      'strategy-credit-restriction-tone': 'final',
      'strategy-send-reminders-channel': 'quickbooks',
    });
    expect(fields).toMatchObject({ holidays: '', earlyPaymentDiscount: '', lateFee: '' });
    expect(Object.keys(fields)).toHaveLength(6 + 1 + 5 * 3 + 3);
    for (const m of page.text.matchAll(/<select id="(reminders-[^"]+)"/g))
      expect(page.text, m[1]).toContain(`<label for="${m[1]}">`);
    expect(page.text).toContain('<strong>Approval mode is on.</strong>');
    expect(page.text).toContain('Policy version 1: the defaults.');
    // The advice is on the automatic option, not shown as a warning while approval mode is on.
    expect(page.text).not.toContain('id="reminders-advice"');
    expect(page.text).toMatch(/id="reminders-mode-automatic-hint">[^<]*Switch off QuickBooks’ own automatic/);
    for (const m of page.text.matchAll(/<input id="(reminders-[^"]+)"/g))
      expect(page.text, m[1]).toContain(`<label for="${m[1]}">`);
  });

  it('saves the limits, business days and stages as a new version, with who changed it', async () => {
    const res = await post({
      mode: 'approval',
      dailyCap: '20',
      maxPerInvoice: '3',
      minGapDays: '5',
      minimumAmount: '$1,025.50',
      businessDays: ['Monday', 'Tuesday', 'Wednesday', 'Thursday'],
      stages: '60, −3 0,7 , 14, 30',
      'strategy-loyalty-stages': '30, 14, 60',
      'strategy-loyalty-tone': 'firm',
      'strategy-credit-restriction-channel': 'email',
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/settings?done=reminders#reminders');
    const { policy, savedBy } = await c().reminders.policy(REALM);
    expect(policy).toEqual({
      ...DEFAULT_REMINDER_POLICY,
      version: 2,
      dailyCap: 20,
      maxPerInvoice: 3,
      minGapDays: 5,
      minimumAmountCents: 102_550,
      businessDays: ['Monday', 'Tuesday', 'Wednesday', 'Thursday'],
      stages: [-3, 0, 7, 14, 30, 60],
      strategies: {
        ...DEFAULT_REMINDER_POLICY.strategies,
        Loyalty: { stages: [14, 30, 60], channel: 'quickbooks', tone: 'firm' },
        'Credit restriction': { ...DEFAULT_REMINDER_POLICY.strategies['Credit restriction'], channel: 'email' },
      },
    });
    expect(savedBy).toBe('Dana Demo');
    const entry = await c().activity.lastChange(REALM, 'reminders');
    expect(entry).toMatchObject({ actor: 'Dana Demo', kind: 'settings', summary: 'Reminder policy saved (version 2)' });
    const page = await alice.get(res.headers.location!);
    expect(page.text).toContain('Reminder settings saved. They apply from the next nightly run.');
    expect(page.text).toMatch(
      /id="reminders-last-change">Last changed <time[^>]*>[^<]+<\/time> by Dana Demo: Reminder policy saved \(version 2\)/,
    );
    expect(remindersFields(page.text)).toMatchObject({
      dailyCap: '20',
      minimumAmount: '1025.50',
      stages: '-3, 0, 7, 14, 30, 60',
      'strategy-loyalty-stages': '14, 30, 60',
    });
    expect(page.text).toContain('Policy version 2.');
    // The same values again: nothing saved, nothing recorded.
    const n = (await entries()).length;
    const again = await post(remindersFields(page.text));
    expect(again.headers.location).toBe('/settings?done=unchanged#reminders');
    expect((await c().reminders.policy(REALM)).policy.version).toBe(2);
    expect((await entries()).length).toBe(n);
  });

  it('refuses wrong values with a message beside each field, keeps what was typed, and saves nothing', async () => {
    const n = (await entries()).length;
    const res = await post({
      mode: 'sometimes',
      dailyCap: '0',
      maxPerInvoice: 'three',
      minGapDays: '31',
      minimumAmount: '-5',
      businessDays: [],
      stages: 'soon, 7',
      'strategy-loyalty-channel': 'fax',
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('<title>Not saved: Settings');
    expect(res.text).toMatch(
      /<strong>The reminder settings were not saved\.<\/strong> <a href="#reminders">Go to Reminders<\/a>/,
    );
    expect(errorOf(res.text, 'mode')).toBe('The mode is approval (a bookkeeper approves each reminder) or automatic.');
    expect(errorOf(res.text, 'dailyCap')).toBe('The daily cap must be a whole number of reminders from 1 to 1,000.');
    expect(errorOf(res.text, 'maxPerInvoice')).toBe('Reminders per invoice must be a whole number from 1 to 20.');
    expect(errorOf(res.text, 'minGapDays')).toBe(
      'The gap between two emails to the same customer must be a whole number of days from 0 to 30.',
    );
    expect(errorOf(res.text, 'minimumAmount')).toBe(
      'The minimum amount must be from 0.00 to 1,000,000.00, in whole cents.',
    );
    expect(errorOf(res.text, 'businessDays')).toBe('Business days: choose at least one day of the week.');
    expect(errorOf(res.text, 'stages')).toBe(
      'The schedule: each stage is a whole number of days from 30 days before to 180 days after the due date.',
    );
    expect(errorOf(res.text, 'strategy-loyalty-channel')).toBe(
      'Loyalty customers: the channel is QuickBooks or email.',
    );
    expect(res.text).toMatch(/<input id="reminders-stages"[^>]* value="soon, 7"/);
    // A strategy's stage that is not one of the schedule's, alone: said beside that strategy's stages.
    const stray = await post({ 'strategy-ar-follow-up-stages': '7, 21' });
    expect(stray.status).toBe(400);
    expect(errorOf(stray.text, 'strategy-ar-follow-up-stages')).toBe(
      'AR follow-up customers: 21 days after the due date is not a stage of the schedule.',
    );
    expect(stray.text).toMatch(
      /<input id="reminders-strategy-ar-follow-up-stages"[^>]* value="7, 21"[^>]*aria-invalid="true">/,
    );
    expect(res.text).toMatch(
      /<input id="reminders-maxPerInvoice"[^>]* value="three" aria-describedby="reminders-maxPerInvoice-hint reminders-maxPerInvoice-error" aria-invalid="true">/,
    );
    expect(res.text).toMatch(/<input id="reminders-minimumAmount"[^>]* value="-5"/);
    // A day that is not one, alone: only that field is wrong.
    const day = await post({
      mode: 'approval',
      dailyCap: '20',
      maxPerInvoice: '3',
      minGapDays: '5',
      minimumAmount: '10',
      businessDays: 'Funday',
    });
    expect(day.status).toBe(400);
    expect(errorOf(day.text, 'businessDays')).toBe('Business days: each is a day of the week, Monday to Sunday.');
    expect(errorOf(day.text, 'dailyCap')).toBeUndefined();
    expect((await c().reminders.policy(REALM)).policy.version).toBe(2);
    expect((await entries()).length).toBe(n);
  });

  it('refuses the form without a valid CSRF token (403), saving nothing', async () => {
    const n = (await entries()).length;
    const fields = { mode: 'automatic', dailyCap: '7', maxPerInvoice: '3', minGapDays: '5', minimumAmount: '10' };
    expect((await alice.post('/settings/reminders').type('form').send(fields)).status).toBe(403);
    const forged = 'A'.repeat(csrf.length);
    expect(
      (
        await alice
          .post('/settings/reminders')
          .type('form')
          .send({ ...fields, _csrf: forged })
      ).status,
    ).toBe(403);
    const other = newAgent(t.app);
    expect(
      (
        await other
          .post('/settings/reminders')
          .type('form')
          .send({ ...fields, _csrf: csrf })
      ).status,
    ).toBe(403);
    expect((await c().reminders.policy(REALM)).policy).toMatchObject({ version: 2, mode: 'approval', dailyCap: 20 });
    expect((await entries()).length).toBe(n);
  });

  it('on switching to automatic, says to switch off QuickBooks’ own reminders, here and on Reminders', async () => {
    const page = await alice.get('/settings');
    const res = await post({ ...remindersFields(page.text), mode: 'automatic' });
    expect(res.headers.location).toBe('/settings?done=reminders-automatic#reminders');
    expect((await c().reminders.policy(REALM)).policy).toMatchObject({ version: 3, mode: 'automatic' });
    expect((await c().activity.lastChange(REALM, 'reminders'))!.summary).toBe(
      'Reminder policy saved (version 3; mode automatic)',
    );
    const after = await alice.get(res.headers.location!);
    const notice = /<div class="notice notice-ok" role="status" id="settings-notice">([^<]*)<\/div>/.exec(
      after.text,
    )![1]!;
    expect(notice).toContain('Automatic mode is on: from the next nightly run, the reminders that fall due are sent');
    expect(notice).toContain(ADVICE);
    expect(notice).toContain('Sales → Reminders)');
    expect(after.text).toContain('<strong>Automatic mode is on.</strong>');
    expect(after.text).toMatch(/id="reminders-advice"><strong>QuickBooks' own reminders:<\/strong> Switch off/);
    const reminders = await alice.get('/reminders');
    expect(reminders.text).toContain('<strong>Automatic mode:</strong>');
    expect(reminders.text).toContain('href="/settings#reminders" id="reminders-settings-link"');
    expect(reminders.text).toMatch(
      /id="reminders-advice">[\s\S]*?Switch off QuickBooks’ own automatic invoice reminders/,
    );
    // Back to approval: an ordinary save; Settings keeps the advice on the automatic option, the queue keeps it.
    const back = await post({ ...remindersFields(after.text), mode: 'approval' });
    expect(back.headers.location).toBe('/settings?done=reminders#reminders');
    expect((await alice.get('/settings')).text).not.toContain('id="reminders-advice"');
    expect((await alice.get('/reminders')).text).toContain('id="reminders-advice"');
  });

  it('saves the early-payment and late-fee wording and the holidays; refuses a wrong one by its field', async () => {
    const version = (await c().reminders.policy(REALM)).policy.version;
    const res = await post({
      earlyPaymentDiscount: 'Pay within 10 days and take 2% off.',
      lateFee: 'A late fee of 1.5% a month applies.',
      holidays: '2026-12-25\r\n2026-11-26\r\n\r\n2026-12-25',
    });
    expect(res.status).toBe(303);
    const { policy } = await c().reminders.policy(REALM);
    expect(policy).toMatchObject({
      version: version + 1,
      wording: {
        earlyPaymentDiscount: 'Pay within 10 days and take 2% off.',
        lateFee: 'A late fee of 1.5% a month applies.',
      },
      holidays: ['2026-11-26', '2026-12-25'],
    });
    const page = await alice.get('/settings');
    expect(remindersFields(page.text)).toMatchObject({
      holidays: '2026-11-26\n2026-12-25',
      earlyPaymentDiscount: 'Pay within 10 days and take 2% off.',
    });
    // Wrong: a date that is not one, a merge field in the wording, and too many words; what was typed is kept.
    const n = (await entries()).length;
    const bad = await post({
      holidays: '2026-11-26\n2026-02-30',
      earlyPaymentDiscount: 'Take 2% off before {{dueDate}}.',
      lateFee: 'x'.repeat(301),
    });
    expect(bad.status).toBe(400);
    expect(errorOf(bad.text, 'holidays')).toBe(
      'Holidays: each is a real date written YYYY-MM-DD; &#34;2026-02-30&#34; is not.',
    );
    expect(errorOf(bad.text, 'earlyPaymentDiscount')).toBe(
      'The early-payment discount wording: merge fields such as {{dueDate}} go in the templates, not here.',
    );
    expect(errorOf(bad.text, 'lateFee')).toBe('The late-fee wording: at most 300 characters.');
    expect(bad.text).toMatch(/<textarea id="reminders-holidays-dates"[^>]*aria-invalid="true">2026-11-26\n2026-02-30</);
    expect(bad.text).toMatch(/<input id="reminders-earlyPaymentDiscount"[^>]* value="Take 2% off before {{dueDate}}."/);
    expect((await c().reminders.policy(REALM)).policy.version).toBe(version + 1);
    expect((await entries()).length).toBe(n);
    // Emptied: no wording, no holidays.
    expect((await post({ earlyPaymentDiscount: '', lateFee: ' ', holidays: '' })).status).toBe(303);
    expect((await c().reminders.policy(REALM)).policy).toMatchObject({
      wording: { earlyPaymentDiscount: null, lateFee: null },
      holidays: [],
    });
  });

  describe('what a reminder says', () => {
    const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/'/g, '&#39;').replace(/"/g, '&#34;');

    it('lists the reminders a run would send now, and shows one’s text with what QuickBooks sends', async () => {
      const settings = await alice.get('/settings');
      expect(settings.text).toContain('<a href="/settings/reminders/preview" id="reminders-preview-link">');
      const { plan, names } = await c().reminders.preview(REALM);
      expect(plan.due.length).toBeGreaterThan(0);
      const list = await alice.get('/settings/reminders/preview');
      expect(list.status).toBe(200);
      expect([...list.text.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1])).toEqual(
        plan.due.map((r) => r.invoiceId),
      );
      expect(list.text).not.toContain('id="preview-message"');
      const r = plan.due.find((d) => d.docNumber !== null)!;
      const page = await alice.get(`/settings/reminders/preview?invoice=${r.invoiceId}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain(`<option value="${r.invoiceId}" selected>`);
      const name = esc(names.get(r.customerId)!);
      expect(page.text).toContain(`id="preview-message-title">${name}: invoice ${r.docNumber}, `);
      expect(page.text).toMatch(
        /id="preview-quickbooks"><strong>This reminder goes by QuickBooks, to [^<]+@[^<]+\.<\/strong>/,
      );
      expect(page.text).toContain('QuickBooks’ API does not let an app set the wording of this email');
      const subject = /<span id="preview-subject">([^<]+)<\/span>/.exec(page.text)![1]!;
      expect(subject.length).toBeGreaterThan(0);
      const text = /<pre class="notes-block" id="preview-text">([^<]+)<\/pre>/.exec(page.text)![1]!;
      expect(text).toContain(name);
      expect(text).toContain(String(r.docNumber));
      expect(text).not.toContain('{{');
    });

    it('refuses an invoice with no reminder due (400); shows the email channel as such', async () => {
      const bad = await alice.get('/settings/reminders/preview?invoice=nope');
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('That invoice has no reminder due now: choose one from the list.');
      expect(bad.text).toContain('aria-invalid="true"');
      const { policy } = await c().reminders.policy(REALM);
      const strategies = Object.fromEntries(
        Object.entries(policy.strategies).map(([k, v]) => [k, { ...v, channel: 'email' }]),
      );
      expect((await c().reminders.savePolicy(REALM, { ...policy, strategies }, 'test')).ok).toBe(true);
      const r = (await c().reminders.preview(REALM)).plan.due[0]!;
      const page = await alice.get(`/settings/reminders/preview?invoice=${r.invoiceId}`);
      expect(page.status).toBe(200);
      expect(page.text).toMatch(/id="preview-email"><strong>This reminder goes by email, to [^<]+@/);
      expect(page.text).not.toContain('id="preview-quickbooks"');
      expect(page.text).toContain('id="preview-text"');
    });
  });
});
