import { describe, expect, it } from 'vitest';
import { QboPermanent, QboReauthRequired, QboTransient } from '../../../server/qbo/qbo-errors.js';
import { QboRateLimiter, type RateLimitPolicy } from '../../../server/qbo/rate-limiter.js';

/** A limiter on a virtual clock: sleeping moves the clock, so spacing is measured without waiting. */
function limiter(policy: Partial<RateLimitPolicy> = {}) {
  let now = 0;
  const sleeps: number[] = [];
  const l = new QboRateLimiter({
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    random: () => 0.5,
    policy,
  });
  const starts: number[] = [];
  const call = () => {
    starts.push(now);
    return Promise.resolve('ok');
  };
  return { l, starts, sleeps, call, now: () => now };
}

describe('QboRateLimiter', () => {
  it('keeps batch requests within 40 in any window of a minute plus the margin, and others unaffected', async () => {
    const t = limiter({ perSecond: 1000, perMinute: 10_000 });
    for (let i = 0; i < 100; i++) await t.l.run('r1', t.call, 'batch');
    const window = 61_000;
    for (let i = 40; i < t.starts.length; i++) expect(t.starts[i]! - t.starts[i - 40]!).toBeGreaterThanOrEqual(window);
    // 100 batches: the 41st waits a window, the 81st two: the floor, and no more.
    expect(t.starts[40]).toBe(window);
    expect(t.starts[99]).toBe(2 * window);
    // Ordinary calls of the same company are not held back by the batch quota.
    const before = t.now();
    await t.l.run('r1', t.call);
    expect(t.starts.at(-1)).toBe(before);
  });

  it('spaces ordinary calls within the per-second and per-minute limits', async () => {
    const t = limiter({ perSecond: 8, perMinute: 20 });
    for (let i = 0; i < 30; i++) await t.l.run('r1', t.call);
    for (let i = 8; i < t.starts.length; i++) expect(t.starts[i]! - t.starts[i - 8]!).toBeGreaterThanOrEqual(1000);
    for (let i = 20; i < t.starts.length; i++) expect(t.starts[i]! - t.starts[i - 20]!).toBeGreaterThanOrEqual(60_000);
    // Each company has its own budget.
    const before = t.now();
    await t.l.run('r2', t.call);
    expect(t.starts.at(-1)).toBe(before);
  });

  it('retries transient failures with backoff (Retry-After when given), not reconnect or permanent ones', async () => {
    const t = limiter({ backoffBaseMs: 1000 });
    let attempts = 0;
    const flaky = () =>
      ++attempts < 3
        ? Promise.reject(new QboTransient('busy', attempts === 1 ? { retryAfterSec: 7 } : {}))
        : Promise.resolve('done');
    expect(await t.l.run('r1', flaky)).toBe('done');
    expect(t.sleeps).toEqual([7000, 1500]);
    expect(t.l.stats('r1')).toMatchObject({ calls: 3, retries: 2 });
    for (const err of [new QboPermanent('no'), new QboReauthRequired('reconnect')]) {
      let tries = 0;
      await expect(t.l.run('r1', () => (tries++, Promise.reject(err)))).rejects.toBe(err);
      expect(tries).toBe(1);
    }
  });

  it('gives up after the last attempt and passes the failure on', async () => {
    const t = limiter({ maxAttempts: 3, backoffBaseMs: 10 });
    let tries = 0;
    const err = new QboTransient('down');
    await expect(t.l.run('r1', () => (tries++, Promise.reject(err)))).rejects.toBe(err);
    expect(tries).toBe(3);
  });
});
