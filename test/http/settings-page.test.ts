import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RISK_POLICY } from '../../server/features/risk/domain/risk-policy.js';
import { csrfFrom, newAgent } from '../support/connect-helper.js';
import { FORMULA_NAME, panelWorld } from '../integration/panel/panel-world.js';

type World = Awaited<ReturnType<typeof panelWorld>>;

/** The policy form as the page shows it, every field by name. */
function policyFields(html: string): Record<string, string> {
  const form = /<form method="post" action="\/settings\/policy" id="form-policy"[\s\S]*?<\/form>/.exec(html)![0];
  const fields: Record<string, string> = {};
  for (const m of form.matchAll(/<input id="policy-[^"]+" name="([^"]+)" type="text"[^>]* value="([^"]*)"/g))
    fields[m[1]!] = m[2]!;
  if (/name="rollUpJobs" type="checkbox" value="1" checked/.test(form)) fields.rollUpJobs = '1';
  return fields;
}

/** The "last change" line of one section of the page, empty when it has none. */
const lastChangeOf = (html: string, section: string): string =>
  new RegExp(`<p[^>]* id="${section}-last-change"[^>]*>[\\s\\S]*?</p>`).exec(html)?.[0] ?? '';
const input = (html: string, id: string): string => new RegExp(`<input id="${id}"[^>]*>`).exec(html)?.[0] ?? '';

describe('the settings page', () => {
  let world: World;
  let csrf: string;
  const realm = () => world.w.realmId;
  const c = () => world.w.t.container;
  const settingsEntries = async () => c().activity.list(realm(), { kind: 'settings', limit: 100 });
  const versions = async () =>
    Number((await c().db('risk_policies').where({ realm_id: realm() }).count({ n: '*' }).first())!.n);

  beforeAll(async () => {
    world = await panelWorld({ customers: 16, score: false });
    csrf = csrfFrom((await world.agent.get('/settings')).text);
  });
  afterAll(() => world.w.close());

  it('shows its sections, each its own form with the CSRF token', async () => {
    const page = await world.agent.get('/settings');
    expect(page.status).toBe(200);
    expect(page.text).toContain('aria-current="page">Settings</a>');
    expect(page.text).toContain('<link rel="stylesheet" href="/assets/css/settings.css">');
    for (const id of [
      'form-policy',
      'form-policy-defaults',
      'form-schedule',
      'form-credit-scores',
      'form-digest',
      'form-reminders',
      'form-score-now',
    ]) {
      const form = new RegExp(`<form [^>]*id="${id}"[^>]*>\\s*<input type="hidden" name="_csrf" value="([^"]+)">`).exec(
        page.text,
      );
      expect(form?.[1], id).toBe(csrf);
    }
    expect(page.text).toContain('Version 1: the defaults.');
    expect(page.text).toContain('Nothing has been scored yet.');
    expect(policyFields(page.text)).toEqual({
      weightPaymentRate: '40',
      weightCreditScore: '40',
      weightStability: '20',
      bandMedium: '25',
      bandHigh: '45',
      highRiskPaymentRateBelow: '75',
      highRiskBalanceAbove: '15000',
      windowMonths: '24',
      graceDays: '0',
      profitHighShare: '20',
      profitMediumShare: '30',
      rollUpJobs: '1',
    });
    // Every input has a label; hints are tied to their inputs.
    for (const m of page.text.matchAll(/<input id="([^"]+)"/g))
      expect(page.text, m[1]).toContain(`<label for="${m[1]}">`);
    expect(input(page.text, 'policy-windowMonths')).toContain('aria-describedby="policy-windowMonths-hint"');
    expect(page.text).toMatch(/enctype="multipart\/form-data" id="form-credit-scores"/);
    // The Reminders section is its own form, tested in reminders-settings.test.ts.
    expect(page.text).toContain('<a href="#reminders">Reminders</a>');
    expect(page.text).not.toMatch(/ style="/);
    expect(page.text).not.toMatch(/<script>(?!<\/script>)/);
  });

  describe('risk policy', () => {
    it('saves a change as a new version, with who and what changed, and the next score run uses it', async () => {
      const page = await world.agent.get('/settings');
      const fields = {
        ...policyFields(page.text),
        weightPaymentRate: '50',
        weightCreditScore: '30',
        bandHigh: '65',
        highRiskBalanceAbove: '$20,000',
        graceDays: '5',
      };
      const res = await world.agent
        .post('/settings/policy')
        .type('form')
        .send({ _csrf: csrf, ...fields });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/settings?done=policy#policy');
      const policy = await c().riskPolicies.policy(realm());
      expect(policy).toEqual({
        ...DEFAULT_RISK_POLICY,
        version: 2,
        graceDays: 5,
        weights: { paymentRate: 0.5, creditScore: 0.3, stability: 0.2 },
        bands: { medium: 25, high: 65 },
        highRisk: { paymentRateBelow: 75, balanceAboveCents: 2_000_000 },
      });
      const [entry] = await settingsEntries();
      expect(entry).toMatchObject({
        actor: 'Dana Demo',
        kind: 'settings',
        summary:
          'Saved risk policy version 2: payment-rate weight 40% → 50%, credit-score weight 40% → 30%, ' +
          'high band from 45 → 65, high-risk balance above $15,000 → $20,000, grace 0 days → 5 days',
        section: 'policy',
        detail: { version: 2 },
      });
      const after = await world.agent.get(res.headers.location!);
      expect(after.text).toContain('id="settings-notice"');
      expect(after.text).toContain('It applies from the next score run');
      expect(after.text).toMatch(/<strong>Version 2<\/strong>, saved <time datetime="[^"]+">[^<]+<\/time>\./);
      expect(after.text).toContain('by Dana Demo: Saved risk policy version 2');
      expect(policyFields(after.text)).toMatchObject({
        weightPaymentRate: '50',
        bandHigh: '65',
        highRiskBalanceAbove: '20000',
        graceDays: '5',
      });

      const scored = await c().risk.score(realm(), { asOf: '2026-10-31' });
      expect(scored.policy.version).toBe(2);
      const run = await c().db('risk_score_runs').where({ id: scored.runId }).first();
      expect(Number(run.policy_version)).toBe(2);
      // The new bands are the ones the run used: nobody under 65 is in the high band.
      const bands = await c()
        .db('customer_scores')
        .where({ run_id: scored.runId })
        .whereNotNull('score')
        .select('score', 'band');
      for (const b of bands) expect(b.band === 'high', String(b.score)).toBe(Number(b.score) >= 65);
      const page2 = await world.agent.get('/settings');
      expect(page2.text).toContain('The latest scores, as of 31 Oct 2026, used version 2.');
    });

    it('answers a bad policy with 400: every message next to its field, the values kept, nothing saved', async () => {
      const before = await versions();
      const entries = (await settingsEntries()).length;
      const page = await world.agent.get('/settings');
      const bad = {
        ...policyFields(page.text),
        weightPaymentRate: '50',
        weightCreditScore: '20',
        weightStability: '20',
        windowMonths: 'abc',
        graceDays: '61',
        bandMedium: '70',
        bandHigh: '60',
        profitHighShare: '60',
        profitMediumShare: '10.25',
        highRiskBalanceAbove: '12.345',
      };
      const res = await world.agent
        .post('/settings/policy')
        .type('form')
        .send({ _csrf: csrf, ...bad });
      expect(res.status).toBe(400);
      expect(res.text).toContain('id="policy-errors"');
      expect(res.text).toContain('The policy was not saved.');
      expect(res.text).toContain('The three weights add up to 90%: they must add up to exactly 100%.');
      expect(res.text).toContain('&#34;abc&#34; is not a number: enter a whole number from 3 months to 60 months.');
      expect(res.text).toContain('61 days is out of range: enter a whole number from 0 days to 60 days.');
      expect(res.text).toContain('Medium risk must start below high risk: 70 is not below 60.');
      expect(res.text).toContain('Use at most 1 decimal place.');
      expect(res.text).toContain('Use at most 2 decimal places.');
      // Kept as typed, marked invalid, and tied to their messages.
      expect(policyFields(res.text)).toMatchObject({
        weightPaymentRate: '50',
        windowMonths: 'abc',
        graceDays: '61',
        bandMedium: '70',
        profitMediumShare: '10.25',
        highRiskBalanceAbove: '12.345',
      });
      expect(input(res.text, 'policy-windowMonths')).toContain(
        'aria-describedby="policy-windowMonths-hint policy-windowMonths-error" aria-invalid="true"',
      );
      expect(res.text).toContain('<p class="field-error" id="policy-windowMonths-error">');
      expect(input(res.text, 'policy-weightStability')).toContain(
        'aria-describedby="policy-weightStability-hint policy-weights-error" aria-invalid="true"',
      );
      expect(res.text).toContain('<p class="field-error" id="policy-weights-error">');
      expect(input(res.text, 'policy-bandHigh')).toContain('policy-bands-error');
      expect(input(res.text, 'policy-highRiskPaymentRateBelow')).not.toContain('aria-invalid');
      expect(await versions()).toBe(before);
      expect((await settingsEntries()).length).toBe(entries);
      // The other sections show what is saved.
      expect(res.text).toContain('id="form-schedule"');
    });

    it('checks the profitability shares leave room for Low, and reads empty and missing fields', async () => {
      const fields = policyFields((await world.agent.get('/settings')).text);
      const shares = await world.agent
        .post('/settings/policy')
        .type('form')
        .send({ _csrf: csrf, ...fields, profitHighShare: '60', profitMediumShare: '40' });
      expect(shares.status).toBe(400);
      expect(shares.text).toContain(
        'High and Medium together take 100% of customers: keep them under 100% so some are left for Low.',
      );
      const empty = await world.agent
        .post('/settings/policy')
        .type('form')
        .send({ _csrf: csrf, ...fields, windowMonths: '' });
      expect(empty.status).toBe(400);
      expect(empty.text).toContain('Enter a whole number from 3 months to 60 months.');
      const missing = await world.agent.post('/settings/policy').type('form').send({ _csrf: csrf });
      expect(missing.status).toBe(400);
      const twice = await world.agent
        .post('/settings/policy')
        .type('form')
        .send(`_csrf=${encodeURIComponent(csrf)}&windowMonths=12&windowMonths=24`);
      expect(twice.status).toBe(400);
      expect(twice.text).toContain('Give this value once.');
    });

    it('saves nothing when nothing changed, and restores the defaults as a new version', async () => {
      const before = await versions();
      const current = (await c().riskPolicies.policy(realm())).version;
      const page = await world.agent.get('/settings');
      const same = await world.agent
        .post('/settings/policy')
        .type('form')
        .send({ _csrf: csrf, ...policyFields(page.text) });
      expect(same.headers.location).toBe('/settings?done=policy-unchanged#policy');
      expect(await versions()).toBe(before);
      const restore = await world.agent.post('/settings/policy/defaults').type('form').send({ _csrf: csrf });
      expect(restore.status).toBe(303);
      expect(restore.headers.location).toBe('/settings?done=policy-defaults#policy');
      const policy = await c().riskPolicies.policy(realm());
      expect(policy).toEqual({ ...DEFAULT_RISK_POLICY, version: current + 1 });
      const [entry] = await settingsEntries();
      expect(entry!.summary).toMatch(
        new RegExp(`^Restored the default risk policy as version ${current + 1}: payment-rate weight 50% → 40%`),
      );
      const again = await world.agent.post('/settings/policy/defaults').type('form').send({ _csrf: csrf });
      expect(again.headers.location).toBe('/settings?done=policy-unchanged#policy');
      expect(await versions()).toBe(before + 1);
      const page2 = await world.agent.get('/settings');
      expect(page2.text).toContain(`<strong>Version ${current + 1}</strong>`);
      expect(page2.text).toContain('(the default values)');
    });

    it('keeps the tuning only in the policy JSON when the form is saved, restores it with the defaults', async () => {
      const { version: _v, ...defaults } = DEFAULT_RISK_POLICY;
      const tuned = { ...defaults, clusters: { count: 6, seed: 7 }, stability: { ...defaults.stability, alpha: 0.5 } };
      await c().riskPolicies.savePolicy(realm(), tuned, new Date('2026-11-01T00:00:00Z'));
      const page = await world.agent.get('/settings');
      expect(page.text).not.toContain('(the default values)');
      await world.agent
        .post('/settings/policy')
        .type('form')
        .send({ _csrf: csrf, ...policyFields(page.text), windowMonths: '12' });
      const saved = await c().riskPolicies.policy(realm());
      expect(saved).toEqual({ ...tuned, windowMonths: 12, version: saved.version });
      await world.agent.post('/settings/policy/defaults').type('form').send({ _csrf: csrf });
      expect(await c().riskPolicies.policy(realm())).toEqual({ ...DEFAULT_RISK_POLICY, version: saved.version + 1 });
      const [entry] = await settingsEntries();
      expect(entry!.summary).toBe(
        `Restored the default risk policy as version ${saved.version + 1}: window 12 months → 24 months, ` +
          'score smoothing changed, cluster count and seed changed',
      );
    });

    it('refuses every settings form without a valid CSRF token (403), changing nothing', async () => {
      const before = await versions();
      const entries = (await settingsEntries()).length;
      const forged = 'A'.repeat(csrf.length);
      for (const path of ['/settings/policy', '/settings/policy/defaults', '/settings/schedule', '/settings/digest']) {
        expect(
          (await world.agent.post(path).type('form').send({ time: '04:00', weightPaymentRate: '10' })).status,
          path,
        ).toBe(403);
        expect((await world.agent.post(path).type('form').send({ _csrf: forged, time: '04:00' })).status, path).toBe(
          403,
        );
        // Another session's token is as good as none.
        const other = newAgent(world.w.t.app);
        expect((await other.post(path).type('form').send({ _csrf: csrf })).status, path).toBe(403);
      }
      expect(await versions()).toBe(before);
      expect((await settingsEntries()).length).toBe(entries);
      expect(await c().db('company_preferences').where({ realm_id: realm() }).first()).toBeUndefined();
    });
  });

  describe('schedule', () => {
    it("sets a time of the company's own, says when the next run is, and goes back to the default", async () => {
      const page = await world.agent.get('/settings');
      expect(input(page.text, 'schedule-time')).toContain('placeholder="02:30" value=""');
      expect(page.text).toContain('Leave it empty to use the default, 02:30 (used now).');
      expect(page.text).not.toContain('id="action-schedule-default"');
      const res = await world.agent.post('/settings/schedule').type('form').send({ _csrf: csrf, time: '5:00' });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/settings?done=schedule#schedule');
      expect((await c().db('company_preferences').where({ realm_id: realm() }).first()).nightly_local_time).toBe(
        '05:00',
      );
      const [entry] = await settingsEntries();
      expect(entry).toMatchObject({
        actor: 'Dana Demo',
        summary: 'Set the nightly run to 05:00 (America/Los_Angeles), was the default 02:30',
        section: 'schedule',
        detail: { time: '05:00', previous: null },
      });
      // The clock reads 2026-10-31 20:00 UTC, 13:00 in Los Angeles:
      // 05:00 has passed and tonight's run has not happened.
      const after = await world.agent.get('/settings');
      expect(input(after.text, 'schedule-time')).toContain('value="05:00"');
      expect(after.text).toContain(
        '<strong>Next run: within 15 minutes.</strong> 05:00 has passed today (31 Oct 2026, America/Los_Angeles)',
      );
      expect(after.text).toContain('by Dana Demo: Set the nightly run to 05:00');
      // Each section shows its own last change (the section column), not the newest settings entry.
      expect(lastChangeOf(after.text, 'schedule')).toContain('Set the nightly run to 05:00');
      expect(lastChangeOf(after.text, 'policy')).toMatch(
        /by Dana Demo: Restored the default risk policy as version \d+:/,
      );
      expect(lastChangeOf(after.text, 'digest')).toBe('');
      // Once tonight's run has succeeded, the next is tomorrow.
      await c()
        .db('job_locks')
        .insert({
          job: 'nightly',
          bucket: `${realm()}:2026-10-31`,
          owner: 'test',
          started_at: c().clock.now(),
          finished_at: c().clock.now(),
          status: 'succeeded',
        });
      expect((await world.agent.get('/settings')).text).toContain(
        '<strong>Next run: tomorrow, 1 Nov 2026 at 05:00</strong> (America/Los_Angeles)',
      );
      await c().db('job_locks').where({ job: 'nightly' }).delete();
      // Saved again unchanged: nothing logged.
      const same = await world.agent.post('/settings/schedule').type('form').send({ _csrf: csrf, time: '05:00' });
      expect(same.headers.location).toBe('/settings?done=unchanged#schedule');
      // "Use the default" wins over whatever is in the field.
      expect(after.text).toContain(
        '<button type="submit" class="btn" name="nightly" value="default" id="action-schedule-default">' +
          'Use the default, 02:30</button>',
      );
      const back = await world.agent
        .post('/settings/schedule')
        .type('form')
        .send({ _csrf: csrf, time: '05:00', nightly: 'default' });
      expect(back.status).toBe(303);
      expect((await c().db('company_preferences').where({ realm_id: realm() }).first()).nightly_local_time).toBeNull();
      expect((await settingsEntries())[0]!.summary).toBe(
        'Set the nightly run back to the default 02:30 (America/Los_Angeles), was 05:00',
      );
      // An empty field is the default as well.
      await world.agent.post('/settings/schedule').type('form').send({ _csrf: csrf, time: '23:45' });
      await world.agent.post('/settings/schedule').type('form').send({ _csrf: csrf, time: '' });
      expect((await c().db('company_preferences').where({ realm_id: realm() }).first()).nightly_local_time).toBeNull();
    });

    it('answers a bad time with 400, the value kept and the message tied to the field', async () => {
      for (const bad of ['25:00', '5pm', '12:60']) {
        const res = await world.agent.post('/settings/schedule').type('form').send({ _csrf: csrf, time: bad });
        expect(res.status, bad).toBe(400);
        expect(res.text).toContain(
          `&#34;${bad}&#34; is not a time of day: enter HH:MM from 00:00 to 23:59, ` +
            'for example 05:00, or leave it empty for the default.',
        );
        expect(input(res.text, 'schedule-time')).toContain(
          `value="${bad}" aria-describedby="schedule-time-hint schedule-time-error" aria-invalid="true"`,
        );
        expect(res.text).toContain('<a href="#schedule">Go to Nightly schedule</a>');
      }
      expect(
        (await c().db('company_preferences').where({ realm_id: realm() }).first())?.nightly_local_time ?? null,
      ).toBeNull();
    });
  });

  describe('alert digest', () => {
    it('turns the digest on for the owner or an address, and logs what changed', async () => {
      const on = await world.agent
        .post('/settings/digest')
        .type('form')
        .send({ _csrf: csrf, enabled: '1', recipient: 'owner', to: '' });
      expect(on.status).toBe(303);
      expect(on.headers.location).toBe('/settings?done=digest#digest');
      expect(await c().digests.preferences(realm())).toEqual({ enabled: true, to: null });
      expect((await settingsEntries())[0]).toMatchObject({
        actor: 'Dana Demo',
        summary: 'Turned the alert digest on, to the owner (owner@duesense-demo.test)',
      });
      const page = await world.agent.get('/settings');
      expect(page.text).toContain('The owner, owner@duesense-demo.test');
      expect(input(page.text, 'digest-enabled')).toContain('checked');
      const address = await world.agent
        .post('/settings/digest')
        .type('form')
        .send({ _csrf: csrf, enabled: '1', recipient: 'address', to: 'ar@example.test' });
      expect(address.status).toBe(303);
      expect(await c().digests.preferences(realm())).toEqual({ enabled: true, to: 'ar@example.test' });
      expect((await settingsEntries())[0]!.summary).toBe("Changed the alert digest's recipient to ar@example.test");
      const off = await world.agent
        .post('/settings/digest')
        .type('form')
        .send({ _csrf: csrf, recipient: 'address', to: 'ar@example.test' });
      expect(off.status).toBe(303);
      expect(await c().digests.preferences(realm())).toEqual({ enabled: false, to: 'ar@example.test' });
      expect((await settingsEntries())[0]!.summary).toBe('Turned the alert digest off');
    });

    it('answers a bad address with 400, the value kept, nothing saved', async () => {
      const before = await c().digests.preferences(realm());
      const bad = await world.agent
        .post('/settings/digest')
        .type('form')
        .send({ _csrf: csrf, enabled: '1', recipient: 'address', to: 'not-an-address' });
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('&#34;not-an-address&#34; is not an email address: enter one like name@example.com.');
      expect(input(bad.text, 'digest-to')).toContain(
        'value="not-an-address" aria-describedby="digest-to-hint digest-to-error" aria-invalid="true"',
      );
      expect(input(bad.text, 'digest-enabled')).toContain('checked');
      const empty = await world.agent
        .post('/settings/digest')
        .type('form')
        .send({ _csrf: csrf, enabled: '1', recipient: 'address', to: '' });
      expect(empty.status).toBe(400);
      expect(empty.text).toContain('Enter the email address to send the digest to.');
      const nobody = await world.agent.post('/settings/digest').type('form').send({ _csrf: csrf, enabled: '1' });
      expect(nobody.status).toBe(400);
      expect(nobody.text).toContain('Choose who gets the digest: the owner or another address.');
      expect(await c().digests.preferences(realm())).toEqual(before);
    });
  });

  describe('credit scores', () => {
    let ids: string[];
    const scores = async () =>
      c()
        .db('customer_credit_scores')
        .where({ realm_id: realm() })
        .orderBy('customer_qbo_id')
        .select('customer_qbo_id', 'score', 'source');
    /** A multipart post with the token first, as the page's form sends it; `null`: no token at all. */
    const upload = (agent = world.agent, token: string | null = csrf) => {
      const req = agent.post('/settings/credit-scores');
      return token === null ? req : req.field('_csrf', token);
    };

    beforeAll(async () => {
      ids = [...(await c().localCopy.customerNames(realm())).keys()].sort();
    });

    it('explains the format and offers a template with every customer, their Id and current score', async () => {
      const page = await world.agent.get('/settings');
      expect(page.text).toContain('id="credit-scores-format"');
      expect(page.text).toContain('<code>score</code> is a whole number from 300 to 850');
      expect(page.text).toContain('href="/settings/credit-scores/template.csv" id="credit-scores-template"');
      expect(input(page.text, 'credit-scores-file')).toContain('aria-describedby="credit-scores-format"');
      await c().customerInputs.setCreditScore(realm(), ids[ids.length - 1]!, 700, 'manual', c().clock.now());
      const csv = await world.agent.get('/settings/credit-scores/template.csv');
      expect(csv.status).toBe(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect(csv.headers['content-disposition']).toBe('attachment; filename=duesense-credit-scores.csv');
      const lines = csv.text.trim().split('\r\n');
      expect(lines[0]).toBe('customer_id,customer,score');
      expect(lines.length - 1).toBe(ids.length);
      expect(lines).toContain(`${world.names.hostile},<script>alert(1)</script>,`);
      expect(csv.text).toContain(`"'${FORMULA_NAME.replace(/"/g, '""')}"`);
      expect(lines.find((l) => l.startsWith(`${ids[ids.length - 1]},`))).toMatch(/,700$/);
      await c().db('customer_credit_scores').where({ realm_id: realm() }).delete();
    });

    it('imports a valid file whole, logs it, and says so', async () => {
      const file = `customer_id,score\n${ids[0]},720\n${ids[1]},610\n${ids[2]},805\n`;
      const res = await upload().attach('file', Buffer.from(file), { filename: 'scores.csv', contentType: 'text/csv' });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/settings?done=credit-scores&n=3#credit-scores');
      expect(await scores()).toEqual(
        [
          { customer_qbo_id: ids[0], score: 720, source: 'import' },
          { customer_qbo_id: ids[1], score: 610, source: 'import' },
          { customer_qbo_id: ids[2], score: 805, source: 'import' },
        ].sort((a, b) => (a.customer_qbo_id! < b.customer_qbo_id! ? -1 : 1)),
      );
      expect((await settingsEntries())[0]).toMatchObject({
        actor: 'Dana Demo',
        summary: 'Imported 3 credit scores from scores.csv',
        section: 'credit-scores',
        detail: { count: 3 },
      });
      const page = await world.agent.get(res.headers.location!);
      expect(page.text).toContain('Imported 3 credit scores. They count from the next score run.');
      expect(page.text).toContain(`3 of ${ids.length} customers have one.`);
    });

    it('rejects a file with a bad row whole: 400, every rejected row and why, nothing imported', async () => {
      const before = await scores();
      const entries = (await settingsEntries()).length;
      const file = `customer_id,score\n${ids[3]},700\nnobody,650\n${ids[4]},900\n${ids[5]},abc\n${ids[3]},640\n`;
      const res = await upload().attach('file', Buffer.from(file), {
        filename: 'bad <scores>.csv',
        contentType: 'text/csv',
      });
      expect(res.status).toBe(400);
      expect(res.text).toContain('id="credit-scores-report"');
      expect(res.text).toContain(
        'Nothing was imported from bad &lt;scores&gt;.csv.</strong> 4 rows were rejected (1 row was fine).',
      );
      const table = /<table class="table panel-table" id="credit-scores-rejected">([\s\S]*?)<\/table>/.exec(
        res.text,
      )![1]!;
      expect(table).toContain(
        '<td class="num">3</td><td><code>nobody,650</code></td><td>no customer with Id &#34;nobody&#34;</td>',
      );
      expect(table).toContain(
        `<td class="num">4</td><td><code>${ids[4]},900</code></td>` +
          '<td>score &#34;900&#34; must be a whole number from 300 to 850</td>',
      );
      expect(table).toContain('score &#34;abc&#34; must be a whole number from 300 to 850');
      expect(table).toContain('<td class="num">6</td>');
      expect(table).toContain('this customer appears twice');
      expect(await scores()).toEqual(before);
      expect((await settingsEntries()).length).toBe(entries);
    });

    it('answers no file, an empty or binary file, no header, a file over the limit with 400 and a reason', async () => {
      const before = await scores();
      const none = await upload();
      expect(none.status).toBe(400);
      expect(none.text).toContain('Choose a CSV file to upload.');
      expect(input(none.text, 'credit-scores-file')).toContain(
        'aria-describedby="credit-scores-format credit-scores-file-error" aria-invalid="true"',
      );
      const empty = await upload().attach('file', Buffer.alloc(0), { filename: 'empty.csv', contentType: 'text/csv' });
      expect(empty.status).toBe(400);
      expect(empty.text).toContain('The file is empty');
      const binary = await upload().attach('file', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 1]), {
        filename: 'scores.xlsx',
      });
      expect(binary.status).toBe(400);
      expect(binary.text).toContain('This is not a CSV file');
      const header = await upload().attach('file', Buffer.from('id;points\n1;700\n'), { filename: 'scores.csv' });
      expect(header.status).toBe(400);
      expect(header.text).toContain('the first line must name the columns: customer_id (or customer) and score');
      const big = await upload().attach('file', Buffer.alloc(1024 * 1024 + 10, 'a'), {
        filename: 'big.csv',
        contentType: 'text/csv',
      });
      expect(big.status).toBe(400);
      expect(big.text).toContain('The file is larger than 1 MB.');
      const two = await upload()
        .attach('file', Buffer.from('customer_id,score\n'), 'a.csv')
        .attach('file', Buffer.from('customer_id,score\n'), 'b.csv');
      expect(two.status).toBe(400);
      expect(two.text).toContain('Upload one CSV file');
      expect(await scores()).toEqual(before);
    });

    it('refuses an upload without a valid CSRF token (403) and imports nothing', async () => {
      const before = await scores();
      const file = () => Buffer.from(`customer_id,score\n${ids[6]},700\n`);
      expect((await upload(world.agent, null).attach('file', file(), 'scores.csv')).status).toBe(403);
      expect((await upload(world.agent, 'B'.repeat(csrf.length)).attach('file', file(), 'scores.csv')).status).toBe(
        403,
      );
      expect((await upload(world.agent, 'short').attach('file', file(), 'scores.csv')).status).toBe(403);
      // The token after the file is still checked (the whole body is read first).
      expect(
        (
          await world.agent
            .post('/settings/credit-scores')
            .attach('file', file(), 'scores.csv')
            .field('_csrf', 'C'.repeat(csrf.length))
        ).status,
      ).toBe(403);
      // A signed-out browser with a stolen token has no session to match it.
      const stranger = newAgent(world.w.t.app);
      expect((await upload(stranger, csrf).attach('file', file(), 'scores.csv')).status).toBe(403);
      // A plain form post is checked the same way.
      expect(
        (
          await world.agent
            .post('/settings/credit-scores')
            .type('form')
            .send({ _csrf: 'D'.repeat(csrf.length) })
        ).status,
      ).toBe(403);
      expect(await scores()).toEqual(before);
    });
  });

  it('shows the notice only from a fixed set, and a count only when it is a number', async () => {
    expect((await world.agent.get('/settings?done=<b>hi</b>')).text).not.toContain('id="settings-notice"');
    const odd = await world.agent.get('/settings?done=credit-scores&n=<b>');
    expect(odd.text).toContain('Imported the credit scores.');
    expect(odd.text).not.toContain('<b>');
  });

  it('is there only for a signed-in user with a company', async () => {
    const stranger = newAgent(world.w.t.app);
    expect((await stranger.get('/settings')).headers.location).toBe('/?next=%2Fsettings');
    expect((await stranger.get('/settings/credit-scores/template.csv')).status).toBe(303);
  });
});
