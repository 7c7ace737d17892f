import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import { cloudEventsPayload, type EntityChange, legacyPayload } from './webhook-payloads.js';
import { signWebhookBody } from './webhook-signature.js';

export interface WebhookTarget {
  url: string;
  verifierToken: string;
  format: 'legacy' | 'cloudevents';
}

export interface DeliveryRecord {
  at: Date;
  realmIds: string[];
  events: number;
  attempt: number;
  status: number | 'error' | 'timeout';
  body: string;
}

export interface WebhookDispatcher {
  publish(e: EntityChange): void;
  setTarget(target: WebhookTarget | null): void;
  /** Delivers everything pending now, awaiting the HTTP calls. */
  flush(): Promise<void>;
  deliveries(): DeliveryRecord[];
  pending(): number;
  stop(): Promise<void>;
}

/** Intuit's retry schedule after a failed delivery; after the list, every 6 hours (qbo-api.md §6). */
export const RETRY_DELAYS_MS = [10_000, 20_000, 30_000, 300_000, 1_200_000, 7_200_000, 14_400_000, 21_600_000];
const EVERY_SIX_HOURS_MS = 21_600_000;
const GIVE_UP_AFTER_MS = 3 * 24 * 3_600_000;
/** Intuit expects a 200 within 3 seconds. */
const DELIVERY_TIMEOUT_MS = 3_000;

/**
 * Posts change notifications the way Intuit does: batched per realm over a short window, signed over the
 * raw body, retried on Intuit's schedule (scaled by `timeScale` in tests), later events for a realm held
 * until the earlier batch is acknowledged.
 */
export function createWebhookDispatcher(o: { clock: Clock; target: WebhookTarget | null; timeScale?: number; logger: Logger; batchWindowMs?: number }): WebhookDispatcher {
  const scale = o.timeScale ?? 1;
  const batchWindowMs = o.batchWindowMs ?? 1_000;
  let target = o.target;
  let stopped = false;
  const queues = new Map<string, EntityChange[]>();
  const inFlight = new Map<string, Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();
  const history: DeliveryRecord[] = [];

  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, Math.max(0, ms * scale));
    t.unref();
    timers.add(t);
  };

  async function post(batch: EntityChange[], attempt: number): Promise<boolean> {
    if (!target) return true;
    const payload = target.format === 'legacy' ? legacyPayload(batch) : cloudEventsPayload(batch, randomUUID);
    const body = JSON.stringify(payload);
    const record: DeliveryRecord = { at: o.clock.now(), realmIds: [...new Set(batch.map((e) => e.realmId))], events: batch.length, attempt, status: 'error', body };
    history.push(record);
    try {
      const res = await fetch(target.url, {
        method: 'POST',
        headers: {
          'content-type': target.format === 'legacy' ? 'application/json' : 'application/cloudevents+json',
          'intuit-signature': signWebhookBody(body, target.verifierToken),
        },
        body,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      await res.arrayBuffer();
      record.status = res.status;
      return res.ok;
    } catch (err) {
      record.status = (err as Error).name === 'TimeoutError' ? 'timeout' : 'error';
      o.logger.debug({ err, url: target.url }, 'webhook delivery failed');
      return false;
    }
  }

  /** Sends the realm's queued events as one batch, retrying until acknowledged or given up. */
  function drain(realmId: string): Promise<void> {
    const running = inFlight.get(realmId);
    if (running) return running;
    const batch = queues.get(realmId) ?? [];
    if (batch.length === 0 || stopped) return Promise.resolve();
    queues.set(realmId, []);
    const firstAttemptAt = Date.now();
    const run = (async () => {
      for (let attempt = 1; !stopped; attempt++) {
        if (await post(batch, attempt)) break;
        const delay = RETRY_DELAYS_MS[attempt - 1] ?? EVERY_SIX_HOURS_MS;
        if ((Date.now() - firstAttemptAt) / scale + delay > GIVE_UP_AFTER_MS) {
          o.logger.warn({ realmId, events: batch.length }, 'webhook delivery abandoned after three days of retries');
          break;
        }
        await new Promise<void>((resolve) => later(delay, resolve));
      }
    })().finally(() => {
      inFlight.delete(realmId);
      // Events that arrived while this batch was held go next, in order.
      if ((queues.get(realmId)?.length ?? 0) > 0) later(batchWindowMs, () => void drain(realmId));
    });
    inFlight.set(realmId, run);
    return run;
  }

  return {
    publish(e) {
      if (!target || stopped) return;
      const queue = queues.get(e.realmId) ?? [];
      queues.set(e.realmId, [...queue, e]);
      if (queue.length === 0 && !inFlight.has(e.realmId)) later(batchWindowMs, () => void drain(e.realmId));
    },
    setTarget(value) {
      target = value;
    },
    async flush() {
      for (;;) {
        const realms = [...new Set([...queues.keys(), ...inFlight.keys()])].filter((r) => (queues.get(r)?.length ?? 0) > 0 || inFlight.has(r));
        if (realms.length === 0) return;
        await Promise.all(realms.map(async (r) => {
          await inFlight.get(r);
          await drain(r);
        }));
      }
    },
    deliveries: () => history,
    pending: () => [...queues.values()].reduce((n, q) => n + q.length, 0),
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      queues.clear();
    },
  };
}
