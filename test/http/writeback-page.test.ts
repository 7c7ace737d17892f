import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CompanyFile } from '../../server/emulator/company-file-format.js';
import { generateCompany } from '../../server/emulator/generator/generate-company.js';
import { EMULATED_USERS } from '../../server/emulator/oauth/oauth-users.js';
import { readNotesBlock } from '../../server/features/writeback/domain/notes-block.js';
import { startApp, type TestApp } from '../support/app-harness.js';
import { connectCompany, csrfFrom, newAgent, type Agent } from '../support/connect-helper.js';
import { startEmulator, type RunningEmulator } from '../support/emulator-harness.js';
import { scoreOn } from '../support/score-on.js';

const REALM_A = '9130350000000451';
const REALM_B = '9130350000000452';
const OWN_NOTES = 'Call before shipping to the Elm St site.';

type Obj = Record<string, unknown>;

/** Company A: slot 2 of the sales-form custom fields turned on as well as slot 1; slot 3 named but off. */
function companyA(): CompanyFile {
  const file = generateCompany({ seed: 31, customers: 80, months: 12, asOf: '2026-10-31', realmId: REALM_A });
  const prefs = file.Preferences as Obj;
  const sales = prefs.SalesFormsPrefs as Obj;
  const group = (sales.CustomField as Array<{ CustomField: Obj[] }>)[0]!.CustomField;
  group.push(
    { Name: 'SalesFormsPrefs.UseSalesCustom2', Type: 'BooleanType', BooleanValue: true },
    { Name: 'SalesFormsPrefs.SalesCustomName2', Type: 'StringType', StringValue: 'Risk tier' },
    { Name: 'SalesFormsPrefs.UseSalesCustom3', Type: 'BooleanType', BooleanValue: false },
    { Name: 'SalesFormsPrefs.SalesCustomName3', Type: 'StringType', StringValue: 'Old field' },
  );
  return file;
}

/** Company B: no customer types and no custom field turned on. */
function companyB(): CompanyFile {
  const file = generateCompany({
    seed: 32,
    customers: 12,
    months: 12,
    asOf: '2026-10-31',
    realmId: REALM_B,
    companyName: 'Bravo Books',
  });
  file.CustomerTypes = [];
  for (const c of file.Customers) delete (c as Obj).CustomerTypeRef;
  delete ((file.Preferences as Obj).SalesFormsPrefs as Obj).CustomField;
  return file;
}

