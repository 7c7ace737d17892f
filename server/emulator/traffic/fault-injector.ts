import type { RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { Clock } from '../../clock.js';
import { formatQboResponseTime } from '../qbo-time.js';
import {
  faultForCode,
  INJECTABLE_FAULT_CODES,
  sendAuthFault,
  sendStatus,
  sendThrottled,
  type FaultContext,
} from './fault-responses.js';

/**
 * Which requests a fault applies to: the v3 API (`/v3/...`, the default), Intuit's token endpoint
 * (`POST /oauth2/v1/tokens/bearer`), or both. The emulator's own `/emulator` paths are never faulted.
 */
const scope = z.enum(['api', 'token', 'all']).default('api');

export const faultSpecSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('status'),
    status: z.number().int().min(400).max(599),
    body: z.unknown().optional(),
    scope,
  }),
  z.object({ kind: z.literal('fault'), code: z.enum(INJECTABLE_FAULT_CODES), detail: z.string().optional(), scope }),
  /** Destroys the socket without an answer: the client sees a connection reset. */
  z.object({ kind: z.literal('drop'), scope }),
  /** A 429 with QBO's XML throttle body. */
  z.object({ kind: z.literal('throttle'), scope }),
]);
/** What callers pass (scope optional); the injector stores the parsed form. */
export type FaultSpec = z.input<typeof faultSpecSchema>;
type ParsedSpec = z.output<typeof faultSpecSchema>;

export type Latency = number | { minMs: number; maxMs: number };

export interface FaultInjectorStatus {
  queued: number;
  randomRate: number;
  randomSpec: FaultSpec;
  latency: Latency;
}

export interface FaultInjector {
  /** The next `count` requests in the spec's scope fail as it says; then requests are served normally. */
  failNext(spec: FaultSpec, count: number): void;
  /** Each request in scope fails with probability `rate` (a 500 unless `spec` says otherwise). */
  setRandomFaultRate(rate: number, spec?: FaultSpec): void;
  /** Delay before API and token requests; a range picks uniformly with the injected random source. */
  setLatency(latency: Latency): void;
  /** Forgets queued faults, the random rate and latency. */
  clear(): void;
  /** Mount before the OAuth and API routers. */
  middleware(): RequestHandler;
  status(): FaultInjectorStatus;
}

const DEFAULT_RANDOM_SPEC: FaultSpec = { kind: 'status', status: 500 };
const TOKEN_PATH = '/oauth2/v1/tokens/bearer';
/** The middleware cannot see the company, so `time` uses QBO's default company zone. */
const FAULT_TIME_ZONE = 'America/Los_Angeles';

type Target = 'api' | 'token' | null;

function targetOf(path: string): Target {
  if (path.startsWith('/v3/')) return 'api';
  if (path === TOKEN_PATH) return 'token';
  return null;
}

function inScope(spec: ParsedSpec, target: Target): boolean {
  return target !== null && (spec.scope === 'all' || spec.scope === target);
}

/**
 * Scripted failures for tests and demos, rendered as QBO renders them: JSON Faults, the lower-case 401 body,
 * the XML 429, a SystemFault 5xx, or a dropped connection. Randomness comes from the injected source so a
 * seeded run repeats; latency uses real timers on purpose (it is about wall-clock slowness).
 */
export function createFaultInjector(o: { clock: Clock; random?: () => number }): FaultInjector {
  const random = o.random ?? Math.random;
  const queue: Array<{ spec: ParsedSpec; remaining: number }> = [];
  let randomRate = 0;
  let randomSpec: ParsedSpec = faultSpecSchema.parse(DEFAULT_RANDOM_SPEC);
  let latency: Latency = 0;

  const respond = (spec: ParsedSpec, res: Response, target: Target): void => {
    const now = o.clock.now();
    const ctx: FaultContext = {
      time: formatQboResponseTime(now, FAULT_TIME_ZONE),
      nowMs: now.getTime(),
      tokenEndpoint: target === 'token',
    };
    switch (spec.kind) {
      case 'drop':
        res.socket?.destroy();
        return;
      case 'throttle':
        return sendThrottled(res, ctx);
      case 'status':
        if (spec.body === undefined) return sendStatus(res, spec.status, ctx);
        return void res.status(spec.status).json(spec.body);
      case 'fault': {
        if (spec.code === '3200') return sendAuthFault(res, ctx, spec.detail);
        if (spec.code === '3001' || spec.code === '429') return sendThrottled(res, ctx);
        const fault = faultForCode(spec.code, spec.detail);
        return void res.status(fault.status).json(fault.body(ctx.time));
      }
    }
  };

  const pickDelay = (): number => {
    if (typeof latency === 'number') return latency;
    const span = Math.max(0, latency.maxMs - latency.minMs);
    return latency.minMs + Math.floor(random() * (span + 1));
  };

  return {
    failNext(spec, count) {
      if (!Number.isInteger(count) || count < 1)
        throw new RangeError(`failNext: count must be a positive integer, got ${count}`);
      queue.push({ spec: faultSpecSchema.parse(spec), remaining: count });
    },
    setRandomFaultRate(rate, spec) {
      if (!(rate >= 0 && rate <= 1))
        throw new RangeError(`setRandomFaultRate: rate must be within [0, 1], got ${rate}`);
      randomRate = rate;
      randomSpec = faultSpecSchema.parse(spec ?? DEFAULT_RANDOM_SPEC);
    },
    setLatency(value) {
      const bad = typeof value === 'number' ? value < 0 : value.minMs < 0 || value.maxMs < value.minMs;
      if (bad) throw new RangeError(`setLatency: invalid latency ${JSON.stringify(value)}`);
      latency = value;
    },
    clear() {
      queue.length = 0;
      randomRate = 0;
      randomSpec = faultSpecSchema.parse(DEFAULT_RANDOM_SPEC);
      latency = 0;
    },
    status: () => ({ queued: queue.reduce((n, q) => n + q.remaining, 0), randomRate, randomSpec, latency }),
    middleware() {
      return (req, res, next) => {
        const target = targetOf(req.path);
        if (target === null) return next();
        const decide = () => {
          const scripted = queue.find((q) => inScope(q.spec, target));
          if (scripted) {
            if (--scripted.remaining <= 0) queue.splice(queue.indexOf(scripted), 1);
            return respond(scripted.spec, res, target);
          }
          // Draw only when a random fault could apply, so enabling latency or faults elsewhere keeps the sequence.
          if (randomRate > 0 && inScope(randomSpec, target) && random() < randomRate)
            return respond(randomSpec, res, target);
          next();
        };
        const delay = pickDelay();
        if (delay > 0) setTimeout(decide, delay);
        else decide();
      };
    },
  };
}
