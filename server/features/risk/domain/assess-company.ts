import {
  collectionTrend,
  daysSalesOutstanding,
  monthlyCollectionRates,
  type CollectionTrend,
  type MonthlyCollectionRate,
} from './company-metrics.js';
import { customerMetrics, type Aging, type CustomerMetrics } from './customer-metrics.js';
import { riskScore, type RiskBand, type RiskScore } from './risk-score.js';
import { stabilise, type ScoreState, type StabilityAlert } from './score-stability.js';
import type { RiskPolicy } from './risk-policy.js';
import type { CompanyFacts, CustomerFact, InvoiceFact } from './risk-facts.js';
import { openCents } from './invoice-metrics.js';
import {
  customerStrategy,
  daysPastDue,
  highRiskSegment,
  invoiceStrategy,
  recommendedCreditLimit,
  summarise,
  type CreditLimit,
  type HighRiskSegment,
  type Strategy,
  type StrategySummary,
} from './strategies.js';

export type ProfitabilityTier = 'High' | 'Medium' | 'Low';

/** A customer's risk as the panel shows it: `band` is the stable risk tier, `ownBand` this run's tier alone. */
export type CustomerRisk = RiskScore & { ownBand: RiskBand | null };

export interface CustomerAssessment {
  customerId: string;
  name: string;
  active: boolean;
  creditScore: number | null;
  metrics: CustomerMetrics;
  risk: CustomerRisk;
  /** Smoothing and hysteresis after this run (the next run's previous state), and the alerts this run raises. */
  scoreState: ScoreState;
  alerts: StabilityAlert[];
  profitabilityTier: ProfitabilityTier;
  strategy: Strategy;
  /** For high-risk customers: what their profitability says to do. */
  segment: HighRiskSegment | null;
  creditLimit: CreditLimit;
}

export interface OpenInvoiceAssessment {
  invoiceId: string;
  docNumber: string | null;
  customerId: string;
  dueDate: string;
  openCents: number;
  daysPastDue: number;
  lateProbability: number | null;
  strategy: Strategy;
}

export interface CompanyAssessment {
  asOf: string;
  policyVersion: number;
  customers: CustomerAssessment[];
  totals: { outstandingCents: number; overdueCents: number; aging: Aging; grossProfitCents: number };
  highRisk: {
    count: number;
    exposureCents: number;
    grossProfitShare: number | null;
    worstCaseLossCents: number;
    segments: Record<HighRiskSegment, number>;
    /** The High tier's strategy cells of the policy scored with, by profitability (runs saved before: the defaults). */
    strategyByProfitability: Readonly<Record<ProfitabilityTier, Strategy>>;
  };
  openInvoices: OpenInvoiceAssessment[];
  strategies: { customers: StrategySummary[]; invoices: StrategySummary[] };
  collectionRates: MonthlyCollectionRate[];
  collectionTrend: CollectionTrend;
  dso: number | null;
  bestPossibleDso: number | null;
  averageDaysDelinquent: number | null;
}

/**
 * Each customer's metrics and own risk score as of A, and its invoices: the part of an assessment that a score
 * needs (the backtest reads only this; assessCompany goes on from it).
 */
export function scoreCustomers(
  facts: CompanyFacts,
  policy: RiskPolicy,
  asOf: string,
): {
  byCustomer: Map<string, InvoiceFact[]>;
  scores: Array<{ customer: CustomerFact; metrics: CustomerMetrics; risk: RiskScore }>;
} {
  const byCustomer = new Map<string, InvoiceFact[]>();
  for (const inv of facts.invoices) {
    const list = byCustomer.get(inv.customerId);
    if (list) list.push(inv);
    else byCustomer.set(inv.customerId, [inv]);
  }
  const scores = facts.customers.map((customer) => {
    const metrics = customerMetrics(byCustomer.get(customer.id) ?? [], facts.items, policy, asOf);
    return { customer, metrics, risk: riskScore(metrics, customer.creditScore, policy, facts.homeCurrency) };
  });
  return { byCustomer, scores };
}

/**
 * Everything the product shows for one company as of A, from facts and a policy: pure (no I/O, no clock),
 * so history can be replayed and tests are exact. Customers are scored on their own invoices (jobs already
 * rolled up into their parent by the facts loader when the policy says so).
 */
