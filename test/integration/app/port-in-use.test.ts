import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');

/** Runs `tsx server/main.ts` with `env` until it exits; its exit code and what it wrote to stderr. */
function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('a start on a port that is taken', () => {
  let busy: net.Server;
  let port: number;
  let dir: string;
  beforeAll(async () => {
    busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    port = (busy.address() as net.AddressInfo).port;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duesense-port-'));
  });
  afterAll(async () => {
    await new Promise((resolve) => busy.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('names the port and PORT, in one line without a stack trace', async () => {
    const { code, stderr } = await start({
      PORT: String(port),
      INTUIT_ENVIRONMENT: 'emulator',
      EMULATOR_URL: 'http://127.0.0.1:9',
      DATABASE_FILE: path.join(dir, 'a.sqlite'),
    });
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(
      `Duesense failed to start: Duesense cannot listen on 127.0.0.1:${port}: ` +
        'the port is in use (is Duesense already running?). ' +
        'Stop the other process or choose another port with PORT=<port>.',
    );
  });

  it("names the demo emulator's port and EMULATOR_PORT", async () => {
    const { code, stderr } = await start({
      EMULATOR_PORT: String(port),
      DEMO_CUSTOMERS: '3',
      DEMO_MONTHS: '2',
      DATABASE_FILE: path.join(dir, 'b.sqlite'),
    });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([expect.stringContaining(`emulator cannot listen on 127.0.0.1:${port}`)]);
    expect(stderr).toContain('EMULATOR_PORT=<port>');
  });
});
