import { openCents } from '../domain/invoice-metrics.js';
import type { InvoiceFact } from '../domain/risk-facts.js';
import {
  CALIBRATION_SHARE,
  fitCalibratedRows,
  probabilityAt,
  scoreCalibrated,
  type CalibratedLogistic,
} from './calibrated-logistic.js';
import { aucMannWhitney } from '../domain/ranking-auc.js';
import { brierScore, calibrationBins, expectedCalibrationError } from './evaluation.js';
import { TREND_COLUMN, LATE_FEATURES, lateFeatures, SHRINKAGE_K, writeLateFeatures } from './late-features.js';
import { logit, type Rows } from './logistic.js';
import { PointInTimeHistory } from './point-in-time-history.js';
import { decidedEntries, hasBothClasses } from './training-set.js';

/**
 * Per-company model of P(invoice is paid late): L2 logistic regression on point-in-time features
 * (late-features.ts), Platt-calibrated on the latest training rows and moved with the company's projected
 * late-rate trend (customers slow down together: a model of the past alone under-predicts a slowing company),
 * evaluated on a time-ordered holdout and refitted on everything.
 * With too little history it falls back to the customer's Beta-smoothed late share.
 */
export interface LatePaymentModelCard {
  trainedOn: number;
  holdoutSize: number;
  auc: number | null;
  brier: number | null;
  /** Expected calibration error on the holdout (10 equal-width bins); absent on runs saved before it existed. */
  ece?: number | null;
  calibration: Array<{ bin: string; predicted: number; observed: number; count: number }>;
  method: string;
  fallback: boolean;
  features: string[];
  asOf: string;
}

export interface InvoiceLateProbability {
  invoiceId: string;
  probability: number;
  topFeatures: Array<{ feature: string; contribution: number }>;
}

export interface TrainedLateModel {
  card: LatePaymentModelCard;
  predict(invoice: InvoiceFact): InvoiceLateProbability;
}

export interface TrainOptions {
  asOf: string;
  /** Days after due still counted as on time (default 0). */
  graceDays?: number;
  /** L2 penalty on standardised coefficients (default 1). */
  l2?: number;
  /**
   * Move predictions with the company's projected late-rate trend (default true); false leaves the model to
   * the past alone, which is what the drift test compares against.
   */
  followCompanyTrend?: boolean;
}

/** Below this many decided invoices (or with one class only) a fitted model is not trusted. */
export const MIN_TRAINING_INVOICES = 50;
/** Training uses at most this many of the most recent decided invoices (time and memory stay bounded). */
export const MAX_TRAINING_INVOICES = 30_000;
const HOLDOUT_SHARE = 0.2;
const TOP_FEATURES = 3;

type Predictor = (invoice: InvoiceFact) => InvoiceLateProbability;

