import path from 'node:path';
import { z } from 'zod';
import { isTimeZone, LOCAL_TIME } from './time-zone.js';

/**
 * The one place that reads the environment. Every setting is declared here, validated at boot, and frozen;
 * services receive the slice they need, never process.env. .env.example lists the same variables.
 */

const boolFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const wholeNumber = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD');

const envShape = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: wholeNumber(0, 65535).default(3000),
  APP_BASE_URL: z.url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_TIMEOUT_MS: wholeNumber(1).default(10_000),

  DATABASE_CLIENT: z.enum(['sqlite', 'pg']).optional(),
  DATABASE_FILE: z.string().min(1).default('data/duesense.sqlite'),
  DATABASE_URL: z.string().optional(),

  INTUIT_ENVIRONMENT: z.enum(['production', 'sandbox', 'emulator']).optional(),
  INTUIT_CLIENT_ID: z.string().min(1).optional(),
  INTUIT_CLIENT_SECRET: z.string().min(1).optional(),
  INTUIT_REDIRECT_URI: z.url().optional(),
  INTUIT_WEBHOOK_VERIFIER_TOKEN: z.string().min(1).optional(),

  TOKEN_ENCRYPTION_KEY: z.string().optional(),
  SESSION_SECRET: z.string().optional(),
  SESSION_TTL_HOURS: wholeNumber(1, 24 * 30).default(8),

  SYNC_RECONCILE_DAYS: wholeNumber(1, 365).default(7),
  NIGHTLY_LOCAL_TIME: z.string().regex(LOCAL_TIME, 'must be a local time HH:MM, e.g. 02:30').default('02:30'),
  NIGHTLY_CONCURRENCY: wholeNumber(1, 32).default(4),
  DEFAULT_COMPANY_TIME_ZONE: z
    .string()
    .refine(isTimeZone, 'must be an IANA time zone, e.g. America/Los_Angeles')
    .default('America/Los_Angeles'),
  SCORE_RUNS_KEPT_WHOLE: wholeNumber(1, 100_000).default(30),

  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@mail.example.com:587')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Duesense <no-reply@duesense.local>'),

  EMULATOR_URL: z.url().optional(),
  EMULATOR_PORT: wholeNumber(0, 65535).default(4010),
  EMULATOR_THROTTLE: boolFromEnv.default(true),
  DEMO_COMPANY_FILE: z.string().min(1).optional(),
  DEMO_CUSTOMERS: wholeNumber(1, 20_000).default(300),
  DEMO_MONTHS: wholeNumber(1, 120).default(24),
  DEMO_SEED: wholeNumber(0).default(42),
  DEMO_AS_OF: isoDate.optional(),
});

const envSchema = envShape.superRefine((env, ctx) => {
  const problem = (key: string, message: string) => ctx.addIssue({ code: 'custom', path: [key], message });
  const environment = intuitEnvironment(env);
  const production = env.NODE_ENV === 'production';
  if (environment !== 'emulator') {
    for (const key of ['INTUIT_CLIENT_ID', 'INTUIT_CLIENT_SECRET'] as const) {
      if (!env[key])
        problem(
          key,
          `is required when INTUIT_ENVIRONMENT=${environment} (set INTUIT_ENVIRONMENT=emulator for the demo)`,
        );
    }
  }
  if (production) productionProblems(env, environment, problem);
  databaseProblems(env, problem);
  for (const [i, secret] of (env.SESSION_SECRET?.split(',') ?? []).entries()) {
    if (secret.trim().length < 32) problem('SESSION_SECRET', `secret ${i + 1} must be at least 32 characters`);
  }
  for (const [i, key] of (env.TOKEN_ENCRYPTION_KEY?.split(',') ?? []).entries()) {
    if (Buffer.from(key.trim(), 'base64').length !== 32) {
      problem('TOKEN_ENCRYPTION_KEY', `key ${i + 1} must be 32 bytes encoded in base64`);
    }
  }
  if (env.EMULATOR_URL && environment !== 'emulator')
    problem('EMULATOR_URL', 'only applies when INTUIT_ENVIRONMENT=emulator');
});

type Env = z.output<typeof envShape>;
type Problem = (key: string, message: string) => void;

/** Production when a client id is given, the emulator (the demo) otherwise; production never falls back to it. */
function intuitEnvironment(env: Pick<Env, 'INTUIT_ENVIRONMENT' | 'INTUIT_CLIENT_ID' | 'NODE_ENV'>): IntuitEnvironment {
  return env.INTUIT_ENVIRONMENT ?? (env.INTUIT_CLIENT_ID || env.NODE_ENV === 'production' ? 'production' : 'emulator');
}

