import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Clock } from '../../clock.js';
import type { EmulatedCompany } from '../company/emulated-company.js';
import type { CompanyRegistry } from '../company-registry.js';
import type { TokenAuthority } from '../oauth/token-authority.js';
import { authFaultBody, faults, QboFault, WWW_AUTHENTICATE_INVALID_TOKEN } from '../qbo-fault.js';
import { formatQboResponseTime } from '../qbo-time.js';
import { throttleFaultXml, type Throttle } from '../traffic/throttle.js';
import type { CompanyApi } from './company-api.js';
import type { IdempotencyCache } from './idempotency-cache.js';

export interface ApiRouteDeps {
  clock: Clock;
  companies: CompanyRegistry;
  api: CompanyApi;
  authority: TokenAuthority;
  throttle: Throttle;
  idempotency: IdempotencyCache;
  onUnexpectedError: (err: unknown) => void;
}

type Handler = (company: EmulatedCompany, req: Request) => Record<string, unknown>;

const AUTH_DETAILS: Record<string, string> = {
  missing: 'Authorization header is missing',
  malformed: 'Malformed bearer token: too short or too long',
  expired: 'Token expired',
  revoked: 'Token revoked',
  unknown: 'Token invalid',
};

/** The v3 Accounting API at `/v3/company/:realmId/...`, with QBO's auth, throttling and fault behaviour. */
export function createApiRouter(deps: ApiRouteDeps): Router {
  const router = express.Router({ mergeParams: true });
  const json = express.json({ limit: '10mb', type: ['application/json', 'application/*+json'] });
  const text = express.text({ limit: '1mb', type: ['application/text', 'text/plain'] });

  router.use(authenticate(deps));
  router.use((req, res, next) => {
    const kind = /\/batch\/?$/.test(req.path) ? 'batch' : 'api';
    if (deps.throttle.admit(req.params.realmId as string, kind).ok) return next();
    res
      .status(429)
      .type('application/xml')
      .send(throttleFaultXml(responseTime(deps, req)));
  });

  const reply =
    (handler: Handler, { idempotent = false } = {}) =>
    (req: Request, res: Response) => {
      const company = deps.companies.get(req.params.realmId as string)!;
      const requestId =
        idempotent && typeof req.query.requestid === 'string' && req.query.requestid !== ''
          ? req.query.requestid
          : undefined;
      const cached = requestId ? deps.idempotency.get(company.realmId, requestId) : undefined;
      if (cached) return void res.status(cached.status).json(cached.body);
      let status = 200;
      let body: Record<string, unknown>;
      try {
        body = { ...handler(company, req), time: responseTime(deps, req) };
      } catch (err) {
        if (!(err instanceof QboFault)) throw err;
        status = err.status;
        body = err.body(responseTime(deps, req));
      }
      if (requestId) deps.idempotency.set(company.realmId, requestId, { status, body });
      res.status(status).json(body);
    };

  router.get(
    '/query',
    reply((c, req) => deps.api.query(c, requiredQuery(req))),
  );
  router.post(
    '/query',
    text,
    reply((c, req) => deps.api.query(c, typeof req.body === 'string' && req.body ? req.body : requiredQuery(req))),
  );
  router.get(
    '/cdc',
    reply((c, req) => deps.api.cdc(c, str(req.query.entities), str(req.query.changedSince))),
  );
  router.post(
    '/batch',
    json,
    reply((c, req) => deps.api.batch(c, req.body)),
  );
  router.get(
    '/companyinfo/:id',
    reply((c, req) => {
      // The URL names the realm; the CompanyInfo object itself has Id "1".
      if (req.params.id !== c.realmId && req.params.id !== '1') throw faults.objectNotFound();
      return { CompanyInfo: c.read('CompanyInfo', '1') };
    }),
  );
  router.get(
    '/preferences',
    reply((c) => ({ Preferences: c.read('Preferences', '1') })),
  );
  router.post(
    '/invoice/:id/send',
    reply((c, req) => deps.api.sendInvoice(c, req.params.id as string, str(req.query.sendTo)), { idempotent: true }),
  );
  // A PDF answer; a fault is QBO's JSON fault body like every other route (whether real QBO answers a PDF request's
  // fault in JSON or XML is unconfirmed: docs/reminders.md).
  router.get('/invoice/:id/pdf', (req: Request, res: Response) => {
    const company = deps.companies.get(req.params.realmId as string)!;
    try {
      const pdf = deps.api.invoicePdf(company, req.params.id as string);
      res.status(200).type('application/pdf').send(pdf);
    } catch (err) {
      if (!(err instanceof QboFault)) throw err;
      res.status(err.status).json(err.body(responseTime(deps, req)));
    }
  });
  router.get(
    '/:entity/:id',
    reply((c, req) => deps.api.read(c, req.params.entity as string, req.params.id as string)),
  );
  router.post(
    '/:entity',
    json,
    reply((c, req) => deps.api.write(c, req.params.entity as string, str(req.query.operation), req.body), {
      idempotent: true,
    }),
  );
  router.use((req, res) => {
    const fault = faults.unsupportedOperation(`/v3/company/${String(req.params.realmId)}${req.path}`);
    res.status(fault.status).json(fault.body(responseTime(deps, req)));
  });

  router.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (isBodyParseError(err)) {
      const fault = faults.requestNotParsable(`Request has an unparsable body: ${(err as Error).message}`);
      return void res.status(fault.status).json(fault.body(responseTime(deps, req)));
    }
    deps.onUnexpectedError(err);
    res.status(500).json({
      Fault: {
        Error: [
          {
            Message: 'An application error has occurred while processing your request',
            Detail: 'System Failure Error: emulator error',
            code: '10000',
          },
        ],
        type: 'SystemFault',
      },
      time: responseTime(deps, req),
    });
  });
  return router;
}

/** Missing, expired, revoked or foreign tokens get QBO's lower-case 401 body (or 403 for another realm). */
function authenticate(deps: ApiRouteDeps): express.RequestHandler {
  return (req, res, next) => {
    const realmId = req.params.realmId as string;
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
    const verdict = deps.authority.verifyAccessToken(header === undefined ? undefined : (token ?? ''), realmId);
    if (verdict.ok && deps.companies.get(realmId)) return next();
    if (!verdict.ok && verdict.reason !== 'wrong_realm') {
      res
        .status(401)
        .set('WWW-Authenticate', WWW_AUTHENTICATE_INVALID_TOKEN)
        .json(authFaultBody(AUTH_DETAILS[verdict.reason] ?? 'Token invalid', deps.clock.now().getTime()));
      return;
    }
    const fault = faults.authorizationFailed();
    res.status(fault.status).json(fault.body(responseTime(deps, req)));
  };
}

function responseTime(deps: ApiRouteDeps, req: Request): string {
  const company = deps.companies.get(req.params.realmId as string);
  return formatQboResponseTime(deps.clock.now(), company?.timeZone ?? 'America/Los_Angeles');
}

function requiredQuery(req: Request): string {
  const q = req.query.query;
  if (typeof q !== 'string' || q.trim() === '')
    throw faults.invalidQuery('QueryParserError: Encountered "<EOF>" at line 1, column 0.');
  return q;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function isBodyParseError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { type?: string }).type === 'entity.parse.failed';
}
