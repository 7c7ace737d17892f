import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { startSchedule } from '../jobs/schedule.js';
import { createApp } from './app.js';
import { loadManifest, ManifestError } from './app-manifest.js';
import { systemClock } from './clock.js';
import { ConfigError, EMULATOR_DEMO_CLIENT, isDemoMode, loadConfig, type Config } from './config.js';
import { createContainer } from './container.js';
import { migrateToLatest } from './db/knex.js';
import { companyToFile, writeCompanyFile } from './emulator/company/company-file.js';
import { loadOrCreateDemoCompany } from './emulator/demo-company.js';
import { createEmulator, type Emulator } from './emulator/emulator.js';
import { createLogger, type Logger } from './logger.js';

/** Demo mode: an emulator in this process, with the demo company and the app registered as its OAuth client. */
async function startDemoEmulator(config: Config, logger: Logger): Promise<{ emulator: Emulator; save: () => void }> {
  const dataDir = config.db.client === 'sqlite' && config.db.filename !== ':memory:' ? path.dirname(config.db.filename) : path.resolve('data');
  const started = Date.now();
  const demo = loadOrCreateDemoCompany({
    file: config.emulator.demo.companyFile,
    defaultFile: path.join(dataDir, 'demo-company.json'),
    customers: config.emulator.demo.customers,
    months: config.emulator.demo.months,
    seed: config.emulator.demo.seed,
    asOf: config.emulator.demo.asOf,
    clock: systemClock,
  });
  logger.info(
    { source: demo.source, generated: demo.generated, customers: demo.company.Customers.length, invoices: demo.company.Invoices.length, ms: Date.now() - started },
    demo.generated ? 'generated the demo company' : 'loaded the demo company',
  );
  const emulator = createEmulator({
    companies: [demo.company],
    clients: [{ clientId: config.intuit.clientId, clientSecret: config.intuit.clientSecret, redirectUris: [config.intuit.redirectUri] }],
    throttle: config.emulator.throttle,
    logger: logger.child({ component: 'emulator' }),
  });
  const url = await emulator.listen(config.emulator.port, config.http.host);
  logger.info({ url }, 'QuickBooks emulator listening');
  // Keep what the demo wrote (reminders sent, notes) for the next start, unless a fixed file was given.
  const save = () => {
    if (config.emulator.demo.companyFile) return;
    const company = emulator.companies.get(demo.company.realmId);
    if (company) writeCompanyFile(demo.source, companyToFile(company));
  };
  return { emulator, save };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee .env.example for every setting.\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  try {
    loadManifest(config);
  } catch (err) {
    if (err instanceof ManifestError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
  const logger = createLogger({ level: config.log.level });
  const demo = isDemoMode(config) ? await startDemoEmulator(config, logger) : undefined;
  if (demo && config.intuit.clientId !== EMULATOR_DEMO_CLIENT.clientId) logger.info('demo mode with custom client credentials');
  const container = createContainer(config, { logger, ...(demo ? { emulatorUrl: demo.emulator.url() } : {}) });
  const applied = await migrateToLatest(container.db);
  if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');

  const server = http.createServer(createApp(container));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.http.port, config.http.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  logger.info({ url: config.http.baseUrl, port, environment: config.intuit.environment, demo: Boolean(demo) }, 'Duesense is listening');
  const schedule = startSchedule(container);
  if (demo) process.stdout.write(`\nDuesense demo: open ${config.http.baseUrl} and choose "Connect to QuickBooks".\n\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.http.shutdownTimeoutMs);
    force.unref();
    // Stop scheduling and taking requests, let in-flight ones finish, then release the database.
    await schedule.stop();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    if (demo) {
      demo.save();
      await demo.emulator.close();
    }
    await container.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`Duesense failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
