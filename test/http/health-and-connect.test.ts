import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../support/app-harness.js';
import { startEmulator, type RunningEmulator } from '../support/emulator-harness.js';
import { FIXTURE_REALM } from '../support/fixture-company.js';
import { submitEmulatorConsent } from '../../server/cli/emulator-consent.js';

let emulator: RunningEmulator;
let t: TestApp;

beforeAll(async () => {
  emulator = await startEmulator();
  t = await startApp(emulator);
});
afterAll(async () => {
  await t.close();
  await emulator.close();
});

describe('health', () => {
  it('/healthz answers while the process lives; /readyz checks the database and migrations', async () => {
    expect((await request(t.app).get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await request(t.app).get('/readyz')).body).toEqual({ status: 'ready' });
  });

  it('/readyz says not ready when migrations are pending', async () => {
    await t.container.db.migrate.rollback(undefined, true);
    try {
      const res = await request(t.app).get('/readyz');
      expect(res.status).toBe(503);
      expect(res.body.reason).toMatch(/migrations/);
    } finally {
      await t.container.db.migrate.latest();
    }
  });
});

describe('pages and headers', () => {
  it('serves the home page with the Connect button and security headers', async () => {
    const res = await request(t.app).get('/');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Connect to QuickBooks');
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(res.headers['content-security-policy']).not.toMatch(/unsafe-inline/);
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('answers an unknown path with a 404 page, or JSON when asked', async () => {
    expect((await request(t.app).get('/nope')).status).toBe(404);
    const json = await request(t.app).get('/nope').set('accept', 'application/json');
    expect(json.body.error.code).toBe('not_found');
  });
});

describe('connect flow against the emulator', () => {
  it('goes to Intuit (the emulator) with a state, and comes back connected', async () => {
    const start = await request(t.app).get('/connect');
    expect(start.status).toBe(303);
    const authorize = new URL(start.headers.location!);
    expect(authorize.origin).toBe(emulator.url);
    expect(authorize.searchParams.get('scope')).toBe('com.intuit.quickbooks.accounting openid profile email');
    const callback = await submitEmulatorConsent({ authorizeUrl: authorize.toString(), realmId: FIXTURE_REALM });
    const back = await request(t.app).get(new URL(callback).pathname + new URL(callback).search);
    expect(back.status).toBe(200);
    expect(back.text).toContain('Fixture Landscaping');
    const [company] = await t.container.connections.listCompanies();
    expect(company).toMatchObject({ realmId: FIXTURE_REALM, status: 'connected', homeCurrency: 'USD' });
  });

  it('explains a denied consent, and refuses a replayed state', async () => {
    const start = await request(t.app).get('/connect');
    const denied = await submitEmulatorConsent({ authorizeUrl: start.headers.location!, realmId: FIXTURE_REALM, decision: 'deny' });
    const url = new URL(denied);
    expect(url.searchParams.get('error')).toBe('access_denied');
    const res = await request(t.app).get(url.pathname + url.search);
    expect(res.status).toBe(400);
    expect(res.text).toContain('access was declined');
    const replay = await request(t.app).get(url.pathname + url.search);
    expect(replay.text).toContain('expired or was already used');
  });

  it('never writes a token in clear text to the database or the log', async () => {
    const tokens = (await fetch(`${emulator.url}/emulator/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ realmId: FIXTURE_REALM }) }).then((r) => r.json())) as { access_token: string };
    expect(tokens.access_token.length).toBeGreaterThan(20);
    const rows = await t.container.db('qbo_connections').select();
    expect(rows).toHaveLength(1);
    const stored = JSON.stringify(rows);
    const access = await t.container.vault.accessToken(FIXTURE_REALM);
    expect(stored).not.toContain(access);
    expect(t.logs.join('')).not.toContain(access);
  });
});