const GENERATE_KEY = '`openssl rand -base64 32`';

/** A production start needs real credentials and secrets: each missing one is named, none is generated. */
function productionProblems(env: Env, environment: IntuitEnvironment, problem: Problem): void {
  if (environment === 'emulator') {
    problem(
      'INTUIT_ENVIRONMENT',
      'cannot be emulator in production: the emulator and its demo client are for development',
    );
  }
  if (env.INTUIT_CLIENT_ID === EMULATOR_DEMO_CLIENT.clientId) {
    problem(
      'INTUIT_CLIENT_ID',
      "is the demo emulator's published client id; use your app's keys from the Intuit developer portal",
    );
  }
  if (!env.TOKEN_ENCRYPTION_KEY)
    problem('TOKEN_ENCRYPTION_KEY', `is required in production (32 random bytes, base64: ${GENERATE_KEY})`);
  if (env.TOKEN_ENCRYPTION_KEY && PLACEHOLDER_KEYS.some((k) => env.TOKEN_ENCRYPTION_KEY?.includes(k))) {
    problem('TOKEN_ENCRYPTION_KEY', `is the example value from .env.example; generate one with ${GENERATE_KEY}`);
  }
  if (!env.SESSION_SECRET)
    problem('SESSION_SECRET', `is required in production (at least 32 random characters: ${GENERATE_KEY})`);
  if (!env.APP_BASE_URL)
    problem('APP_BASE_URL', 'is required in production: the public https URL of the app (OAuth redirects and links)');
  else if (!env.APP_BASE_URL.startsWith('https://'))
    problem('APP_BASE_URL', 'must be an https:// URL in production (Intuit requires https redirects)');
}

/** Example values printed in .env.example, which must never protect real tokens. */
const PLACEHOLDER_KEYS = ['newKeyBase64=', 'oldKeyBase64='];

/** The database a URL names: postgres:// and postgresql:// select PostgreSQL; anything else is an error. */
function databaseClient(env: Pick<Env, 'DATABASE_CLIENT' | 'DATABASE_URL'>): 'sqlite' | 'pg' {
  return env.DATABASE_CLIENT ?? (env.DATABASE_URL ? 'pg' : 'sqlite');
}

function databaseProblems(env: Env, problem: Problem): void {
  const client = databaseClient(env);
  if (env.DATABASE_URL !== undefined && !/^postgres(ql)?:\/\/[^/]/.test(env.DATABASE_URL)) {
    problem(
      'DATABASE_URL',
      'must be a PostgreSQL URL, postgres://user:password@host:5432/database (SQLite uses DATABASE_FILE)',
    );
  } else if (env.DATABASE_URL !== undefined && client === 'sqlite') {
    problem(
      'DATABASE_URL',
      'is set but DATABASE_CLIENT=sqlite: remove one of them (a postgres:// URL alone selects PostgreSQL)',
    );
  }
  if (client === 'pg' && !env.DATABASE_URL) problem('DATABASE_URL', 'is required when DATABASE_CLIENT=pg');
}

/** Client credentials the emulator registers for the demo; they only ever unlock a local emulator. */
export const EMULATOR_DEMO_CLIENT = {
  clientId: 'duesense-demo-client',
  clientSecret: 'duesense-demo-secret',
  webhookVerifierToken: 'duesense-demo-verifier',
} as const;

export type IntuitEnvironment = 'production' | 'sandbox' | 'emulator';

