import { describe, expect, it } from 'vitest';
import {
  fitCalibratedLogistic,
  fitPlain,
  scoreCalibrated,
  shiftFor,
  shiftTable,
} from '../../../../server/features/risk/model/calibrated-logistic.js';
import { aucMannWhitney } from '../../../../server/features/risk/domain/ranking-auc.js';
import { sigmoid } from '../../../../server/features/risk/model/logistic.js';
import { prng } from './seeded.js';

/** y ~ Bernoulli(σ(−0.5 + 2·x1)); x2 is pure noise; x3 is constant. */
function synthetic(seed: number, n: number) {
  const r = prng(seed);
  const x: number[][] = [];
  const y: (0 | 1)[] = [];
  for (let i = 0; i < n; i++) {
    const x1 = r.normal();
    const x2 = r.normal();
    x.push([x1, x2, 7]);
    y.push(r.next() < sigmoid(-0.5 + 2 * x1) ? 1 : 0);
  }
  return { x, y };
}

describe('L2 logistic regression (Newton)', () => {
  it('recovers a known signal and ignores noise and constant columns', () => {
    const { x, y } = synthetic(42, 4000);
    const { standardizer, fit } = fitPlain(x, y, 0.1);
    expect(fit.converged).toBe(true);
    // Coefficients are per standard deviation; x1 has sd ≈ 1, so the raw slope ≈ 2.
    expect(fit.weights[0]! / standardizer.scales[0]!).toBeCloseTo(2, 0);
    expect(Math.abs(fit.weights[1]!)).toBeLessThan(0.15);
    expect(fit.weights[2]).toBe(0);
    expect(fit.intercept + (fit.weights[0]! * (0 - standardizer.means[0]!)) / standardizer.scales[0]!).toBeCloseTo(
      -0.5,
      0,
    );
  });

  it('separates held-out synthetic data and shrinks harder with a larger penalty', () => {
    const train = synthetic(1, 2000);
    const test = synthetic(2, 1000);
    const m = fitCalibratedLogistic(train.x, train.y, { l2: 1, refitOnAll: true });
    const p = test.x.map((r) => scoreCalibrated(m, r).probability);
    expect(aucMannWhitney(p, test.y)!).toBeGreaterThan(0.85);
    expect(m.platt.a).toBeGreaterThan(0);
    const heavy = fitPlain(train.x, train.y, 5000);
    expect(Math.abs(heavy.fit.weights[0]!)).toBeLessThan(Math.abs(fitPlain(train.x, train.y, 1).fit.weights[0]!) / 2);
  });

  it('warm-starts from a model fitted on fewer rows (another standardizer) and reaches the same optimum sooner', () => {
    const { x, y } = synthetic(11, 3000);
    const part = fitPlain(x.slice(0, 2000), y.slice(0, 2000), 1);
    const cold = fitPlain(x, y, 1);
    const warm = fitPlain(x, y, 1, part);
    expect(warm.fit.converged).toBe(true);
    expect(warm.fit.iterations).toBeLessThan(cold.fit.iterations);
    expect(warm.fit.intercept).toBeCloseTo(cold.fit.intercept, 7);
    warm.fit.weights.forEach((w, j) => expect(w).toBeCloseTo(cold.fit.weights[j]!, 7));
  });

  it('is deterministic', () => {
    const { x, y } = synthetic(7, 500);
    expect(fitPlain(x, y, 1)).toEqual(fitPlain(x, y, 1));
  });
});

describe('company-trend shift', () => {
  const shift = (logits: number[]) => ({ column: 0, reference: 0, table: shiftTable(Float64Array.from(logits)) });
  const meanProbability = (logits: number[], d: number) =>
    logits.reduce((s, z) => s + sigmoid(z + d), 0) / logits.length;

  it('moves invoices as far as the company when they are all alike', () => {
    const alike = [0.3, 0.3, 0.3, 0.3];
    expect(shiftFor(shift(alike), 1)).toBeCloseTo(1, 6);
    expect(shiftFor(shift(alike), -0.5)).toBeCloseTo(-0.5, 6);
    expect(shiftFor(shift(alike), 0.1)).toBeCloseTo(0.1, 6); // between grid points: linear
  });

  it('moves a mix of sure and unsure invoices further, so their mean moves as far as the company rate', () => {
    // Mean probability ½ (logit 0); the company's rate moves +1 in logit, to σ(1) ≈ 0.731.
    const mixed = [-4, 4];
    const d = shiftFor(shift(mixed), 1);
    expect(d).toBeGreaterThan(1.5);
    expect(meanProbability(mixed, d)).toBeCloseTo(sigmoid(1), 6);
    expect(shiftFor(shift(mixed), 0)).toBeCloseTo(0, 6);
  });

  it('holds at the ends of its range', () => {
    const t = shift([-1, 0, 2]);
    expect(shiftFor(t, 9)).toBeCloseTo(shiftFor(t, 5), 12);
    expect(shiftFor(t, -9)).toBeCloseTo(shiftFor(t, -5), 12);
  });
});
