import { bandOfScore, type RiskBand } from './risk-score.js';
import type { RiskPolicy } from './risk-policy.js';

/**
 * The policy's stability settings (scoring-methods.md §5: S_t = α·raw_t + (1 − α)·S_{t−1}) and its tier cut points.
 * `deadband` and `saferRunsNeeded`: a customer moves to a safer band only when its smoothed score is that far below
 * the band's threshold for that many runs in a row; moves to a riskier band are immediate. `risingRunsAlert`: alert
 * when the smoothed score has risen (by more than `risingBy` points) that many runs in a row.
 */
export type StabilityPolicy = RiskPolicy['stability'] & { bands: RiskPolicy['bands'] };

export interface ScoreState {
  smoothed: number | null;
  band: RiskBand | null;
  risingRuns: number;
  saferRuns: number;
}

export type StabilityAlert =
  { kind: 'band_up'; from: RiskBand | null; to: RiskBand } | { kind: 'rising'; runs: number };

const RANK: Record<RiskBand, number> = { low: 0, medium: 1, high: 2 };

/** The lower threshold of a band: below it (minus the deadband) the customer may move to a safer band. */
function floorOf(band: RiskBand, bands: StabilityPolicy['bands']): number {
  return band === 'high' ? bands.high : band === 'medium' ? bands.medium : 0;
}

/**
 * One run's step for one customer: smooth the raw score, move to a riskier band at once (with an alert),
 * move to a safer band only after the smoothed score has stayed clearly below the band for a few runs, and
 * alert when the score keeps rising. Small noise around a threshold therefore never flips the band.
 * A customer who meets the high-risk rule this run is in the High tier at once, whatever the smoothed score.
 */
export function stabilise(
  prev: ScoreState | undefined,
  raw: number | null,
  p: StabilityPolicy,
  highRisk = false,
): { state: ScoreState; alerts: StabilityAlert[] } {
  if (raw === null) return { state: prev ?? { smoothed: null, band: null, risingRuns: 0, saferRuns: 0 }, alerts: [] };
  const smoothed =
    prev?.smoothed == null ? raw : Math.round((p.alpha * raw + (1 - p.alpha) * prev.smoothed) * 100) / 100;
  const target: RiskBand = highRisk ? 'high' : bandOfScore(smoothed, p.bands);
  const alerts: StabilityAlert[] = [];
  let band = prev?.band ?? null;
  let saferRuns = 0;
  if (band === null) band = target;
  else if (RANK[target] > RANK[band]) {
    alerts.push({ kind: 'band_up', from: band, to: target });
    band = target;
  } else if (RANK[target] < RANK[band]) {
    saferRuns = smoothed < floorOf(band, p.bands) - p.deadband ? (prev?.saferRuns ?? 0) + 1 : 0;
    if (saferRuns >= p.saferRunsNeeded) {
      band = target;
      saferRuns = 0;
    }
  }
  const risingRuns = prev?.smoothed != null && smoothed > prev.smoothed + p.risingBy ? prev.risingRuns + 1 : 0;
  if (risingRuns === p.risingRunsAlert) alerts.push({ kind: 'rising', runs: risingRuns });
  return { state: { smoothed, band, risingRuns, saferRuns }, alerts };
}
