import type { CustomerMetrics } from './customer-metrics.js';
import type { RiskPolicy } from './risk-policy.js';

export type RiskBand = 'low' | 'medium' | 'high';

export interface Reason {
  code: 'payment_rate' | 'late_invoices' | 'overdue_60' | 'days_beyond_terms' | 'credit_score' | 'billing_fell' | 'short_tenure' | 'irregular' | 'pays_well';
  text: string;
  /** Points of the composite score this factor accounts for (ranking only). */
  weight: number;
}

export interface RiskScore {
  /** 0–100, higher is riskier; null when no input exists (no history, no credit score). */
  score: number | null;
  band: RiskBand | null;
  highRisk: boolean;
  reasons: Reason[];
}

export function compactMoney(cents: number, currency = 'USD'): string {
  const v = cents / 100;
  const symbol = currency === 'USD' ? '$' : `${currency} `;
  if (Math.abs(v) >= 1_000_000) return `${symbol}${(v / 1_000_000).toFixed(1)}M`;
  if (Math.abs(v) >= 1_000) return `${symbol}${(v / 1_000).toFixed(1)}k`;
  return `${symbol}${Math.round(v)}`;
}

/**
 * The composite score (metrics.md): 0.4·(100 − payment rate) + 0.4·((850 − credit score)/850·100) +
 * 0.2·(100 − stability) by default; a term whose input is missing is dropped and the other weights rescaled.
 */
export function compositeScore(m: Pick<CustomerMetrics, 'paymentRate' | 'stability'>, creditScore: number | null, policy: RiskPolicy): { score: number | null; terms: Record<string, number> } {
  const terms: Array<[string, number, number]> = [];
  if (m.paymentRate !== null) terms.push(['paymentRate', policy.weights.paymentRate, 100 - m.paymentRate]);
  if (creditScore !== null) terms.push(['creditScore', policy.weights.creditScore, ((850 - creditScore) / 850) * 100]);
  if (m.stability !== null) terms.push(['stability', policy.weights.stability, 100 - m.stability]);
  const totalWeight = terms.reduce((s, [, w]) => s + w, 0);
  if (terms.length === 0 || totalWeight === 0) return { score: null, terms: {} };
  const contributions = Object.fromEntries(terms.map(([k, w, v]) => [k, (w / totalWeight) * v]));
  const score = Object.values(contributions).reduce((s, v) => s + v, 0);
  return { score: Math.round(score * 100) / 100, terms: contributions };
}

export function riskScore(m: CustomerMetrics, creditScore: number | null, policy: RiskPolicy, currency = 'USD'): RiskScore {
  const { score, terms } = compositeScore(m, creditScore, policy);
  const band: RiskBand | null = score === null ? null : score >= policy.bands.high ? 'high' : score >= policy.bands.medium ? 'medium' : 'low';
  const highRisk = m.paymentRate !== null && m.paymentRate < policy.highRisk.paymentRateBelow && m.outstandingCents > policy.highRisk.balanceAboveCents;
  return { score, band, highRisk, reasons: reasons(m, creditScore, terms, currency) };
}

/** The top factors behind a score (at most 4), in plain words, largest first. */
function reasons(m: CustomerMetrics, creditScore: number | null, terms: Record<string, number>, currency: string): Reason[] {
  const out: Reason[] = [];
  const payment = terms.paymentRate ?? 0;
  if (m.paymentRate !== null && m.paymentRate < 95) {
    out.push({ code: 'payment_rate', text: `Paid ${m.paymentRate.toFixed(0)}% of the ${compactMoney(m.dueInWindowCents, currency)} that fell due in the window`, weight: payment });
  }
  if (m.lateOfLast10.late >= 2) {
    out.push({ code: 'late_invoices', text: `Paid ${m.lateOfLast10.late} of the last ${m.lateOfLast10.of} invoices late`, weight: payment * (m.lateOfLast10.late / Math.max(1, m.lateOfLast10.of)) + m.lateOfLast10.late });
  }
  if (m.overdue60PlusCents > 0) {
    out.push({ code: 'overdue_60', text: `${compactMoney(m.overdue60PlusCents, currency)} overdue more than 60 days`, weight: 10 + 30 * (m.overdue60PlusCents / Math.max(1, m.outstandingCents)) });
  }
  if (m.avgDaysBeyondTerms !== null && m.avgDaysBeyondTerms > 5) {
    out.push({ code: 'days_beyond_terms', text: `Pays ${Math.round(m.avgDaysBeyondTerms)} days beyond terms on average`, weight: Math.min(40, m.avgDaysBeyondTerms / 2) });
  }
  if (creditScore !== null && creditScore < 650) out.push({ code: 'credit_score', text: `Credit score ${creditScore}`, weight: terms.creditScore ?? 0 });
  if (m.billingTrend !== null && m.billingTrend < 0.7) {
    out.push({ code: 'billing_fell', text: `Billing fell ${Math.round((1 - m.billingTrend) * 100)}% in the last 6 months`, weight: (terms.stability ?? 0) + 5 });
  }
  if (m.lifespanDays !== null && m.lifespanDays < 180) out.push({ code: 'short_tenure', text: `A customer for only ${Math.max(1, Math.round(m.lifespanDays / 30))} months`, weight: (terms.stability ?? 0) + 2 });
  out.sort((a, b) => b.weight - a.weight);
  if (out.length === 0 && m.paymentRate !== null) out.push({ code: 'pays_well', text: `Pays well: ${m.paymentRate.toFixed(0)}% of invoiced dollars collected${m.onTimeRate !== null ? `, ${m.onTimeRate.toFixed(0)}% on time` : ''}`, weight: 0 });
  return out.slice(0, 4);
}
