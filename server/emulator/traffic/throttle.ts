import type { Clock } from '../../clock.js';

/** QBO's documented per-realm limits (qbo-api.md §5). */
export interface ThrottleLimits {
  perSecond: number;
  perMinute: number;
  batchPerMinute: number;
}

export const QBO_LIMITS: ThrottleLimits = { perSecond: 10, perMinute: 500, batchPerMinute: 40 };

export interface Throttle {
  admit(realmId: string, kind: 'api' | 'batch'): { ok: true } | { ok: false; retryAfterSec: number };
  setEnabled(enabled: boolean): void;
  reset(): void;
}

/** Timestamps (ms) of admitted requests in the last minute, oldest first. */
class Window {
  private readonly times: number[] = [];
  prune(now: number): void {
    let drop = 0;
    while (drop < this.times.length && this.times[drop]! <= now - 60_000) drop++;
    if (drop > 0) this.times.splice(0, drop);
  }
  countSince(since: number): number {
    let n = 0;
    for (let i = this.times.length - 1; i >= 0 && this.times[i]! > since; i--) n++;
    return n;
  }
  /** When the oldest request inside the last `spanMs` leaves it. */
  freesAt(spanMs: number, limit: number, now: number): number {
    const inside = this.times.filter((t) => t > now - spanMs);
    return (inside[inside.length - limit] ?? now) + spanMs;
  }
  add(t: number): void {
    this.times.push(t);
  }
  get size(): number {
    return this.times.length;
  }
}

/**
 * Sliding one-second and one-minute windows per realm, on the injected clock. A rejected request uses no
 * quota (as with QBO: the 429 is the answer, not a request served). Idle realms are forgotten.
 */
export function createThrottle(o: { clock: Clock; enabled: boolean; limits?: Partial<ThrottleLimits> }): Throttle {
  const limits = { ...QBO_LIMITS, ...o.limits };
  let enabled = o.enabled;
  const requests = new Map<string, Window>();
  const batches = new Map<string, Window>();
  const windowFor = (map: Map<string, Window>, realmId: string, now: number) => {
    let w = map.get(realmId);
    if (!w) map.set(realmId, (w = new Window()));
    w.prune(now);
    return w;
  };

  return {
    admit(realmId, kind) {
      if (!enabled) return { ok: true };
      const now = o.clock.now().getTime();
      const all = windowFor(requests, realmId, now);
      const batch = windowFor(batches, realmId, now);
      const waits: number[] = [];
      if (all.countSince(now - 1000) >= limits.perSecond) waits.push(all.freesAt(1000, limits.perSecond, now) - now);
      if (all.size >= limits.perMinute) waits.push(all.freesAt(60_000, limits.perMinute, now) - now);
      if (kind === 'batch' && batch.size >= limits.batchPerMinute) waits.push(batch.freesAt(60_000, limits.batchPerMinute, now) - now);
      if (waits.length > 0) return { ok: false, retryAfterSec: Math.max(1, Math.ceil(Math.max(...waits) / 1000)) };
      all.add(now);
      if (kind === 'batch') batch.add(now);
      if (requests.size > 10_000) forgetIdle(requests, now);
      return { ok: true };
    },
    setEnabled(value) {
      enabled = value;
    },
    reset() {
      requests.clear();
      batches.clear();
    },
  };
}

function forgetIdle(map: Map<string, Window>, now: number): void {
  for (const [realm, w] of map) {
    w.prune(now);
    if (w.size === 0) map.delete(realm);
  }
}

/** The body QBO answers a throttled request with: XML, fault 3001, type SERVICE (qbo-api.md §4). */
export function throttleFaultXml(time: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n` +
    `<IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="${time}"><Fault type="SERVICE"><Error code="3001">` +
    `<Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message>` +
    `<Detail>The request limit was reached.  Try again later</Detail></Error></Fault></IntuitResponse>`
  );
}
