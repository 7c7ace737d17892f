import type { Clock } from '../../clock.js';

/** QBO's documented per-realm limits (qbo-api.md §5). Batch requests also count as ordinary requests. */
export interface ThrottleLimits {
  perSecond: number;
  perMinute: number;
  batchPerMinute: number;
}

export const QBO_LIMITS: Readonly<ThrottleLimits> = { perSecond: 10, perMinute: 500, batchPerMinute: 40 };

export type Admission = { ok: true } | { ok: false; retryAfterSec: number };

export interface Throttle {
  admit(realmId: string, kind: 'api' | 'batch'): Admission;
  setEnabled(enabled: boolean): void;
  reset(): void;
}

const SECOND = 1_000;
const MINUTE = 60_000;

/**
 * Timestamps (ms) of admitted requests within the last minute, oldest first. It never holds more than the
 * per-minute limit, because rejected requests are not recorded and older ones are pruned on each visit.
 */
class SlidingWindow {
  private times: number[] = [];

  prune(now: number): void {
    let drop = 0;
    while (drop < this.times.length && this.times[drop]! <= now - MINUTE) drop++;
    if (drop > 0) this.times = this.times.slice(drop);
  }

  /** Requests admitted in (now - spanMs, now]. */
  countWithin(spanMs: number, now: number): number {
    let n = 0;
    for (let i = this.times.length - 1; i >= 0 && this.times[i]! > now - spanMs; i--) n++;
    return n;
  }

  /** Milliseconds until fewer than `limit` requests remain inside the trailing `spanMs`. */
  waitFor(spanMs: number, limit: number, now: number): number {
    const inside = this.times.filter((t) => t > now - spanMs);
    const blocking = inside[inside.length - limit];
    return blocking === undefined ? 0 : blocking + spanMs - now;
  }

  add(t: number): void {
    this.times.push(t);
  }

  get size(): number {
    return this.times.length;
  }
}

interface RealmWindows {
  all: SlidingWindow;
  batch: SlidingWindow;
}

/**
 * Sliding one-second and one-minute windows per realm, on the injected clock (so tests move time by hand).
 * A rejected request uses no quota: the 429 is the answer, not a request served. Realms idle for a minute
 * are forgotten on a periodic sweep, so memory follows the realms active in the last minute.
 */
export function createThrottle(o: { clock: Clock; enabled: boolean; limits?: Partial<ThrottleLimits> }): Throttle {
  const limits: ThrottleLimits = { ...QBO_LIMITS, ...o.limits };
  let enabled = o.enabled;
  const realms = new Map<string, RealmWindows>();
  let lastSweep = o.clock.now().getTime();

  const sweep = (now: number) => {
    for (const [realmId, w] of realms) {
      w.all.prune(now);
      w.batch.prune(now);
      if (w.all.size === 0 && w.batch.size === 0) realms.delete(realmId);
    }
    lastSweep = now;
  };

  return {
    admit(realmId, kind) {
      if (!enabled) return { ok: true };
      const now = o.clock.now().getTime();
      if (now - lastSweep >= MINUTE || now < lastSweep) sweep(now);
      let w = realms.get(realmId);
      if (!w) realms.set(realmId, (w = { all: new SlidingWindow(), batch: new SlidingWindow() }));
      w.all.prune(now);
      w.batch.prune(now);

      const waits: number[] = [];
      if (w.all.countWithin(SECOND, now) >= limits.perSecond) waits.push(w.all.waitFor(SECOND, limits.perSecond, now));
      if (w.all.size >= limits.perMinute) waits.push(w.all.waitFor(MINUTE, limits.perMinute, now));
      if (kind === 'batch' && w.batch.size >= limits.batchPerMinute)
        waits.push(w.batch.waitFor(MINUTE, limits.batchPerMinute, now));
      // QBO sends no Retry-After header (§4); retryAfterSec is for callers that want to log or wait.
      if (waits.length > 0) return { ok: false, retryAfterSec: Math.max(1, Math.ceil(Math.max(...waits) / 1000)) };

      w.all.add(now);
      if (kind === 'batch') w.batch.add(now);
      return { ok: true };
    },
    setEnabled(value) {
      enabled = value;
    },
    reset() {
      realms.clear();
    },
  };
}

/** The 429 body QBO sends: XML, fault 3001, type SERVICE, even to JSON clients (qbo-api.md §4). */
export function throttleFaultXml(time: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    `<IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="${time}">` +
    '<Fault type="SERVICE"><Error code="3001">' +
    '<Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message>' +
    '<Detail>The request limit was reached.  Try again later</Detail></Error></Fault></IntuitResponse>'
  );
}
