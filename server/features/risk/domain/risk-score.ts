import type { CustomerMetrics } from './customer-metrics.js';
import type { RiskPolicy } from './risk-policy.js';

export type RiskBand = 'low' | 'medium' | 'high';

export interface Reason {
  code:
    | 'high_risk_rule'
    | 'payment_rate'
    | 'late_invoices'
    | 'overdue_60'
    | 'days_beyond_terms'
    | 'payment_score'
    | 'credit_score'
    | 'billing_fell'
    | 'short_tenure'
    | 'irregular'
    | 'pays_well';
  text: string;
  /** Points of the composite score this factor accounts for (ranking only). */
  weight: number;
}

export interface RiskScore {
  /** 0–100, higher is riskier; null when no input exists (no history, no credit score). */
  score: number | null;
  /**
   * The risk tier: the band of the score, except that a customer who meets the high-risk rule is always
   * 'high' (metrics.md), so one customer never carries two risk labels that disagree.
   */
  band: RiskBand | null;
  /** Meets the high-risk rule (payment rate and balance thresholds of the policy). */
  highRisk: boolean;
  reasons: Reason[];
}

/** Where the credit term came from: a bureau score the user entered, else the PAYDEX-style payment score. */
export type CreditTermSource = 'bureau' | 'payment_score';

export interface CompositeTerms {
  paymentRate?: number;
  credit?: number;
  stability?: number;
}

export function compactMoney(cents: number, currency = 'USD'): string {
  const v = cents / 100;
  const symbol = currency === 'USD' ? '$' : `${currency} `;
  if (Math.abs(v) >= 1_000_000) return `${symbol}${(v / 1_000_000).toFixed(1)}M`;
  if (Math.abs(v) >= 1_000) return `${symbol}${(v / 1_000).toFixed(1)}k`;
  return `${symbol}${Math.round(v)}`;
}

/** The band a score falls in (policy cut points): the one place the thresholds are read. */
export function bandOfScore(score: number, bands: RiskPolicy['bands']): RiskBand {
  return score >= bands.high ? 'high' : score >= bands.medium ? 'medium' : 'low';
}

/**
 * The composite score (metrics.md): weights·(100 − payment rate, credit term, 100 − stability). The credit term
 * is (850 − bureau score)/850·100 when the user entered one, else 100 − the payment score; a term whose input is
 * missing is dropped and the remaining weights rescaled to sum to 1. `terms` are each term's points.
 */
export function compositeScore(
  m: Pick<CustomerMetrics, 'paymentRate' | 'stability' | 'paymentScore'>,
  creditScore: number | null,
  policy: RiskPolicy,
): { score: number | null; terms: CompositeTerms; creditSource: CreditTermSource | null } {
  const terms: Array<[keyof CompositeTerms, number, number]> = [];
  if (m.paymentRate !== null) terms.push(['paymentRate', policy.weights.paymentRate, 100 - m.paymentRate]);
  const creditSource: CreditTermSource | null =
    creditScore !== null ? 'bureau' : m.paymentScore !== null ? 'payment_score' : null;
  if (creditScore !== null) terms.push(['credit', policy.weights.creditScore, ((850 - creditScore) / 850) * 100]);
  else if (m.paymentScore !== null) terms.push(['credit', policy.weights.creditScore, 100 - m.paymentScore]);
  if (m.stability !== null) terms.push(['stability', policy.weights.stability, 100 - m.stability]);
  const totalWeight = terms.reduce((s, [, w]) => s + w, 0);
  if (terms.length === 0 || totalWeight === 0) return { score: null, terms: {}, creditSource: null };
  const contributions: CompositeTerms = Object.fromEntries(terms.map(([k, w, v]) => [k, (w / totalWeight) * v]));
  const score = Object.values(contributions).reduce((s: number, v) => s + (v ?? 0), 0);
  return { score: Math.round(score * 100) / 100, terms: contributions, creditSource };
}

/** The high-risk rule (metrics.md): payment rate below the policy's line and a balance above its threshold. */
export function meetsHighRiskRule(
  m: Pick<CustomerMetrics, 'paymentRate' | 'outstandingCents'>,
  policy: RiskPolicy,
): boolean {
  return (
    m.paymentRate !== null &&
    m.paymentRate < policy.highRisk.paymentRateBelow &&
    m.outstandingCents > policy.highRisk.balanceAboveCents
  );
}

export function riskScore(
  m: CustomerMetrics,
  creditScore: number | null,
  policy: RiskPolicy,
  currency = 'USD',
): RiskScore {
  const { score, terms, creditSource } = compositeScore(m, creditScore, policy);
  const highRisk = meetsHighRiskRule(m, policy);
  const band: RiskBand | null = highRisk ? 'high' : score === null ? null : bandOfScore(score, policy.bands);
  return {
    score,
    band,
    highRisk,
    reasons: reasons(m, creditScore, { terms, creditSource, highRisk, policy }, currency),
  };
}

