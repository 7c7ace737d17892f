import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import { cloudEventsPayload, legacyPayload, type EntityChange } from './webhook-payloads.js';
import { nextRetryDelayMs, WEBHOOK_DELIVERY_TIMEOUT_MS } from './webhook-retry.js';
import { signWebhookBody } from '../../qbo/webhook-signature.js';

export { WEBHOOK_RETRY_DELAYS_MS, WEBHOOK_RETRY_REPEAT_MS, WEBHOOK_GIVE_UP_AFTER_MS } from './webhook-retry.js';
export type { EntityChange, WebhookOperation } from './webhook-payloads.js';

export interface WebhookTarget {
  url: string;
  verifierToken: string;
  format: 'legacy' | 'cloudevents';
}

export interface DeliveryRecord {
  /** Emulator clock time of the attempt. */
  at: Date;
  url: string;
  realmId: string;
  events: number;
  /** 1 for the first try of a batch, 2 for its first retry, ... */
  attempt: number;
  /** HTTP status, or why no status came back. */
  status: number | 'error' | 'timeout';
  ok: boolean;
  /** Set on the last failed attempt of a batch the dispatcher abandoned. */
  gaveUp?: true;
  /** The exact bytes POSTed (what the signature covers). */
  body: string;
}

export interface WebhookDispatcher {
  publish(e: EntityChange): void;
  setTarget(target: WebhookTarget | null): void;
  /** Attempts everything pending now (skipping batch windows and retry waits), awaiting the HTTP calls. */
  flush(): Promise<void>;
  deliveries(): DeliveryRecord[];
  /** Events not yet acknowledged (queued or in an unacknowledged batch). */
  pending(): number;
  /** Cancels timers and in-flight requests; nothing is delivered afterwards. */
  stop(): Promise<void>;
}

interface RealmState {
  /** Events waiting for the next batch, in order. */
  queue: EntityChange[];
  /** The batch being delivered or awaiting a retry; later events wait behind it. */
  batch: { events: EntityChange[]; attempts: number } | null;
  timer: NodeJS.Timeout | null;
  sending: Promise<boolean> | null;
}

const HISTORY_LIMIT = 1_000;

/**
 * Posts change notifications the way Intuit does (qbo-api.md §6): batched per realm over a short window,
 * signed over the raw body, retried on Intuit's schedule (scaled by `timeScale`), later events for a realm
 * held until the batch before them is acknowledged. Without a target, changes are dropped, as Intuit only
 * notifies subscribed apps. Real timers (unref'd) drive the schedule; the clock only stamps records.
 */
