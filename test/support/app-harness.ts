import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Express } from 'express';
import { createApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { createContainer, type Container } from '../../server/container.js';
import { createLogger } from '../../server/logger.js';
import type { RateLimitPolicy } from '../../server/qbo/rate-limiter.js';
import type { SyncOptions } from '../../server/features/sync/sync-service.js';
import type { ReminderExecutorOptions } from '../../server/features/reminders/reminder-executor.js';
import type { WritebackExecutorOptions } from '../../server/features/writeback/writeback-executor.js';
import { migrateToLatest } from '../../server/db/knex.js';
import { TEST_CLIENT, type RunningEmulator } from './emulator-harness.js';

export interface TestApp {
  app: Express;
  container: Container;
  /** Every log line the app wrote, for tests that check what is (never) logged. */
  logs: string[];
  /** The SQLite file, when the app was started on one (`file: true`). */
  databaseFile: string | undefined;
  close(): Promise<void>;
}

/** The whole app on an in-memory SQLite database (or a file), talking to a running test emulator. */
export async function startApp(
  emulator: RunningEmulator,
  o: {
    env?: Record<string, string>;
    file?: boolean;
    rateLimit?: Partial<RateLimitPolicy>;
    sync?: Partial<SyncOptions>;
    writeback?: Partial<WritebackExecutorOptions>;
    reminders?: Partial<ReminderExecutorOptions>;
    syncOnConnect?: boolean;
  } = {},
): Promise<TestApp> {
  const databaseFile = o.file
    ? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'duesense-test-')), 'duesense.sqlite')
    : undefined;
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_FILE: databaseFile ?? ':memory:',
    INTUIT_ENVIRONMENT: 'emulator',
    INTUIT_CLIENT_ID: TEST_CLIENT.clientId,
    INTUIT_CLIENT_SECRET: TEST_CLIENT.clientSecret,
    APP_BASE_URL: new URL(TEST_CLIENT.redirectUris[0]!).origin,
    EMULATOR_URL: emulator.url,
    TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
    LOG_LEVEL: 'debug',
    ...o.env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  // The production logger (with its redaction), writing into memory.
  const logger = createLogger({ level: 'debug', destination: sink });
  const container = createContainer(config, {
    logger,
    clock: emulator.clock,
    emulatorUrl: emulator.url,
    ...(o.rateLimit ? { rateLimit: o.rateLimit } : {}),
    ...(o.sync ? { sync: o.sync } : {}),
    ...(o.writeback ? { writeback: o.writeback } : {}),
    ...(o.reminders ? { reminders: o.reminders } : {}),
  });
  await migrateToLatest(container.db);
  // Tests start syncs themselves; a background sync after connecting would race with them.
  const close = async () => {
    await container.close();
    if (databaseFile) fs.rmSync(path.dirname(databaseFile), { recursive: true, force: true });
  };
  return {
    app: createApp(container, { syncOnConnect: o.syncOnConnect ?? false }),
    container,
    logs,
    databaseFile,
    close,
  };
}
