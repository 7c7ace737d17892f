import {
  designMatrix,
  fitLogistic,
  fitStandardizer,
  packRows,
  sigmoid,
  type LogisticFit,
  type Rows,
  type Standardizer,
} from './logistic.js';
import { hasBothClasses } from './training-set.js';

/** Platt scaling p = σ(a·z + b) on the model's logit z; identity when it could not be estimated. */
export interface Platt {
  a: number;
  b: number;
}
const IDENTITY: Platt = { a: 1, b: 0 };
/** The latest share of the (time-ordered) rows the recalibration is estimated on: the most recent behaviour. */
export const CALIBRATION_SHARE = 0.1;
/** Below this many validation rows a 2-parameter recalibration is more noise than signal. */
const MIN_CALIBRATION_ROWS = 30;

export interface CalibratedLogistic extends PlainLogistic {
  platt: Platt;
  /**
   * A column (a company-wide logit) whose movement from its mean over the calibration slice moves every
   * prediction: a shift no coefficient can learn from a past in which it hardly moved. `table` turns the
   * column's movement into the per-invoice logit shift (shiftTable).
   */
  shift?: { column: number; reference: number; table: ShiftTable };
}

export interface Scored {
  probability: number;
  contributions: number[];
}

/** A regression on standardised features: coefficients only mean something with their standardizer. */
export interface PlainLogistic {
  standardizer: Standardizer;
  fit: LogisticFit;
}

export function fitPlain(
  x: readonly number[][],
  y: ArrayLike<number>,
  l2: number,
  start?: PlainLogistic,
): PlainLogistic {
  return fitPlainRows(packRows(x), y, l2, start);
}

