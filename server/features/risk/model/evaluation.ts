/** Scoring-quality measures for probabilistic predictions of a binary outcome (1 = late). Pure. */

/**
 * ROC AUC by the Mann-Whitney U statistic: the probability that a random positive scores above a random
 * negative, ties counted as one half (average ranks). Null when either class is absent: it is undefined.
 */
export function aucMannWhitney(scores: readonly number[], labels: readonly (0 | 1)[]): number | null {
  if (scores.length !== labels.length) throw new Error('scores and labels differ in length');
  const order = scores.map((s, i) => ({ s, y: labels[i]! })).sort((a, b) => a.s - b.s);
  let positives = 0;
  let positiveRankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && order[j]!.s === order[i]!.s) j++;
    const averageRank = (i + 1 + j) / 2; // ranks i+1..j share their mean
    for (let k = i; k < j; k++) if (order[k]!.y === 1) { positives++; positiveRankSum += averageRank; }
    i = j;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return null;
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Mean squared error of the probabilities; null on an empty set. */
export function brierScore(probabilities: readonly number[], labels: readonly (0 | 1)[]): number | null {
  if (probabilities.length === 0) return null;
  let sum = 0;
  probabilities.forEach((p, i) => { sum += (p - labels[i]!) ** 2; });
  return sum / probabilities.length;
}

export interface CalibrationBin { bin: string; predicted: number; observed: number; count: number }

/**
 * Reliability table: equal-width probability bins ('0.0-0.1' … '0.9-1.0'), each with the mean predicted
 * probability and the observed late share. Empty bins are left out (their means would be undefined).
 */
export function calibrationBins(probabilities: readonly number[], labels: readonly (0 | 1)[], bins = 10): CalibrationBin[] {
  const sums = Array.from({ length: bins }, () => ({ p: 0, y: 0, n: 0 }));
  probabilities.forEach((p, i) => {
    const b = sums[Math.min(bins - 1, Math.max(0, Math.floor(p * bins)))]!;
    b.p += p; b.y += labels[i]!; b.n++;
  });
  const out: CalibrationBin[] = [];
  sums.forEach((b, k) => {
    if (b.n > 0) out.push({ bin: `${(k / bins).toFixed(1)}-${((k + 1) / bins).toFixed(1)}`, predicted: b.p / b.n, observed: b.y / b.n, count: b.n });
  });
  return out;
}

/**
 * Expected calibration error: over equal-width bins, the count-weighted mean of |mean predicted − observed
 * late share|. Zero when every bin's predictions match what happened; null on an empty set.
 */
export function expectedCalibrationError(probabilities: readonly number[], labels: readonly (0 | 1)[], bins = 10): number | null {
  if (probabilities.length === 0) return null;
  const table = calibrationBins(probabilities, labels, bins);
  return table.reduce((sum, b) => sum + b.count * Math.abs(b.predicted - b.observed), 0) / probabilities.length;
}
