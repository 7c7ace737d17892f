import { fitLogistic, fitStandardizer, predictLogit, sigmoid, standardize, type LogisticFit, type Standardizer } from './logistic.js';
import { hasBothClasses, timeSplit } from './training-set.js';

/** Platt scaling p = σ(a·z + b) on the model's logit z; identity when it could not be estimated. */
export interface Platt { a: number; b: number }
const IDENTITY: Platt = { a: 1, b: 0 };
/** Below this many validation rows a 2-parameter recalibration is more noise than signal. */
const MIN_CALIBRATION_ROWS = 30;

export interface CalibratedLogistic {
  standardizer: Standardizer;
  fit: LogisticFit;
  platt: Platt;
}

export interface Scored { probability: number; contributions: number[] }

export function fitPlain(x: readonly number[][], y: readonly (0 | 1)[], l2: number, start?: LogisticFit): { standardizer: Standardizer; fit: LogisticFit } {
  const standardizer = fitStandardizer(x);
  return { standardizer, fit: fitLogistic(x.map((r) => standardize(standardizer, r)), y, { l2, ...(start ? { start } : {}) }) };
}

/**
 * Fits the regression on the earliest 80% of the (time-ordered) rows and Platt-scales it on the latest
 * 20%, which corrects both over-confidence and drift between the two periods. With `refitOnAll`, the
 * regression is then refitted on every row and keeps that recalibration (it is estimated on a model of the
 * same form; refitting on all puts the newest behaviour into the coefficients).
 */
export function fitCalibratedLogistic(x: readonly number[][], y: readonly (0 | 1)[], o: { l2: number; refitOnAll: boolean; start?: LogisticFit }): CalibratedLogistic {
  const xs = timeSplit(x, 0.8);
  const ys = timeSplit(y, 0.8);
  const first = fitPlain(xs.early, ys.early, o.l2, o.start);
  let platt = IDENTITY;
  if (ys.late.length >= MIN_CALIBRATION_ROWS && hasBothClasses(ys.late)) {
    const z = xs.late.map((r) => [predictLogit(first.fit, standardize(first.standardizer, r))]);
    const p = fitLogistic(z, ys.late, { l2: 1e-3 });
    // A non-positive slope would invert the ranking: keep the raw model rather than trust it.
    if (p.weights[0]! > 0) platt = { a: p.weights[0]!, b: p.intercept };
  }
  const final = o.refitOnAll ? fitPlain(x, y, o.l2, first.fit) : first;
  return { ...final, platt };
}

export function scoreCalibrated(m: CalibratedLogistic, row: readonly number[]): Scored {
  const z = standardize(m.standardizer, row);
  const contributions = z.map((v, j) => m.platt.a * m.fit.weights[j]! * v);
  return { probability: sigmoid(m.platt.a * predictLogit(m.fit, z) + m.platt.b), contributions };
}
