import { bandOfScore, type RiskBand } from './risk-score.js';

export interface StabilityPolicy {
  /** EWMA weight of the newest score (scoring-methods.md §5: S_t = 0.3·raw_t + 0.7·S_{t−1}). */
  alpha: number;
  /** A customer moves to a safer band only when its smoothed score is this far below the band's threshold… */
  deadband: number;
  /** …for this many runs in a row. Moves to a riskier band are immediate. */
  saferRunsNeeded: number;
  /** Alert when the smoothed score has risen this many runs in a row. */
  risingRunsAlert: number;
  bands: { medium: number; high: number };
}

export const DEFAULT_STABILITY: Omit<StabilityPolicy, 'bands'> = { alpha: 0.3, deadband: 5, saferRunsNeeded: 2, risingRunsAlert: 3 };

export interface ScoreState {
  smoothed: number | null;
  band: RiskBand | null;
  risingRuns: number;
  saferRuns: number;
}

export type StabilityAlert = { kind: 'band_up'; from: RiskBand | null; to: RiskBand } | { kind: 'rising'; runs: number };

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
  prev: ScoreState | undefined, raw: number | null, p: StabilityPolicy, highRisk = false,
): { state: ScoreState; alerts: StabilityAlert[] } {
  if (raw === null) return { state: prev ?? { smoothed: null, band: null, risingRuns: 0, saferRuns: 0 }, alerts: [] };
  const smoothed = prev?.smoothed == null ? raw : Math.round((p.alpha * raw + (1 - p.alpha) * prev.smoothed) * 100) / 100;
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
  const risingRuns = prev?.smoothed != null && smoothed > prev.smoothed + 0.5 ? prev.risingRuns + 1 : 0;
  if (risingRuns === p.risingRunsAlert) alerts.push({ kind: 'rising', runs: risingRuns });
  return { state: { smoothed, band, risingRuns, saferRuns }, alerts };
}
