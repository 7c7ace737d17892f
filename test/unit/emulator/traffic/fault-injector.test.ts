import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../../../server/clock.js';
import {
  createFaultInjector,
  faultSpecSchema,
  type FaultSpec,
} from '../../../../server/emulator/traffic/fault-injector.js';

const API = '/v3/company/123/customer/1';
const TOKEN = '/oauth2/v1/tokens/bearer';

function setup(random?: () => number) {
  const clock = manualClock('2024-01-15T20:00:00.123Z'); // 12:00:00.123 in Los Angeles (PST)
  const injector = createFaultInjector({ clock, ...(random ? { random } : {}) });
  const app = express();
  app.use(injector.middleware());
  app.all('/{*rest}', (req, res) => res.json({ ok: true, path: req.path }));
  return { app, injector };
}

/** A tiny seeded generator (mulberry32) so random faults are reproducible. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('fault injector: failNext', () => {
  it('fails exactly the next N API requests, then serves normally', async () => {
    const { app, injector } = setup();
    injector.failNext({ kind: 'status', status: 503 }, 2);
    expect(injector.status().queued).toBe(2);
    expect((await request(app).get(API)).status).toBe(503);
    expect((await request(app).get(API)).status).toBe(503);
    expect((await request(app).get(API)).status).toBe(200);
    expect(injector.status().queued).toBe(0);
  });

  it('never touches /emulator or other non-API paths, and scopes API vs token endpoint', async () => {
    const { app, injector } = setup();
    injector.failNext({ kind: 'status', status: 500 }, 1);
    expect((await request(app).post('/emulator/faults')).status).toBe(200);
    expect((await request(app).post(TOKEN)).status).toBe(200); // default scope is the API only
    expect((await request(app).get(API)).status).toBe(500);

    injector.failNext({ kind: 'status', status: 400, scope: 'token' }, 1);
    expect((await request(app).get(API)).status).toBe(200);
    const token = await request(app).post(TOKEN);
    expect(token.status).toBe(400);
    expect(token.body).toEqual({ error: 'invalid_grant' });

    injector.failNext({ kind: 'status', status: 502, scope: 'all' }, 2);
    expect((await request(app).post(TOKEN)).status).toBe(502);
    expect((await request(app).get(API)).status).toBe(502);
  });

  it('uses the exact body when one is given', async () => {
    const { app, injector } = setup();
    injector.failNext({ kind: 'status', status: 418, body: { custom: true } }, 1);
    const res = await request(app).get(API);
    expect(res.status).toBe(418);
    expect(res.body).toEqual({ custom: true });
  });
});

describe('fault injector: rendering', () => {
  const time = '2024-01-15T12:00:00.123-08:00';

  it.each([
    ['610', 400, 'Object Not Found'],
    ['2010', 400, 'Request has invalid or unsupported property'],
    ['2050', 400, 'String length is either shorter or longer than supported by specification'],
    ['4001', 400, 'Invalid query'],
    ['5010', 400, 'Stale Object Error'],
    ['6240', 400, 'Duplicate Name Exists Error'],
    ['500', 400, 'Unsupported Operation'],
  ] as const)('fault %s renders as a %i ValidationFault "%s"', async (code, status, message) => {
    const { app, injector } = setup();
    injector.failNext({ kind: 'fault', code }, 1);
    const res = await request(app).get(API);
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body.Fault.type).toBe('ValidationFault');
    expect(res.body.Fault.Error[0]).toMatchObject({ code, Message: message });
    expect(res.body.time).toBe(time);
  });

  it('fault 10000 and bare 5xx statuses render as a SystemFault', async () => {
    const { app, injector } = setup();
    injector.failNext({ kind: 'fault', code: '10000' }, 1);
    injector.failNext({ kind: 'status', status: 503 }, 1);
    for (const expected of [500, 503]) {
      const res = await request(app).get(API);
      expect(res.status).toBe(expected);
      expect(res.body).toMatchObject({ Fault: { type: 'SystemFault', Error: [{ code: '10000' }] }, time });
    }
  });

  it('fault 3200 renders the lower-case 401 body with WWW-Authenticate and a numeric time', async () => {
    const { app, injector } = setup();
    injector.failNext({ kind: 'fault', code: '3200', detail: 'Token revoked' }, 1);
    const res = await request(app).get(API);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="Intuit", error="invalid_token"');
    expect(res.body.fault.error[0]).toEqual({
      message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401',
      detail: 'Token revoked',
      code: '3200',
      element: null,
    });
    expect(res.body.fault.type).toBe('AUTHENTICATION');
    expect(res.body.time).toBe(Date.parse('2024-01-15T20:00:00.123Z'));
  });

  it.each<FaultSpec>([
    { kind: 'throttle' },
    { kind: 'fault', code: '3001' },
    { kind: 'fault', code: '429' },
    { kind: 'status', status: 429 },
  ])('%j renders the XML 429', async (spec) => {
    const { app, injector } = setup();
    injector.failNext(spec, 1);
    const res = await request(app).get(API);
    expect(res.status).toBe(429);
    expect(res.headers['content-type']).toMatch(/application\/xml/);
    expect(res.text).toContain(`time="${time}"`);
    expect(res.text).toContain(
      '<Error code="3001"><Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message>',
    );
  });

  it('a bare 403 is an AuthorizationFault', async () => {
    const { app, injector } = setup();
    injector.failNext({ kind: 'status', status: 403 }, 1);
    const res = await request(app).get(API);
    expect(res.status).toBe(403);
    expect(res.body.Fault).toMatchObject({ type: 'AUTHORIZATION', Error: [{ code: '3100' }] });
  });

  it('drop destroys the socket: the client sees a connection error, then the next request succeeds', async () => {
    const { app, injector } = setup();
    injector.failNext({ kind: 'drop' }, 1);
    const err = await request(app)
      .get(API)
      .then(
        () => null,
        (e: unknown) => e as NodeJS.ErrnoException,
      );
    expect(err).not.toBeNull();
    expect(err!.code ?? err!.message).toMatch(/ECONNRESET|socket hang up/);
    expect((await request(app).get(API)).status).toBe(200);
  });
});

describe('fault injector: random faults and latency', () => {
  async function pattern(seed: number, n: number): Promise<number[]> {
    const { app, injector } = setup(seeded(seed));
    injector.setRandomFaultRate(0.3);
    const statuses: number[] = [];
    for (let i = 0; i < n; i++) statuses.push((await request(app).get(API)).status);
    return statuses;
  }

  it('fails a seeded, reproducible share of requests (500 by default)', async () => {
    const a = await pattern(7, 40);
    const b = await pattern(7, 40);
    expect(a).toEqual(b);
    const failures = a.filter((s) => s === 500).length;
    expect(failures).toBeGreaterThan(3);
    expect(failures).toBeLessThan(25);
    expect(a.every((s) => s === 200 || s === 500)).toBe(true);
  });

  it('fails according to the injected random source and the given spec', async () => {
    const draws = [0.05, 0.9, 0.2, 0.5];
    let i = 0;
    const { app, injector } = setup(() => draws[i++ % draws.length]!);
    injector.setRandomFaultRate(0.25, { kind: 'fault', code: '5010' });
    const statuses = [];
    for (let k = 0; k < 4; k++) statuses.push((await request(app).get(API)).status);
    expect(statuses).toEqual([400, 200, 400, 200]);
    injector.clear();
    expect((await request(app).get(API)).status).toBe(200);
    expect(injector.status()).toMatchObject({ queued: 0, randomRate: 0, latency: 0 });
  });

  it('adds latency to API requests', async () => {
    const { app, injector } = setup();
    injector.setLatency(60);
    const started = performance.now();
    expect((await request(app).get(API)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55); // timer granularity
    injector.setLatency({ minMs: 40, maxMs: 50 });
    const again = performance.now();
    await request(app).get(API);
    expect(performance.now() - again).toBeGreaterThanOrEqual(35);
  });

  it('rejects invalid settings', () => {
    const { injector } = setup();
    expect(() => injector.setRandomFaultRate(1.5)).toThrow(RangeError);
    expect(() => injector.failNext({ kind: 'drop' }, 0)).toThrow(RangeError);
    expect(() => injector.setLatency({ minMs: 10, maxMs: 5 })).toThrow(RangeError);
  });
});

describe('faultSpecSchema', () => {
  it('accepts every kind and defaults the scope to the API', () => {
    expect(faultSpecSchema.parse({ kind: 'drop' })).toEqual({ kind: 'drop', scope: 'api' });
    expect(faultSpecSchema.safeParse({ kind: 'fault', code: '5010', scope: 'token' }).success).toBe(true);
    expect(faultSpecSchema.safeParse({ kind: 'explode' }).success).toBe(false);
    expect(faultSpecSchema.safeParse({ kind: 'fault', code: '9999' }).success).toBe(false);
    expect(faultSpecSchema.safeParse({ kind: 'status', status: 200 }).success).toBe(false);
  });
});
