import { addMonths, dayOf } from './dates.js';
import type { ProfitabilityTier } from './assess-company.js';
import type { RiskScore } from './risk-score.js';
import { apportion } from './apportion.js';
import type { InvoiceFact } from './risk-facts.js';
import { STRATEGIES, type RiskPolicy, type Strategy } from './risk-policy.js';

// The strategy vocabulary belongs to the policy, whose cells choose from it;
// re-exported where strategies are worked out.
export { STRATEGIES, type Strategy };
export type HighRiskSegment = 'Strategic retention' | 'Close monitoring' | 'Active collection';

/** High-risk customers by profitability: keep the profitable ones close, collect from the rest. */
export function highRiskSegment(tier: ProfitabilityTier): HighRiskSegment {
  return tier === 'High' ? 'Strategic retention' : tier === 'Medium' ? 'Close monitoring' : 'Active collection';
}

/**
 * A customer's strategy: the cell of its risk tier and profitability tier (the policy's `strategies.byCell`).
 * Unscored customers (no history, no credit score) are Standard. The cell decides, nothing else, so the strategy,
 * the tier and the profitability a page shows always agree.
 */
export function customerStrategy(
  c: { risk: Pick<RiskScore, 'band'>; profitabilityTier: ProfitabilityTier },
  byCell: RiskPolicy['strategies']['byCell'],
): Strategy {
  return c.risk.band === null ? 'Standard' : byCell[c.risk.band][c.profitabilityTier];
}

/** An open invoice's strategy: its customer's restriction first, then how late it is or is likely to be. */
export function invoiceStrategy(
  customer: Strategy,
  daysPastDue: number,
  lateProbability: number | null,
  t: RiskPolicy['strategies']['openInvoice'],
): Strategy {
  if (customer === 'Credit restriction') return 'Credit restriction';
  // A past-due invoice is late already: its age decides, not a chance of paying late.
  const ahead = daysPastDue >= 1 ? 0 : (lateProbability ?? 0);
  if (daysPastDue > t.arFollowUp.daysPastDueOver || ahead >= t.arFollowUp.lateProbabilityFrom) return 'AR follow-up';
  if (daysPastDue >= t.sendReminders.daysPastDueFrom || ahead >= t.sendReminders.lateProbabilityFrom)
    return 'Send reminders';
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
export function summarise(
  items: ReadonlyArray<{ strategy: Strategy; valueCents: number; openInvoices?: number; overdueCents?: number }>,
): StrategySummary[] {
  const total = items.reduce((s, i) => s + i.valueCents, 0);
  const groups = STRATEGIES.map((strategy) => {
    const mine = items.filter((i) => i.strategy === strategy);
    const sum = (f: (i: (typeof mine)[number]) => number | undefined) => mine.reduce((s, i) => s + (f(i) ?? 0), 0);
    const withCustomerFigures = items.some((i) => i.openInvoices !== undefined);
    return {
      strategy,
      count: mine.length,
      valueCents: sum((i) => i.valueCents),
      ...(withCustomerFigures
        ? { openInvoices: sum((i) => i.openInvoices), overdueCents: sum((i) => i.overdueCents) }
        : {}),
    };
  });
  // Basis points that add up to 10,000, so the shown percentages add up to 100.00.
  const shares =
    total === 0
      ? groups.map(() => 0)
      : apportion(
          groups.map((g) => g.valueCents),
          10_000,
        );
  return groups.map((g, k) => ({ ...g, valueShare: shares[k]! / 100 }));
}

export interface CreditLimit {
  cents: number;
  basis: string;
  /**
   * The basis in a few words that stay the same while the recommendation does (no billing amount): what the label
   * in QuickBooks shows, so a label is rewritten only when the recommendation changes. Absent on older runs.
   */
  summary?: string;
}

/**
 * Needs-based credit limit (scoring-methods.md §2): average monthly billing over the last 12 months ×
 * (usual terms + the policy's grace days) / 30, scaled by the policy's factor of the risk tier (unscored: ×1);
 * zero under Credit restriction. Rounded to $100.
 */
export function recommendedCreditLimit(
  invoices: readonly InvoiceFact[],
  c: { risk: Pick<RiskScore, 'band'> },
  strategy: Strategy,
  asOf: string,
  policy: RiskPolicy['creditLimit'],
): CreditLimit {
  if (strategy === 'Credit restriction')
    return {
      cents: 0,
      basis: 'Credit restriction: no new credit until overdue invoices are paid',
      summary: 'no new credit until overdue invoices are paid',
    };
  const from = addMonths(asOf, -12);
  const recent = invoices.filter((i) => i.txnDate > from && i.txnDate <= asOf);
  if (recent.length === 0)
    return { cents: 0, basis: 'No invoices in the last 12 months', summary: 'no invoices in the last 12 months' };
  const monthly = recent.reduce((s, i) => s + i.totalCents, 0) / 12;
  const terms = [...recent.map((i) => dayOf(i.dueDate) - dayOf(i.txnDate))].sort((a, b) => a - b)[
    Math.floor(recent.length / 2)
  ]!;
  const factor = c.risk.band ? policy.factors[c.risk.band] : 1;
  const grace = policy.graceDays;
  const cents = Math.round((monthly * ((terms + grace) / 30) * factor) / 10_000) * 10_000;
  const dollars = Math.round(monthly / 100);
  const basis = `average monthly billing ${dollars} × (${terms}-day terms + ${grace} days grace) / 30`;
  const band = c.risk.band ?? 'unscored';
  return {
    cents,
    basis: `${basis} × ${factor} for ${band} risk`,
    summary: `12 months' billing over ${terms}-day terms + ${grace} days grace, x${factor} for ${band} risk`,
  };
}

/** Days past due of an open invoice at A (negative when not yet due). */
export function daysPastDue(inv: InvoiceFact, asOf: string): number {
  return dayOf(asOf) - dayOf(inv.dueDate);
}
