import { describe, expect, it } from 'vitest';
import { manualClock } from '../../../server/clock.js';
import { createFakeActivityLog } from '../../../server/features/activity/fake-activity-log.js';
import { createFakeOutboxStore } from '../../../server/features/mail/fake-outbox-store.js';
import { MailOutbox } from '../../../server/features/mail/mail-outbox.js';
import type { MailTransport, OutgoingMessage } from '../../../server/features/mail/mail-transport.js';
import { silentLogger } from '../../../server/logger.js';

const REALM = 'realm-1';
const message = (key: string) => ({
  realmId: REALM,
  kind: 'alert_digest',
  idempotencyKey: key,
  to: 'owner@example.test',
  subject: `Digest ${key}`,
  text: 'Hello',
});

function world(o: { kind?: MailTransport['kind']; failures?: number } = {}) {
  const clock = manualClock('2026-11-25T06:00:00Z');
  const sent: OutgoingMessage[] = [];
  let failuresLeft = o.failures ?? 0;
  const transport: MailTransport = {
    kind: o.kind ?? 'smtp',
    async send(m) {
      if (failuresLeft > 0) {
        failuresLeft--;
        throw new Error('connection refused');
      }
      sent.push(m);
    },
  };
  const store = createFakeOutboxStore();
  const activity = createFakeActivityLog(clock);
  const outbox = new MailOutbox({
    store,
    transport,
    from: 'Duesense <no-reply@duesense.test>',
    clock,
    logger: silentLogger,
    activity,
  });
  return { outbox, sent, clock, activity };
}

describe('the mail outbox', () => {
  it('queues a message once per idempotency key', async () => {
    const w = world();
    expect(await w.outbox.enqueue(message('a'))).toBe(true);
    expect(await w.outbox.enqueue(message('a'))).toBe(false);
    expect(await w.outbox.enqueue(message('b'))).toBe(true);
    expect((await w.outbox.list(REALM)).map((e) => [e.subject, e.status])).toEqual([
      ['Digest b', 'pending'],
      ['Digest a', 'pending'],
    ]);
    expect(await w.outbox.drain()).toEqual({ delivered: 2, failed: 0 });
    expect(w.sent.map((m) => m.subject)).toEqual(['Digest a', 'Digest b']);
  });

  it('marks a message sent over SMTP, or kept when there is no SMTP server, and logs it', async () => {
    for (const kind of ['smtp', 'local'] as const) {
      const w = world({ kind });
      await w.outbox.enqueue(message('a'));
      expect(await w.outbox.drain()).toEqual({ delivered: 1, failed: 0 });
      expect((await w.outbox.list(REALM))[0]).toMatchObject({
        status: kind === 'smtp' ? 'sent' : 'kept',
        transport: kind,
        attempts: 1,
        sentAt: w.clock.now(),
      });
      expect(w.activity.entries(REALM).map((e) => e.summary)).toEqual([
        `${kind === 'smtp' ? 'Emailed' : 'Kept in the local mailbox'} "Digest a" to owner@example.test`,
      ]);
      // Delivered messages are not delivered again.
      expect(await w.outbox.drain()).toEqual({ delivered: 0, failed: 0 });
      expect(w.sent).toHaveLength(1);
    }
  });

  it('retries a failed delivery on the next drain and delivers once the transport answers', async () => {
    const w = world({ failures: 2 });
    await w.outbox.enqueue(message('a'));
    expect(await w.outbox.drain()).toEqual({ delivered: 0, failed: 1 });
    expect((await w.outbox.list(REALM))[0]).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: 'connection refused',
    });
    expect(await w.outbox.drain()).toEqual({ delivered: 0, failed: 1 });
    expect(await w.outbox.drain()).toEqual({ delivered: 1, failed: 0 });
    expect((await w.outbox.list(REALM))[0]).toMatchObject({ status: 'sent', attempts: 3 });
  });

  it('gives up after five failed attempts, marks the message failed and logs it', async () => {
    const w = world({ failures: 100 });
    await w.outbox.enqueue(message('a'));
    for (let attempt = 1; attempt <= 4; attempt++) {
      await w.outbox.drain();
      expect((await w.outbox.list(REALM))[0]).toMatchObject({ status: 'pending', attempts: attempt });
    }
    expect(w.activity.entries(REALM)).toEqual([]);
    expect(await w.outbox.drain()).toEqual({ delivered: 0, failed: 1 });
    expect((await w.outbox.list(REALM))[0]).toMatchObject({ status: 'failed', attempts: 5 });
    expect(w.activity.entries(REALM).map((e) => e.summary)).toEqual([
      'Gave up emailing "Digest a" to owner@example.test after 5 attempts',
    ]);
    // A failed message is not tried again.
    expect(await w.outbox.drain()).toEqual({ delivered: 0, failed: 0 });
    expect(w.sent).toEqual([]);
  });
});
