import { aucMannWhitney } from './ranking-auc.js';
import { scoreCustomers } from './assess-company.js';
import { addMonths, dateOf, dayOf } from './dates.js';
import { openCents } from './invoice-metrics.js';
import type { CompanyFacts, InvoiceFact } from './risk-facts.js';
import type { RiskPolicy } from './risk-policy.js';

/**
 * How well the composite score, computed as it would have been some months before as-of, picked out the
 * customers who then paid very late (docs/risk.md, "Score backtest"). Only data up to as-of is read.
 */
export interface ScoreBacktest {
  /** The date the company was scored as of: as-of minus `months`. */
  scoredAsOf: string;
  asOf: string;
  /**
   * Customers with a score then and an invoice that reached 31 days past due within the period (they could be late).
   */
  customers: number;
  /** Of those, the ones with an invoice still open more than 30 days past due within the period. */
  lateCustomers: number;
  /** AUC of the score then against being one of the late customers; null when either group is empty. */
  auc: number | null;
  /** Dollars (cents) still open 30 days past due, on invoices that got there within the period. */
  lateCents: number;
  /** The part of lateCents owed by customers in the High risk tier then. */
  highRiskLateCents: number;
  /** highRiskLateCents / lateCents; null when nothing went that late. */
  highRiskShare: number | null;
  /** Customers in the High risk tier then. */
  highRiskCustomers: number;
}

export const BACKTEST_MONTHS = 6;
/** Days beyond terms an invoice must stay unpaid to count as very late. */
export const VERY_LATE_DAYS = 30;

export interface ScoredCustomer {
  customerId: string;
  score: number | null;
  band: 'low' | 'medium' | 'high' | null;
}

/** Scores the company as of `months` before as-of with the same facts and policy, then checks the period after. */
export function backtestScore(
  facts: CompanyFacts,
  policy: RiskPolicy,
  asOf: string,
  months = BACKTEST_MONTHS,
): ScoreBacktest {
  const scoredAsOf = addMonths(asOf, -months);
  // Invoices issued later play no part in a score as of then (metrics read those issued by their as-of only):
  // leaving them out gives the same scores for less work.
  // A score needs no company figures, strategies or smoothing (there is no run before it to smooth against).
  const then = scoreCustomers(
    { ...facts, invoices: facts.invoices.filter((i) => i.txnDate <= scoredAsOf) },
    policy,
    scoredAsOf,
  );
  const scored = then.scores.map((c) => ({ customerId: c.customer.id, score: c.risk.score, band: c.risk.band }));
  return scoreAgainstOutcomes(scored, facts.invoices, scoredAsOf, asOf);
}

/**
 * The outcome side: an invoice went very late in (scoredAsOf, asOf] when the day it became more than
 * VERY_LATE_DAYS past due (due + 31) falls in that period and it was still open at the end of due + 30;
 * the dollars are what was open then. Customers without a score then are left out of the AUC, and their
 * late dollars count as not caught.
 */
export function scoreAgainstOutcomes(
  scored: readonly ScoredCustomer[],
  invoices: readonly InvoiceFact[],
  scoredAsOf: string,
  asOf: string,
): ScoreBacktest {
  const from = dayOf(scoredAsOf);
  const to = dayOf(asOf);
  const exposed = new Set<string>();
  const lateCentsOf = new Map<string, number>();
  for (const inv of invoices) {
    const crossing = dayOf(inv.dueDate) + VERY_LATE_DAYS + 1;
    if (inv.totalCents <= 0 || crossing <= from || crossing > to) continue;
    exposed.add(inv.customerId);
    const open = openCents(inv, dateOf(crossing - 1));
    if (open > 0) lateCentsOf.set(inv.customerId, (lateCentsOf.get(inv.customerId) ?? 0) + open);
  }
  const ranked = scored.filter((c) => c.score !== null && exposed.has(c.customerId));
  const labels = ranked.map((c) => (lateCentsOf.has(c.customerId) ? 1 : 0) as 0 | 1);
  const high = new Set(scored.filter((c) => c.band === 'high').map((c) => c.customerId));
  let lateCents = 0;
  let highRiskLateCents = 0;
  for (const [customerId, cents] of lateCentsOf) {
    lateCents += cents;
    if (high.has(customerId)) highRiskLateCents += cents;
  }
  return {
    scoredAsOf,
    asOf,
    customers: ranked.length,
    lateCustomers: labels.filter((y) => y === 1).length,
    auc: aucMannWhitney(
      ranked.map((c) => c.score!),
      labels,
    ),
    lateCents,
    highRiskLateCents,
    highRiskShare: lateCents > 0 ? highRiskLateCents / lateCents : null,
    highRiskCustomers: high.size,
  };
}
