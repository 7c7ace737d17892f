import express, { type Router } from 'express';
import { z } from 'zod';
import type { EmailOutbox } from './api/email-outbox.js';
import type { CompanyRegistry } from './company-registry.js';
import type { TokenAuthority } from './oauth/token-authority.js';
import type { LoggedRequest } from './traffic/request-log.js';
import type { Throttle } from './traffic/throttle.js';
import { faultSpecSchema, type FaultInjector } from './traffic/fault-injector.js';
import type { WebhookDispatcher } from './webhooks/webhook-dispatcher.js';

export interface AdminRouteDeps {
  companies: CompanyRegistry;
  authority: TokenAuthority;
  outbox: EmailOutbox;
  throttle: Throttle;
  faultInjector: FaultInjector;
  webhooks: WebhookDispatcher;
  requests: () => ReadonlyArray<LoggedRequest>;
}

const tokenRequest = z.object({ realmId: z.string().min(1), clientId: z.string().min(1).optional() });
const faultRequest = z.object({ spec: faultSpecSchema, count: z.number().int().min(1).max(10_000).default(1) });
const rateRequest = z.object({ rate: z.number().min(0).max(1), spec: faultSpecSchema.optional() });
const latencyRequest = z.union([
  z.object({ ms: z.number().int().min(0).max(120_000) }),
  z.object({ minMs: z.number().int().min(0), maxMs: z.number().int().min(0).max(120_000) }),
]);
const throttleRequest = z.object({ enabled: z.boolean() });
const requestsQuery = z.object({ after: z.coerce.number().int().min(0).default(0) });

/**
 * The emulator's own control surface, under /emulator: what Intuit's developer portal and OAuth
 * Playground give a developer (companies, tokens), plus what tests need (outbox, faults, throttling).
 */
export function createAdminRouter(deps: AdminRouteDeps): Router {
  const router = express.Router();
  router.use(express.json());

  router.get('/companies', (_req, res) => {
    res.json({
      companies: deps.companies.list().map((c) => ({
        realmId: c.realmId,
        companyName: c.companyName,
        timeZone: c.timeZone,
        counts: Object.fromEntries(
          ['Customer', 'Invoice', 'Payment', 'CreditMemo', 'Item', 'Term'].map((e) => [e, c.table(e as never).size]),
        ),
      })),
    });
  });

  router.post('/tokens', (req, res) => {
    const parsed = tokenRequest.safeParse(req.body);
    if (!parsed.success)
      return void res.status(400).json({ error: 'invalid_request', message: z.prettifyError(parsed.error) });
    if (!deps.companies.get(parsed.data.realmId)) {
      return void res.status(404).json({
        error: 'unknown_realm',
        message: `The emulator serves no company with realm id ${parsed.data.realmId}`,
      });
    }
    res.json(deps.authority.issueTokensForRealm(parsed.data.realmId, parsed.data.clientId));
  });

  router.post('/realms/:realmId/revoke', (req, res) => {
    deps.authority.revokeRealm(req.params.realmId);
    res.status(204).end();
  });

  router.get('/outbox', (req, res) => {
    const realmId = typeof req.query.realmId === 'string' ? req.query.realmId : undefined;
    res.json({ emails: deps.outbox.list(realmId ? { realmId } : {}) });
  });
  router.delete('/outbox', (_req, res) => {
    deps.outbox.clear();
    res.status(204).end();
  });

  router.post(
    '/faults',
    validated(faultRequest, (body, res) => {
      deps.faultInjector.failNext(body.spec, body.count);
      res.status(204).end();
    }),
  );
  router.post(
    '/faults/random',
    validated(rateRequest, (body, res) => {
      deps.faultInjector.setRandomFaultRate(body.rate, body.spec);
      res.status(204).end();
    }),
  );
  router.post(
    '/latency',
    validated(latencyRequest, (body, res) => {
      deps.faultInjector.setLatency('ms' in body ? body.ms : body);
      res.status(204).end();
    }),
  );
  router.delete('/faults', (_req, res) => {
    deps.faultInjector.clear();
    res.status(204).end();
  });
  router.post(
    '/throttle',
    validated(throttleRequest, (body, res) => {
      deps.throttle.setEnabled(body.enabled);
      res.status(204).end();
    }),
  );
  // The request log (method, path, time, status), from the request after `after` on: what benchmarks count.
  router.get('/requests', (req, res) => {
    const parsed = requestsQuery.safeParse(req.query);
    if (!parsed.success)
      return void res.status(400).json({ error: 'invalid_request', message: z.prettifyError(parsed.error) });
    res.json({ requests: deps.requests().filter((r) => r.seq > parsed.data.after) });
  });
  router.post('/webhooks/flush', async (_req, res) => {
    await deps.webhooks.flush();
    res.json({ deliveries: deps.webhooks.deliveries().length, pending: deps.webhooks.pending() });
  });
  return router;
}

function validated<T extends z.ZodType>(
  schema: T,
  handle: (body: z.infer<T>, res: express.Response) => void,
): express.RequestHandler {
  return (req, res) => {
    const parsed = schema.safeParse(req.body);
    if (!parsed.success)
      return void res.status(400).json({ error: 'invalid_request', message: z.prettifyError(parsed.error) });
    handle(parsed.data, res);
  };
}
