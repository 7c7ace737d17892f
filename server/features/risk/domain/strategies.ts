import { addMonths, dayOf } from './dates.js';
import { openCents } from './invoice-metrics.js';
import type { CustomerAssessment, ProfitabilityTier } from './assess-company.js';
import type { InvoiceFact } from './risk-facts.js';

export type Strategy = 'Standard' | 'Loyalty' | 'Send reminders' | 'AR follow-up' | 'Credit restriction';
export const STRATEGIES: readonly Strategy[] = ['Standard', 'Loyalty', 'Send reminders', 'AR follow-up', 'Credit restriction'];
export type HighRiskSegment = 'Strategic retention' | 'Close monitoring' | 'Active collection';

/** High-risk customers by profitability: keep the profitable ones close, collect from the rest. */
export function highRiskSegment(tier: ProfitabilityTier): HighRiskSegment {
  return tier === 'High' ? 'Strategic retention' : tier === 'Medium' ? 'Close monitoring' : 'Active collection';
}

/**
 * One strategy per customer, first rule that matches (documented in docs/risk.md): anything 90+ days overdue,
 * or a high-risk customer who earns little, is Credit restriction; high risk, a high band or 31+ days
 * overdue is AR follow-up; anything overdue or a medium band is Send reminders; a low-risk, highly
 * profitable, on-time customer is Loyalty; everyone else Standard.
 */
export function customerStrategy(c: Pick<CustomerAssessment, 'metrics' | 'risk' | 'profitabilityTier'>): Strategy {
  const a = c.metrics.aging;
  if (a.d91plus > 0 || (c.risk.highRisk && c.profitabilityTier === 'Low')) return 'Credit restriction';
  if (c.risk.highRisk || c.risk.band === 'high' || a.d31to60 + a.d61to90 > 0) return 'AR follow-up';
  if (a.d1to30 > 0 || c.risk.band === 'medium') return 'Send reminders';
  if (c.risk.band === 'low' && c.profitabilityTier === 'High' && (c.metrics.onTimeRate ?? 0) >= 90) return 'Loyalty';
  return 'Standard';
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
  /** Share of the total value (outstanding balance for customers, open balance for invoices), percent. */
  valueShare: number;
}

export function summarise(items: ReadonlyArray<{ strategy: Strategy; valueCents: number }>): StrategySummary[] {
  const total = items.reduce((s, i) => s + i.valueCents, 0);
  return STRATEGIES.map((strategy) => {
    const mine = items.filter((i) => i.strategy === strategy);
    const value = mine.reduce((s, i) => s + i.valueCents, 0);
    return { strategy, count: mine.length, valueCents: value, valueShare: total === 0 ? 0 : Math.round((10_000 * value) / total) / 100 };
  });
}

export interface CreditLimit {
  cents: number;
  basis: string;
}

const BAND_FACTOR = { low: 1.25, medium: 1, high: 0.5 } as const;
const GRACE_DAYS = 15;

/**
 * Needs-based credit limit (scoring-methods.md §2): average monthly billing over the last 12 months ×
 * (usual terms + 15 days grace) / 30, scaled by risk (×1.25 low, ×1 medium, ×0.5 high); zero under Credit
 * restriction. Rounded to $100.
 */
export function recommendedCreditLimit(invoices: readonly InvoiceFact[], c: Pick<CustomerAssessment, 'risk'>, strategy: Strategy, asOf: string): CreditLimit {
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

export function openInvoices(invoices: readonly InvoiceFact[], asOf: string): InvoiceFact[] {
  return invoices.filter((i) => openCents(i, asOf) > 0);
}
