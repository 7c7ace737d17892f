import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { createDb, createReadDb, migrationsAreCurrent, startWalCheckpoints, type Db } from './db/knex.js';
import { ConnectionService } from './features/connections/connection-service.js';
import { createConnectionStore, createOAuthStateStore } from './features/connections/connection-store.js';
import { createTokenCipher } from './features/connections/token-cipher.js';
import { resolveTokenKeys } from './features/connections/token-keys.js';
import { TokenVault } from './features/connections/token-vault.js';
import { TokenKeepaliveService } from './features/connections/token-keepalive-service.js';
import { createActivityLog } from './features/activity/activity-log.js';
import type { ActivityLog } from './features/activity/activity-log-type.js';
import { createJobLockStore } from './features/jobs/job-lock-store.js';
import type { JobLockStore } from './features/jobs/job-lock-store-type.js';
import { NightlyWorkflow } from './features/nightly/nightly-workflow.js';
import { createCompanySettingsStore } from './features/sync/company-settings-store.js';
import type { CompanySettingsStore } from './features/sync/company-settings-store-type.js';
import { SyncService, type SyncOptions } from './features/sync/sync-service.js';
import { createSyncStore } from './features/sync/sync-store.js';
import type { SyncStore } from './features/sync/sync-store-type.js';
import { createWebhookEventStore } from './features/sync/webhook-event-store.js';
import { WebhookService } from './features/sync/webhook-service.js';
import { createUserStore } from './features/users/user-store.js';
import type { UserStore } from './features/users/user-store-type.js';
import { RiskService } from './features/risk/risk-service.js';
import { DigestService } from './features/risk/digest-service.js';
import { MailOutbox } from './features/mail/mail-outbox.js';
import { createOutboxStore } from './features/mail/outbox-store.js';
import { createCompanyPreferencesStore } from './features/settings/company-preferences-store.js';
import type { CompanyPreferencesStore } from './features/settings/company-preferences-store-type.js';
import { createMailTransport } from './features/mail/mail-transport.js';
import { createCustomerInputStore } from './features/risk/customer-input-store.js';
import type { CustomerInputStore } from './features/risk/customer-input-store-type.js';
import { createRiskAlertStore } from './features/risk/risk-alert-store.js';
import { createRiskPolicyStore } from './features/risk/risk-policy-store.js';
import type { RiskPolicyStore } from './features/risk/risk-policy-store-type.js';
import { createScoreRunStore } from './features/risk/score-run-store.js';
import type { ScoreRunStore } from './features/risk/score-run-store-type.js';
import { createLocalCopyReader } from './features/sync/local-copy-reader.js';
import type { LocalCopyReader } from './features/sync/local-copy-reader-type.js';
import { AlertsPageService } from './features/panel/alerts-page-service.js';
import { createLocalCopyWriter } from './features/sync/local-copy-writer.js';
import { ReminderExecutor, type ReminderExecutorOptions } from './features/reminders/reminder-executor.js';
import { ReminderService } from './features/reminders/reminder-service.js';
import { createReminderStore } from './features/reminders/reminder-store.js';
import { WritebackExecutor, type WritebackExecutorOptions } from './features/writeback/writeback-executor.js';
import { WritebackRemoval } from './features/writeback/writeback-removal.js';
import { WritebackService } from './features/writeback/writeback-service.js';
import { createWritebackStore } from './features/writeback/writeback-store.js';
import { CustomerListService } from './features/panel/customer-list-service.js';
import { CustomerPageService } from './features/panel/customer-page-service.js';
import { KnexSessionStore } from './http/session/knex-session-store.js';
import type { Logger } from './logger.js';
import { endpointsFor, type IntuitEndpoints } from './qbo/endpoints.js';
import { createIdTokenVerifier } from './qbo/id-token.js';
import { IntuitOAuth } from './qbo/intuit-oauth-client.js';
import { QboApiClient } from './qbo/qbo-api-client.js';
import { QboRateLimiter, type RateLimitPolicy } from './qbo/rate-limiter.js';

