import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apportion } from '../../../../server/features/risk/domain/apportion.js';
import {
  conditionalOnAge,
  kaplanMeier,
  MIN_DELAY,
  NEVER_AGE,
  type DelayDistribution,
} from '../../../../server/features/risk/forecast/delay-distribution.js';

const at = (d: DelayDistribution, delay: number) => d.mass[delay - MIN_DELAY]!;
const sum = (d: DelayDistribution) => d.mass.reduce((s, m) => s + m, 0) + d.never;

describe('kaplanMeier', () => {
  it('counts open invoices as censored, not as missing', () => {
    // Paid at 0 and 20; one open 10 days past due (unpaid through day 10). Naive: 1/2 each.
    // KM: P(0) = 1/3 (three at risk); the open one is known to pay after day 10, and the only later
    // evidence is day 20, so its share moves there: P(20) = 2/3.
    const d = kaplanMeier([
      { delay: 0, settled: true },
      { delay: 20, settled: true },
      { delay: 10, settled: false },
    ])!;
    expect(at(d, 0)).toBeCloseTo(1 / 3, 12);
    expect(at(d, 20)).toBeCloseTo(2 / 3, 12);
    expect(d.never).toBe(0);
    // With the open one the latest observation, nothing is known past day 30: its share (1/3) is spread
    // evenly over days 31..180.
    const e = kaplanMeier([
      { delay: 0, settled: true },
      { delay: 20, settled: true },
      { delay: 30, settled: false },
    ])!;
    expect(at(e, 20)).toBeCloseTo(1 / 3, 12);
    expect(at(e, 31)).toBeCloseTo(1 / 3 / 150, 12);
    expect(e.never).toBe(0);
    expect(sum(d)).toBeCloseTo(1, 12);
  });

  it('open past the write-off age (or paid after it) is never-collected mass', () => {
    const d = kaplanMeier([
      { delay: 5, settled: true },
      { delay: 400, settled: false },
      { delay: 250, settled: true },
      { delay: 5, settled: true },
    ])!;
    expect([at(d, 5), d.never]).toEqual([0.5, 0.5]);
  });

  it('is a probability distribution, and so is its conditional on any age', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ delay: fc.integer({ min: -200, max: 400 }), settled: fc.boolean() }), {
          minLength: 1,
          maxLength: 30,
        }),
        fc.integer({ min: -200, max: 250 }),
        (obs, age) => {
          const d = kaplanMeier(obs);
          if (d === undefined) return; // only uninformative observations (unpaid before MIN_DELAY)
          expect(sum(d)).toBeCloseTo(1, 9);
          const c = conditionalOnAge(d, age);
          expect(sum(c)).toBeCloseTo(1, 9);
          for (let delay = MIN_DELAY; delay <= Math.min(age, NEVER_AGE); delay++) expect(at(c, delay)).toBe(0);
        },
      ),
    );
  });
});

describe('apportion', () => {
  it('whole cents that add up exactly, largest remainders first', () => {
    expect(apportion([1 / 3, 1 / 3, 1 / 3], 100)).toEqual([34, 33, 33]);
    expect(apportion([0.5, 0.25, 0.25], 3)).toEqual([1, 1, 1]); // 1.5, 0.75, 0.75: the two .75s round up
    expect(apportion([0, 0], 5)).toEqual([5, 0]);
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 10 }),
        fc.nat(1e9),
        (f, total) => {
          const out = apportion(f, total);
          expect(out.reduce((s, c) => s + c, 0)).toBe(total);
          expect(out.every((c) => Number.isInteger(c) && c >= 0)).toBe(true);
        },
      ),
    );
  });
});
