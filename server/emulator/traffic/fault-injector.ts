import type { RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { Clock } from '../../clock.js';
import { authFaultBody, faults, QboFault, WWW_AUTHENTICATE_INVALID_TOKEN } from '../qbo-fault.js';
import { formatQboResponseTime } from '../qbo-time.js';
import { throttleFaultXml } from './throttle.js';

/** Which requests a scripted fault applies to: the v3 API (default), the token endpoint, or both. */
const scope = z.enum(['api', 'token', 'all']).default('api');

export const faultSpecSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('status'), status: z.number().int().min(400).max(599), body: z.unknown().optional(), scope }),
  z.object({ kind: z.literal('fault'), code: z.enum(['610', '2010', '2050', '3200', '3001', '4001', '5010', '6240', '500', '10000']), detail: z.string().optional(), scope }),
  z.object({ kind: z.literal('drop'), scope }),
  z.object({ kind: z.literal('throttle'), scope }),
]);
export type FaultSpec = z.input<typeof faultSpecSchema>;
type ParsedSpec = z.output<typeof faultSpecSchema>;

export type Latency = number | { minMs: number; maxMs: number };

export interface FaultInjector {
  /** The next `count` matching requests fail as `spec` says, then requests are served normally. */
  failNext(spec: FaultSpec, count: number): void;
  /** Each matching request fails with probability `rate` (a 500 unless `spec` says otherwise). */
  setRandomFaultRate(rate: number, spec?: FaultSpec): void;
  setLatency(latency: Latency): void;
  clear(): void;
  middleware(): RequestHandler;
  status(): { queued: number; randomRate: number; latency: Latency };
}

const DEFAULT_RANDOM: FaultSpec = { kind: 'status', status: 500 };

function matches(s: ParsedSpec, path: string): boolean {
  const isApi = path.startsWith('/v3/');
  const isToken = path === '/oauth2/v1/tokens/bearer';
  return s.scope === 'all' ? isApi || isToken : s.scope === 'api' ? isApi : isToken;
}

/**
 * Scripted failures for tests and demos, rendered exactly as QBO renders them: JSON Faults, the lower-case
 * 401 body, the XML 429, plain 5xx, or a dropped connection. Randomness comes from the injected source.
 */
export function createFaultInjector(o: { clock: Clock; random?: () => number }): FaultInjector {
  const random = o.random ?? Math.random;
  const queue: Array<{ spec: ParsedSpec; remaining: number }> = [];
  let randomRate = 0;
  let randomSpec = faultSpecSchema.parse(DEFAULT_RANDOM);
  let latency: Latency = 0;

  const respond = (spec: ParsedSpec, res: Response): void => {
    const time = formatQboResponseTime(o.clock.now(), 'America/Los_Angeles');
    switch (spec.kind) {
      case 'drop':
        res.socket?.destroy();
        return;
      case 'throttle':
        res.status(429).type('application/xml').send(throttleFaultXml(time));
        return;
      case 'status':
        if (spec.body === undefined) res.status(spec.status).json(defaultStatusBody(spec.status, time));
        else res.status(spec.status).json(spec.body);
        return;
      case 'fault':
        if (spec.code === '3200') {
          res.status(401).set('WWW-Authenticate', WWW_AUTHENTICATE_INVALID_TOKEN).json(authFaultBody(spec.detail ?? 'Token revoked', o.clock.now().getTime()));
        } else if (spec.code === '3001') {
          res.status(429).type('application/xml').send(throttleFaultXml(time));
        } else if (spec.code === '500' || spec.code === '10000') {
          res.status(500).json(defaultStatusBody(500, time));
        } else {
          const fault = faultFor(spec.code, spec.detail);
          res.status(fault.status).json(fault.body(time));
        }
    }
  };

  return {
    failNext(spec, count) {
      queue.push({ spec: faultSpecSchema.parse(spec), remaining: count });
    },
    setRandomFaultRate(rate, spec) {
      randomRate = rate;
      randomSpec = faultSpecSchema.parse(spec ?? DEFAULT_RANDOM);
    },
    setLatency(value) {
      latency = value;
    },
    clear() {
      queue.length = 0;
      randomRate = 0;
      latency = 0;
    },
    status: () => ({ queued: queue.reduce((n, q) => n + q.remaining, 0), randomRate, latency }),
    middleware() {
      return (req, res, next) => {
        const delay = typeof latency === 'number' ? latency : latency.minMs + Math.floor(random() * Math.max(0, latency.maxMs - latency.minMs + 1));
        const proceed = () => {
          const scripted = queue.find((q) => matches(q.spec, req.path));
          if (scripted) {
            scripted.remaining--;
            if (scripted.remaining <= 0) queue.splice(queue.indexOf(scripted), 1);
            return respond(scripted.spec, res);
          }
          if (randomRate > 0 && matches(randomSpec, req.path) && random() < randomRate) return respond(randomSpec, res);
          next();
        };
        if (delay > 0 && (req.path.startsWith('/v3/') || req.path.startsWith('/oauth2/'))) setTimeout(proceed, delay);
        else proceed();
      };
    },
  };
}

function defaultStatusBody(status: number, time: string): Record<string, unknown> {
  if (status >= 500) {
    return { Fault: { Error: [{ Message: 'An application error has occurred while processing your request', Detail: 'System Failure Error: injected', code: '10000' }], type: 'SystemFault' }, time };
  }
  return { Fault: { Error: [{ Message: `HTTP ${status}`, Detail: 'Injected failure', code: String(status) }], type: 'ValidationFault' }, time };
}

function faultFor(code: string, detail: string | undefined): QboFault {
  const built: Record<string, () => QboFault> = {
    '610': () => faults.objectNotFound(),
    '2010': () => faults.requestNotParsable(detail ?? 'Request has invalid or unsupported property'),
    '2050': () => faults.stringTooLong('DisplayName', 500, 501),
    '4001': () => faults.invalidQuery(detail ?? 'QueryParserError: injected'),
    '5010': () => faults.staleObject('Invoice'),
    '6240': () => faults.duplicateName(),
  };
  return built[code]!();
}
