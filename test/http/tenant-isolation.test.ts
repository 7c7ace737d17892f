import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATED_USERS } from '../../server/emulator/oauth/oauth-users.js';
import { startApp, type TestApp } from '../support/app-harness.js';
import { connectCompany, csrfFrom, newAgent, type Agent } from '../support/connect-helper.js';
import { startEmulator, type RunningEmulator } from '../support/emulator-harness.js';
import { FIXTURE_REALM, fixtureCompany } from '../support/fixture-company.js';

const REALM_B = '9130350000000002';

/**
 * A user of company A must meet company B nowhere: every company-scoped route answers as if B did not
 * exist (404), and nothing of B appears on A's pages. Later issues add their routes to ROUTES_WITH_REALM.
 */
describe('tenant isolation', () => {
  let emulator: RunningEmulator;
  let t: TestApp;
  let alice: Agent;
  let bob: Agent;

  beforeAll(async () => {
    const b = fixtureCompany();
    b.realmId = REALM_B;
    b.CompanyInfo = { ...b.CompanyInfo, CompanyName: 'Bravo Plumbing' };
    emulator = await startEmulator({ companies: [fixtureCompany(), b] });
    t = await startApp(emulator);
    alice = newAgent(t.app);
    bob = newAgent(t.app);
    expect((await connectCompany(alice, FIXTURE_REALM, 'approve', EMULATED_USERS[0]!.sub)).status).toBe(200);
    expect((await connectCompany(bob, REALM_B, 'approve', EMULATED_USERS[1]!.sub)).status).toBe(200);
  });
  afterAll(async () => {
    await t.close();
    await emulator.close();
  });

  it('shows each user only their own company', async () => {
    const a = await alice.get('/company');
    expect(a.text).toContain('Fixture Landscaping');
    expect(a.text).not.toContain('Bravo Plumbing');
    const b = await bob.get('/company');
    expect(b.text).toContain('Bravo Plumbing');
    expect(b.text).not.toContain('Fixture Landscaping');
  });

  it('answers 404 when a user tries to switch to, or probe, another company', async () => {
    const csrf = csrfFrom((await alice.get('/company')).text);
    expect((await alice.post('/companies/select').type('form').send({ _csrf: csrf, realmId: REALM_B })).status).toBe(
      404,
    );
    expect((await alice.get(`/intuit/disconnect?realmId=${REALM_B}`)).status).toBe(404);
    expect((await alice.get('/company')).text).toContain('Fixture Landscaping');
  });

  it('scopes every company page and download to the selected company', async () => {
    await t.container.sync.sync(REALM_B);
    for (const path of [
      '/sync',
      '/dashboard',
      '/customers',
      '/mailbox',
      '/alerts',
      '/activity',
      '/settings',
      '/writeback',
      '/reminders',
    ]) {
      const page = await alice.get(path);
      expect(page.status, path).toBe(200);
      expect(page.text, path).not.toContain('Bravo Plumbing');
    }
    // Bravo was synced, Alice's company never: her Sync page shows none of Bravo's runs.
    expect((await alice.get('/sync')).text).toContain('No sync has run yet');
    const csrf = csrfFrom((await alice.get('/settings')).text);
    await alice
      .post('/settings/digest')
      .type('form')
      .send({ _csrf: csrf, enabled: '1', recipient: 'address', to: 'alice@example.test', realmId: REALM_B });
    expect(await t.container.digests.preferences(REALM_B)).toEqual({ enabled: false, to: null });
    expect(await t.container.digests.preferences(FIXTURE_REALM)).toEqual({ enabled: true, to: 'alice@example.test' });
    // Downloads read the company's saved run: Bravo's is Bob's alone, and Alice's company has none yet.
    await t.container.risk.score(REALM_B);
    expect((await bob.get('/exports/company.json')).status).toBe(200);
    const csv = await alice.get('/exports/company.json');
    expect(csv.status).toBe(404);
    expect(csv.text).toContain('No scores yet');
  });

  it("never shows or changes another company's customer: list, CSV, a customer page and its actions", async () => {
    const bravoOnly = emulator.emulator.companies
      .get(REALM_B)!
      .create('Customer', { DisplayName: 'Bravo Only Customer' });
    await t.container.sync.sync(REALM_B);
    await t.container.risk.score(REALM_B, { asOf: '2025-06-15' });
    await t.container.sync.sync(FIXTURE_REALM);
    await t.container.risk.score(FIXTURE_REALM, { asOf: '2025-06-15' });
    const id = String(bravoOnly.Id);
    expect((await bob.get(`/customers/${id}`)).text).toContain('Bravo Only Customer');
    expect((await alice.get(`/customers/${id}`)).status).toBe(404);
    const csrf = csrfFrom((await alice.get('/customers')).text);
    for (const action of ['reminders', 'exclusion', 'credit-score']) {
      const res = await alice
        .post(`/customers/${id}/${action}`)
        .type('form')
        .send({ _csrf: csrf, action: action === 'reminders' ? 'pause' : 'exclude', score: '700' });
      expect(res.status, action).toBe(404);
    }
    expect(await t.container.db('customer_controls').where({ customer_qbo_id: id }).first()).toBeUndefined();
    expect(await t.container.db('customer_credit_scores').where({ customer_qbo_id: id }).first()).toBeUndefined();
    expect((await alice.get('/customers?q=bravo')).text).toContain('No customer matches these filters.');
    expect((await alice.get('/customers.csv')).text).not.toContain('Bravo Only Customer');
    // The same id in both companies: each user sees their own company's customer.
    expect((await alice.get('/customers/1')).status).toBe(200);
    expect((await alice.get('/customers/1')).text).not.toContain('Bravo');
  });

  it("never shows or changes another company's alerts, activity or settings", async () => {
    const { db } = t.container;
    const runB = await db('risk_score_runs').where({ realm_id: REALM_B }).orderBy('id', 'desc').first('id');
    const [row] = await db('risk_alerts')
      .insert({
        realm_id: REALM_B,
        customer_qbo_id: '1',
        run_id: runB.id,
        kind: 'band_up',
        message: 'Bravo alert moved to high risk',
        created_at: t.container.clock.now(),
      })
      .returning('id');
    const alertId = Number(typeof row === 'object' ? (row as { id: number }).id : row);
    await t.container.activity.record(REALM_B, { actor: 'Bob', kind: 'settings', summary: 'Bravo secret setting' });
    const alerts = await alice.get('/alerts?status=all');
    expect(alerts.text).not.toContain('Bravo alert');
    expect((await alice.get('/activity')).text).not.toContain('Bravo secret');
    const csrf = csrfFrom(alerts.text);
    expect((await alice.post(`/alerts/${alertId}/acknowledge`).type('form').send({ _csrf: csrf })).status).toBe(404);
    await alice
      .post('/alerts/acknowledge')
      .type('form')
      .send({ _csrf: csrf, ids: String(alertId) });
    expect((await db('risk_alerts').where({ id: alertId }).first()).acknowledged_at).toBeNull();
    await alice.post('/settings/schedule').type('form').send({ _csrf: csrf, time: '04:00', realmId: REALM_B });
    expect(
      (await db('company_preferences').where({ realm_id: REALM_B }).first())?.nightly_local_time ?? null,
    ).toBeNull();
    expect((await db('company_preferences').where({ realm_id: FIXTURE_REALM }).first()).nightly_local_time).toBe(
      '04:00',
    );
    await alice.post('/settings/policy/defaults').type('form').send({ _csrf: csrf, realmId: REALM_B });
    const bravoCustomer = await db('qbo_customers')
      .where({ realm_id: REALM_B, display_name: 'Bravo Only Customer' })
      .first('qbo_id');
    const upload = await alice
      .post('/settings/credit-scores')
      .field('_csrf', csrf)
      .attach('file', Buffer.from(`customer_id,score\n${bravoCustomer.qbo_id},700\n`), 'scores.csv');
    expect(upload.status).toBe(400);
    expect(await db('customer_credit_scores').where({ realm_id: REALM_B }).first()).toBeUndefined();
    expect((await alice.get('/settings/credit-scores/template.csv')).text).not.toContain('Bravo Only Customer');
    expect(await db('risk_policies').where({ realm_id: REALM_B }).first()).toBeUndefined();
  });

  it('cannot disconnect another company, even with a forged session value', async () => {
    const csrf = csrfFrom((await alice.get('/company')).text);
    await alice.post('/disconnect').type('form').send({ _csrf: csrf, realmId: REALM_B });
    expect((await t.container.connections.getCompany(REALM_B))?.status).toBe('connected');
    expect((await t.container.connections.getCompany(FIXTURE_REALM))?.status).toBe('disconnected');
  });

  it('lets a user linked to both companies switch between them', async () => {
    const both = newAgent(t.app);
    await connectCompany(both, REALM_B, 'approve', EMULATED_USERS[0]!.sub); // Alice's Intuit user connects B too
    const home = await both.get('/company');
    expect(home.text).toContain('id="company-select"');
    const res = await both
      .post('/companies/select')
      .type('form')
      .send({ _csrf: csrfFrom(home.text), realmId: FIXTURE_REALM });
    expect(res.status).toBe(303);
    expect((await both.get('/company')).text).toContain('Fixture Landscaping');
  });
});