/**
 * The top factors behind a score (at most 4), in plain words, largest first. Each composite term speaks for its
 * own points; lateness speaks through the credit term when it is the payment score. The high-risk rule, when met,
 * comes first: it is what puts the customer in the High tier whatever the score. When each reason is given and how
 * it ranks are the policy's `reasons` (docs/risk.md explains each weight).
 */
function reasons(
  m: CustomerMetrics,
  creditScore: number | null,
  s: { terms: CompositeTerms; creditSource: CreditTermSource | null; highRisk: boolean; policy: RiskPolicy },
  currency: string,
): Reason[] {
  const out: Reason[] = [];
  const { thresholds: when, weights: w } = s.policy.reasons;
  const money = (cents: number) => compactMoney(cents, currency);
  const payment = s.terms.paymentRate ?? 0;
  const credit = s.terms.credit ?? 0;
  const stability = s.terms.stability ?? 0;
  if (m.paymentRate !== null && m.paymentRate < when.paymentRateBelow) {
    const text = `Paid ${m.paymentRate.toFixed(0)}% of the ${money(m.dueInWindowCents)} that fell due in the window`;
    out.push({ code: 'payment_rate', text, weight: payment });
  }
  if (s.creditSource === 'bureau' && creditScore !== null && creditScore < when.creditScoreBelow) {
    out.push({ code: 'credit_score', text: `Credit score ${creditScore}`, weight: credit });
  }
  // With the payment score as the credit term, lateness is what the term measures: its reasons share its points.
  const lateness = s.creditSource === 'payment_score' ? credit : 0;
  if (m.avgDaysBeyondTerms !== null && m.avgDaysBeyondTerms > when.daysBeyondTermsOver) {
    const text =
      `Pays ${Math.round(m.avgDaysBeyondTerms)} days beyond terms on average` +
      (s.creditSource === 'payment_score' && m.paymentScore !== null
        ? ` (payment score ${m.paymentScore} of 100)`
        : '');
    // With a bureau score as the credit term no term measures lateness: the days themselves give the points.
    const ownPoints = Math.min(w.maxPointsForDaysBeyondTerms, m.avgDaysBeyondTerms * w.pointsPerDayBeyondTerms);
    out.push({ code: 'days_beyond_terms', text, weight: Math.max(lateness, ownPoints) });
  } else if (s.creditSource === 'payment_score' && m.paymentScore !== null && m.paymentScore < when.paymentScoreBelow) {
    out.push({ code: 'payment_score', text: `Payment score ${m.paymentScore} of 100`, weight: lateness });
  }
  // Supporting reasons take a share of the points of the term they feed, less than that term's own reason.
  if (m.lateOfLast10.late >= when.lateInvoicesFrom) {
    const share = m.lateOfLast10.late / Math.max(1, m.lateOfLast10.of);
    const weight =
      lateness > 0
        ? w.ownTermShare * lateness * share
        : w.relatedTermShare * payment * share + (m.lateOfLast10.late / 10) * w.lateInvoicesPoints;
    out.push({
      code: 'late_invoices',
      text: `Paid ${m.lateOfLast10.late} of the last ${m.lateOfLast10.of} invoices late`,
      weight,
    });
  }
  if (m.overdue60PlusCents > 0) {
    const share = m.overdue60PlusCents / Math.max(1, m.outstandingCents);
    const weight = (w.ownTermShare * payment + w.relatedTermShare * lateness) * share + w.overdue60Points;
    out.push({ code: 'overdue_60', text: `${money(m.overdue60PlusCents)} overdue more than 60 days`, weight });
  }
  if (m.billingTrend !== null && m.billingTrend < when.billingTrendBelow) {
    const text = `Billing fell ${Math.round((1 - m.billingTrend) * 100)}% in the last 6 months`;
    out.push({ code: 'billing_fell', text, weight: stability + w.billingFellPoints });
  }
  if (m.lifespanDays !== null && m.lifespanDays < when.tenureUnderDays) {
    out.push({
      code: 'short_tenure',
      text: `A customer for only ${Math.max(1, Math.round(m.lifespanDays / 30))} months`,
      weight: stability,
    });
  }
  out.sort((a, b) => b.weight - a.weight);
  if (s.highRisk) {
    const rule = s.policy.highRisk;
    out.unshift({
      code: 'high_risk_rule',
      weight: 100,
      text:
        `Meets the high-risk rule: paid under ${rule.paymentRateBelow}% of what fell due ` +
        `and owes ${money(m.outstandingCents)} (over ${money(rule.balanceAboveCents)})`,
    });
  }
  if (out.length === 0 && m.paymentRate !== null) {
    const onTime = m.onTimeRate !== null ? `, ${m.onTimeRate.toFixed(0)}% on time` : '';
    out.push({
      code: 'pays_well',
      text: `Pays well: ${m.paymentRate.toFixed(0)}% of invoiced dollars collected${onTime}`,
      weight: 0,
    });
  }
  return out.slice(0, 4);
}
