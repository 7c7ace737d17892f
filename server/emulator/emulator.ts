import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { systemClock, type Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { createAdminRouter } from './admin-routes.js';
import { createApiRouter } from './api/api-routes.js';
import { CompanyApi } from './api/company-api.js';
import { EmailOutbox } from './api/email-outbox.js';
import { IdempotencyCache } from './api/idempotency-cache.js';
import { companyFromFile } from './company/company-file.js';
import type { CompanyFile } from './company-file-format.js';
import { CompanyRegistry } from './company-registry.js';
import { createOAuthRouter } from './oauth/oauth-routes.js';
import { TokenAuthority, type OAuthClientRegistration } from './oauth/token-authority.js';
import { createFaultInjector, type FaultInjector } from './traffic/fault-injector.js';
import { createRequestLog, type LoggedRequest } from './traffic/request-log.js';
import { createThrottle, type Throttle } from './traffic/throttle.js';
import { createWebhookDispatcher, type WebhookDispatcher, type WebhookTarget } from './webhooks/webhook-dispatcher.js';

export interface EmulatorOptions {
  clock?: Clock;
  /** Companies to serve. The emulator adopts these objects (no copy): build them for it, do not reuse them. */
  companies?: CompanyFile[];
  clients?: OAuthClientRegistration[];
  /** QBO's per-realm limits (500/min, 10/s, 40 batches/min); on by default as in the real API. */
  throttle?: boolean;
  /** Intuit's sandbox allows 40 emails a day per realm; null (the default) sets no limit. */
  emailDailyLimit?: number | null;
  webhook?: WebhookTarget | null;
  /** Multiplies webhook retry delays (e.g. 0.001 in tests). */
  webhookTimeScale?: number;
  logger?: Logger;
  random?: () => number;
}

export interface Emulator {
  app: Express;
  clock: Clock;
  companies: CompanyRegistry;
  authority: TokenAuthority;
  outbox: EmailOutbox;
  throttle: Throttle;
  faults: FaultInjector;
  webhooks: WebhookDispatcher;
  /** The recent requests (at least the last 10,000), newest last: what tests and benchmarks count. */
  requests(): ReadonlyArray<LoggedRequest>;
  /** Serves another company; `adopt` hands over the file's objects instead of copying them. */
  addCompany(file: CompanyFile, options?: { adopt?: boolean }): void;
  /** Starts listening; resolves to the base URL (e.g. http://127.0.0.1:4010). */
  listen(port?: number, host?: string): Promise<string>;
  url(): string;
  close(): Promise<void>;
}

/** intuit_tid values look like "1-5f7349e0-0fd2bee86a8a83c67a77fbb2": a hex time and a random part. */
function intuitTid(clock: Clock): string {
  return `1-${Math.floor(clock.now().getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
}

/**
 * A QuickBooks Online stand-in: Intuit's OAuth server, the v3 Accounting API and webhooks, as one express
 * app. The app talks to it exactly as to Intuit, through intuit-oauth and node-quickbooks over HTTP.
 */
export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const companies = new CompanyRegistry();
  const authority = new TokenAuthority({ clock, clients: options.clients ?? [] });
  const outbox = new EmailOutbox(clock);
  const throttle = createThrottle({ clock, enabled: options.throttle ?? true });
  const faults = createFaultInjector({ clock, ...(options.random ? { random: options.random } : {}) });
  const webhooks = createWebhookDispatcher({
    clock,
    target: options.webhook ?? null,
    ...(options.webhookTimeScale !== undefined ? { timeScale: options.webhookTimeScale } : {}),
    logger,
  });
  const api = new CompanyApi({ clock, outbox, emailDailyLimit: options.emailDailyLimit ?? null });

  companies.onAdd((company) =>
    company.onChange((e) =>
      webhooks.publish({
        realmId: e.realmId,
        entity: e.entity,
        id: e.id,
        operation: e.operation,
        lastUpdated: e.lastUpdated,
      }),
    ),
  );

  const requestLog = createRequestLog({ clock });
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((_req, res, next) => {
    res.setHeader('intuit_tid', intuitTid(clock));
    next();
  });
  app.use(requestLog.middleware);
  app.use(
    '/emulator',
    createAdminRouter({
      companies,
      authority,
      outbox,
      throttle,
      faultInjector: faults,
      webhooks,
      requests: requestLog.entries,
    }),
  );
  app.use(faults.middleware());
  app.use(
    createOAuthRouter({
      authority,
      companies: () => companies.list().map((c) => ({ realmId: c.realmId, companyName: c.companyName })),
    }),
  );
  app.use(
    '/v3/company/:realmId',
    createApiRouter({
      clock,
      companies,
      api,
      authority,
      throttle,
      idempotency: new IdempotencyCache(),
      onUnexpectedError: (err) => logger.error({ err }, 'emulator: unexpected error'),
    }),
  );
  app.get('/', (_req, res) => {
    res.json({
      name: 'Duesense QuickBooks Online emulator',
      companies: companies.list().map((c) => ({ realmId: c.realmId, companyName: c.companyName })),
    });
  });

  let server: http.Server | undefined;
  let baseUrl: string | undefined;

  const emulator: Emulator = {
    app,
    clock,
    companies,
    authority,
    outbox,
    throttle,
    faults,
    webhooks,
    requests: requestLog.entries,
    addCompany: (file, addOptions) => companies.add(companyFromFile(file, clock, addOptions)),
    async listen(port = 0, host = '127.0.0.1') {
      server = http.createServer(app);
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(port, host, () => resolve());
      });
      const address = server.address() as AddressInfo;
      baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
      return baseUrl;
    },
    url() {
      if (!baseUrl) throw new Error('The emulator is not listening yet');
      return baseUrl;
    },
    async close() {
      await webhooks.stop();
      if (!server) return;
      const s = server;
      server = undefined;
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
    },
  };
  for (const file of options.companies ?? []) emulator.addCompany(file, { adopt: true });
  return emulator;
}
