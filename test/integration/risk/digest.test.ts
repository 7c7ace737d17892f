import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRiskAlertStore } from '../../../server/features/risk/risk-alert-store.js';
import { DigestService } from '../../../server/features/risk/digest-service.js';
import { MailOutbox } from '../../../server/features/mail/mail-outbox.js';
import { createMailTransport } from '../../../server/features/mail/mail-transport.js';
import { createOutboxStore } from '../../../server/features/mail/outbox-store.js';
import { silentLogger } from '../../../server/logger.js';
import { fixtureCompany } from '../../support/fixture-company.js';
import { syncWorld, withFixtureCutPoints, type SyncWorld } from '../../support/sync-harness.js';
import { reminderWorld, type ReminderWorld } from '../../support/reminder-harness.js';
import { scoreOn } from '../../support/score-on.js';

/** Scores night after night until a run raises an alert (Amy's band rises); returns that run. */
async function runsWithAnAlert(w: SyncWorld): Promise<number> {
  await w.t.container.db('risk_score_runs').where({ realm_id: w.realmId }).delete();
  await scoreOn(w.t.container, w.emulator.clock, w.realmId, '2025-04-05');
  for (const asOf of ['2025-07-31', '2025-08-31', '2025-09-30', '2025-10-31']) {
    const { runId } = await scoreOn(w.t.container, w.emulator.clock, w.realmId, asOf);
    if ((await w.t.container.db('risk_alerts').where({ run_id: runId })).length > 0) return runId!;
  }
  throw new Error('no run raised an alert');
}

describe('the daily alert digest', () => {
  let w: SyncWorld;
  beforeAll(async () => {
    w = await syncWorld({ file: fixtureCompany() });
    await w.t.container.sync.sync(w.realmId);
    await withFixtureCutPoints(w);
  });
  afterAll(() => w.close());

  it('is off by default, then goes to the owner once per as-of date, kept in the mailbox without SMTP', async () => {
    const runId = await runsWithAnAlert(w);
    expect(await w.t.container.digests.sendForRun(w.realmId, runId)).toBe('off');
    await w.t.container.digests.setPreferences(w.realmId, { enabled: true, to: null });
    expect(await w.t.container.digests.sendForRun(w.realmId, runId)).toBe('queued');
    expect(await w.t.container.digests.sendForRun(w.realmId, runId)).toBe('already_sent');
    const [email] = await w.t.container.mail.list(w.realmId);
    expect(email).toMatchObject({
      to: 'owner@duesense-demo.test',
      status: 'kept',
      transport: 'local',
      kind: 'alert_digest',
    });
    expect(email!.text).toContain("Amy's Bird Sanctuary moved from low to medium risk");
  });

  it('is delivered over SMTP when a server is configured', async () => {
    const received: string[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, _session, done) {
        let data = '';
        stream.on('data', (c: Buffer) => (data += c.toString()));
        stream.on('end', () => {
          received.push(data);
          done();
        });
      },
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (server.server.address() as AddressInfo).port;
      const c = w.t.container;
      const outbox = new MailOutbox({
        store: createOutboxStore(c.db),
        transport: createMailTransport(`smtp://127.0.0.1:${port}`),
        from: 'Duesense <no-reply@duesense.test>',
        clock: w.emulator.clock,
        logger: silentLogger,
      });
      const digests = new DigestService({
        preferences: c.preferences,
        users: c.users,
        runs: c.scoreRuns,
        alerts: createRiskAlertStore({ db: c.db, readDb: c.readDb }),
        connections: c.connections,
        outbox,
        reminders: c.reminders,
        clock: w.emulator.clock,
        logger: silentLogger,
        appUrl: 'http://localhost:3000',
      });
      await digests.setPreferences(w.realmId, { enabled: true, to: 'books@example.test' });
      const runId = await runsWithAnAlert(w);
      await w.t.container.db('outgoing_emails').delete();
      expect(await digests.sendForRun(w.realmId, runId)).toBe('queued');
      expect(received).toHaveLength(1);
      expect(received[0]).toMatch(/To: books@example.test/);
      expect(received[0]).toMatch(/Subject: Duesense: \d+ risk alerts? for Fixture Landscaping/);
      expect((await outbox.list(w.realmId))[0]).toMatchObject({ status: 'sent', transport: 'smtp' });
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('the daily digest and the reminders waiting for a person', () => {
  let w: ReminderWorld;
  beforeAll(async () => {
    w = await reminderWorld();
  }, 60_000);
  afterAll(() => w.close());

  it('says how many wait and why, from the reminders service, with a link to the Reminders page', async () => {
    const c = w.t.container;
    const run = await c.scoreRuns.latestRun(w.realmId);
    await c.digests.setPreferences(w.realmId, { enabled: true, to: 'books@example.test' });
    // One customer due a reminder has a payment not applied to any invoice: the plan holds their reminders.
    const { plan } = await c.reminders.preview(w.realmId);
    const heldCustomer = plan.due[0]!.customerId;
    w.company.create('Payment', { CustomerRef: { value: heldCustomer }, TotalAmt: 50 });
    await w.syncNow();
    const { queued } = await w.run();
    const waitingForApproval = queued.filter((q) => q.status === 'awaiting_approval' && q.reason === null);
    expect(waitingForApproval.length).toBeGreaterThan(0);
    const waiting = await c.reminders.forAPerson(w.realmId);
    expect(waiting.awaitingApproval).toBe(waitingForApproval.length);
    expect(waiting.held.count).toBe(plan.due.filter((d) => d.customerId === heldCustomer).length);

    expect(await c.digests.sendForRun(w.realmId, run!.id)).toBe('queued');
    const [email] = await c.mail.list(w.realmId);
    expect(email!.to).toBe('books@example.test');
    expect(email!.subject).toMatch(
      new RegExp(
        `^Duesense: (\\d+ risk alerts? and )?${waiting.held.count + waiting.awaitingApproval} reminders waiting`,
      ),
    );
    const name = String(w.company.table('Customer').get(heldCustomer)!.DisplayName);
    expect(email!.text).toContain(`reminders wait for a person:`);
    expect(email!.text).toMatch(
      new RegExp(
        `  • ${waiting.held.count} held, not sent as (it stands|they stand):\n      - ${escape(name)}, invoice \\S+: ` +
          'Held: the customer has an unapplied payment of \\$50\\.00 in QuickBooks',
      ),
    );
    expect(email!.text).toContain(`  • ${waitingForApproval.length} awaiting approval`);
    expect(email!.text).toContain(`See the reminders: ${c.config.http.baseUrl}/reminders`);
  });
});

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
