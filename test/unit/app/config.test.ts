import { describe, expect, it } from 'vitest';
import { ConfigError, EMULATOR_DEMO_CLIENT, isDemoMode, loadConfig } from '../../../server/config.js';

const KEY = Buffer.alloc(32, 7).toString('base64');

describe('config', () => {
  it('defaults to the demo: emulator, SQLite file, demo client', () => {
    const c = loadConfig({}, '/srv/app');
    expect(c.intuit.environment).toBe('emulator');
    expect(isDemoMode(c)).toBe(true);
    expect(c.db).toEqual({ client: 'sqlite', filename: '/srv/app/data/duesense.sqlite' });
    expect(c.intuit.clientId).toBe(EMULATOR_DEMO_CLIENT.clientId);
    expect(c.intuit.redirectUri).toBe('http://localhost:3000/oauth/callback');
    expect(c.emulator.demo).toMatchObject({ customers: 300, months: 24, seed: 42 });
    expect(c.risk.runsKeptWhole).toBe(30);
  });

  it('switches to production when a client id is given, and leaves demo mode', () => {
    const c = loadConfig({ INTUIT_CLIENT_ID: 'abc', INTUIT_CLIENT_SECRET: 'def' });
    expect(c.intuit.environment).toBe('production');
    expect(isDemoMode(c)).toBe(false);
  });

  it('names every bad variable at once', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_CLIENT: 'oracle', DEMO_MONTHS: '500', SCORE_RUNS_KEPT_WHOLE: '0' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const text = (err as ConfigError).message;
      expect(text).toMatch(/PORT must be a whole number/);
      expect(text).toMatch(/DATABASE_CLIENT/);
      expect(text).toMatch(/DEMO_MONTHS must be at most 120/);
      expect(text).toMatch(/SCORE_RUNS_KEPT_WHOLE must be at least 1/);
    }
  });

  it('checks token keys are 32 bytes of base64', () => {
    expect(() => loadConfig({ TOKEN_ENCRYPTION_KEY: `${Buffer.alloc(32).toString('base64')},c2hvcnQ=` })).toThrow(/TOKEN_ENCRYPTION_KEY key 2 must be 32 bytes/);
  });

  it('reads a rotation list of keys, newest first', () => {
    const c = loadConfig({ TOKEN_ENCRYPTION_KEY: `${KEY},${Buffer.alloc(32, 9).toString('base64')}` });
    expect(c.tokenEncryptionKeys.map((k) => k[0])).toEqual([7, 9]);
  });

  it('requires a token key in production and a URL for PostgreSQL', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', INTUIT_CLIENT_ID: 'a', INTUIT_CLIENT_SECRET: 'b' })).toThrow(/TOKEN_ENCRYPTION_KEY/);
    expect(() => loadConfig({ DATABASE_CLIENT: 'pg' })).toThrow(/DATABASE_URL/);
  });

  it('is frozen', () => {
    const c = loadConfig({});
    expect(Object.isFrozen(c.http)).toBe(true);
  });
});

describe('session cookies', () => {
  it('are Secure in production and over https, not on a plain-http development machine', () => {
    expect(loadConfig({}).session.secureCookies).toBe(false);
    expect(loadConfig({ APP_BASE_URL: 'https://duesense.example.com' }).session.secureCookies).toBe(true);
    const prod = loadConfig({ NODE_ENV: 'production', INTUIT_CLIENT_ID: 'a', INTUIT_CLIENT_SECRET: 'b', TOKEN_ENCRYPTION_KEY: KEY, SESSION_SECRET: 'x'.repeat(40) });
    expect(prod.session.secureCookies).toBe(true);
  });

  it('require a long secret in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', INTUIT_CLIENT_ID: 'a', INTUIT_CLIENT_SECRET: 'b', TOKEN_ENCRYPTION_KEY: KEY })).toThrow(/SESSION_SECRET is required in production/);
    expect(() => loadConfig({ SESSION_SECRET: 'short' })).toThrow(/secret 1 must be at least 32 characters/);
  });
});