describe('write-back in the panel: its page, its settings, a customer’s writes, removal on disconnect', () => {
  let emulator: RunningEmulator;
  let t: TestApp;
  let alice: Agent;
  let bob: Agent;
  const c = () => t.container;
  const customer = (id: string) => emulator.emulator.companies.get(REALM_A)!.table('Customer').get(id)!;
  const customers = (realm: string) => [...emulator.emulator.companies.get(realm)!.table('Customer').values()];
  const blocks = (realm: string) =>
    customers(realm).filter((x) => readNotesBlock(String(x.Notes ?? '')).state === 'ours');
  const csrfOf = async (agent: Agent, path = '/writeback') => csrfFrom((await agent.get(path)).text);
  const posts = () => emulator.emulator.requests().filter((r) => r.method === 'POST' && r.path.includes('/v3/'));
  let ownNotesId: string;
  let excludedId: string;

  /** The company's outbox has nothing waiting and no drain holds it. */
  const settle = (realm: string) =>
    vi.waitFor(
      async () => {
        const n = await c().writeback.counts(realm);
        expect(n.pending + n.in_flight).toBe(0);
        expect(await c().locks.status('writeback', realm)).not.toBe('running');
      },
      { timeout: 30_000, interval: 50 },
    );

  beforeAll(async () => {
    const a = companyA();
    const roots = a.Customers.filter((x) => !(x as Obj).ParentRef);
    ownNotesId = String(roots[0]!.Id);
    (roots[0] as Obj).Notes = OWN_NOTES;
    excludedId = String(roots[1]!.Id);
    emulator = await startEmulator({ companies: [a, companyB()], now: '2026-10-31T20:00:00Z' });
    t = await startApp(emulator, {
      rateLimit: { perSecond: 1000, perMinute: 100_000, backoffBaseMs: 5, backoffMaxMs: 20 },
    });
    alice = newAgent(t.app);
    bob = newAgent(t.app);
    expect((await connectCompany(alice, REALM_A, 'approve', EMULATED_USERS[0]!.sub)).status).toBe(200);
    expect((await connectCompany(bob, REALM_B, 'approve', EMULATED_USERS[1]!.sub)).status).toBe(200);
    for (const realm of [REALM_A, REALM_B]) {
      await c().sync.sync(realm);
      await scoreOn(c(), emulator.clock, realm, '2026-10-31');
    }
    await c().customerInputs.setControls(REALM_A, excludedId, { excluded: true }, 'test', emulator.clock.now());
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await emulator?.close();
  });

  it('starts with nightly write-back off and previews "these N customers would get these notes"', async () => {
    expect(await c().writeback.settings(REALM_A)).toMatchObject({ nightlyEnabled: false, editedBlock: 'keep' });
    const preview = await c().writeback.preview(REALM_A);
    const n = preview.plan.counts.customerWrites;
    expect(n).toBeGreaterThan(50);
    expect(n).toBeLessThan(90);
    const page = await alice.get('/writeback');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<a href="/writeback" aria-current="page">Write-back</a>');
    expect(page.text).toMatch(/<strong>Nightly write-back is off\.<\/strong>/);
    expect(page.text).toContain(
      '<a href="/settings#writeback" id="writeback-settings-link">Turn it on in Settings</a>',
    );
    expect(page.text).toContain(`These ${n} customers would get these notes`);
    expect(page.text).toContain('<li>1 customer is excluded from automatic actions (nothing written)</li>');
    // The first 50 with the block that would be written; the rest counted.
    const shown = [...page.text.matchAll(/<pre class="notes-block">([^<]*)<\/pre>/g)].map((m) => m[1]!);
    expect(shown).toHaveLength(50);
    for (const block of shown) expect(block).toMatch(/^--- Duesense risk \(updated automatically\) ---\nRisk tier: /);
    expect(page.text).toContain(`And ${n - 50} more customers, not listed here.`);
    expect(page.text).toMatch(
      /<form method="post" action="\/writeback\/run" id="form-writeback-run"[^>]*>\s*<input type="hidden" name="_csrf" value="[^"]+">/,
    );
    expect(page.text).toContain('id="outbox-empty"');
    // Looking is free: nothing was written into QuickBooks, nothing queued.
    expect(posts()).toEqual([]);
    expect(await c().writeback.counts(REALM_A)).toMatchObject({ pending: 0, done: 0 });
  });

  it('Settings: the company’s customer types and enabled custom fields, with what a field costs', async () => {
    const page = await alice.get('/settings');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<li><a href="#writeback">Write-back</a></li>');
    expect(page.text).toMatch(
      /<form method="post" action="\/settings\/writeback" id="form-writeback"[^>]*>\s*<input type="hidden" name="_csrf" value="[^"]+">/,
    );
    expect(page.text).toContain(
      '<input id="writeback-nightly" name="nightly" type="checkbox" value="1" ' +
        'aria-describedby="writeback-nightly-hint">',
    );
    expect(page.text).toMatch(/id="writeback-edited-keep" name="editedBlock" value="keep" checked>/);
    expect(page.text).toContain('the nightly run writes after scoring, and only what changed');
    for (const name of ['Retail', 'Wholesale', 'Contractor']) expect(page.text).toContain(`>${name}</option>`);
    expect(page.text).toContain('Custom field 1: PO Number');
    expect(page.text).toContain('Custom field 2: Risk tier');
    expect(page.text).not.toContain('Old field');
    const invoices = (await c().writeback.preview(REALM_A, 'label', { invoiceFieldId: '2' })).plan.counts.invoiceWrites;
    expect(invoices).toBeGreaterThan(30);
    const batches = Math.ceil(invoices / 30);
    expect(page.text).toContain(
      `<p class="hint" id="writeback-field-2-cost">${invoices} open invoices would be written now: ` +
        `${batches} batch requests of 30, about 1 minute at QuickBooks’ 40 batch requests a minute.</p>`,
    );
    for (const m of page.text.matchAll(/<(?:input|select) id="(writeback-[^"]+)"/g))
      expect(page.text, m[1]).toContain(`<label for="${m[1]}">`);
    // Bob's company has neither: he is told where they come from.
    const other = await bob.get('/settings');
    expect(other.text).toContain('id="writeback-types-none"');
    expect(other.text).toMatch(/create them in QuickBooks first[^<]*, then sync/);
    expect(other.text).toContain('id="writeback-fields-none"');
    expect(other.text).not.toContain('Retail');
  });

  it('Settings: refuses a form without the CSRF token, and wrong values field by field, saving nothing', async () => {
    const csrf = await csrfOf(alice, '/settings');
    expect(
      (await alice.post('/settings/writeback').type('form').send({ nightly: '1', editedBlock: 'keep' })).status,
    ).toBe(403);
    const res = await alice.post('/settings/writeback').type('form').send({
      _csrf: csrf,
      editedBlock: 'maybe',
      typeLow: '999',
      typeMedium: '1',
      typeHigh: '1',
      invoiceField: '3',
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="settings-error-summary"');
    expect(res.text).toContain('The write-back settings were not saved.');
    expect(res.text).toContain('<a href="#writeback">Go to Write-back</a>');
    expect(res.text).toMatch(
      /id="writeback-editedBlock-error"><span class="visually-hidden">Error: <\/span>Choose what/,
    );
    expect(res.text).toContain('&#34;999&#34; is not one of the company’s customer types');
    expect(res.text).toContain('Medium risk already sets “Retail”: give each risk tier its own customer type');
    expect(res.text).toContain('Custom field &#34;3&#34; is not one the company has turned on in QuickBooks');
    // What was chosen is kept, marked and tied to its message.
    expect(res.text).toMatch(
      /<select id="writeback-type-High" name="typeHigh" aria-invalid="true" aria-describedby="writeback-type-High-error">/,
    );
    expect(res.text).toMatch(/<option value="1" selected>Retail<\/option>/);
    expect(await c().writeback.settings(REALM_A)).toMatchObject({ nightlyEnabled: false, customerTypes: null });
    expect(await c().activity.lastChange(REALM_A, 'writeback')).toBeUndefined();
    // A type id of another company is no type of Bob's.
    const bobs = await bob
      .post('/settings/writeback')
      .type('form')
      .send({
        _csrf: await csrfOf(bob, '/settings'),
        editedBlock: 'keep',
        typeLow: '1',
      });
    expect(bobs.status).toBe(400);
    expect(bobs.text).toContain('The company has no customer types. Create them in QuickBooks first, then sync.');
  });

  it('Settings: saves, records who turned nightly write-back on; the same values again change nothing', async () => {
    const csrf = await csrfOf(alice, '/settings');
    const form = {
      _csrf: csrf,
      nightly: '1',
      editedBlock: 'replace',
      typeLow: '1',
      typeMedium: '2',
      typeHigh: '3',
      invoiceField: '2',
    };
    const saved = await alice.post('/settings/writeback').type('form').send(form);
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe('/settings?done=writeback-on#writeback');
    expect(await c().writeback.settings(REALM_A)).toMatchObject({
      nightlyEnabled: true,
      editedBlock: 'replace',
      customerTypes: { Low: '1', Medium: '2', High: '3' },
      invoiceFieldId: '2',
      updatedBy: 'Dana Demo',
    });
    const entry = await c().activity.lastChange(REALM_A, 'writeback');
    expect(entry).toMatchObject({ actor: 'Dana Demo', kind: 'settings' });
    expect(entry!.summary).toContain('nightly write-back turned on');
    const page = await alice.get(saved.headers.location!);
    expect(page.text).toContain('Nightly write-back is on: after each nightly score run Duesense writes what changed');
    expect(page.text).toMatch(
      /id="writeback-last-change">Last changed <time[^>]*>[^<]+<\/time> by Dana Demo: Write-back settings/,
    );
    expect(page.text).toMatch(/id="writeback-nightly" name="nightly" type="checkbox" value="1" [^>]*checked>/);
    expect(page.text).toContain('On now: the Write-back page shows what it would write.');
    expect((await alice.get('/writeback')).text).toMatch(/<strong>Nightly write-back is on\.<\/strong>/);
    const again = await alice.post('/settings/writeback').type('form').send(form);
    expect(again.headers.location).toBe('/settings?done=unchanged#writeback');
    expect(await c().writeback.settings(REALM_B)).toMatchObject({ nightlyEnabled: false, invoiceFieldId: null });
    // Back to labels only, nightly off, for what follows.
    const off = await alice
      .post('/settings/writeback')
      .type('form')
      .send({ _csrf: csrf, editedBlock: 'keep', typeLow: '', typeMedium: '', typeHigh: '', invoiceField: '' });
    expect(off.headers.location).toBe('/settings?done=writeback#writeback');
    expect(await c().writeback.settings(REALM_A)).toMatchObject({
      nightlyEnabled: false,
      customerTypes: null,
      invoiceFieldId: null,
    });
  });

  it('Write into QuickBooks now: queued at once, written in the background; failures in words', async () => {
    const n = (await c().writeback.preview(REALM_A)).plan.counts.customerWrites;
    expect((await alice.post('/writeback/run').type('form').send({})).status).toBe(403);
    expect(await c().writeback.counts(REALM_A)).toMatchObject({ pending: 0 });
    // QuickBooks refuses the first batch request (30 customers); the rest is written.
    emulator.emulator.faults.failNext({ kind: 'fault', code: '2010' }, 1);
    const res = await alice
      .post('/writeback/run')
      .type('form')
      .send({ _csrf: await csrfOf(alice) });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/writeback?done=queued&n=${n}#writeback-notice`);
    await settle(REALM_A);
    expect(await c().writeback.counts(REALM_A)).toMatchObject({ failed: 30, done: n - 30, pending: 0 });
    expect(blocks(REALM_A)).toHaveLength(n - 30);
    expect(readNotesBlock(String(customer(excludedId).Notes ?? '')).state).toBe('absent');
    const run = (await c().activity.list(REALM_A, { kind: 'write', limit: 50 })).find((e) =>
      e.summary.startsWith('Chose Write into QuickBooks now'),
    );
    expect(run).toMatchObject({ actor: 'Dana Demo', summary: expect.stringContaining(`${n} writes queued`) });

    const page = await alice.get(res.headers.location!);
    expect(page.text).toContain(`Queued ${n} writes into QuickBooks. They are being written now`);
    expect(page.text).toMatch(/id="writeback-counts">\s*\d+ done · 30 failed\s*</);
    expect(page.text).toMatch(
      /QuickBooks does not accept one of the fields Duesense sent:<\/strong> [^<]+ \(QuickBooks error 2010\)<br><span class="muted">intuit_tid <code>1-[0-9a-f]+-[0-9a-f]+<\/code>/,
    );
    // The failed ones were the first batch, the oldest rows: all 30 have Retry on the Failed list.
    const failedList = await alice.get('/writeback?status=failed');
    expect([...failedList.text.matchAll(/id="action-retry-\d+"/g)]).toHaveLength(30);
    expect(page.text).toContain(
      '<summary>The Duesense block as written</summary><pre class="notes-block">--- Duesense risk',
    );
    // The plan now holds only what failed.
    expect(page.text).toContain('These 30 customers would get these notes');
  });

  it('Retry: writes a failed row; a row that has not failed, or is another company’s, is not retried', async () => {
    const [failed] = await c().writeback.list(REALM_A, { status: 'failed', limit: 1 });
    const url = `/writeback/${failed!.id}/retry`;
    expect((await alice.post(url).type('form').send({})).status).toBe(403);
    const csrf = await csrfOf(alice);
    const res = await alice.post(url).type('form').send({ _csrf: csrf, status: 'failed', kind: '' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/writeback?status=failed&done=retrying#writeback-notice');
    await settle(REALM_A);
    expect(await c().writeback.get(REALM_A, failed!.id)).toMatchObject({ status: 'done', attempts: 1 });
    expect(readNotesBlock(String(customer(failed!.targetId).Notes)).state).toBe('ours');
    const again = await alice.post(url).type('form').send({ _csrf: csrf });
    expect(again.headers.location).toBe('/writeback?done=not-failed#writeback-notice');
    expect((await alice.get(again.headers.location!)).text).toContain('Nothing to retry: that write has not failed');
    // Bob's rows: another company's id is a 404, and never shown to Alice.
    const bobs = await c().writeback.enqueue(REALM_B, { origin: 'cli', actor: 'test' });
    expect(bobs.queued).toBeGreaterThan(0);
    const bobRows = await c().writeback.list(REALM_B);
    expect((await alice.post(`/writeback/${bobRows[0]!.id}/retry`).type('form').send({ _csrf: csrf })).status).toBe(
      404,
    );
    expect((await alice.post('/writeback/abc/retry').type('form').send({ _csrf: csrf })).status).toBe(404);
    const all = await alice.get('/writeback');
    for (const row of bobRows) expect(all.text).not.toContain(`id="write-${row.id}"`);
    expect((await bob.get('/writeback')).text).toContain(`id="write-${bobRows[0]!.id}"`);
    expect((await bob.get('/writeback')).text).not.toContain(`id="write-${failed!.id}"`);
  });

  it('filters the outbox by status and kind, pages by id, and answers unknown filters with a 400', async () => {
    const ids = (html: string) => [...html.matchAll(/<tr id="write-(\d+)">/g)].map((m) => Number(m[1]));
    const failedPage = await alice.get('/writeback?status=failed');
    expect(ids(failedPage.text)).toHaveLength(29);
    expect(failedPage.text).not.toContain('wb-status-done');
    expect(failedPage.text).toContain('<option value="failed" selected>Failed</option>');
    const newest = await alice.get('/writeback');
    const first = ids(newest.text);
    expect(first).toHaveLength(50);
    expect([...first].sort((a, b) => b - a)).toEqual(first);
    const older = /<a href="([^"]+)" id="page-older" rel="next">/.exec(newest.text)![1]!.replace(/&amp;/g, '&');
    expect(older).toBe(`/writeback?before=${first.at(-1)}`);
    const next = ids((await alice.get(older)).text);
    expect(next.length).toBeGreaterThan(0);
    expect(next.every((id) => id < first.at(-1)!)).toBe(true);
    const none = await alice.get('/writeback?kind=invoice_tier');
    expect(none.text).toContain('id="outbox-none-match"');
    const bad = await alice.get('/writeback?status=lost&before=0');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Unknown status &#34;lost&#34;');
    expect(bad.text).toContain('Before &#34;0&#34; is not an entry number');
  });

  it('a customer’s page lists what was written for them, and says when they are excluded', async () => {
    const [done] = await c().writeback.list(REALM_A, { status: 'done', kind: 'customer_label', limit: 1 });
    const page = await alice.get(`/customers/${done!.customerId}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('id="writes-none"');
    const section = /<section class="card" id="customer-writes"[\s\S]*?<\/section>/.exec(page.text)![0];
    expect(section).toContain(`id="write-${done!.id}"`);
    expect(section).toContain('Risk label in the customer’s notes');
    expect(section).toContain('wb-status-done">Done</span>');
    expect(section).toContain('Written.');
    expect(section).toContain(`<pre class="notes-block">${blockText(done!.result!.notes!)}</pre>`);
    const [failed] = await c().writeback.list(REALM_A, { status: 'failed', limit: 1 });
    const failedPage = await alice.get(`/customers/${failed!.customerId}`);
    expect(failedPage.text).toContain('wb-status-failed">Failed</span>');
    expect(failedPage.text).toContain('(QuickBooks error 2010)');
    const excluded = await alice.get(`/customers/${excludedId}`);
    expect(excluded.text).toContain('id="writes-excluded"');
    expect(excluded.text).toContain('Duesense writes nothing into QuickBooks for this customer');
    expect(excluded.text).toContain('id="writes-none"');
  });

  it('disconnect can remove the notes first: removed while the tokens work, then disconnected', async () => {
    const m = await c().writebackRemoval.customersToClean(REALM_A);
    expect(m).toBe(blocks(REALM_A).length);
    expect(m).toBeGreaterThan(0);
    const company = await alice.get('/company');
    expect(company.text).toContain(`Also remove the Duesense notes from ${m} customers in QuickBooks`);
    expect(company.text).toMatch(
      /<form method="post" action="\/disconnect" class="disconnect-form" id="form-disconnect">\s*<input type="hidden" name="_csrf"/,
    );
    // Bob's company carries no Duesense notes: no offer.
    expect((await bob.get('/company')).text).not.toContain('disconnect-remove-notes');
    expect((await alice.post('/disconnect').type('form').send({ removeNotes: '1' })).status).toBe(403);

    const res = await alice
      .post('/disconnect')
      .type('form')
      .send({ _csrf: await csrfOf(alice, '/company'), removeNotes: '1' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/writeback?done=removing&n=${m}#writeback-notice`);
    const landing = await alice.get(res.headers.location!);
    expect(landing.text).toContain(
      `Duesense is removing its notes from ${m} customers in QuickBooks, in the background.`,
    );
    await vi.waitFor(async () => expect((await c().connections.getCompany(REALM_A))?.status).toBe('disconnected'), {
      timeout: 30_000,
      interval: 50,
    });
    expect(blocks(REALM_A)).toEqual([]);
    expect(customer(ownNotesId).Notes).toBe(OWN_NOTES);
    const removals = await c().writeback.list(REALM_A, { kind: 'customer_unlabel', limit: 200 });
    expect(removals).toHaveLength(m);
    expect(removals.every((r) => r.status === 'done' && r.origin === 'removal' && r.actor === 'Dana Demo')).toBe(true);
    const log = (await c().activity.list(REALM_A, { limit: 200 })).map((e) => `${e.actor}: ${e.summary}`);
    expect(log).toContain(
      `Dana Demo: Asked to remove the Duesense notes from ${m} customers in QuickBooks, then disconnect ` +
        `${companyName()}`,
    );
    expect(log).toContain(
      `Dana Demo: Disconnected ${companyName()} after removing the Duesense notes from ${m} customers ` +
        '(data kept; reconnect to resume syncing)',
    );
    // The page a person lands on after reloading says the company is disconnected; writing waits for a reconnect.
    const after = await alice.get('/writeback');
    expect(after.text).toContain('data-banner="disconnected"');
    expect(after.text).not.toContain('id="form-writeback-run"');
    const csrf = csrfFrom(after.text);
    const refused = await alice.post('/writeback/run').type('form').send({ _csrf: csrf });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('so Duesense cannot write into it now');
    const [failed] = await c().writeback.list(REALM_A, { status: 'failed', limit: 1 });
    expect((await alice.post(`/writeback/${failed!.id}/retry`).type('form').send({ _csrf: csrf })).status).toBe(409);
    expect(await c().writeback.get(REALM_A, failed!.id)).toMatchObject({ status: 'failed' });
  });

  it('with nothing to remove, disconnecting with the box ticked disconnects at once', async () => {
    const res = await bob
      .post('/disconnect')
      .type('form')
      .send({ _csrf: await csrfOf(bob, '/company'), removeNotes: '1' });
    expect(res.headers.location).toBe('/?disconnected=1');
    expect((await c().connections.getCompany(REALM_B))?.status).toBe('disconnected');
    const log = (await c().activity.list(REALM_B, { kind: 'connection', limit: 5 })).map((e) => e.summary);
    expect(log[0]).toBe(
      'Disconnected Bravo Books with no Duesense notes left to remove (data kept; reconnect to resume syncing)',
    );
  });

  const companyName = () => 'Harborview Services Co.';
});

function blockText(notes: string): string {
  const reading = readNotesBlock(notes);
  if (reading.state !== 'ours') throw new Error('no block');
  return reading.block
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&#34;')
    .replace(/'/g, '&#39;');
}
