import { designMatrix, fitLogistic, fitStandardizer, packRows, sigmoid, type LogisticFit, type Rows, type Standardizer } from './logistic.js';
import { hasBothClasses } from './training-set.js';

/** Platt scaling p = σ(a·z + b) on the model's logit z; identity when it could not be estimated. */
export interface Platt { a: number; b: number }
const IDENTITY: Platt = { a: 1, b: 0 };
/** The latest share of the (time-ordered) rows the recalibration is estimated on: the most recent behaviour. */
export const CALIBRATION_SHARE = 0.1;
/** Below this many validation rows a 2-parameter recalibration is more noise than signal. */
const MIN_CALIBRATION_ROWS = 30;

export interface CalibratedLogistic extends PlainLogistic {
  platt: Platt;
  /**
   * A column (a logit) added to the calibrated logit as it moves from its mean over the calibration slice: a
   * shift no coefficient can learn from a past in which it hardly moved.
   */
  shift?: { column: number; reference: number };
}

export interface Scored { probability: number; contributions: number[] }

/** A regression on standardised features: coefficients only mean something with their standardizer. */
export interface PlainLogistic { standardizer: Standardizer; fit: LogisticFit }

export function fitPlain(x: readonly number[][], y: ArrayLike<number>, l2: number, start?: PlainLogistic): PlainLogistic {
  return fitPlainRows(packRows(x), y, l2, start);
}

/** `y` holds the labels of x's rows from x.from on. */
export function fitPlainRows(x: Rows, y: ArrayLike<number>, l2: number, start?: PlainLogistic): PlainLogistic {
  const standardizer = fitStandardizer(x);
  const warm = start ? restandardize(start, standardizer) : undefined;
  return { standardizer, fit: fitLogistic(designMatrix(x, standardizer), x.to - x.from, x.cols + 1, y, { l2, ...(warm ? { start: warm } : {}) }) };
}

/**
 * The same linear predictor expressed on another standardizer's scale: a warm start must be the old model,
 * not its coefficients read in new units (those were a poorer start than zero on the slices trained here).
 */
function restandardize(m: PlainLogistic, to: Standardizer): LogisticFit {
  const { means, scales } = m.standardizer;
  let intercept = m.fit.intercept;
  const weights = m.fit.weights.map((w, j) => {
    intercept += (w * (to.means[j]! - means[j]!)) / scales[j]!;
    return (w * to.scales[j]!) / scales[j]!;
  });
  return { ...m.fit, intercept, weights };
}

/**
 * Fits the regression on the earliest 90% of the (time-ordered) rows and Platt-scales it on the latest
 * 10%, which corrects both over-confidence and drift between the two periods. With `refitOnAll`, the
 * regression is then refitted on every row and keeps that recalibration (it is estimated on a model of the
 * same form; refitting on all puts the newest behaviour into the coefficients).
 */
export function fitCalibratedLogistic(x: readonly number[][], y: ArrayLike<number>, o: { l2: number; refitOnAll: boolean; start?: PlainLogistic }): CalibratedLogistic {
  return fitCalibratedRows(packRows(x), Uint8Array.from(y), o);
}

/** The same on packed rows; `y` is indexed like the rows (y[i] labels row i). */
export function fitCalibratedRows(
  x: Rows, y: Uint8Array, o: { l2: number; refitOnAll: boolean; start?: PlainLogistic; shiftColumn?: number },
): CalibratedLogistic {
  const cut = x.from + Math.round((x.to - x.from) * (1 - CALIBRATION_SHARE));
  const early: Rows = { ...x, to: cut };
  const late: Rows = { ...x, from: cut };
  const first = fitPlainRows(early, y.subarray(x.from, cut), o.l2, o.start);
  let platt = IDENTITY;
  const lateLabels = y.subarray(cut, x.to);
  if (lateLabels.length >= MIN_CALIBRATION_ROWS && hasBothClasses(lateLabels)) {
    const z = new Float64Array(lateLabels.length);
    for (let i = cut; i < x.to; i++) z[i - cut] = logitOf(first, x.data, i * x.cols);
    const p = fitLogistic(designMatrix({ data: z, cols: 1, from: 0, to: z.length }), z.length, 2, lateLabels, { l2: 1e-3 });
    // A non-positive slope would invert the ranking: keep the raw model rather than trust it.
    if (p.weights[0]! > 0) platt = { a: p.weights[0]!, b: p.intercept };
  }
  const final = o.refitOnAll ? fitPlainRows(x, y.subarray(x.from, x.to), o.l2, first) : first;
  let shift: CalibratedLogistic['shift'];
  if (o.shiftColumn !== undefined && x.to > cut) {
    let sum = 0;
    for (let i = cut; i < x.to; i++) sum += x.data[i * x.cols + o.shiftColumn]!;
    shift = { column: o.shiftColumn, reference: sum / (x.to - cut) };
  }
  return { ...final, platt, ...(shift ? { shift } : {}) };
}

/** The regression's logit for the raw row at data[offset ..]: standardised, then weighted in column order. */
function logitOf(m: PlainLogistic, data: ArrayLike<number>, offset: number): number {
  const { means, scales } = m.standardizer;
  let z = m.fit.intercept;
  for (let j = 0; j < m.fit.weights.length; j++) z += m.fit.weights[j]! * ((data[offset + j]! - means[j]!) / scales[j]!);
  return z;
}

/** The calibrated probability of the raw row at data[offset ..]. */
export function probabilityAt(m: CalibratedLogistic, data: ArrayLike<number>, offset: number): number {
  const moved = m.shift ? data[offset + m.shift.column]! - m.shift.reference : 0;
  return sigmoid(m.platt.a * logitOf(m, data, offset) + m.platt.b + moved);
}

export function scoreCalibrated(m: CalibratedLogistic, row: readonly number[]): Scored {
  const contributions = row.map((v, j) => m.platt.a * m.fit.weights[j]! * ((v - m.standardizer.means[j]!) / m.standardizer.scales[j]!)
    + (m.shift?.column === j ? v - m.shift.reference : 0));
  return { probability: probabilityAt(m, row, 0), contributions };
}
