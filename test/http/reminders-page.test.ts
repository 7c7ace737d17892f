import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CompanyFile } from '../../server/emulator/company-file-format.js';
import { generateCompany } from '../../server/emulator/generator/generate-company.js';
import { EMULATED_USERS } from '../../server/emulator/oauth/oauth-users.js';
import { createReminderStore } from '../../server/features/reminders/reminder-store.js';
import type { Reminder } from '../../server/features/reminders/reminder-store-type.js';
import { startApp, type TestApp } from '../support/app-harness.js';
import { connectCompany, csrfFrom, newAgent, type Agent } from '../support/connect-helper.js';
import { startEmulator, type RunningEmulator } from '../support/emulator-harness.js';
import { AS_OF, MONDAY } from '../support/reminder-harness.js';
import { scoreOn } from '../support/score-on.js';

const REALM_A = '9130350000000461';
const REALM_B = '9130350000000462';

type Obj = Record<string, unknown>;
const ref = (o: Obj, field: string) => String((o[field] as { value: string }).value);

function company(realmId: string, seed: number, companyName?: string): CompanyFile {
  return generateCompany({
    seed,
    customers: 14,
    months: 12,
    asOf: AS_OF,
    realmId,
    ...(companyName ? { companyName } : {}),
  });
}

describe('the Reminders page: the queue, approve and skip, held and cannot send, every reminder', () => {
  let emulator: RunningEmulator;
  let t: TestApp;
  let alice: Agent;
  let bob: Agent;
  const c = () => t.container;
  const store = () => createReminderStore(c().db);
  const csrfOf = async (agent: Agent, path = '/reminders') => csrfFrom((await agent.get(path)).text);
  const waiting = (realm: string) => c().reminders.list(realm, { status: 'awaiting_approval', limit: 1000 });
  const emails = (realm: string) => emulator.emulator.outbox.list({ realmId: realm });
  const name = (realm: string, customerId: string) =>
    String(emulator.emulator.companies.get(realm)!.table('Customer').get(customerId)!.DisplayName);
  let noEmailCustomer: string;
  let heldCustomer: string;

  beforeAll(async () => {
    emulator = await startEmulator({
      companies: [company(REALM_A, 41), company(REALM_B, 42, 'Bravo Books')],
      now: '2026-10-31T20:00:00Z',
    });
    t = await startApp(emulator, {
      rateLimit: { perSecond: 1000, perMinute: 100_000, backoffBaseMs: 5, backoffMaxMs: 20 },
    });
    alice = newAgent(t.app);
    bob = newAgent(t.app);
    expect((await connectCompany(alice, REALM_A, 'approve', EMULATED_USERS[0]!.sub)).status).toBe(200);
    expect((await connectCompany(bob, REALM_B, 'approve', EMULATED_USERS[1]!.sub)).status).toBe(200);
    for (const realm of [REALM_A, REALM_B]) {
      await c().sync.sync(realm);
      await scoreOn(c(), emulator.clock, realm, AS_OF);
    }
    emulator.clock.set(MONDAY);
    // One customer with reminders due loses every address; another has a payment not applied to any invoice.
    const { plan } = await c().reminders.preview(REALM_A);
    const customers = [...new Set(plan.due.map((d) => d.customerId))];
    expect(customers.length).toBeGreaterThanOrEqual(4);
    [noEmailCustomer, heldCustomer] = customers as [string, string];
    const qbo = emulator.emulator.companies.get(REALM_A)!;
    const cust = qbo.table('Customer').get(noEmailCustomer)!;
    qbo.update('Customer', { Id: noEmailCustomer, SyncToken: cust.SyncToken, PrimaryEmailAddr: { Address: '' } }, true);
    for (const invoice of qbo.table('Invoice').values()) {
      if (ref(invoice, 'CustomerRef') !== noEmailCustomer) continue;
      qbo.update('Invoice', { Id: invoice.Id, SyncToken: invoice.SyncToken, BillEmail: { Address: '' } }, true);
    }
    qbo.create('Payment', { CustomerRef: { value: heldCustomer }, TotalAmt: 50 });
    await c().sync.sync(REALM_A);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await emulator?.close();
  });

  it('before any run: approval mode, what QuickBooks sends, nothing waiting', async () => {
    const page = await alice.get('/reminders');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<a href="/reminders" aria-current="page">Reminders</a>');
    expect(page.text).toMatch(/<strong>Approval mode:<\/strong> the nightly run puts the reminders/);
    expect(page.text).toContain(
      '<a href="/settings#reminders" id="reminders-settings-link">Change the mode and the policy in Settings</a>',
    );
    // Approving here sends: the advice about QuickBooks' own reminders is shown in approval mode too.
    expect(page.text).toMatch(/id="reminders-advice">[\s\S]*?Switch off QuickBooks’ own automatic invoice reminders/);
    expect(page.text).toContain(
      'QuickBooks’ API does not let an app set the wording of this email: QuickBooks sends its own invoice email, ' +
        'with the invoice attached, and records it on the invoice.',
    );
    expect(page.text).toContain('id="queue-empty"');
    expect(page.text).toContain('id="history-empty"');
    expect(page.text).toMatch(/\d+ reminders would fall due on a run now \(into this queue\)/);
  });

  it('lists held and no-address invoices from the plan, each with its reason in words', async () => {
    const page = await alice.get('/reminders');
    const noEmail = /<ul class="rm-plain" id="plan-no-email"[^>]*>([\s\S]*?)<\/ul>/.exec(page.text)![1]!;
    expect(noEmail).toContain(name(REALM_A, noEmailCustomer).replace(/&/g, '&amp;').replace(/'/g, '&#39;'));
    expect(noEmail).toContain('Cannot send: no email address on the invoice or the customer.');
    expect(page.text).toMatch(/<h3 id="plan-no-email-title">Cannot send: no email \(\d+\)<\/h3>/);
    const held = /<ul class="rm-plain" id="plan-held"[^>]*>([\s\S]*?)<\/ul>/.exec(page.text)![1]!;
    expect(held).toContain('Held: the customer has an unapplied payment of $50.00 in QuickBooks');
  });

  it('after the run: the queue by customer, with invoice, balance, stage, tone, channel, address', async () => {
    const run = await c().reminders.run(REALM_A, { origin: 'nightly', actor: 'Nightly schedule' });
    await c().reminders.run(REALM_B, { origin: 'nightly', actor: 'Nightly schedule' });
    expect(run.queued.length).toBeGreaterThanOrEqual(3);
    expect(emails(REALM_A)).toEqual([]);
    const page = await alice.get('/reminders');
    const legends = [...page.text.matchAll(/<legend><a href="\/customers\/([^"]+)">/g)].map((m) => m[1]!);
    expect(new Set(legends).size).toBe(legends.length);
    expect(legends.sort()).toEqual([...new Set(run.queued.map((r) => r.customerId))].sort());
    const first = run.queued[0]!;
    const item = new RegExp(`<li id="reminder-${first.id}">([\\s\\S]*?)</li>`).exec(page.text)![1]!;
    expect(item).toContain(`<strong>Invoice ${first.docNumber}</strong>`);
    expect(item).toMatch(
      /<strong>The reminder [^<]+<\/strong> · (Friendly|Firm|Final notice) · QuickBooks’ invoice email to/,
    );
    expect(item).toContain(first.to[0]!);
    expect(item).toMatch(/\$[\d,]+\.\d\d open, due \d+ \w+ 20\d\d/);
    expect(item).toContain('No text of ours: QuickBooks sends its own invoice email with the invoice attached.');
    expect(item).toContain(`formaction="/reminders/${first.id}/approve"`);
    expect(page.text).toContain(`Approve all ${run.queued.length}`);
    expect(page.text).toContain('id="action-approve-selected"');
    expect(page.text).toContain('formaction="/reminders/skip" id="action-skip-selected"');
    // Bob's company's customers never appear on Alice's page.
    expect(page.text).not.toContain('Bravo Books');
  });

  it('refuses a POST without the CSRF token, and a bulk form with ids that are not numbers', async () => {
    const [row] = await waiting(REALM_A);
    expect((await alice.post(`/reminders/${row!.id}/approve`).type('form').send({})).status).toBe(403);
    expect(
      (
        await alice
          .post('/reminders/approve')
          .type('form')
          .send({ id: String(row!.id) })
      ).status,
    ).toBe(403);
    expect((await alice.post('/reminders/approve-all').type('form').send({})).status).toBe(403);
    const csrf = await csrfOf(alice);
    const bad = await alice
      .post('/reminders/approve')
      .type('form')
      .send({ _csrf: csrf, id: ['1', 'x'] });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('the form is not one Duesense sent');
    const none = await alice.post('/reminders/skip').type('form').send({ _csrf: csrf });
    expect(none.status).toBe(303);
    expect(none.headers.location).toBe('/reminders?done=none-chosen#notice');
    expect((await alice.get(none.headers.location!)).text).toContain('choose at least one reminder first');
    expect((await c().reminders.get(REALM_A, row!.id))!.status).toBe('awaiting_approval');
    expect((await alice.get('/reminders?status=bogus')).status).toBe(400);
  });

  it('approves one: a flash, sent in the background through QuickBooks, then listed as sent', async () => {
    const [row] = await waiting(REALM_A);
    const csrf = await csrfOf(alice);
    const res = await alice.post(`/reminders/${row!.id}/approve`).type('form').send({ _csrf: csrf });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/reminders?done=approved&n=1#notice');
    const flash = await alice.get(res.headers.location!);
    expect(flash.text).toContain('Approved 1 reminder. They are being sent now, in the background (by QuickBooks, or');
    await vi.waitFor(async () => expect((await c().reminders.get(REALM_A, row!.id))!.status).toBe('sent'), {
      timeout: 20_000,
      interval: 50,
    });
    expect(emails(REALM_A).map((e) => e.invoiceId)).toEqual([row!.invoiceId]);
    const sent = await alice.get('/reminders?status=sent');
    expect(sent.text).toMatch(
      new RegExp(`<tr id="history-${row!.id}">[\\s\\S]*?>sent</span><br><span class="muted">by `),
    );
    const log = await c().activity.list(REALM_A, { kind: 'email' });
    expect(log.some((e) => e.summary.startsWith('Reminder sent by QuickBooks'))).toBe(true);
  });

  it('approves and skips in bulk, and says how many', async () => {
    const rows = await waiting(REALM_A);
    const [a, b, s] = rows.filter((r) => r.reason === null);
    const csrf = await csrfOf(alice);
    const skip = await alice
      .post('/reminders/skip')
      .type('form')
      .send({ _csrf: csrf, id: String(s!.id) });
    expect(skip.headers.location).toBe('/reminders?done=skipped&n=1#notice');
    expect((await alice.get(skip.headers.location!)).text).toContain(
      'Skipped 1 reminder: those stages will not be sent.',
    );
    expect((await c().reminders.get(REALM_A, s!.id))!).toMatchObject({
      status: 'skipped',
      decidedBy: expect.any(String),
    });
    const approve = await alice
      .post('/reminders/approve')
      .type('form')
      .send({ _csrf: csrf, id: [String(a!.id), String(b!.id), String(s!.id)] });
    expect(approve.headers.location).toBe('/reminders?done=approved&n=2#notice');
    await vi.waitFor(
      async () => {
        for (const r of [a!, b!]) expect((await c().reminders.get(REALM_A, r.id))!.status).toBe('sent');
      },
      { timeout: 20_000, interval: 50 },
    );
    expect((await c().reminders.get(REALM_A, s!.id))!.status).toBe('skipped');
  });

  it('shows a row held at send time with its reason, and Approve all leaves it for a person', async () => {
    const rows = await waiting(REALM_A);
    const held = rows[0]!;
    await store().move(REALM_A, held.id, {
      from: ['awaiting_approval'],
      to: 'awaiting_approval',
      at: c().clock.now(),
      reason: { code: 'held', unappliedPaymentCents: 2500, unusedCreditCents: 0, currency: 'USD' },
    });
    const page = await alice.get('/reminders');
    const section = /<section class="card panel-card" id="reminders-held"[\s\S]*?<\/section>/.exec(page.text)![0];
    expect(section).toContain(`<li id="reminder-${held.id}">`);
    expect(section).toContain('Held: the customer has an unapplied payment of $25.00 in QuickBooks');
    expect(section).toContain('Approve anyway');
    const csrf = csrfFrom(page.text);
    const all = await alice.post('/reminders/approve-all').type('form').send({ _csrf: csrf });
    expect(all.headers.location).toBe(`/reminders?done=approved&n=${rows.length - 1}#notice`);
    expect((await c().reminders.get(REALM_A, held.id))!.status).toBe('awaiting_approval');
    await vi.waitFor(async () => expect((await c().reminders.counts(REALM_A)).approved).toBe(0), {
      timeout: 20_000,
      interval: 50,
    });
    expect((await alice.get('/reminders')).text).toContain('id="queue-empty"');
  });

  it('shows a failed send with the error in words, QuickBooks’ message and intuit_tid, and Approve again', async () => {
    const [row] = await waiting(REALM_A);
    await store().move(REALM_A, row!.id, {
      from: ['awaiting_approval'],
      to: 'failed',
      at: c().clock.now(),
      lastError: { errorClass: 'permanent', code: '6000', message: 'Invalid email address', intuitTid: 'tid-42' },
    });
    const page = await alice.get('/reminders?status=failed');
    const tr = new RegExp(`<tr id="history-${row!.id}">([\\s\\S]*?)</tr>`).exec(page.text)![1]!;
    expect(tr).toContain('QuickBooks refused to send it (often an address it does not accept):</strong> Invalid email');
    expect(tr).toContain('(QuickBooks error 6000)');
    expect(tr).toContain('intuit_tid <code>tid-42</code>');
    expect(tr).toContain(`action="/reminders/${row!.id}/approve"`);
    expect(tr).toContain('Approve again');
  });

  /**
   * An email-channel reminder of `realm` whose send was interrupted: taken (sending), then put to review, as the
   * sender does with a row a dead pass left behind.
   */
  const toReview = async (realm: string, invoiceId?: string) => {
    const invoice = invoiceId
      ? [...(await c().reminders.preview(realm)).invoices.values()].find((i) => i.invoiceId === invoiceId)!
      : [...(await c().reminders.preview(realm)).invoices.values()][0]!;
    const at = c().clock.now();
    const [row] = await store().enqueue(
      [
        {
          realmId: realm,
          invoiceId: invoice.invoiceId,
          docNumber: invoice.docNumber,
          customerId: invoice.customerId,
          stageDays: null,
          idempotencyKey: `reminder:${invoice.invoiceId}:now:review-${at.getTime()}-${Math.random()}`,
          channel: 'email',
          tone: 'friendly',
          to: ['ap@example.test'],
          subject: 'Invoice reminder',
          text: 'Hello',
          status: 'approved',
          origin: 'send-now',
          actor: 'Nightly schedule',
        },
      ],
      at,
    );
    expect(await store().move(realm, row!.id, { from: ['approved'], to: 'sending', at, sendingAt: at })).toBe(true);
    expect(await store().move(realm, row!.id, { from: ['sending'], to: 'needs_review', at })).toBe(true);
    made.push(row!.id);
    return row!;
  };
  /** The rows to review a test made, and their notes, are removed after it: the tests after it read the newest rows. */
  const made: number[] = [];
  const forgetRowsToReview = async () => {
    await c().db('reminders').whereIn('id', made.splice(0)).delete();
    await c().db('qbo_writebacks').where({ kind: 'invoice_note' }).delete();
  };

  it('lists a reminder to review; "It was sent" marks it sent by that person, logs it, queues its note', async () => {
    const row = await toReview(REALM_A);
    const page = await alice.get('/reminders');
    const section = /<section class="card panel-card" id="reminders-review"[\s\S]*?<\/section>/.exec(page.text)![0];
    expect(section).toContain('To review: may have been sent (1)');
    const li = new RegExp(`<li id="review-${row.id}">([\\s\\S]*?)</li>`).exec(section)![1]!;
    expect(li).toContain(`<strong>Invoice ${row.docNumber}</strong>`);
    expect(li).toContain('Its send was interrupted, so it may have reached the customer');
    expect(li).toContain(`action="/reminders/${row.id}/confirm-sent"`);
    expect(li).toContain(`action="/reminders/${row.id}/skip"`);
    expect(li).toContain('>It was sent<span class="visually-hidden">');
    expect(li).not.toContain('name="from"');
    // CSRF as every form.
    expect((await alice.post(`/reminders/${row.id}/confirm-sent`).type('form').send({})).status).toBe(403);
    expect((await c().reminders.get(REALM_A, row.id))!.status).toBe('needs_review');

    const csrf = csrfFrom(page.text);
    const res = await alice.post(`/reminders/${row.id}/confirm-sent`).type('form').send({ _csrf: csrf });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/reminders?done=confirmed&n=1#notice');
    const after = await alice.get(res.headers.location!);
    expect(after.text).toContain('Marked 1 reminder as sent, by you.');
    expect(after.text).not.toContain('id="reminders-review"');
    const sent = (await c().reminders.get(REALM_A, row.id))!;
    const person = [EMULATED_USERS[0]!.givenName, EMULATED_USERS[0]!.familyName].join(' ');
    expect(sent).toMatchObject({ status: 'sent', decidedBy: person, sentAt: row.createdAt });
    const log = await c().activity.list(REALM_A, { kind: 'email', customerId: row.customerId });
    expect(log[0]).toMatchObject({
      actor: person,
      summary:
        `Confirmed that the reminder email for invoice ${row.docNumber} to ap@example.test was sent ` +
        '(it was to review after an interrupted send)',
    });
    const [note] = (await c().writeback.list(REALM_A, { kind: 'invoice_note' })).filter(
      (x) => x.targetId === row.invoiceId,
    );
    expect(note).toMatchObject({ status: 'pending', actor: person, origin: 'reminders' });
    expect(note!.payload).toEqual({
      line: '2026-11-02 Duesense reminder (sent by hand, friendly) emailed to ap@example.test',
      key: String(row.id),
    });
    // Once: confirming again changes nothing and says so.
    const again = await alice.post(`/reminders/${row.id}/confirm-sent`).type('form').send({ _csrf: csrf });
    expect(again.headers.location).toBe('/reminders?done=confirmed&n=0#notice');
    expect((await alice.get(again.headers.location!)).text).toContain('Nothing was marked sent');
    expect(await c().writeback.list(REALM_A, { kind: 'invoice_note' })).toHaveLength(1);
    await forgetRowsToReview();
  });

  it('skips a reminder to review; "It was sent" never moves a reminder that is not to review', async () => {
    const row = await toReview(REALM_A);
    const csrf = await csrfOf(alice);
    const skipped = await alice.post(`/reminders/${row.id}/skip`).type('form').send({ _csrf: csrf });
    expect(skipped.headers.location).toBe('/reminders?done=skipped&n=1#notice');
    expect((await c().reminders.get(REALM_A, row.id))!.status).toBe('skipped');
    const [failed] = await c().reminders.list(REALM_A, { status: 'failed', limit: 1 });
    for (const id of [row.id, failed!.id]) {
      const res = await alice.post(`/reminders/${id}/confirm-sent`).type('form').send({ _csrf: csrf });
      expect(res.headers.location).toBe('/reminders?done=confirmed&n=0#notice');
    }
    expect((await c().reminders.get(REALM_A, row.id))!.status).toBe('skipped');
    expect((await c().reminders.get(REALM_A, failed!.id))!.status).toBe('failed');
    // Another company's reminder to review: 404, untouched.
    const bobs = await toReview(REALM_B);
    expect((await alice.post(`/reminders/${bobs.id}/confirm-sent`).type('form').send({ _csrf: csrf })).status).toBe(
      404,
    );
    expect((await c().reminders.get(REALM_B, bobs.id))!.status).toBe('needs_review');
    expect((await bob.get('/reminders')).text).toContain(`<li id="review-${bobs.id}">`);
    expect((await alice.get('/reminders')).text).not.toContain(`<li id="review-${bobs.id}">`);
    await forgetRowsToReview();
  });

  it("answers another company's reminder with 404 and never acts on it", async () => {
    const bobs: Reminder[] = await waiting(REALM_B);
    expect(bobs.length).toBeGreaterThan(0);
    const csrf = await csrfOf(alice);
    for (const action of ['approve', 'skip']) {
      const res = await alice.post(`/reminders/${bobs[0]!.id}/${action}`).type('form').send({ _csrf: csrf });
      expect(res.status, action).toBe(404);
    }
    const bulk = await alice
      .post('/reminders/approve')
      .type('form')
      .send({ _csrf: csrf, id: bobs.map((r) => String(r.id)) });
    expect(bulk.headers.location).toBe('/reminders?done=approved&n=0#notice');
    await alice
      .post('/reminders/skip')
      .type('form')
      .send({ _csrf: csrf, id: bobs.map((r) => String(r.id)) });
    await alice.post('/reminders/approve-all').type('form').send({ _csrf: csrf });
    expect((await waiting(REALM_B)).map((r) => r.id)).toEqual(bobs.map((r) => r.id));
    expect(emails(REALM_B)).toEqual([]);
    const page = await bob.get('/reminders');
    expect(page.text).toContain(`<li id="reminder-${bobs[0]!.id}">`);
  });

  describe("a customer's page: the timeline, send now, snooze, dispute", () => {
    const page = (customerId: string) => alice.get(`/customers/${customerId}`);
    const openOf = async (customerId: string) =>
      [...(await c().reminders.preview(REALM_A)).invoices.values()].filter((i) => i.customerId === customerId);

    it('shows the timeline: sent, skipped and failed reminders with their details', async () => {
      const rows = await c().reminders.list(REALM_A, { status: 'sent', limit: 1 });
      const sent = rows[0]!;
      const text = (await page(sent.customerId)).text;
      const li = new RegExp(`<li id="timeline-${sent.id}">([\\s\\S]*?)</li>`).exec(text)![1]!;
      expect(li).toContain(`<strong>Invoice ${sent.docNumber}</strong>`);
      expect(li).toContain('>sent</span>');
      expect(li).toContain('QuickBooks’ invoice email to');
      expect(text).not.toContain('id="reminders-none"');
      expect(text).toContain('Active: this customer gets reminders on the schedule in Settings');
    });

    it('refuses Send a reminder now with the guard’s reason in words: no address', async () => {
      const [invoice] = await openOf(noEmailCustomer);
      const csrf = csrfFrom((await page(noEmailCustomer)).text);
      const res = await alice
        .post(`/customers/${noEmailCustomer}/reminders/send`)
        .type('form')
        .send({ _csrf: csrf, invoiceId: invoice!.invoiceId });
      expect(res.status).toBe(409);
      expect(res.text).toContain(
        '<strong>Not sent.</strong> Cannot send: no email address on the invoice or the customer.',
      );
      const log = await c().activity.list(REALM_A, { kind: 'email' });
      expect(log.some((e) => e.summary.includes('Send a reminder now') && e.summary.includes('not sent'))).toBe(true);
    });

    it('records a dispute, which stops Send a reminder now, then clears it; snoozes and unsnoozes', async () => {
      const customerId = (await c().reminders.list(REALM_A, { status: 'sent', limit: 1 }))[0]!.customerId;
      const [invoice] = await openOf(customerId);
      const id = invoice!.invoiceId;
      const csrf = csrfFrom((await page(customerId)).text);
      const post = (what: string, body: Record<string, string>) =>
        alice
          .post(`/customers/${customerId}/reminders/${what}`)
          .type('form')
          .send({ _csrf: csrf, invoiceId: id, ...body });
      const disputed = await post('dispute', { action: 'record', note: 'Wrong quantity' });
      expect(disputed.headers.location).toBe(`/customers/${customerId}?done=disputed#customer-reminders`);
      expect((await openOf(customerId)).find((i) => i.invoiceId === id)!.disputed).toBe(true);
      const refused = await post('send', {});
      expect(refused.status).toBe(409);
      expect(refused.text).toContain('Disputed: a dispute is recorded on this invoice.');
      expect((await post('dispute', { action: 'clear' })).headers.location).toContain('done=undisputed');
      expect((await post('snooze', { until: 'tomorrow' })).status).toBe(400);
      expect((await post('snooze', { until: '2026-11-20' })).headers.location).toContain('done=snoozed');
      expect((await page(customerId)).text).toContain('Snoozed until 20 Nov 2026');
      expect((await post('send', {})).text).toContain('Snoozed until');
      expect((await post('snooze', { until: '' })).headers.location).toContain('done=unsnoozed');
      const log = (await c().activity.list(REALM_A, { kind: 'customer' })).map((e) => e.summary);
      expect(log.some((l) => l.startsWith('Recorded a dispute on invoice') && l.endsWith(': Wrong quantity'))).toBe(
        true,
      );
      expect(log.some((l) => l.startsWith('Snoozed reminders for invoice') && l.endsWith('until 2026-11-20'))).toBe(
        true,
      );
    });

    it('sends a reminder now through QuickBooks, and the email is in its outbox', async () => {
      const customerId = (await c().reminders.list(REALM_A, { status: 'sent', limit: 1 }))[0]!.customerId;
      const [invoice] = await openOf(customerId);
      const before = emails(REALM_A).length;
      const csrf = csrfFrom((await page(customerId)).text);
      const res = await alice
        .post(`/customers/${customerId}/reminders/send`)
        .type('form')
        .send({ _csrf: csrf, invoiceId: invoice!.invoiceId });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`/customers/${customerId}?done=reminder-sent#customer-reminders`);
      expect(emails(REALM_A)).toHaveLength(before + 1);
      expect(emails(REALM_A).at(-1)!.invoiceId).toBe(invoice!.invoiceId);
      expect((await alice.get(res.headers.location!)).text).toContain('Reminder sent: QuickBooks emailed the invoice');
    });

    it('a reminder to review in the timeline: It was sent, or Skip, and back to the customer', async () => {
      const first = await toReview(REALM_A);
      const second = await toReview(REALM_A, first.invoiceId);
      const text = (await page(first.customerId)).text;
      const li = new RegExp(`<li id="timeline-${first.id}">([\\s\\S]*?)</li>`).exec(text)![1]!;
      expect(li).toContain('to review (may have been sent)');
      expect(li).toContain(`action="/reminders/${first.id}/confirm-sent"`);
      expect(li).toContain('<input type="hidden" name="from" value="customer">');
      const csrf = csrfFrom(text);
      const confirmed = await alice
        .post(`/reminders/${first.id}/confirm-sent`)
        .type('form')
        .send({ _csrf: csrf, from: 'customer' });
      expect(confirmed.status).toBe(303);
      expect(confirmed.headers.location).toBe(
        `/customers/${first.customerId}?done=reminder-confirmed#customer-reminders`,
      );
      const back = (await alice.get(confirmed.headers.location!)).text;
      expect(back).toContain('Marked sent, by you: the reminder to review did go.');
      const sentLi = new RegExp(`<li id="timeline-${first.id}">([\\s\\S]*?)</li>`).exec(back)![1]!;
      expect(sentLi).toContain('>sent</span>');
      expect(sentLi).not.toContain('confirm-sent');
      const skipped = await alice
        .post(`/reminders/${second.id}/skip`)
        .type('form')
        .send({ _csrf: csrf, from: 'customer' });
      expect(skipped.headers.location).toBe(
        `/customers/${first.customerId}?done=reminder-review-skipped#customer-reminders`,
      );
      expect((await alice.get(skipped.headers.location!)).text).toContain(
        'Skipped: that reminder to review will not be sent.',
      );
      expect((await c().reminders.get(REALM_A, second.id))!.status).toBe('skipped');
      const again = await alice
        .post(`/reminders/${second.id}/confirm-sent`)
        .type('form')
        .send({ _csrf: csrf, from: 'customer' });
      expect(again.headers.location).toBe(`/customers/${first.customerId}?done=reminder-unchanged#customer-reminders`);
      expect((await alice.get(again.headers.location!)).text).toContain('Nothing changed: that reminder was no longer');
      await forgetRowsToReview();
    });

    it("never acts on another company's invoice or on another customer's invoice", async () => {
      const customerId = (await c().reminders.list(REALM_A, { status: 'sent', limit: 1 }))[0]!.customerId;
      const csrf = csrfFrom((await page(customerId)).text);
      const other = [...(await c().reminders.preview(REALM_A)).invoices.values()].find(
        (i) => i.customerId !== customerId,
      )!;
      const res = await alice
        .post(`/customers/${customerId}/reminders/dispute`)
        .type('form')
        .send({ _csrf: csrf, invoiceId: other.invoiceId, action: 'record' });
      expect(res.status).toBe(404);
      const bobsInvoices = [...(await c().reminders.preview(REALM_B)).invoices.values()];
      for (const inv of bobsInvoices.slice(0, 3)) {
        await alice
          .post(`/customers/${customerId}/reminders/snooze`)
          .type('form')
          .send({ _csrf: csrf, invoiceId: inv.invoiceId, until: '2026-12-01' });
      }
      expect([...(await c().reminders.preview(REALM_B)).invoices.values()].some((i) => i.snoozedUntil)).toBe(false);
      expect(emails(REALM_B)).toEqual([]);
      expect((await alice.post('/customers/no-such/reminders/send').type('form').send({ _csrf: csrf })).status).toBe(
        404,
      );
    });
  });
});