export function createWebhookDispatcher(o: {
  clock: Clock;
  target: WebhookTarget | null;
  timeScale?: number;
  logger: Logger;
  batchWindowMs?: number;
}): WebhookDispatcher {
  const scale = o.timeScale ?? 1;
  const batchWindowMs = o.batchWindowMs ?? 1_000;
  let target = o.target;
  let stopped = false;
  const aborter = new AbortController();
  const realms = new Map<string, RealmState>();
  const history: DeliveryRecord[] = [];

  const stateOf = (realmId: string): RealmState => {
    let s = realms.get(realmId);
    if (!s) realms.set(realmId, (s = { queue: [], batch: null, timer: null, sending: null }));
    return s;
  };

  const schedule = (realmId: string, s: RealmState, ms: number) => {
    if (s.timer || stopped) return;
    s.timer = setTimeout(
      () => {
        s.timer = null;
        void attempt(realmId);
      },
      Math.max(0, ms * scale),
    );
    s.timer.unref();
  };

  const record = (r: DeliveryRecord) => {
    history.push(r);
    if (history.length > HISTORY_LIMIT) history.splice(0, history.length - HISTORY_LIMIT);
  };

  async function post(
    realmId: string,
    events: EntityChange[],
    attemptNo: number,
  ): Promise<{ ok: boolean; rec?: DeliveryRecord }> {
    const to = target;
    if (!to) return { ok: true }; // target removed: nobody to notify, the batch is dropped
    const body = JSON.stringify(
      to.format === 'legacy' ? legacyPayload(events) : cloudEventsPayload(events, randomUUID),
    );
    const rec: DeliveryRecord = {
      at: o.clock.now(),
      url: to.url,
      realmId,
      events: events.length,
      attempt: attemptNo,
      status: 'error',
      ok: false,
      body,
    };
    record(rec);
    try {
      const res = await fetch(to.url, {
        method: 'POST',
        headers: {
          'content-type': to.format === 'legacy' ? 'application/json' : 'application/cloudevents+json',
          'intuit-signature': signWebhookBody(body, to.verifierToken),
        },
        body,
        signal: AbortSignal.any([AbortSignal.timeout(WEBHOOK_DELIVERY_TIMEOUT_MS), aborter.signal]),
      });
      await res.arrayBuffer().catch(() => undefined);
      rec.status = res.status;
      rec.ok = res.ok;
    } catch (err) {
      rec.status = (err as Error).name === 'TimeoutError' ? 'timeout' : 'error';
      o.logger.debug({ err, url: to.url, realmId }, 'emulator: webhook delivery failed');
    }
    return { ok: rec.ok, rec };
  }

  /** One delivery attempt for the realm's current batch (taking queued events when there is none). */
  function attempt(realmId: string): Promise<boolean> {
    const s = stateOf(realmId);
    if (s.sending) return s.sending;
    if (s.timer) clearTimeout(s.timer);
    s.timer = null;
    if (stopped) return Promise.resolve(false);
    if (!s.batch) {
      if (s.queue.length === 0) return Promise.resolve(true);
      s.batch = { events: s.queue, attempts: 0 };
      s.queue = [];
    }
    const batch = s.batch;
    batch.attempts++;
    s.sending = post(realmId, batch.events, batch.attempts).then(({ ok, rec }) => {
      s.sending = null;
      if (stopped) return ok;
      if (ok) {
        s.batch = null;
      } else {
        const delay = nextRetryDelayMs(batch.attempts);
        if (delay !== null) {
          schedule(realmId, s, delay);
          return false;
        }
        if (rec) rec.gaveUp = true;
        o.logger.warn(
          { realmId, events: batch.events.length },
          'emulator: webhook batch abandoned after three days of retries',
        );
        s.batch = null;
      }
      // Events held behind the finished batch go next, after a batch window of their own.
      if (s.queue.length > 0) schedule(realmId, s, batchWindowMs);
      else realms.delete(realmId);
      return ok;
    });
    return s.sending;
  }

  return {
    publish(e) {
      if (!target || stopped) return;
      const s = stateOf(e.realmId);
      s.queue.push(e);
      if (!s.batch && !s.sending) schedule(e.realmId, s, batchWindowMs);
    },
    setTarget(value) {
      target = value;
    },
    async flush() {
      // Each realm is attempted until it is empty or an attempt fails (its retry stays scheduled).
      await Promise.all(
        [...realms.keys()].map(async (realmId) => {
          for (let guard = 0; guard < 1_000 && !stopped; guard++) {
            const s = realms.get(realmId);
            if (!s || (!s.batch && s.queue.length === 0 && !s.sending)) return;
            const wasSending = s.sending !== null;
            const ok = await attempt(realmId);
            if (!ok && !wasSending) return;
          }
        }),
      );
    },
    deliveries: () => [...history],
    pending: () => [...realms.values()].reduce((n, s) => n + s.queue.length + (s.batch?.events.length ?? 0), 0),
    async stop() {
      stopped = true;
      for (const s of realms.values()) if (s.timer) clearTimeout(s.timer);
      aborter.abort();
      await Promise.all([...realms.values()].map((s) => s.sending));
      realms.clear();
    },
  };
}
