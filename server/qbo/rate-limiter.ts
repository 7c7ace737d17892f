import { QboTransient } from './qbo-errors.js';

export interface RateLimitPolicy {
  /** Below QBO's 10 per second and 500 per minute per realm, leaving room for other callers. */
  perSecond: number;
  perMinute: number;
  /** QBO's separate quota of batch requests: 40 a minute per realm and app. */
  batchPerMinute: number;
  /**
   * Added to the batch window: a request reaches QuickBooks a little after it leaves, by a varying amount, so a
   * window of exactly 60 s here can be 40 in 59.99 s there.
   */
  batchWindowMarginMs: number;
  /** Requests in flight at once per realm. */
  concurrency: number;
  /** Transient failures: attempts in all (the first included) and the backoff curve. */
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

export const DEFAULT_POLICY: RateLimitPolicy = {
  perSecond: 8,
  perMinute: 450,
  batchPerMinute: 40,
  batchWindowMarginMs: 1_000,
  concurrency: 4,
  maxAttempts: 6,
  backoffBaseMs: 1_000,
  backoffMaxMs: 60_000,
};

export interface RealmCallStats {
  calls: number;
  /** Time spent waiting for the limiter or backing off after 429/5xx. */
  throttledMs: number;
  retries: number;
}

interface RealmState {
  starts: number[];
  batchStarts: number[];
  active: number;
  waiters: Array<() => void>;
  stats: RealmCallStats;
}

/**
 * The one per-company gate in front of QuickBooks: spaces requests within the per-second and per-minute
 * limits, caps concurrency, and retries transient failures (429, 5xx, network) with exponential backoff and
 * full jitter, honouring Retry-After. Reconnect-needed and permanent failures are never retried.
 * Time here is real (wall-clock) time: the limits are about the real request rate.
 */
export class QboRateLimiter {
  private readonly realms = new Map<string, RealmState>();
  private readonly policy: RateLimitPolicy;

  constructor(
    private readonly o: {
      now?: () => number;
      sleep?: (ms: number) => Promise<void>;
      random?: () => number;
      policy?: Partial<RateLimitPolicy>;
    },
  ) {
    this.policy = { ...DEFAULT_POLICY, ...o.policy };
  }

  stats(realmId: string): RealmCallStats {
    return { ...this.state(realmId).stats };
  }

  async run<T>(realmId: string, call: () => Promise<T>, kind: 'api' | 'batch' = 'api'): Promise<T> {
    const s = this.state(realmId);
    for (let attempt = 1; ; attempt++) {
      await this.acquire(s, kind);
      s.stats.calls++;
      try {
        return await call();
      } catch (err) {
        if (!(err instanceof QboTransient) || attempt >= this.policy.maxAttempts) throw err;
        s.stats.retries++;
        const wait = this.backoff(err, attempt);
        s.stats.throttledMs += wait;
        await this.sleep(wait);
      } finally {
        this.release(s);
      }
    }
  }

  private backoff(err: QboTransient, attempt: number): number {
    if (err.details.retryAfterSec !== undefined) return err.details.retryAfterSec * 1000;
    const ceiling = Math.min(this.policy.backoffMaxMs, this.policy.backoffBaseMs * 2 ** (attempt - 1));
    // Full jitter: many workers backing off together do not come back together.
    return Math.round(ceiling / 2 + (this.o.random ?? Math.random)() * (ceiling / 2));
  }

  private async acquire(s: RealmState, kind: 'api' | 'batch'): Promise<void> {
    while (s.active >= this.policy.concurrency) await new Promise<void>((resolve) => s.waiters.push(resolve));
    s.active++;
    const batchWindow = 60_000 + this.policy.batchWindowMarginMs;
    for (;;) {
      const now = (this.o.now ?? Date.now)();
      while (s.starts.length > 0 && s.starts[0]! <= now - 60_000) s.starts.shift();
      while (s.batchStarts.length > 0 && s.batchStarts[0]! <= now - batchWindow) s.batchStarts.shift();
      const lastSecond = s.starts.filter((t) => t > now - 1000);
      const waits: number[] = [];
      if (lastSecond.length >= this.policy.perSecond)
        waits.push(lastSecond[lastSecond.length - this.policy.perSecond]! + 1000 - now);
      if (s.starts.length >= this.policy.perMinute)
        waits.push(s.starts[s.starts.length - this.policy.perMinute]! + 60_000 - now);
      if (kind === 'batch' && s.batchStarts.length >= this.policy.batchPerMinute)
        waits.push(s.batchStarts[s.batchStarts.length - this.policy.batchPerMinute]! + batchWindow - now);
      if (waits.length === 0) {
        s.starts.push(now);
        if (kind === 'batch') s.batchStarts.push(now);
        return;
      }
      const wait = Math.max(1, ...waits);
      s.stats.throttledMs += wait;
      await this.sleep(wait);
    }
  }

  private release(s: RealmState): void {
    s.active--;
    s.waiters.shift()?.();
  }

  private state(realmId: string): RealmState {
    let s = this.realms.get(realmId);
    if (!s)
      this.realms.set(
        realmId,
        (s = { starts: [], batchStarts: [], active: 0, waiters: [], stats: { calls: 0, throttledMs: 0, retries: 0 } }),
      );
    return s;
  }

  private sleep(ms: number): Promise<void> {
    return (this.o.sleep ?? ((m) => new Promise((r) => setTimeout(r, m))))(ms);
  }
}
