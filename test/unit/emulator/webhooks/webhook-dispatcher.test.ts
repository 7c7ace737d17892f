import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../../../server/clock.js';
import { silentLogger } from '../../../../server/logger.js';
import {
  createWebhookDispatcher,
  type WebhookDispatcher,
  type WebhookTarget,
} from '../../../../server/emulator/webhooks/webhook-dispatcher.js';
import type { EntityChange } from '../../../../server/emulator/webhooks/webhook-payloads.js';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}
type Responder = (n: number, received: Received) => number | 'hang';

interface Receiver {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

/** A local endpoint that records each POST and answers with the status the responder picks. */
async function receiver(respond: Responder = () => 200): Promise<Receiver> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      const status = respond(received.length, r);
      if (status !== 'hang') res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/intuit`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const change = (realmId: string, id: string, operation: EntityChange['operation'] = 'Update'): EntityChange => ({
  realmId,
  entity: 'Invoice',
  id,
  operation,
  lastUpdated: '2024-05-01T09:00:00-07:00',
});

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(
  o: { respond?: Responder; format?: WebhookTarget['format']; timeScale?: number; batchWindowMs?: number } = {},
) {
  const rx = await receiver(o.respond);
  const target: WebhookTarget = { url: rx.url, verifierToken: 'verifier-1', format: o.format ?? 'legacy' };
  const dispatcher: WebhookDispatcher = createWebhookDispatcher({
    clock: manualClock('2024-05-01T16:00:00Z'),
    target,
    logger: silentLogger,
    timeScale: o.timeScale ?? 1,
    batchWindowMs: o.batchWindowMs ?? 60_000,
  });
  cleanups.push(rx.close, () => dispatcher.stop());
  return { rx, dispatcher };
}

const realmsOf = (r: Received) =>
  (
    JSON.parse(r.body) as {
      eventNotifications: Array<{ realmId: string; dataChangeEvent: { entities: Array<{ id: string }> } }>;
    }
  ).eventNotifications.map((n) => `${n.realmId}:${n.dataChangeEvent.entities.map((e) => e.id).join(',')}`);

describe('webhook dispatcher', () => {
  it('POSTs legacy JSON signed over the raw body, one batch per realm', async () => {
    const { rx, dispatcher } = await setup();
    dispatcher.publish(change('A', '1', 'Create'));
    dispatcher.publish(change('B', '9'));
    dispatcher.publish(change('A', '2'));
    expect(dispatcher.pending()).toBe(3);
    await dispatcher.flush();
    expect(rx.received).toHaveLength(2);
    expect(rx.received.flatMap(realmsOf).sort()).toEqual(['A:1,2', 'B:9']);
    for (const r of rx.received) {
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['intuit-signature']).toBe(
        createHmac('sha256', 'verifier-1').update(Buffer.from(r.body, 'utf8')).digest('base64'),
      );
    }
    expect(dispatcher.pending()).toBe(0);
    expect(
      dispatcher
        .deliveries()
        .map((d) => [d.realmId, d.events, d.attempt, d.status, d.ok])
        .sort(),
    ).toEqual([
      ['A', 2, 1, 200, true],
      ['B', 1, 1, 200, true],
    ]);
  });

  it('sends CloudEvents arrays as application/cloudevents+json', async () => {
    const { rx, dispatcher } = await setup({ format: 'cloudevents' });
    dispatcher.publish(change('A', '1', 'Delete'));
    await dispatcher.flush();
    expect(rx.received[0]!.headers['content-type']).toBe('application/cloudevents+json');
    const events = JSON.parse(rx.received[0]!.body) as Array<Record<string, unknown>>;
    expect(events).toEqual([
      expect.objectContaining({
        specversion: '1.0',
        type: 'qbo.invoice.deleted.v1',
        intuitentityid: '1',
        intuitaccountid: 'A',
        data: {},
      }),
    ]);
    expect(events[0]!.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('waits for the batch window on its own, gathering events published meanwhile', async () => {
    const { rx, dispatcher } = await setup({ batchWindowMs: 50 });
    dispatcher.publish(change('A', '1'));
    dispatcher.publish(change('A', '2'));
    expect(rx.received).toHaveLength(0);
    await waitFor(() => rx.received.length === 1);
    expect(realmsOf(rx.received[0]!)).toEqual(['A:1,2']);
  });

  it('retries a failed delivery on the (scaled) schedule until acknowledged', async () => {
    const { rx, dispatcher } = await setup({ respond: (n) => (n === 1 ? 500 : 200), timeScale: 0.001 });
    dispatcher.publish(change('A', '1'));
    await dispatcher.flush(); // the first attempt fails; flush does not wait out the retry
    expect(rx.received).toHaveLength(1);
    expect(dispatcher.pending()).toBe(1);
    await waitFor(() => rx.received.length === 2); // 10 s × 0.001
    await waitFor(() => dispatcher.pending() === 0);
    expect(rx.received[1]!.body).toBe(rx.received[0]!.body);
    expect(dispatcher.deliveries().map((d) => [d.attempt, d.status])).toEqual([
      [1, 500],
      [2, 200],
    ]);
  });

  it('holds later events for a realm until the earlier batch is acknowledged, then sends them in order', async () => {
    // Fail twice: retries at 10 s and 20 s, scaled to 50 ms and 100 ms.
    let failuresForA = 0;
    const respond: Responder = (_n, r) => (realmsOf(r)[0]!.startsWith('A:') && failuresForA++ < 2 ? 503 : 200);
    const { rx, dispatcher } = await setup({ respond, timeScale: 0.005, batchWindowMs: 2_000 });
    dispatcher.publish(change('A', '1'));
    await dispatcher.flush();
    dispatcher.publish(change('A', '2'));
    dispatcher.publish(change('A', '3'));
    dispatcher.publish(change('B', '7')); // another realm is not held up
    await waitFor(() => rx.received.some((r) => realmsOf(r)[0] === 'B:7'));
    expect(rx.received.filter((r) => realmsOf(r)[0]!.startsWith('A:'))).toHaveLength(1);
    await waitFor(() => rx.received.length === 5);
    expect(rx.received.map((r) => realmsOf(r)[0]).filter((s) => s!.startsWith('A:'))).toEqual([
      'A:1',
      'A:1',
      'A:1',
      'A:2,3',
    ]);
  });

  it('treats a slow answer as a failure and stop() aborts it promptly', async () => {
    const { rx, dispatcher } = await setup({ respond: () => 'hang' });
    dispatcher.publish(change('A', '1'));
    const flushing = dispatcher.flush();
    await waitFor(() => rx.received.length === 1);
    const started = Date.now();
    await dispatcher.stop();
    await flushing;
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(dispatcher.deliveries()[0]).toMatchObject({ ok: false, status: 'error' });
  });

  it('stop() cancels scheduled deliveries and ignores later events', async () => {
    const { rx, dispatcher } = await setup({ batchWindowMs: 30 });
    dispatcher.publish(change('A', '1'));
    await dispatcher.stop();
    dispatcher.publish(change('A', '2'));
    await dispatcher.flush();
    await sleep(80);
    expect(rx.received).toHaveLength(0);
    expect(dispatcher.pending()).toBe(0);
  });

  it('drops events when there is no target, and follows setTarget', async () => {
    const { rx, dispatcher } = await setup();
    dispatcher.setTarget(null);
    dispatcher.publish(change('A', '1'));
    expect(dispatcher.pending()).toBe(0);
    dispatcher.setTarget({ url: rx.url, verifierToken: 'other', format: 'legacy' });
    dispatcher.publish(change('A', '2'));
    await dispatcher.flush();
    expect(rx.received).toHaveLength(1);
    expect(rx.received[0]!.headers['intuit-signature']).toBe(
      createHmac('sha256', 'other').update(rx.received[0]!.body).digest('base64'),
    );
  });

  it('records an unreachable endpoint as an error and keeps the batch for retry', async () => {
    const rx = await receiver();
    await rx.close();
    const dispatcher = createWebhookDispatcher({
      clock: manualClock('2024-05-01T16:00:00Z'),
      target: { url: rx.url, verifierToken: 'v', format: 'legacy' },
      logger: silentLogger,
    });
    cleanups.push(() => dispatcher.stop());
    dispatcher.publish(change('A', '1'));
    await dispatcher.flush();
    expect(dispatcher.deliveries()).toEqual([expect.objectContaining({ attempt: 1, status: 'error', ok: false })]);
    expect(dispatcher.pending()).toBe(1);
  });
});
