import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_DEMO_CLIENT, loadConfig } from '../../../server/config.js';
import { createContainer } from '../../../server/container.js';
import { generateCompany } from '../../../server/emulator/generator/generate-company.js';
import { silentLogger } from '../../../server/logger.js';
import { startEmulator, type RunningEmulator } from '../../support/emulator-harness.js';
import { differences, type SyncWorld } from '../../support/sync-harness.js';

const BIN = path.resolve('bin/duesense.js');
const exec = promisify(execFile);

/** `duesense sync` really killed (SIGKILL) in the middle of a full pass, then run again. */
describe('a sync process killed mid-pass', () => {
  let emulator: RunningEmulator;
  let env: NodeJS.ProcessEnv;
  let dbFile: string;
  const file = generateCompany({ seed: 8, customers: 200, months: 12, asOf: '2026-10-31' });

  beforeAll(async () => {
    emulator = await startEmulator({
      companies: [file],
      clients: [
        {
          clientId: EMULATOR_DEMO_CLIENT.clientId,
          clientSecret: EMULATOR_DEMO_CLIENT.clientSecret,
          redirectUris: ['http://localhost:3000/oauth/callback'],
        },
      ],
      now: new Date().toISOString(),
    });
    dbFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'duesense-kill-')), 'duesense.sqlite');
    env = {
      ...process.env,
      LOG_LEVEL: 'silent',
      DATABASE_FILE: dbFile,
      EMULATOR_URL: emulator.url,
      INTUIT_ENVIRONMENT: 'emulator',
    };
    await exec(process.execPath, [BIN, 'connect-demo'], { env });
  });
  afterAll(async () => {
    await emulator.close();
    fs.rmSync(path.dirname(dbFile), { recursive: true, force: true });
  });

  it("resumes from the last committed page and ends with exactly the emulator's data", async () => {
    await fetch(`${emulator.url}/emulator/latency`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ms: 60 }),
    });
    const child = spawn(process.execPath, [BIN, 'sync'], { env, stdio: 'ignore' });
    const config = loadConfig({ DATABASE_FILE: dbFile, EMULATOR_URL: emulator.url, INTUIT_ENVIRONMENT: 'emulator' });
    const container = createContainer(config, { logger: silentLogger, emulatorUrl: emulator.url });
    try {
      // Kill it once the invoice pass has committed a page and before it finishes.
      for (let i = 0; i < 400; i++) {
        const invoices = await container
          .db('qbo_sync_state')
          .where({ entity: 'Invoice', phase: 'full' })
          .whereNotNull('watermark_raw')
          .first()
          .catch(() => undefined);
        if (invoices) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const midway = await container.db('qbo_invoices').count({ n: '*' });
      expect(Number(midway[0]!.n)).toBeLessThan(file.Invoices.length);

      await fetch(`${emulator.url}/emulator/latency`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ms: 0 }),
      });
      const again = await exec(process.execPath, [BIN, 'sync'], { env });
      expect(again.stdout).toMatch(/succeeded, full/);
      const realmId = file.realmId;
      const world = {
        emulator,
        realmId,
        company: emulator.emulator.companies.get(realmId)!,
        t: { container },
      } as unknown as SyncWorld;
      expect(await differences(world)).toEqual([]);
      const runs = await container.syncStore.runs(realmId);
      // the killed run is marked failed, not left running
      expect(runs.map((r) => r.status)).toEqual(['succeeded', 'failed']);
    } finally {
      await container.close();
    }
  });
});