export function trainLatePaymentModel(invoices: readonly InvoiceFact[], o: TrainOptions): TrainedLateModel {
  const graceDays = o.graceDays ?? 0;
  const l2 = o.l2 ?? 1;
  const trend = o.followCompanyTrend === false ? {} : { shiftColumn: TREND_COLUMN };
  // Every feature is as of its invoice's TxnDate, so one history (cut at as-of) serves all rows.
  const history = new PointInTimeHistory(invoices, { asOf: o.asOf, graceDays });
  // The most recent decided invoices: enough to learn from, and they say most about how customers pay now.
  const decided = decidedEntries(history);
  const entries = decided.entries.subarray(-MAX_TRAINING_INVOICES);
  const labels = decided.late.subarray(-MAX_TRAINING_INVOICES);
  const n = entries.length;
  // One packed matrix of features (row i = entries[i]) and each row's smoothed late share.
  const x: Rows = { data: new Float64Array(n * LATE_FEATURES.length), cols: LATE_FEATURES.length, from: 0, to: n };
  const smoothed = new Float64Array(n);
  entries.forEach((k, i) => {
    smoothed[i] = writeLateFeatures(history, history.invoices[k]!, x.data, i * x.cols).smoothedLateShare;
  });
  const holdoutFrom = Math.round(n * (1 - HOLDOUT_SHARE));
  const train: Rows = { ...x, to: holdoutFrom };
  const holdoutLabels = Array.from(labels.subarray(holdoutFrom)) as (0 | 1)[];

  const fittable =
    n >= MIN_TRAINING_INVOICES &&
    hasBothClasses(labels.subarray(0, holdoutFrom)) &&
    hasBothClasses(labels.subarray(0, Math.round(holdoutFrom * (1 - CALIBRATION_SHARE))));
  const fallbackPredict: Predictor = (invoice) => {
    const f = lateFeatures(history, invoice);
    const contribution = logit(f.smoothedLateShare) - logit(f.companyLateRate);
    return {
      invoiceId: invoice.id,
      probability: f.smoothedLateShare,
      topFeatures: [{ feature: 'priorLateShare', contribution }],
    };
  };

  let predict: Predictor;
  let holdoutProbabilities: number[];
  if (fittable) {
    // Measured on data the evaluation model never saw, then refitted on everything for use (warm-started
    // from the evaluation model: the same problem on more rows converges in a few Newton steps).
    const evaluation = fitCalibratedRows(train, labels, { l2, refitOnAll: false, ...trend });
    holdoutProbabilities = [];
    for (let i = holdoutFrom; i < n; i++) holdoutProbabilities.push(probabilityAt(evaluation, x.data, i * x.cols));
    const final = fitCalibratedRows(x, labels, { l2, refitOnAll: true, start: evaluation, ...trend });
    const row = new Float64Array(LATE_FEATURES.length);
    predict = (invoice) => {
      writeLateFeatures(history, invoice, row, 0);
      return explain(final, invoice, Array.from(row));
    };
  } else {
    holdoutProbabilities = Array.from(smoothed.subarray(holdoutFrom));
    predict = fallbackPredict;
  }

  const card: LatePaymentModelCard = {
    trainedOn: n,
    holdoutSize: n - holdoutFrom,
    auc: aucMannWhitney(holdoutProbabilities, holdoutLabels),
    brier: brierScore(holdoutProbabilities, holdoutLabels),
    ece: expectedCalibrationError(holdoutProbabilities, holdoutLabels),
    calibration: calibrationBins(holdoutProbabilities, holdoutLabels),
    method: fittable
      ? `L2 logistic regression (Newton/IRLS, l2=${l2}) on ${LATE_FEATURES.length} point-in-time features, ` +
        `Platt-scaled on the latest ${CALIBRATION_SHARE * 100}% of training rows` +
        `${o.followCompanyTrend === false ? '' : ", shifted by the company's projected late-rate trend"}; ` +
        `holdout = latest ${HOLDOUT_SHARE * 100}% by TxnDate; ` +
        `refitted on all ${n} (the most recent, at most ${MAX_TRAINING_INVOICES}) decided invoices`
      : `Fallback: the customer's late share smoothed with a Beta prior (k=${SHRINKAGE_K}) ` +
        "toward the company's late rate " +
        `(fewer than ${MIN_TRAINING_INVOICES} decided invoices, or only one outcome class)`,
    fallback: !fittable,
    features: fittable ? [...LATE_FEATURES] : ['priorLateShare'],
    asOf: o.asOf,
  };
  return { card, predict };
}

/** Probability plus the features that moved it most: coefficient × standardised value, largest |·| first. */
function explain(model: CalibratedLogistic, invoice: InvoiceFact, values: number[]): InvoiceLateProbability {
  const scored = scoreCalibrated(model, values);
  const topFeatures = scored.contributions
    .map((contribution, j) => ({ feature: LATE_FEATURES[j]!, contribution }))
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || (a.feature < b.feature ? -1 : 1))
    .slice(0, TOP_FEATURES);
  return { invoiceId: invoice.id, probability: scored.probability, topFeatures };
}

/**
 * Predictions for the invoices still open at as-of and not yet past due (due on or after as-of), in input order.
 * An invoice already past due is late for certain: what is uncertain about it is collection, which the cash
 * forecast answers (openInvoiceChances), so it is not predicted.
 */
export function predictOpenInvoices(
  model: TrainedLateModel,
  invoices: readonly InvoiceFact[],
  asOf: string,
): InvoiceLateProbability[] {
  return invoices
    .filter((i) => i.totalCents > 0 && i.dueDate >= asOf && openCents(i, asOf) > 0)
    .map((i) => model.predict(i));
}
