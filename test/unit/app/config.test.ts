import { describe, expect, it } from 'vitest';
import { ConfigError, EMULATOR_DEMO_CLIENT, isDemoMode, loadConfig } from '../../../server/config.js';

const KEY = Buffer.alloc(32, 7).toString('base64');
/** Everything a production start needs. */
const PRODUCTION = {
  NODE_ENV: 'production',
  INTUIT_CLIENT_ID: 'ABcd1234',
  INTUIT_CLIENT_SECRET: 'secret',
  TOKEN_ENCRYPTION_KEY: KEY,
  SESSION_SECRET: 'x'.repeat(40),
  APP_BASE_URL: 'https://duesense.example.com',
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

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
    expect(() => loadConfig({ TOKEN_ENCRYPTION_KEY: `${Buffer.alloc(32).toString('base64')},c2hvcnQ=` })).toThrow(
      /TOKEN_ENCRYPTION_KEY key 2 must be 32 bytes/,
    );
  });

  it('reads a rotation list of keys, newest first', () => {
    const c = loadConfig({ TOKEN_ENCRYPTION_KEY: `${KEY},${Buffer.alloc(32, 9).toString('base64')}` });
    expect(c.tokenEncryptionKeys.map((k) => k[0])).toEqual([7, 9]);
  });

  it('requires a token key in production and a URL for PostgreSQL', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', INTUIT_CLIENT_ID: 'a', INTUIT_CLIENT_SECRET: 'b' })).toThrow(
      /TOKEN_ENCRYPTION_KEY/,
    );
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
    expect(loadConfig(PRODUCTION).session.secureCookies).toBe(true);
  });

  it('require a long secret in production', () => {
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        INTUIT_CLIENT_ID: 'a',
        INTUIT_CLIENT_SECRET: 'b',
        TOKEN_ENCRYPTION_KEY: KEY,
      }),
    ).toThrow(/SESSION_SECRET is required in production/);
    expect(() => loadConfig({ SESSION_SECRET: 'short' })).toThrow(/secret 1 must be at least 32 characters/);
  });
});

describe('a production start', () => {
  it('starts with real credentials, secrets and an https URL', () => {
    const c = loadConfig(PRODUCTION);
    expect(c.intuit.environment).toBe('production');
    expect(isDemoMode(c)).toBe(false);
  });

  it('never falls back to the demo: with nothing set it names each missing variable', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^INTUIT_CLIENT_ID is required when INTUIT_ENVIRONMENT=production/),
        expect.stringMatching(/^INTUIT_CLIENT_SECRET is required/),
        expect.stringMatching(/^TOKEN_ENCRYPTION_KEY is required in production/),
        expect.stringMatching(/^SESSION_SECRET is required in production/),
        expect.stringMatching(/^APP_BASE_URL is required in production/),
      ]),
    );
    expect(problems).toHaveLength(5);
  });

  it('refuses the emulator, the demo client and the example key', () => {
    expect(problemsOf({ ...PRODUCTION, INTUIT_ENVIRONMENT: 'emulator' })).toEqual([
      expect.stringMatching(/^INTUIT_ENVIRONMENT cannot be emulator in production/),
    ]);
    expect(problemsOf({ ...PRODUCTION, INTUIT_CLIENT_ID: EMULATOR_DEMO_CLIENT.clientId })).toEqual([
      expect.stringMatching(/^INTUIT_CLIENT_ID is the demo emulator's published client id/),
    ]);
    expect(problemsOf({ ...PRODUCTION, TOKEN_ENCRYPTION_KEY: 'newKeyBase64=' })).toContainEqual(
      expect.stringMatching(/^TOKEN_ENCRYPTION_KEY is the example value from .env.example/),
    );
  });

  it('needs APP_BASE_URL on https', () => {
    expect(problemsOf({ ...PRODUCTION, APP_BASE_URL: 'http://duesense.example.com' })).toEqual([
      expect.stringMatching(/^APP_BASE_URL must be an https:\/\/ URL in production/),
    ]);
  });

  it('still lets development and tests run the demo with nothing set', () => {
    expect(isDemoMode(loadConfig({ NODE_ENV: 'development' }))).toBe(true);
    expect(isDemoMode(loadConfig({ NODE_ENV: 'test' }))).toBe(true);
  });
});

describe('DATABASE_URL', () => {
  it('selects PostgreSQL on its own, as postgres:// or postgresql://', () => {
    for (const url of ['postgres://u:p@db:5432/duesense', 'postgresql://u:p@db/duesense']) {
      expect(loadConfig({ DATABASE_URL: url }).db).toEqual({ client: 'pg', connectionString: url });
    }
  });

  it('is an error at boot when the app cannot use it', () => {
    expect(problemsOf({ DATABASE_URL: 'mysql://u:p@db/duesense' })).toEqual([
      expect.stringMatching(/^DATABASE_URL must be a PostgreSQL URL/),
    ]);
    expect(problemsOf({ DATABASE_URL: 'data/duesense.sqlite' })).toEqual([
      expect.stringMatching(/^DATABASE_URL must be a PostgreSQL URL/),
    ]);
    expect(problemsOf({ DATABASE_URL: 'postgres://u:p@db/duesense', DATABASE_CLIENT: 'sqlite' })).toEqual([
      expect.stringMatching(/^DATABASE_URL is set but DATABASE_CLIENT=sqlite/),
    ]);
  });

  it('leaves SQLite the default', () => {
    expect(loadConfig({}, '/srv/app').db).toEqual({ client: 'sqlite', filename: '/srv/app/data/duesense.sqlite' });
  });
});
