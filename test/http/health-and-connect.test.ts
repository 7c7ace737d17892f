import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../support/app-harness.js';
import { startEmulator, type RunningEmulator } from '../support/emulator-harness.js';
import { createApp } from '../../server/app.js';
import { migrateToLatest, rollbackAll } from '../../server/db/knex.js';

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
    await rollbackAll(t.container.db);
    try {
      const res = await request(t.app).get('/readyz');
      expect(res.status).toBe(503);
      expect(res.body.reason).toMatch(/migrations/);
    } finally {
      await migrateToLatest(t.container.db);
    }
  });

  it('/readyz says not ready when the database does not answer', async () => {
    const app = createApp({ ...t.container, health: { check: async () => ({ database: false, migrations: false }) } });
    const res = await request(app).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'not_ready', reason: 'database unavailable' });
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

  it('has a favicon: linked from every page and answered at /favicon.ico', async () => {
    expect((await request(t.app).get('/')).text).toContain(
      '<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">',
    );
    for (const url of ['/favicon.ico', '/assets/favicon.svg']) {
      const res = await request(t.app).get(url);
      expect([url, res.status, res.headers['content-type']]).toEqual([
        url,
        200,
        expect.stringMatching(/^image\/svg\+xml/),
      ]);
    }
  });

  it('answers an unknown path with a 404 page, or JSON when asked', async () => {
    expect((await request(t.app).get('/nope')).status).toBe(404);
    const json = await request(t.app).get('/nope').set('accept', 'application/json');
    expect(json.body.error.code).toBe('not_found');
  });
});
