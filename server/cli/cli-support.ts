import { InvalidArgumentError } from 'commander';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { createContainer, type Container } from '../container.js';
import type { Company } from '../features/connections/connection-store-type.js';
import { migrateToLatest } from '../db/knex.js';
import { createLogger } from '../logger.js';

/** An error the CLI reports as one clear line, with an exit code (2 = bad usage, 1 = failure). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(`${err.message}\nSee .env.example for every setting.`, 78);
    throw err;
  }
}

export function parsePositiveInt(name: string, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max)
      throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max}.`);
    return n;
  };
}

export function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('the port must be a whole number from 0 to 65535.');
  return n;
}

export function parseIsoDate(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new InvalidArgumentError('the date must be written YYYY-MM-DD, e.g. 2026-06-30.');
  }
  return value;
}

export function parseUrl(value: string): string {
  try {
    return new URL(value).toString().replace(/\/$/, '');
  } catch {
    throw new InvalidArgumentError(`not a URL: ${value}`);
  }
}

/** JSON from the emulator's control API, with its error message surfaced when it refuses. */
export async function emulatorRequest<T>(baseUrl: string, path: string, init: RequestInit = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${baseUrl}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', ...(init.headers ?? {}) },
    });
  } catch (err) {
    throw new CliError(
      `cannot reach the emulator at ${baseUrl} (${(err as Error).message}). ` +
        'Is it running? Start it with `npx duesense emulator` or `npm start`.',
    );
  }
  const text = await res.text();
  const body = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    const message = (body as { message?: string } | undefined)?.message ?? `HTTP ${res.status}`;
    throw new CliError(`the emulator refused: ${message}`);
  }
  return body as T;
}

/** The emulator the CLI talks to: EMULATOR_URL, else the one `npm start` runs in-process on EMULATOR_PORT. */
export function emulatorUrlFrom(config: Config): string {
  return config.emulator.url ?? `http://127.0.0.1:${config.emulator.port || 4010}`;
}

/** The app's services for a CLI command; in demo mode they talk to the emulator `npm start` runs. */
export function cliContainer(config: Config, options: { emulatorUrl?: string } = {}): Container {
  return createContainer(config, {
    logger: createLogger({ level: 'warn' }),
    ...(config.intuit.environment === 'emulator'
      ? { emulatorUrl: options.emulatorUrl ?? emulatorUrlFrom(config) }
      : {}),
  });
}

/** Runs a command body with the app's services on an up-to-date database, and closes them after. */
export async function withCliContainer<T>(fn: (c: Container) => Promise<T>): Promise<T> {
  const c = cliContainer(configOrExit());
  try {
    await migrateToLatest(c.db);
    return await fn(c);
  } finally {
    await c.close();
  }
}

/** The company named by --realm (an error naming the known ones if there is none), or every connected company. */
export async function companiesFor(c: Container, realm: string | undefined): Promise<Company[]> {
  const all = await c.connections.listCompanies();
  const chosen = realm ? all.filter((co) => co.realmId === realm) : all.filter((co) => co.status === 'connected');
  if (realm && chosen.length === 0)
    throw new CliError(
      `no company ${realm}; known: ${all.map((co) => co.realmId).join(', ') || 'none (connect one first)'}`,
      2,
    );
  return chosen;
}

/**
 * Runs `each` for the company named by --realm, or every connected company, one after the other; a company that is
 * not connected is reported and counts as a failure. Sets exit code 1 when any `each` reports one.
 */
export async function forEachCompany(
  c: Container,
  realm: string | undefined,
  each: (company: Company, name: string) => Promise<boolean>,
): Promise<void> {
  const companies = await companiesFor(c, realm);
  if (companies.length === 0) return void process.stdout.write('No connected companies.\n');
  let ok = true;
  for (const company of companies) {
    const name = `${company.companyName} (${company.realmId})`;
    if (company.status !== 'connected') {
      process.stdout.write(`${name}: not connected (${company.status}); reconnect first\n`);
      ok = false;
      continue;
    }
    ok = (await each(company, name)) && ok;
  }
  if (!ok) process.exitCode = 1;
}
