/**
 * The label Duesense writes for a scored customer: the stable risk tier the panel shows, the strategy, the
 * recommended credit limit with its basis, and a credit hold under Credit restriction. Pure.
 */
import type { RiskBand } from '../../risk/domain/risk-score.js';
import type { ScoredCustomer } from '../../risk/score-run-store-type.js';

export type { ScoredCustomer };
import { blockBasis, type RiskLabel, type RiskTier, type ShownLabel } from './notes-block.js';

const TIER_OF_BAND: Record<RiskBand, RiskTier> = { low: 'Low', medium: 'Medium', high: 'High' };

export function tierOf(band: RiskBand | null): RiskTier | null {
  return band === null ? null : TIER_OF_BAND[band];
}

/**
 * The label for a customer, or null for one never scored (no tier to write). `asOf` is the date the label's
 * content took its current value: when the block already shows the same recommendation, its date is kept, so an
 * unchanged recommendation is never rewritten just because a night passed.
 */
export function labelFor(
  c: ScoredCustomer,
  o: { currency: string; runAsOf: string; shown?: ShownLabel | undefined },
): RiskLabel | null {
  const riskTier = tierOf(c.band);
  if (riskTier === null) return null;
  const label: RiskLabel = {
    riskTier,
    strategy: c.strategy,
    creditLimit: { cents: c.creditLimit.cents, currency: o.currency },
    asOf: o.runAsOf,
    basis: c.creditLimit.summary ?? c.creditLimit.basis,
    creditHold: c.strategy === 'Credit restriction',
  };
  const shown = o.shown;
  if (shown?.asOf !== undefined && sameRecommendation(shown, label)) label.asOf = shown.asOf;
  return label;
}

/** The shown block says what the label says, the date aside (parts a short form left out are not compared). */
function sameRecommendation(shown: ShownLabel, label: RiskLabel): boolean {
  return (
    shown.riskTier === label.riskTier &&
    shown.creditHold === label.creditHold &&
    (shown.strategy === undefined || shown.strategy === label.strategy) &&
    (shown.creditLimit === undefined ||
      (shown.creditLimit.cents === label.creditLimit.cents &&
        shown.creditLimit.currency === label.creditLimit.currency)) &&
    (shown.basis === undefined || shown.basis === blockBasis(label.basis))
  );
}