export interface Config {
  env: 'development' | 'test' | 'production';
  http: { host: string; port: number; baseUrl: string; shutdownTimeoutMs: number };
  log: { level: string };
  db: { client: 'sqlite'; filename: string } | { client: 'pg'; connectionString: string };
  intuit: {
    environment: IntuitEnvironment;
    clientId: string;
    clientSecret: string;
    redirectUri: string;
    webhookVerifierToken: string | undefined;
  };
  /**
   * AES-256 keys for tokens at rest, newest first (older ones only decrypt, for rotation). Empty outside
   * production means "use the key file generated beside the SQLite database".
   */
  tokenEncryptionKeys: Buffer[];
  /** Cookie-signing secrets, newest first; empty outside production means "generated beside the SQLite file". */
  session: { secrets: string[]; ttlHours: number; secureCookies: boolean };
  /** Outgoing email (the alert digest). Without SMTP_URL messages stay in the app's mailbox. */
  mail: { smtpUrl: string | undefined; from: string };
  sync: {
    /** A full pass with mark-and-sweep this often, catching deletions incremental reads cannot see. */
    reconcileEveryDays: number;
    /** When each company's nightly run (sync, then scoring) starts, in the company's own time zone. */
    nightlyLocalTime: string;
    /**
     * Companies whose nights run at once. QuickBooks' limits are per company, so a company's calls wait for its own
     * quota while others go on; scoring shares this process's one thread.
     */
    nightlyConcurrency: number;
    /** QBO does not report a company's time zone; this is used until one is set in the company's settings. */
    defaultCompanyTimeZone: string;
  };
  risk: {
    /**
     * Each company's newest score runs kept whole; older runs keep every customer's score and band (the score
     * history) but lose their per-invoice rows and per-customer metrics and reasons, which only the latest run's
     * pages read.
     */
    runsKeptWhole: number;
  };
  emulator: {
    /** An emulator already running elsewhere; undefined with environment=emulator means "start one in-process". */
    url: string | undefined;
    /** Port of the in-process demo emulator (0 = any free port). */
    port: number;
    throttle: boolean;
    demo: {
      companyFile: string | undefined;
      customers: number;
      months: number;
      seed: number;
      asOf: string | undefined;
    };
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function deepFreeze<T>(value: T): T {
  // Buffers (keys) cannot be frozen; they are never handed out for writing.
  if (value && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Reads and validates the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): Config {
  const input = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'} ${i.message}`));
  }
  const e = parsed.data;
  const environment = intuitEnvironment(e);
  const baseUrl = (e.APP_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  const config: Config = {
    env: e.NODE_ENV,
    http: { host: e.HOST, port: e.PORT, baseUrl, shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS },
    log: { level: e.LOG_LEVEL },
    db:
      databaseClient(e) === 'pg'
        ? { client: 'pg', connectionString: e.DATABASE_URL ?? '' }
        : {
            client: 'sqlite',
            filename: e.DATABASE_FILE === ':memory:' ? ':memory:' : path.resolve(cwd, e.DATABASE_FILE),
          },
    intuit: {
      environment,
      clientId: e.INTUIT_CLIENT_ID ?? EMULATOR_DEMO_CLIENT.clientId,
      clientSecret: e.INTUIT_CLIENT_SECRET ?? EMULATOR_DEMO_CLIENT.clientSecret,
      redirectUri: e.INTUIT_REDIRECT_URI ?? `${baseUrl}/oauth/callback`,
      webhookVerifierToken:
        e.INTUIT_WEBHOOK_VERIFIER_TOKEN ??
        (environment === 'emulator' ? EMULATOR_DEMO_CLIENT.webhookVerifierToken : undefined),
    },
    tokenEncryptionKeys: (e.TOKEN_ENCRYPTION_KEY?.split(',') ?? []).map((k) => Buffer.from(k.trim(), 'base64')),
    session: {
      secrets: (e.SESSION_SECRET?.split(',') ?? []).map((s) => s.trim()),
      ttlHours: e.SESSION_TTL_HOURS,
      // Secure cookies need https; the public URL says whether the app is served over it.
      secureCookies: e.NODE_ENV === 'production' || baseUrl.startsWith('https:'),
    },
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM },
    sync: {
      reconcileEveryDays: e.SYNC_RECONCILE_DAYS,
      nightlyLocalTime: e.NIGHTLY_LOCAL_TIME,
      nightlyConcurrency: e.NIGHTLY_CONCURRENCY,
      defaultCompanyTimeZone: e.DEFAULT_COMPANY_TIME_ZONE,
    },
    risk: { runsKeptWhole: e.SCORE_RUNS_KEPT_WHOLE },
    emulator: {
      url: e.EMULATOR_URL?.replace(/\/$/, ''),
      port: e.EMULATOR_PORT,
      throttle: e.EMULATOR_THROTTLE,
      demo: {
        companyFile: e.DEMO_COMPANY_FILE ? path.resolve(cwd, e.DEMO_COMPANY_FILE) : undefined,
        customers: e.DEMO_CUSTOMERS,
        months: e.DEMO_MONTHS,
        seed: e.DEMO_SEED,
        asOf: e.DEMO_AS_OF,
      },
    },
  };
  return deepFreeze(config);
}

/** DEBUG set: failures print their stack traces (the CLI and a failed start print one line otherwise). */
export function debugRequested(env: Record<string, string | undefined> = process.env): boolean {
  return Boolean(env.DEBUG) && env.DEBUG !== '0' && env.DEBUG !== 'false';
}

/** True when the app should start its own emulator with a demo company (no Intuit credentials, no EMULATOR_URL). */
export function isDemoMode(config: Config): boolean {
  return config.intuit.environment === 'emulator' && config.emulator.url === undefined;
}
