import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateCompany } from '../../server/emulator/generator/generate-company.js';
import { DEFAULT_REMINDER_POLICY } from '../../server/features/reminders/domain/reminder-policy.js';
import { startApp, type TestApp } from '../support/app-harness.js';
import { csrfFrom, newAgent, type Agent } from '../support/connect-helper.js';
import { startEmulator, type RunningEmulator } from '../support/emulator-harness.js';
import { AS_OF, connectedToRemind, EMAIL_STRATEGIES } from '../support/reminder-harness.js';
import { startSmtpCatcher, type SmtpCatcher } from '../support/smtp-catcher.js';

const REALM = '9130350000000471';

/** "Send a reminder now" on a customer's page when the customer's strategy uses Duesense's own email (SMTP). */
describe("Send a reminder now by the email channel, from a customer's page", () => {
  let emulator: RunningEmulator;
  let smtp: SmtpCatcher;
  let t: TestApp;
  let alice: Agent;
  const c = () => t.container;

  beforeAll(async () => {
    smtp = await startSmtpCatcher();
    emulator = await startEmulator({
      companies: [generateCompany({ seed: 41, customers: 14, months: 12, asOf: AS_OF, realmId: REALM })],
      now: '2026-10-31T20:00:00Z',
    });
    t = await startApp(emulator, {
      env: { SMTP_URL: smtp.url, MAIL_FROM: 'Duesense <reminders@duesense.test>' },
      rateLimit: { perSecond: 1000, perMinute: 100_000, backoffBaseMs: 5, backoffMaxMs: 20 },
    });
    alice = newAgent(t.app);
    await connectedToRemind(t, emulator, alice, REALM);
    const policy = { ...DEFAULT_REMINDER_POLICY, strategies: EMAIL_STRATEGIES };
    expect((await c().reminders.savePolicy(REALM, policy, 'test')).ok).toBe(true);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await emulator?.close();
    await smtp?.close();
  });

  it('emails the reminder with the invoice attached and says so; QuickBooks sends nothing', async () => {
    const [due] = (await c().reminders.preview(REALM)).plan.due;
    const page = await alice.get(`/customers/${due!.customerId}`);
    expect(page.text).toContain("by the customer's channel (QuickBooks' invoice email, or Duesense's own email");
    const res = await alice
      .post(`/customers/${due!.customerId}/reminders/send`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), invoiceId: due!.invoiceId });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/customers/${due!.customerId}?done=reminder-emailed#customer-reminders`);
    const after = (await alice.get(res.headers.location!)).text;
    expect(after).toContain('Reminder emailed by Duesense, with the invoice attached');
    expect(after).not.toContain('QuickBooks emailed the invoice');
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.envelope.to).toEqual(due!.to);
    expect(emulator.emulator.outbox.list({ realmId: REALM })).toEqual([]);
    const [row] = await c().reminders.list(REALM, { invoiceId: due!.invoiceId });
    expect(row).toMatchObject({ status: 'sent', channel: 'email', origin: 'send-now', decidedBy: 'Dana Demo' });
    const li = new RegExp(`<li id="timeline-${row!.id}">([\\s\\S]*?)</li>`).exec(after)![1]!;
    expect(li).toContain('Email from Duesense to');
    expect(li).toContain('>sent</span>');
  });

  it('in approval mode the queue offers the email reminders for approval; approved, they are emailed', async () => {
    const run = await c().reminders.run(REALM, { origin: 'nightly', actor: 'Nightly schedule' });
    const queued = run.queued.filter((r) => r.status === 'awaiting_approval' && r.reason === null);
    expect(queued.length).toBeGreaterThan(1);
    expect(queued.every((r) => r.channel === 'email')).toBe(true);
    const page = await alice.get('/reminders');
    const queue = /<form method="post" action="\/reminders\/approve" id="form-queue">[\s\S]*?<\/form>/.exec(
      page.text,
    )![0];
    const held = /<section class="card panel-card" id="reminders-held"[\s\S]*?<\/section>/.exec(page.text)![0];
    for (const r of queued) {
      expect(queue).toContain(`id="action-approve-${r.id}"`);
      expect(held).not.toContain(`id="reminder-${r.id}"`);
    }
    expect(page.text).toContain(`Approve all ${queued.length}`);
    const before = smtp.received.length;
    const res = await alice
      .post('/reminders/approve-all')
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(res.headers.location).toBe(`/reminders?done=approved&n=${queued.length}#notice`);
    await vi.waitFor(async () => expect((await c().reminders.counts(REALM)).sent).toBe(1 + queued.length), {
      timeout: 20_000,
      interval: 50,
    });
    expect(smtp.received.length - before).toBe(new Set(queued.map((r) => r.customerId)).size);
  });
});
