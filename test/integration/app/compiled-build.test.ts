import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../server/project-root.js';

const run = promisify(execFile);
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/**
 * What a deployment holds beside the compiled build, read at run time from the project root. Only these are
 * copied next to the build under test, so a new runtime file that is not listed here (and in
 * docs/configuration.md, "Production") makes this test fail.
 */
const RUNTIME_FILES = ['package.json', 'app-manifest.json', 'views', 'public'];
/** Relative to the deployment directory, the server's working directory. */
const DATABASE_FILE = 'data/duesense.sqlite';

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A deployment directory: the compiled build, the runtime files and the installed packages. */
function deploy(build: string, target: string, o: { withoutEmulator?: boolean } = {}): string {
  const emulatorDir = path.join(build, 'server', 'emulator');
  fs.cpSync(build, path.join(target, 'dist'), {
    recursive: true,
    filter: (source) => !o.withoutEmulator || (source !== emulatorDir && !source.startsWith(emulatorDir + path.sep)),
  });
  for (const file of RUNTIME_FILES) {
    fs.cpSync(path.join(PROJECT_ROOT, file), path.join(target, file), { recursive: true });
  }
  fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(target, 'node_modules'), 'dir');
  return target;
}

/** `npm run start:prod` in `dir`, with only the given environment; resolves once /healthz answers. */
async function startCompiled(dir: string, env: Record<string, string>, port?: number): Promise<Started> {
  port ??= await freePort();
  const child = spawn(process.execPath, ['--enable-source-maps', 'dist/server/main.js'], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), DATABASE_FILE, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (true) {
    if (child.exitCode !== null) throw new Error(`the compiled server exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the compiled server did not answer /healthz:\n${output}`);
    }
    const ok = await fetch(`${url}/healthz`).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return { child, url, output: () => output };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function stop(started: Started): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const { child } = started;
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.kill('SIGTERM');
  });
}