/** `y` holds the labels of x's rows from x.from on. */
export function fitPlainRows(x: Rows, y: ArrayLike<number>, l2: number, start?: PlainLogistic): PlainLogistic {
  const standardizer = fitStandardizer(x);
  const warm = start ? restandardize(start, standardizer) : undefined;
  return {
    standardizer,
    fit: fitLogistic(designMatrix(x, standardizer), x.to - x.from, x.cols + 1, y, {
      l2,
      ...(warm ? { start: warm } : {}),
    }),
  };
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
export function fitCalibratedLogistic(
  x: readonly number[][],
  y: ArrayLike<number>,
  o: { l2: number; refitOnAll: boolean; start?: PlainLogistic },
): CalibratedLogistic {
  return fitCalibratedRows(packRows(x), Uint8Array.from(y), o);
}

/** The same on packed rows; `y` is indexed like the rows (y[i] labels row i). */
export function fitCalibratedRows(
  x: Rows,
  y: Uint8Array,
  o: { l2: number; refitOnAll: boolean; start?: PlainLogistic; shiftColumn?: number },
): CalibratedLogistic {
  const cut = x.from + Math.round((x.to - x.from) * (1 - CALIBRATION_SHARE));
  const early: Rows = { ...x, to: cut };
  const first = fitPlainRows(early, y.subarray(x.from, cut), o.l2, o.start);
  let platt = IDENTITY;
  const lateLabels = y.subarray(cut, x.to);
  if (lateLabels.length >= MIN_CALIBRATION_ROWS && hasBothClasses(lateLabels)) {
    const z = new Float64Array(lateLabels.length);
    for (let i = cut; i < x.to; i++) z[i - cut] = logitOf(first, x.data, i * x.cols);
    const p = fitLogistic(designMatrix({ data: z, cols: 1, from: 0, to: z.length }), z.length, 2, lateLabels, {
      l2: 1e-3,
    });
    // A non-positive slope would invert the ranking: keep the raw model rather than trust it.
    if (p.weights[0]! > 0) platt = { a: p.weights[0]!, b: p.intercept };
  }
  const final = o.refitOnAll ? fitPlainRows(x, y.subarray(x.from, x.to), o.l2, first) : first;
  let shift: CalibratedLogistic['shift'];
  if (o.shiftColumn !== undefined && x.to > cut) {
    let sum = 0;
    for (let i = cut; i < x.to; i++) sum += x.data[i * x.cols + o.shiftColumn]!;
    // Every stride-th row: a mean over a thousand invoices is as good as over all, and the table costs less.
    const stride = Math.ceil((x.to - cut) / MAX_SHIFT_ROWS);
    const logits = new Float64Array(Math.ceil((x.to - cut) / stride));
    for (let i = cut, k = 0; i < x.to; i += stride)
      logits[k++] = platt.a * logitOf(final, x.data, i * x.cols) + platt.b;
    shift = { column: o.shiftColumn, reference: sum / (x.to - cut), table: shiftTable(logits) };
  }
  return { ...final, platt, ...(shift ? { shift } : {}) };
}

/** The regression's logit for the raw row at data[offset ..]: standardised, then weighted in column order. */
function logitOf(m: PlainLogistic, data: ArrayLike<number>, offset: number): number {
  const { means, scales } = m.standardizer;
  let z = m.fit.intercept;
  for (let j = 0; j < m.fit.weights.length; j++)
    z += m.fit.weights[j]! * ((data[offset + j]! - means[j]!) / scales[j]!);
  return z;
}

/** The calibrated probability of the raw row at data[offset ..]. */
export function probabilityAt(m: CalibratedLogistic, data: ArrayLike<number>, offset: number): number {
  const moved = m.shift ? shiftFor(m.shift, data[offset + m.shift.column]! - m.shift.reference) : 0;
  return sigmoid(m.platt.a * logitOf(m, data, offset) + m.platt.b + moved);
}

export function scoreCalibrated(m: CalibratedLogistic, row: readonly number[]): Scored {
  const contributions = row.map(
    (v, j) =>
      m.platt.a * m.fit.weights[j]! * ((v - m.standardizer.means[j]!) / m.standardizer.scales[j]!) +
      (m.shift?.column === j ? shiftFor(m.shift, v - m.shift.reference) : 0),
  );
  return { probability: probabilityAt(m, row, 0), contributions };
}

/** Per-invoice logit shifts for company logit shifts from, from + step, …; linear between, clamped at the ends. */
export interface ShiftTable {
  from: number;
  step: number;
  values: Float64Array;
}
const GRID = { from: -5, to: 5, step: 0.25 } as const;
/** At most this many calibration rows go into the shift table. */
const MAX_SHIFT_ROWS = 1_000;

/** The per-invoice logit shift for a company logit shift (see shiftTable). */
export function shiftFor(s: NonNullable<CalibratedLogistic['shift']>, companyShift: number): number {
  const t = s.table;
  const at = Math.min(t.values.length - 1.000001, Math.max(0, (companyShift - t.from) / t.step));
  const k = Math.floor(at);
  return t.values[k]! + (at - k) * (t.values[k + 1]! - t.values[k]!);
}

/**
 * For each company-rate shift Δ (in logit) on a grid, the per-invoice logit shift δ that moves the mean
 * predicted probability over these invoices (the calibration slice) from p̄ to σ(logit p̄ + Δ). A mix of
 * customers, most of them sure one way or the other, moves less than each one does: shifting every invoice by
 * Δ itself would move the company's expected late rate by less than Δ.
 */
export function shiftTable(logits: Float64Array): ShiftTable {
  const meanAt = (d: number) => {
    let sum = 0;
    for (let i = 0; i < logits.length; i++) sum += sigmoid(logits[i]! + d);
    return sum / logits.length;
  };
  const base = Math.log(meanAt(0) / (1 - meanAt(0)));
  const n = Math.round((GRID.to - GRID.from) / GRID.step) + 1;
  const values = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const target = sigmoid(base + GRID.from + k * GRID.step);
    let lo = -30;
    let hi = 30;
    for (let it = 0; it < 30; it++) {
      const mid = (lo + hi) / 2;
      if (meanAt(mid) < target) lo = mid;
      else hi = mid;
    }
    values[k] = (lo + hi) / 2;
  }
  return { from: GRID.from, step: GRID.step, values };
}
