import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { createDb, type Db } from './db/knex.js';
import { ConnectionService } from './features/connections/connection-service.js';
import { createConnectionStore, createOAuthStateStore } from './features/connections/connection-store.js';
import { createTokenCipher } from './features/connections/token-cipher.js';
import { resolveTokenKeys } from './features/connections/token-keys.js';
import type { Logger } from './logger.js';
import { endpointsFor, type IntuitEndpoints } from './qbo/endpoints.js';
import { IntuitOAuth } from './qbo/intuit-oauth-client.js';
import { QboApiClient } from './qbo/qbo-api-client.js';

/** Everything the app is made of, built once in the composition root and handed to entry points. */
export interface Container {
  config: Config;
  logger: Logger;
  clock: Clock;
  db: Db;
  endpoints: IntuitEndpoints;
  /** Set when the app runs against the emulator (demo mode or EMULATOR_URL). */
  emulatorUrl: string | undefined;
  connections: ConnectionService;
  close(): Promise<void>;
}

export interface ContainerOptions {
  logger: Logger;
  clock?: Clock;
  /** The emulator to talk to: the in-process demo emulator's URL, or config's EMULATOR_URL. */
  emulatorUrl?: string;
  db?: Db;
}

export function createContainer(config: Config, options: ContainerOptions): Container {
  const clock = options.clock ?? systemClock;
  const logger = options.logger;
  const db = options.db ?? createDb(config.db);
  const emulatorUrl = config.intuit.environment === 'emulator' ? (options.emulatorUrl ?? config.emulator.url) : undefined;
  const endpoints = endpointsFor(config.intuit.environment, emulatorUrl);
  const intuit = { clientId: config.intuit.clientId, clientSecret: config.intuit.clientSecret, environment: config.intuit.environment, endpoints };
  const oauth = new IntuitOAuth({ ...intuit, redirectUri: config.intuit.redirectUri });
  const cipher = createTokenCipher(resolveTokenKeys(config));
  const connections = new ConnectionService({
    store: createConnectionStore(db),
    states: createOAuthStateStore(db),
    cipher,
    oauth,
    qboClient: (realmId, accessToken) => new QboApiClient(intuit, realmId, accessToken),
    clock,
    environment: config.intuit.environment,
    logger,
  });
  return {
    config, logger, clock, db, endpoints, emulatorUrl, connections,
    async close() {
      await db.destroy();
    },
  };
}
