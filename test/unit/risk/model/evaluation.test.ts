import { describe, expect, it } from 'vitest';
import { aucMannWhitney } from '../../../../server/features/risk/domain/ranking-auc.js';
import {
  brierScore,
  calibrationBins,
  expectedCalibrationError,
} from '../../../../server/features/risk/model/evaluation.js';

describe('AUC (Mann-Whitney)', () => {
  it('is 1 for a perfect ranking and 0 for a reversed one', () => {
    expect(aucMannWhitney([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(aucMannWhitney([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
  });
  it('counts ties as one half', () => {
    expect(aucMannWhitney([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    // Pairs (pos, neg): (0.6,0.2)=1 (0.6,0.6)=½ (0.4,0.2)=1 (0.4,0.6)=0 → 2.5 / 4.
    expect(aucMannWhitney([0.6, 0.4, 0.2, 0.6], [1, 1, 0, 0])).toBe(0.625);
  });
  it('matches counting every pair by hand on a mixed example', () => {
    const s = [0.3, 0.7, 0.7, 0.1, 0.9, 0.3, 0.5];
    const y = [1, 0, 1, 0, 1, 0, 0] as const;
    let wins = 0;
    let pairs = 0;
    s.forEach((sp, i) =>
      s.forEach((sn, j) => {
        if (y[i] === 1 && y[j] === 0) {
          pairs++;
          wins += sp > sn ? 1 : sp === sn ? 0.5 : 0;
        }
      }),
    );
    expect(aucMannWhitney(s, [...y])).toBeCloseTo(wins / pairs, 12);
  });
  it('is null when a class is missing', () => {
    expect(aucMannWhitney([0.2, 0.3], [1, 1])).toBeNull();
    expect(aucMannWhitney([], [])).toBeNull();
  });
});

describe('Brier and calibration bins', () => {
  it('Brier is the mean squared error', () => {
    expect(brierScore([1, 0, 0.5], [1, 0, 1])).toBeCloseTo(0.25 / 3, 12);
    expect(brierScore([], [])).toBeNull();
  });
  it('bins by predicted probability and leaves empty bins out', () => {
    const bins = calibrationBins([0.05, 0.15, 0.12, 0.95, 1], [0, 1, 0, 1, 1]);
    expect(bins).toEqual([
      { bin: '0.0-0.1', predicted: 0.05, observed: 0, count: 1 },
      { bin: '0.1-0.2', predicted: expect.closeTo(0.135, 12), observed: 0.5, count: 2 },
      { bin: '0.9-1.0', predicted: 0.975, observed: 1, count: 2 },
    ]);
  });
});

describe('expected calibration error', () => {
  it('is the count-weighted mean gap between mean predicted and observed, over 10 equal-width bins', () => {
    // Bins: 0.0-0.1 {0.05→0}: gap 0.05 ×1; 0.1-0.2 {0.15, 0.12 → ½}: mean 0.135, gap 0.365 ×2;
    // 0.9-1.0 {0.95, 1 → 1}: gap 0.025 ×2.
    expect(expectedCalibrationError([0.05, 0.15, 0.12, 0.95, 1], [0, 1, 0, 1, 1])).toBeCloseTo(
      (0.05 + 2 * 0.365 + 2 * 0.025) / 5,
      12,
    );
  });
  it("is zero when each bin's late share matches its predictions, and null on nothing", () => {
    expect(expectedCalibrationError([0.25, 0.25, 0.25, 0.25], [1, 0, 0, 0])).toBeCloseTo(0, 12);
    expect(expectedCalibrationError([], [])).toBeNull();
  });
  it('does not let errors of opposite sign in different bins cancel', () => {
    // 0.1 predicted, 1 of 2 late (gap 0.4); 0.9 predicted, 1 of 2 late (gap 0.4): overall mean 0.5 = late share 0.5.
    expect(expectedCalibrationError([0.1, 0.1, 0.9, 0.9], [1, 0, 1, 0])).toBeCloseTo(0.4, 12);
  });
});
