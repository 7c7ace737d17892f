import type { ProfitabilityTier } from './domain/assess-company.js';

/** Invoices of one group of customers in the metrics window. */
export interface InvoiceAverage {
  customers: number;
  invoices: number;
  /** Average invoice amount over the group's invoices (not over its customers); null without invoices. */
  avgInvoiceCents: number | null;
}

export interface TierInvoiceAverages {
  tier: ProfitabilityTier;
  highRisk: InvoiceAverage;
  other: InvoiceAverage;
}

/** Company figures the dashboard shows that the assessment does not carry; persisted in each run's company_json. */
export interface PanelSummary {
  /** Per profitability tier (High, Medium, Low), high-risk customers against everyone else. */
  avgInvoiceByTier: TierInvoiceAverages[];
}

export const PROFITABILITY_TIERS: readonly ProfitabilityTier[] = ['High', 'Medium', 'Low'];

type CustomerFigures = {
  profitabilityTier: ProfitabilityTier;
  risk: { highRisk: boolean };
  metrics: { invoiceCount: number; avgInvoiceCents: number | null };
};

/**
 * Average invoice amount by profitability tier, high-risk customers against the others: each group's invoiced
 * amount in the window (a customer's average × its invoice count) divided by the group's invoices, rounded to
 * the cent. Pure: the run computes it once and the dashboard reads it.
 */
export function panelSummary(customers: readonly CustomerFigures[]): PanelSummary {
  const groups = new Map<string, { customers: number; invoices: number; cents: number }>();
  for (const tier of PROFITABILITY_TIERS)
    for (const g of ['high', 'other']) groups.set(`${tier}:${g}`, { customers: 0, invoices: 0, cents: 0 });
  for (const c of customers) {
    const g = groups.get(`${c.profitabilityTier}:${c.risk.highRisk ? 'high' : 'other'}`)!;
    g.customers += 1;
    g.invoices += c.metrics.invoiceCount;
    g.cents += (c.metrics.avgInvoiceCents ?? 0) * c.metrics.invoiceCount;
  }
  const average = (key: string): InvoiceAverage => {
    const g = groups.get(key)!;
    return {
      customers: g.customers,
      invoices: g.invoices,
      avgInvoiceCents: g.invoices === 0 ? null : Math.round(g.cents / g.invoices),
    };
  };
  return {
    avgInvoiceByTier: PROFITABILITY_TIERS.map((tier) => ({
      tier,
      highRisk: average(`${tier}:high`),
      other: average(`${tier}:other`),
    })),
  };
}
