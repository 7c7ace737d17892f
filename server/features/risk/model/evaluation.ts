/** Scoring-quality measures for probabilistic predictions of a binary outcome (1 = late). Pure. */

/** Mean squared error of the probabilities; null on an empty set. */
export function brierScore(probabilities: readonly number[], labels: readonly (0 | 1)[]): number | null {
  if (probabilities.length === 0) return null;
  let sum = 0;
  probabilities.forEach((p, i) => {
    sum += (p - labels[i]!) ** 2;
  });
  return sum / probabilities.length;
}

export interface CalibrationBin {
  bin: string;
  predicted: number;
  observed: number;
  count: number;
}

/**
 * Reliability table: equal-width probability bins ('0.0-0.1' … '0.9-1.0'), each with the mean predicted
 * probability and the observed late share. Empty bins are left out (their means would be undefined).
 */
export function calibrationBins(
  probabilities: readonly number[],
  labels: readonly (0 | 1)[],
  bins = 10,
): CalibrationBin[] {
  const sums = Array.from({ length: bins }, () => ({ p: 0, y: 0, n: 0 }));
  probabilities.forEach((p, i) => {
    const b = sums[Math.min(bins - 1, Math.max(0, Math.floor(p * bins)))]!;
    b.p += p;
    b.y += labels[i]!;
    b.n++;
  });
  const out: CalibrationBin[] = [];
  sums.forEach((b, k) => {
    if (b.n > 0)
      out.push({
        bin: `${(k / bins).toFixed(1)}-${((k + 1) / bins).toFixed(1)}`,
        predicted: b.p / b.n,
        observed: b.y / b.n,
        count: b.n,
      });
  });
  return out;
}

/**
 * Expected calibration error: over equal-width bins, the count-weighted mean of |mean predicted − observed
 * late share|. Zero when every bin's predictions match what happened; null on an empty set.
 */
export function expectedCalibrationError(
  probabilities: readonly number[],
  labels: readonly (0 | 1)[],
  bins = 10,
): number | null {
  if (probabilities.length === 0) return null;
  const table = calibrationBins(probabilities, labels, bins);
  return table.reduce((sum, b) => sum + b.count * Math.abs(b.predicted - b.observed), 0) / probabilities.length;
}
