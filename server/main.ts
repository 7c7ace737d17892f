import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSchedule } from '../jobs/schedule.js';
import { createApp } from './app.js';
import { loadManifest, ManifestError } from './app-manifest.js';
import { ConfigError, debugRequested, EMULATOR_DEMO_CLIENT, isDemoMode, loadConfig, type Config } from './config.js';
import { createContainer } from './container.js';
import { migrateToLatest } from './db/knex.js';
import { createLogger } from './logger.js';
import { listenFailure, startupFailureText } from './startup-error.js';

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
  // The emulator is loaded only in demo mode: a production start never imports it.
  const demo = isDemoMode(config)
    ? await (await import('./demo-emulator.js')).startDemoEmulator(config, logger).catch((err: unknown) => {
        throw listenFailure(err, {
          what: 'The demo QuickBooks emulator',
          host: config.http.host,
          port: config.emulator.port,
          setting: 'EMULATOR_PORT',
        });
      })
    : undefined;
  if (demo && config.intuit.clientId !== EMULATOR_DEMO_CLIENT.clientId)
    logger.info('demo mode with custom client credentials');
  const container = createContainer(config, { logger, ...(demo ? { emulatorUrl: demo.emulator.url() } : {}) });
  const applied = await migrateToLatest(container.db);
  if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');

  const server = http.createServer(createApp(container));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(listenFailure(err, { what: 'Duesense', host: config.http.host, port: config.http.port, setting: 'PORT' })),
    );
    server.listen(config.http.port, config.http.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  logger.info(
    { url: config.http.baseUrl, port, environment: config.intuit.environment, demo: Boolean(demo) },
    'Duesense is listening',
  );
  const schedule = startSchedule(container);
  if (demo)
    process.stdout.write(`\nDuesense demo: open ${config.http.baseUrl} and choose "Connect to QuickBooks".\n\n`);

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
  process.stderr.write(`${startupFailureText(err, debugRequested())}\n`);
  process.exit(1);
});
