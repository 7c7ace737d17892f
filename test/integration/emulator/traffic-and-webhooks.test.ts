import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  failureOf,
  nodeQuickBooks,
  startEmulator,
  tokenFor,
  type RunningEmulator,
} from '../../support/emulator-harness.js';
import { FIXTURE_REALM } from '../../support/fixture-company.js';

let running: RunningEmulator | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const control = (url: string, path: string, body: unknown) =>
  fetch(`${url}/emulator${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('throttling', () => {
  /** A throttled emulator, and a read of customer 1 with a valid token. */
  const throttledCustomerReads = async () => {
    running = await startEmulator({ throttle: true });
    const token = await tokenFor(running.url, FIXTURE_REALM);
    return () =>
      fetch(`${running!.url}/v3/company/${FIXTURE_REALM}/customer/1`, {
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      });
  };

  it('answers the 11th request in one second with 429 and the XML fault, then recovers', async () => {
    const get = await throttledCustomerReads();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await get()).status);
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
    const limited = await get();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/xml/);
    expect(await limited.text()).toMatch(/ThrottleExceeded/);
    running!.clock.advance(1_100);
    expect((await get()).status).toBe(200);
  });

  it('logs each request with the status it was answered with, for GET /emulator/requests', async () => {
    const get = await throttledCustomerReads();
    const before = running!.emulator.requests().at(-1)?.seq ?? 0;
    for (let i = 0; i < 11; i++) await get();
    const log = async (after: number) =>
      (
        (await (await fetch(`${running!.url}/emulator/requests?after=${after}`)).json()) as {
          requests: Array<{ seq: number; method: string; path: string; status: number }>;
        }
      ).requests;
    const logged = await log(before);
    expect(logged.map((r) => r.seq)).toEqual(Array.from({ length: 11 }, (_, i) => before + 1 + i));
    expect(logged.every((r) => r.method === 'GET' && r.path === `/v3/company/${FIXTURE_REALM}/customer/1`)).toBe(true);
    expect(logged.map((r) => r.status)).toEqual([...Array<number>(10).fill(200), 429]);
    expect(await log(before + 10)).toHaveLength(1);
    expect((await fetch(`${running!.url}/emulator/requests?after=-1`)).status).toBe(400);
  });

  it('can be switched off through the control API', async () => {
    running = await startEmulator({ throttle: true });
    await control(running.url, '/throttle', { enabled: false });
    const token = await tokenFor(running.url, FIXTURE_REALM);
    for (let i = 0; i < 25; i++) {
      const res = await fetch(`${running.url}/v3/company/${FIXTURE_REALM}/customer/1`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
    }
  });
});

describe('scripted faults', () => {
  it('fails the next N requests as asked, then serves normally', async () => {
    running = await startEmulator();
    const qb = nodeQuickBooks(running.url, FIXTURE_REALM, await tokenFor(running.url, FIXTURE_REALM)).call;
    expect((await control(running.url, '/faults', { spec: { kind: 'status', status: 503 }, count: 2 })).status).toBe(
      204,
    );
    expect(failureOf(await qb('getCustomer', '1').catch((e) => e)).status).toBe(503);
    expect(failureOf(await qb('getCustomer', '1').catch((e) => e)).status).toBe(503);
    expect((await qb('getCustomer', '1')).Id).toBe('1');
  });

  it('rejects a malformed fault request with a clear 400', async () => {
    running = await startEmulator();
    const res = await control(running.url, '/faults', { spec: { kind: 'explode' } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_request');
  });
});

describe('webhooks', () => {
  it('POSTs signed legacy and CloudEvents notifications for changes', async () => {
    const received: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
    const receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    const target = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/intuit`;
    try {
      for (const format of ['legacy', 'cloudevents'] as const) {
        received.length = 0;
        running = await startEmulator({
          webhook: { url: target, verifierToken: 'verifier-1', format },
          webhookTimeScale: 0.001,
        });
        const qb = nodeQuickBooks(running.url, FIXTURE_REALM, await tokenFor(running.url, FIXTURE_REALM)).call;
        const amy = await qb('getCustomer', '1');
        await qb('updateCustomer', { Id: '1', SyncToken: amy.SyncToken, sparse: true, Notes: 'webhook me' });
        await running.emulator.webhooks.flush();
        expect(received).toHaveLength(1);
        const { headers, body } = received[0]!;
        expect(headers['intuit-signature']).toBe(createHmac('sha256', 'verifier-1').update(body).digest('base64'));
        if (format === 'legacy') {
          const parsed = JSON.parse(body) as {
            eventNotifications: Array<{
              realmId: string;
              dataChangeEvent: { entities: Array<Record<string, string>> };
            }>;
          };
          expect(parsed.eventNotifications[0]!.realmId).toBe(FIXTURE_REALM);
          expect(parsed.eventNotifications[0]!.dataChangeEvent.entities[0]).toMatchObject({
            id: '1',
            name: 'Customer',
            operation: 'Update',
          });
        } else {
          const parsed = JSON.parse(body) as Array<Record<string, string>>;
          expect(parsed[0]).toMatchObject({
            specversion: '1.0',
            type: 'qbo.customer.updated.v1',
            intuitentityid: '1',
            intuitaccountid: FIXTURE_REALM,
          });
        }
        await running.close();
        running = undefined;
      }
    } finally {
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  });
});
