import { addMonths, dayOf } from './dates.js';
import type { ProfitabilityTier } from './assess-company.js';
import type { RiskBand, RiskScore } from './risk-score.js';
import { apportion } from '../forecast/apportion.js';
import type { InvoiceFact } from './risk-facts.js';

export type Strategy = 'Standard' | 'Loyalty' | 'Send reminders' | 'AR follow-up' | 'Credit restriction';
export const STRATEGIES: readonly Strategy[] = ['Standard', 'Loyalty', 'Send reminders', 'AR follow-up', 'Credit restriction'];
export type HighRiskSegment = 'Strategic retention' | 'Close monitoring' | 'Active collection';

/**
 * The strategy of each risk tier × profitability tier cell. Unscored customers (no history, no credit score) are
 * Standard. A customer's strategy is its cell's, nothing else, so the strategy, the tier and the profitability a
 * page shows always agree.
 */
export const STRATEGY_BY_CELL: Readonly<Record<RiskBand, Readonly<Record<ProfitabilityTier, Strategy>>>> = {
  high: { High: 'AR follow-up', Medium: 'AR follow-up', Low: 'Credit restriction' },
  medium: { High: 'Send reminders', Medium: 'Send reminders', Low: 'Send reminders' },
  low: { High: 'Loyalty', Medium: 'Standard', Low: 'Standard' },
};

/** High-risk customers by profitability: keep the profitable ones close, collect from the rest. */
export function highRiskSegment(tier: ProfitabilityTier): HighRiskSegment {
  return tier === 'High' ? 'Strategic retention' : tier === 'Medium' ? 'Close monitoring' : 'Active collection';
}

/** A customer's strategy: the cell of its risk tier and profitability tier (STRATEGY_BY_CELL). */
export function customerStrategy(c: { risk: Pick<RiskScore, 'band'>; profitabilityTier: ProfitabilityTier }): Strategy {
  return c.risk.band === null ? 'Standard' : STRATEGY_BY_CELL[c.risk.band][c.profitabilityTier];
}

/** An open invoice's strategy: its customer's restriction first, then how late it is or is likely to be. */
export function invoiceStrategy(customer: Strategy, daysPastDue: number, lateProbability: number | null): Strategy {
  if (customer === 'Credit restriction') return 'Credit restriction';
  // A past-due invoice is late already: its age decides, not a chance of paying late.
  const ahead = daysPastDue >= 1 ? 0 : (lateProbability ?? 0);
  if (daysPastDue > 30 || ahead >= 0.7) return 'AR follow-up';
  if (daysPastDue >= 1 || ahead >= 0.4) return 'Send reminders';
  if (customer === 'Loyalty') return 'Loyalty';
  return 'Standard';
}

export interface StrategySummary {
  strategy: Strategy;
  count: number;
  valueCents: number;
  /**
   * Share of the total value (outstanding balance for customers, open balance for invoices), percent with two
   * decimals; the shares of one summary add up to exactly 100 (largest remainder) when the total is not zero.
   */
  valueShare: number;
  /** For customers: the open invoices those customers hold, and the overdue part of their balance. */
  openInvoices?: number;
  overdueCents?: number;
}

/** Per strategy, in STRATEGIES order: how many, how much, the share of the total, and what else is given. */
export function summarise(items: ReadonlyArray<{ strategy: Strategy; valueCents: number; openInvoices?: number; overdueCents?: number }>): StrategySummary[] {
  const total = items.reduce((s, i) => s + i.valueCents, 0);
  const groups = STRATEGIES.map((strategy) => {
    const mine = items.filter((i) => i.strategy === strategy);
    const sum = (f: (i: (typeof mine)[number]) => number | undefined) => mine.reduce((s, i) => s + (f(i) ?? 0), 0);
    const withCustomerFigures = items.some((i) => i.openInvoices !== undefined);
    return {
      strategy, count: mine.length, valueCents: sum((i) => i.valueCents),
      ...(withCustomerFigures ? { openInvoices: sum((i) => i.openInvoices), overdueCents: sum((i) => i.overdueCents) } : {}),
    };
  });
  // Basis points that add up to 10,000, so the shown percentages add up to 100.00.
  const shares = total === 0 ? groups.map(() => 0) : apportion(groups.map((g) => g.valueCents), 10_000);
  return groups.map((g, k) => ({ ...g, valueShare: shares[k]! / 100 }));
}

export interface CreditLimit {
  cents: number;
  basis: string;
}

const BAND_FACTOR: Readonly<Record<RiskBand, number>> = { low: 1.25, medium: 1, high: 0.5 };
const GRACE_DAYS = 15;

/**
 * Needs-based credit limit (scoring-methods.md §2): average monthly billing over the last 12 months ×
 * (usual terms + 15 days grace) / 30, scaled by risk (×1.25 low, ×1 medium, ×0.5 high); zero under Credit
 * restriction. Rounded to $100.
 */
export function recommendedCreditLimit(invoices: readonly InvoiceFact[], c: { risk: Pick<RiskScore, 'band'> }, strategy: Strategy, asOf: string): CreditLimit {
  if (strategy === 'Credit restriction') return { cents: 0, basis: 'Credit restriction: no new credit until overdue invoices are paid' };
  const from = addMonths(asOf, -12);
  const recent = invoices.filter((i) => i.txnDate > from && i.txnDate <= asOf);
  if (recent.length === 0) return { cents: 0, basis: 'No invoices in the last 12 months' };
  const monthly = recent.reduce((s, i) => s + i.totalCents, 0) / 12;
  const terms = [...recent.map((i) => dayOf(i.dueDate) - dayOf(i.txnDate))].sort((a, b) => a - b)[Math.floor(recent.length / 2)]!;
  const factor = c.risk.band ? BAND_FACTOR[c.risk.band] : 1;
  const cents = Math.round((monthly * ((terms + GRACE_DAYS) / 30) * factor) / 10_000) * 10_000;
  return { cents, basis: `average monthly billing ${Math.round(monthly / 100)} × (${terms}-day terms + ${GRACE_DAYS} days grace) / 30 × ${factor} for ${c.risk.band ?? 'unscored'} risk` };
}

/** Days past due of an open invoice at A (negative when not yet due). */
export function daysPastDue(inv: InvoiceFact, asOf: string): number {
  return dayOf(asOf) - dayOf(inv.dueDate);
}