describe('the compiled build (npm run build, then npm run start:prod)', () => {
  let dir: string;
  let build: string;
  const running: Started[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duesense-build-'));
    build = path.join(dir, 'build');
    const tsconfig = path.join(PROJECT_ROOT, 'tsconfig.build.json');
    await run(process.execPath, [TSC, '-p', tsconfig, '--outDir', build], { cwd: PROJECT_ROOT });
  }, 240_000);
  afterAll(async () => {
    for (const started of running) await stop(started);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('compiles the server, jobs and migrations, and no tests or benchmarks', () => {
    expect(fs.readdirSync(build).sort()).toEqual(['jobs', 'migrations', 'server']);
    expect(fs.existsSync(path.join(build, 'server', 'main.js'))).toBe(true);
  });

  it('loads only packages in dependencies, so a deployment can install without devDependencies', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8'));
    const dependencies = manifest.dependencies as Record<string, string>;
    const bare = `'((?:node:|@[a-z0-9-]+/)?[a-z0-9][\\w./-]*)'`;
    const patterns = [
      new RegExp(`^\\s*(?:import|export)\\b[^;]*?\\bfrom\\s*${bare}`, 'gm'),
      new RegExp(`\\bimport\\(\\s*${bare}\\s*\\)`, 'g'),
      new RegExp(`\\bcreateRequire\\([^)]*\\)(?:\\.resolve)?\\(${bare}\\)`, 'g'),
    ];
    const specifiers = new Set<string>();
    const modules = fs.readdirSync(build, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
    for (const file of modules) {
      const code = fs.readFileSync(path.join(build, file), 'utf8');
      for (const pattern of patterns) for (const m of code.matchAll(pattern)) specifiers.add(m[1]!);
    }
    const packages = [...specifiers]
      .filter((s) => !s.startsWith('node:'))
      .map((s) =>
        s
          .split('/')
          .slice(0, s.startsWith('@') ? 2 : 1)
          .join('/'),
      );
    const expected = ['express', 'knex', 'intuit-oauth', 'node-quickbooks', 'pg', 'chart.js'];
    expect(packages).toEqual(expect.arrayContaining(expected));
    expect([...new Set(packages)].filter((name) => !(name in dependencies))).toEqual([]);
  });

  it('starts in demo mode, serves health, pages and assets, runs the compiled CLI, stops on SIGTERM', async () => {
    const app = deploy(build, path.join(dir, 'demo'));
    const demoEnv = { EMULATOR_PORT: '0', DEMO_CUSTOMERS: '12', DEMO_MONTHS: '2', DEMO_SEED: '7' };
    const started = await startCompiled(app, demoEnv);
    running.push(started);
    const { url } = started;

    const health = await fetch(`${url}/healthz`);
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
    const ready = await fetch(`${url}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready' }]);
    const home = await fetch(url);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('Connect to QuickBooks');
    expect((await fetch(`${url}/assets/css/app.css`)).status).toBe(200);
    expect((await fetch(`${url}/assets/vendor/chart.umd.min.js`)).status).toBe(200);
    expect(started.output()).toContain('Duesense demo: open');

    expect(await stop(started)).toEqual({ code: 0, signal: null });
    expect(started.output()).toMatch(/"msg":"stopped"/);

    const cli = await run(process.execPath, ['dist/server/cli/main.js', 'migrate'], {
      cwd: app,
      env: { PATH: process.env.PATH ?? '', DATABASE_FILE },
    });
    expect(cli.stdout).toBe('The database is up to date.\n');
  }, 120_000);

  it('starts with NODE_ENV=production against Intuit from a build without server/emulator', async () => {
    const app = deploy(build, path.join(dir, 'production'), { withoutEmulator: true });
    expect(fs.existsSync(path.join(build, 'server', 'emulator', 'emulator.js'))).toBe(true);
    expect(fs.existsSync(path.join(app, 'dist', 'server', 'emulator'))).toBe(false);
    const port = await freePort();
    const started = await startCompiled(
      app,
      {
        NODE_ENV: 'production',
        INTUIT_ENVIRONMENT: 'sandbox',
        INTUIT_CLIENT_ID: 'ABproductionTestClient',
        INTUIT_CLIENT_SECRET: 'production-test-secret',
        APP_BASE_URL: 'https://duesense.example.com',
        TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        SESSION_SECRET: randomBytes(32).toString('base64'),
      },
      port,
    );
    running.push(started);
    const { url } = started;

    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const home = await fetch(url);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('Connect to QuickBooks');
    // intuit-oauth, loaded from the compiled server/qbo/, sends the browser to Intuit with the app's client id and
    // the public https redirect URI (nothing is fetched from Intuit to answer this).
    const connect = await fetch(`${url}/connect`, { redirect: 'manual' });
    expect(connect.status).toBe(303);
    const location = new URL(connect.headers.get('location') ?? '');
    expect(location.origin).toBe('https://appcenter.intuit.com');
    expect(location.searchParams.get('client_id')).toBe('ABproductionTestClient');
    expect(location.searchParams.get('redirect_uri')).toBe('https://duesense.example.com/oauth/callback');

    expect(await stop(started)).toEqual({ code: 0, signal: null });
    expect(started.output()).not.toContain('Duesense demo');
  }, 120_000);

  it('refuses a production start without its settings, naming each, before listening', async () => {
    const app = deploy(build, path.join(dir, 'refused'), { withoutEmulator: true });
    const refused = await run(process.execPath, ['dist/server/main.js'], {
      cwd: app,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production' },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code: number; stderr: string }) => err,
    );
    expect(refused.code).toBe(78);
    for (const name of [
      'INTUIT_CLIENT_ID',
      'INTUIT_CLIENT_SECRET',
      'TOKEN_ENCRYPTION_KEY',
      'SESSION_SECRET',
      'APP_BASE_URL',
    ]) {
      expect(refused.stderr).toContain(`  - ${name} `);
    }
  }, 60_000);
});