export function assessCompany(
  facts: CompanyFacts,
  policy: RiskPolicy,
  asOf: string,
  o: { lateProbabilities?: ReadonlyMap<string, number>; previousStates?: ReadonlyMap<string, ScoreState> } = {},
): CompanyAssessment {
  const { byCustomer, scores } = scoreCustomers(facts, policy, asOf);
  // The tier every page shows, and the strategy and credit limit follow, is the stable one: smoothed across the
  // previous runs (score-stability.ts); without previous states it is this run's own tier.
  const stability = { ...policy.stability, bands: policy.bands };
  const scored = scores.map(({ customer: c, metrics, risk: own }) => {
    const step = stabilise(o.previousStates?.get(c.id), own.score, stability, own.highRisk);
    const risk: CustomerRisk = { ...own, band: step.state.band ?? own.band, ownBand: own.band };
    return {
      customerId: c.id,
      name: c.name,
      active: c.active,
      creditScore: c.creditScore,
      metrics,
      risk,
      scoreState: step.state,
      alerts: step.alerts,
    };
  });

  // Profitability tiers: rank by gross profit; top share High, next Medium, the rest (and GP <= 0) Low.
  const ranked = scored
    .filter((s) => s.metrics.grossProfitCents > 0)
    .sort((a, b) => b.metrics.grossProfitCents - a.metrics.grossProfitCents || (a.customerId < b.customerId ? -1 : 1));
  const tierOf = new Map<string, ProfitabilityTier>();
  const highCount = Math.round(ranked.length * policy.profitability.highShare);
  const mediumCount = Math.round(ranked.length * policy.profitability.mediumShare);
  ranked.forEach((s, i) =>
    tierOf.set(s.customerId, i < highCount ? 'High' : i < highCount + mediumCount ? 'Medium' : 'Low'),
  );
  const customers: CustomerAssessment[] = scored.map((s) => {
    const tiered = { ...s, profitabilityTier: tierOf.get(s.customerId) ?? ('Low' as const) };
    const strategy = customerStrategy(tiered, policy.strategies.byCell);
    return {
      ...tiered,
      strategy,
      segment: s.risk.highRisk ? highRiskSegment(tiered.profitabilityTier) : null,
      creditLimit: recommendedCreditLimit(
        byCustomer.get(s.customerId) ?? [],
        tiered,
        strategy,
        asOf,
        policy.creditLimit,
      ),
    };
  });
  const openCount = new Map<string, number>();
  const strategyOf = new Map(customers.map((c) => [c.customerId, c.strategy]));
  const openInvoices: OpenInvoiceAssessment[] = [];
  for (const i of facts.invoices) {
    const open = openCents(i, asOf);
    if (open <= 0) continue;
    openCount.set(i.customerId, (openCount.get(i.customerId) ?? 0) + 1);
    const p = o.lateProbabilities?.get(i.id) ?? null;
    const late = daysPastDue(i, asOf);
    openInvoices.push({
      invoiceId: i.id,
      docNumber: i.docNumber,
      customerId: i.customerId,
      dueDate: i.dueDate,
      openCents: open,
      daysPastDue: late,
      lateProbability: p,
      strategy: invoiceStrategy(strategyOf.get(i.customerId) ?? 'Standard', late, p, policy.strategies.openInvoice),
    });
  }
  openInvoices.sort((a, b) =>
    a.dueDate < b.dueDate
      ? -1
      : a.dueDate > b.dueDate
        ? 1
        : Number(a.invoiceId) - Number(b.invoiceId) || (a.invoiceId < b.invoiceId ? -1 : 1),
  );

  const aging: Aging = { current: 0, d1to30: 0, d31to60: 0, d61to90: 0, d91plus: 0 };
  let outstanding = 0;
  let grossProfitPositive = 0;
  let grossProfit = 0;
  for (const c of customers) {
    outstanding += c.metrics.outstandingCents;
    grossProfit += c.metrics.grossProfitCents;
    if (c.metrics.grossProfitCents > 0) grossProfitPositive += c.metrics.grossProfitCents;
    for (const k of Object.keys(aging) as Array<keyof Aging>) aging[k] += c.metrics.aging[k];
  }
  const high = customers.filter((c) => c.risk.highRisk);
  const highGp = high.reduce((s, c) => s + Math.max(0, c.metrics.grossProfitCents), 0);
  const rates = monthlyCollectionRates(facts.invoices, asOf);
  return {
    asOf,
    policyVersion: policy.version,
    customers,
    totals: {
      outstandingCents: outstanding,
      overdueCents: outstanding - aging.current,
      aging,
      grossProfitCents: grossProfit,
    },
    highRisk: {
      count: high.length,
      exposureCents: high.reduce((s, c) => s + c.metrics.outstandingCents, 0),
      grossProfitShare: grossProfitPositive === 0 ? null : Math.round((10_000 * highGp) / grossProfitPositive) / 100,
      // The worst case for high-risk customers is losing their whole exposure.
      worstCaseLossCents: high.reduce((s, c) => s + c.metrics.outstandingCents, 0),
      segments: {
        'Strategic retention': high.filter((c) => c.segment === 'Strategic retention').length,
        'Close monitoring': high.filter((c) => c.segment === 'Close monitoring').length,
        'Active collection': high.filter((c) => c.segment === 'Active collection').length,
      },
      strategyByProfitability: policy.strategies.byCell.high,
    },
    openInvoices,
    strategies: {
      customers: summarise(
        customers.map((c) => ({
          strategy: c.strategy,
          valueCents: c.metrics.outstandingCents,
          openInvoices: openCount.get(c.customerId) ?? 0,
          overdueCents: c.metrics.outstandingCents - c.metrics.aging.current,
        })),
      ),
      invoices: summarise(openInvoices.map((i) => ({ strategy: i.strategy, valueCents: i.openCents }))),
    },
    collectionRates: rates,
    collectionTrend: collectionTrend(rates),
    ...daysSalesOutstanding(facts.invoices, asOf),
  };
}
