import { describe, expect, it } from 'vitest';
import { panelSummary } from '../../../server/features/risk/panel-summary.js';

const customer = (
  tier: 'High' | 'Medium' | 'Low',
  highRisk: boolean,
  invoiceCount: number,
  avgInvoiceCents: number | null,
) => ({
  profitabilityTier: tier,
  risk: { highRisk },
  metrics: { invoiceCount, avgInvoiceCents },
});

describe('panelSummary: average invoice amount by profitability tier, high-risk against the others', () => {
  it('averages over the group’s invoices (not its customers), rounds to the cent, and leaves empty groups null', () => {
    const summary = panelSummary([
      customer('High', true, 4, 25_000), // $1,000 over 4 invoices
      // $1,000 over 1 invoice → group: $2,000 / 5 = $400 (a mean of customers would say $625)
      customer('High', true, 1, 100_000),
      customer('High', false, 2, 12_345),
      customer('Medium', false, 3, 100),
      // a customer without invoices in the window counts as a customer, adds no invoice
      customer('Medium', false, 0, null),
      customer('Low', true, 2, 101),
      customer('Low', true, 1, 100), // (202 + 100) / 3 = 100.67 → 101
    ]);
    expect(summary.avgInvoiceByTier).toEqual([
      {
        tier: 'High',
        highRisk: { customers: 2, invoices: 5, avgInvoiceCents: 40_000 },
        other: { customers: 1, invoices: 2, avgInvoiceCents: 12_345 },
      },
      {
        tier: 'Medium',
        highRisk: { customers: 0, invoices: 0, avgInvoiceCents: null },
        other: { customers: 2, invoices: 3, avgInvoiceCents: 100 },
      },
      {
        tier: 'Low',
        highRisk: { customers: 2, invoices: 3, avgInvoiceCents: 101 },
        other: { customers: 0, invoices: 0, avgInvoiceCents: null },
      },
    ]);
  });

  it('gives every tier with empty groups for a company without customers', () => {
    expect(
      panelSummary([]).avgInvoiceByTier.map((t) => [t.tier, t.highRisk.avgInvoiceCents, t.other.avgInvoiceCents]),
    ).toEqual([
      ['High', null, null],
      ['Medium', null, null],
      ['Low', null, null],
    ]);
  });
});