/** Everything the app is made of, built once in the composition root and handed to entry points. */
export interface Container {
  config: Config;
  logger: Logger;
  clock: Clock;
  db: Db;
  /** Query-only connections for reads that may run side by side: the score run's facts and the panel's pages. */
  readDb: Db;
  endpoints: IntuitEndpoints;
  /** Set when the app runs against the emulator (demo mode or EMULATOR_URL). */
  emulatorUrl: string | undefined;
  connections: ConnectionService;
  vault: TokenVault;
  users: UserStore;
  sessions: KnexSessionStore;
  limiter: QboRateLimiter;
  sync: SyncService;
  syncStore: SyncStore;
  locks: JobLockStore;
  webhooks: WebhookService;
  /** Risk labels into QuickBooks through the outbox (server/features/writeback/). */
  writeback: WritebackService;
  /** "Also remove the Duesense notes" on disconnect: the removal, then the disconnect, in the background. */
  writebackRemoval: WritebackRemoval;
  /** Reminders of overdue invoices through the reminder outbox (server/features/reminders/). */
  reminders: ReminderService;
  /** Each company's night: sync, score, write-back, digest (jobs/nightly.job.ts). */
  nightly: NightlyWorkflow;
  tokenKeepalive: TokenKeepaliveService;
  risk: RiskService;
  /** The risk feature's stores, one per table group (reads on readDb, writes on db). */
  scoreRuns: ScoreRunStore;
  riskPolicies: RiskPolicyStore;
  customerInputs: CustomerInputStore;
  /** The local copy of QBO data as risk and the panel read it (the sync feature owns the tables). */
  localCopy: LocalCopyReader;
  /** CompanyInfo and Preferences as the sync keeps them (the sync feature's qbo_company_settings). */
  companySettings: CompanySettingsStore;
  mail: MailOutbox;
  digests: DigestService;
  activity: ActivityLog;
  /** A company's own nightly time and digest choices. */
  preferences: CompanyPreferencesStore;
  /** Readiness: the database answers and its schema is current. */
  health: HealthCheck;
  /** The panel's read services (server/features/panel/): the customer list, a customer's page, the Alerts page. */
  customerList: CustomerListService;
  customerPage: CustomerPageService;
  alertsPage: AlertsPageService;
  /** node-quickbooks for one company, with a token from the vault (refresh and one retry on 401 included). */
  qbo<T>(realmId: string, call: (api: QboApiClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface HealthCheck {
  check(): Promise<{ database: boolean; migrations: boolean }>;
}

export interface ContainerOptions {
  logger: Logger;
  clock?: Clock;
  /** The emulator to talk to: the in-process demo emulator's URL, or config's EMULATOR_URL. */
  emulatorUrl?: string;
  db?: Db;
  /** Tests shorten backoff and loosen spacing; production uses QBO's documented limits. */
  rateLimit?: Partial<RateLimitPolicy>;
  sync?: Partial<SyncOptions>;
  /** Tests shorten the executor's backoff and stale-row timeout. */
  writeback?: Partial<WritebackExecutorOptions>;
  /** Tests shorten the time after which a send left unresolved is reconciled. */
  reminders?: Partial<ReminderExecutorOptions>;
}

export function createContainer(config: Config, options: ContainerOptions): Container {
  const clock = options.clock ?? systemClock;
  const logger = options.logger;
  // On a SQLite file of its own the app's writer leaves WAL checkpoints to a connection of their own.
  const sqliteFile =
    !options.db && config.db.client === 'sqlite' && config.db.filename !== ':memory:' ? config.db.filename : undefined;
  const db = options.db ?? createDb(config.db, { backgroundCheckpoints: sqliteFile !== undefined });
  const checkpoints =
    sqliteFile === undefined
      ? undefined
      : startWalCheckpoints(sqliteFile, {
          onError: (error) => logger.warn({ err: error }, 'WAL checkpoint failed; the next one retries'),
        });
  // A given db (tests) is used for everything; otherwise large reads get their own query-only pool.
  const readDb = options.db ? db : createReadDb(config.db, db);
  const emulatorUrl =
    config.intuit.environment === 'emulator' ? (options.emulatorUrl ?? config.emulator.url) : undefined;
  const endpoints = endpointsFor(config.intuit.environment, emulatorUrl);
  const intuit = {
    clientId: config.intuit.clientId,
    clientSecret: config.intuit.clientSecret,
    environment: config.intuit.environment,
    endpoints,
  };
  const oauth = new IntuitOAuth({ ...intuit, redirectUri: config.intuit.redirectUri });
  const cipher = createTokenCipher(resolveTokenKeys(config));
  const store = createConnectionStore(db);
  const vault = new TokenVault({ store, cipher, oauth, clock, logger });
  const limiter = new QboRateLimiter({ policy: options.rateLimit ?? {} });
  const qboClient = (realmId: string, accessToken: string) =>
    new QboApiClient(intuit, realmId, accessToken, (call, kind) => limiter.run(realmId, call, kind));
  const qbo = <T>(realmId: string, call: (api: QboApiClient) => Promise<T>) =>
    vault.withAccessToken(realmId, (token) => call(qboClient(realmId, token)));
  const syncStore = createSyncStore(db, readDb);
  const companySettings = createCompanySettingsStore(db, readDb);
  const activity = createActivityLog(db, clock);
  const locks = createJobLockStore(db);
  const sync = new SyncService({
    store: syncStore,
    connections: store,
    locks,
    qbo,
    callStats: (realmId) => limiter.stats(realmId),
    settings: companySettings,
    clock,
    logger,
    activity,
    options: { reconcileEveryMs: config.sync.reconcileEveryDays * 86_400_000, ...options.sync },
  });
  const connections = new ConnectionService({
    store,
    states: createOAuthStateStore(db),
    cipher,
    oauth,
    vault,
    qboClient,
    verifyIdToken: createIdTokenVerifier({ clientId: config.intuit.clientId, jwksUrl: endpoints.jwks, clock }),
    clock,
    environment: config.intuit.environment,
    logger,
  });
  const pools = { db, readDb };
  const scoreRuns = createScoreRunStore(pools);
  const riskPolicies = createRiskPolicyStore(pools);
  const customerInputs = createCustomerInputStore(pools);
  const riskAlerts = createRiskAlertStore(pools);
  const localCopy = createLocalCopyReader(readDb);
  const users = createUserStore(db);
  const preferences = createCompanyPreferencesStore(db);
  const mail = new MailOutbox({
    store: createOutboxStore(db),
    transport: createMailTransport(config.mail.smtpUrl),
    from: config.mail.from,
    clock,
    logger,
    activity,
  });
  const risk = new RiskService({
    companies: store,
    localCopy,
    scoreRuns,
    policies: riskPolicies,
    customerInputs,
    clock,
    logger,
    activity,
    defaultTimeZone: config.sync.defaultCompanyTimeZone,
    runsKeptWhole: config.risk.runsKeptWhole,
  });
  const writebackStore = createWritebackStore(db, readDb);
  const writeback = new WritebackService({
    store: writebackStore,
    executor: new WritebackExecutor({
      store: writebackStore,
      localCopy,
      localCopyWriter: createLocalCopyWriter(syncStore),
      excludedCustomers: (realmId) => customerInputs.excludedCustomerIds(realmId),
      qbo,
      clock,
      logger,
      activity,
      ...(options.writeback ? { options: options.writeback } : {}),
    }),
    scoreRuns,
    localCopy,
    customerInputs,
    companies: store,
    locks,
    clock,
    logger,
    activity,
  });
  const writebackRemoval = new WritebackRemoval({ writeback, connections, locks, clock, logger, activity });
  const reminderStore = createReminderStore(db, readDb);
  const reminders = new ReminderService({
    store: reminderStore,
    executor: new ReminderExecutor({
      store: reminderStore,
      localCopyWriter: createLocalCopyWriter(syncStore),
      customerInputs,
      qbo,
      clock,
      logger,
      activity,
      email: {
        smtpConfigured: config.mail.smtpUrl !== undefined && config.mail.smtpUrl !== '',
        mail,
        writeback,
        localCopy,
        companyInfo: (realmId) => companySettings.companyInfo(realmId),
        settings: reminderStore,
      },
      ...(options.reminders ? { options: options.reminders } : {}),
    }),
    companyInfo: (realmId) => companySettings.companyInfo(realmId),
    localCopy,
    scoreRuns,
    customerInputs,
    companies: store,
    clock,
    logger,
    activity,
    defaultTimeZone: config.sync.defaultCompanyTimeZone,
  });
  const digests = new DigestService({
    preferences,
    users,
    runs: scoreRuns,
    alerts: riskAlerts,
    connections: store,
    outbox: mail,
    reminders,
    clock,
    logger,
    appUrl: config.http.baseUrl,
  });
  const nightly = new NightlyWorkflow({
    sync,
    risk,
    writeback,
    reminders,
    digests,
    locks,
    companies: store,
    schedule: preferences,
    clock,
    logger,
    config: config.sync,
  });
  return {
    config,
    logger,
    clock,
    db,
    readDb,
    endpoints,
    emulatorUrl,
    connections,
    vault,
    scoreRuns,
    riskPolicies,
    customerInputs,
    localCopy,
    companySettings,
    mail,
    activity,
    preferences,
    health: {
      async check() {
        try {
          await db.raw('select 1');
        } catch (err) {
          logger.warn({ err }, 'readiness check failed');
          return { database: false, migrations: false };
        }
        return { database: true, migrations: await migrationsAreCurrent(db) };
      },
    },
    customerList: new CustomerListService(scoreRuns),
    customerPage: new CustomerPageService({
      scoreRuns,
      policies: riskPolicies,
      customerInputs,
      localCopy,
      activity,
      writebacks: writeback,
    }),
    alertsPage: new AlertsPageService({ alerts: riskAlerts, activity, clock }),
    digests,
    risk,
    writeback,
    writebackRemoval,
    reminders,
    nightly,
    tokenKeepalive: new TokenKeepaliveService({ vault, locks, clock, logger }),
    users,
    sessions: new KnexSessionStore(db, clock),
    limiter,
    sync,
    syncStore,
    locks,
    qbo,
    webhooks: new WebhookService({
      store: syncStore,
      events: createWebhookEventStore(db),
      connections: store,
      qbo,
      clock,
      logger,
      activity,
    }),
    async close() {
      await checkpoints?.stop();
      if (readDb !== db) await readDb.destroy();
      // The last connection to close checkpoints what is left and removes the WAL.
      await db.destroy();
    },
  };
}
