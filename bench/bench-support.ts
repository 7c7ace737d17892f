import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { submitEmulatorConsent } from '../server/cli/emulator-consent.js';
import { loadConfig } from '../server/config.js';
import { createContainer, type Container } from '../server/container.js';
import { migrateToLatest } from '../server/db/knex.js';
import { silentLogger } from '../server/logger.js';

export const RESULTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'results');

export interface BenchResult {
  name: string;
  /** What was measured, in words. */
  description: string;
  figures: Record<string, number | string>;
  /** Targets and whether they were met. */
  targets: Array<{ what: string; target: string; actual: string; met: boolean }>;
}

export interface Benchmark {
  name: string;
  run(): Promise<BenchResult>;
}

export function machine(): Record<string, string | number> {
  return {
    node: process.version,
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  };
}

export function writeResult(result: BenchResult): string {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${result.name}.json`);
  fs.writeFileSync(
    file,
    `${JSON.stringify({ ...result, measuredAt: new Date().toISOString(), machine: machine() }, null, 2)}\n`,
  );
  return file;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const round = (n: number, places = 1) => Math.round(n * 10 ** places) / 10 ** places;

/** What bench/generate-large-company.ts made: the realm and the number of each entity. */
export interface LargeCompany {
  realmId: string;
  Customer: number;
  Invoice: number;
  Payment: number;
  CreditMemo: number;
  Item: number;
  Term: number;
  CustomerType: number;
}

/**
 * The benchmark company, generated in its own process (so the benchmark's memory is its own) into a new
 * temporary directory that the caller removes when done.
 */
export function generateLargeCompany(prefix: string): { dir: string; companyFile: string; company: LargeCompany } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const companyFile = path.join(dir, 'company.json');
  const generated = spawnSync('npx', ['tsx', 'bench/generate-large-company.ts', companyFile], { encoding: 'utf8' });
  if (generated.status !== 0) throw new Error(`generation failed: ${generated.stderr}`);
  return { dir, companyFile, company: JSON.parse(generated.stdout.trim().split('\n').at(-1)!) as LargeCompany };
}

/** `duesense emulator` in its own process (as Intuit is elsewhere), serving company files; resolves to its URL. */
export async function startEmulatorProcess(
  companyFile: string | string[],
  extraArgs: string[] = [],
): Promise<{ url: string; child: ChildProcess }> {
  const companies = (Array.isArray(companyFile) ? companyFile : [companyFile]).flatMap((f) => ['--company', f]);
  const child = spawn(
    process.execPath,
    [path.resolve('bin/duesense.js'), 'emulator', ...companies, '--port', '0', ...extraArgs],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  return { url, child };
}

/**
 * The app in this process, on a SQLite file in `dir` and the production rate-limit policy (no rateLimit option:
 * DEFAULT_POLICY), connected to one or more companies of the emulator at `url` through the OAuth flow, consenting
 * as a user would.
 */
export async function connectedApp(dir: string, url: string, realmId: string | string[]): Promise<Container> {
  const config = loadConfig({
    DATABASE_FILE: path.join(dir, 'duesense.sqlite'),
    INTUIT_ENVIRONMENT: 'emulator',
    EMULATOR_URL: url,
    LOG_LEVEL: 'silent',
  });
  const c = createContainer(config, { logger: silentLogger, emulatorUrl: url });
  try {
    await migrateToLatest(c.db);
    for (const realm of Array.isArray(realmId) ? realmId : [realmId]) await connectCompany(c, realm);
    return c;
  } catch (err) {
    await c.close();
    throw err;
  }
}

/** "Connect to QuickBooks" for one more company of the emulator, consenting as a user would. */
export async function connectCompany(c: Container, realmId: string): Promise<void> {
  const authorizeUrl = await c.connections.beginConnect({ sessionId: null });
  await c.connections.completeConnect(await submitEmulatorConsent({ authorizeUrl, realmId }), { sessionId: null });
}
