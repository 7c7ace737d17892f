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
        clock: w.emulator.clock,
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
