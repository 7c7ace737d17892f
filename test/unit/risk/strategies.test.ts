import { describe, expect, it } from 'vitest';
import type { CustomerMetrics } from '../../../server/features/risk/domain/customer-metrics.js';
import {
  customerStrategy,
  highRiskSegment,
  invoiceStrategy,
  recommendedCreditLimit,
  summarise,
} from '../../../server/features/risk/domain/strategies.js';
import type { InvoiceFact } from '../../../server/features/risk/domain/risk-facts.js';
import { DEFAULT_RISK_POLICY } from '../../../server/features/risk/domain/risk-policy.js';

const { byCell, openInvoice } = DEFAULT_RISK_POLICY.strategies;
const limits = DEFAULT_RISK_POLICY.creditLimit;

const aging = (o: Partial<CustomerMetrics['aging']> = {}) => ({
  current: 0,
  d1to30: 0,
  d31to60: 0,
  d61to90: 0,
  d91plus: 0,
  ...o,
});
const customer = (o: {
  aging?: Partial<CustomerMetrics['aging']>;
  highRisk?: boolean;
  band?: 'low' | 'medium' | 'high' | null;
  tier?: 'High' | 'Medium' | 'Low';
  onTime?: number;
}) => ({
  metrics: { aging: aging(o.aging), onTimeRate: o.onTime ?? 95 } as CustomerMetrics,
  risk: { score: 10, band: o.band === undefined ? 'low' : o.band, highRisk: o.highRisk ?? false, reasons: [] },
  profitabilityTier: o.tier ?? 'Medium',
});

describe('strategies', () => {
  it("gives each customer its risk tier × profitability cell's strategy, and nothing else decides it", () => {
    const cell = (band: 'low' | 'medium' | 'high' | null, tier: 'High' | 'Medium' | 'Low') =>
      customerStrategy(customer({ band, tier }), byCell);
    expect(['High', 'Medium', 'Low'].map((t) => cell('high', t as 'High'))).toEqual([
      'AR follow-up',
      'AR follow-up',
      'Credit restriction',
    ]);
    expect(['High', 'Medium', 'Low'].map((t) => cell('medium', t as 'High'))).toEqual([
      'Send reminders',
      'Send reminders',
      'Send reminders',
    ]);
    expect(['High', 'Medium', 'Low'].map((t) => cell('low', t as 'High'))).toEqual(['Loyalty', 'Standard', 'Standard']);
    expect(cell(null, 'High')).toBe('Standard');
    // Overdue money moves the score and the tier; it no longer overrides the cell (the tier already reflects it).
    expect(customerStrategy(customer({ aging: { d91plus: 1 }, band: 'low', tier: 'Medium' }), byCell)).toBe('Standard');
    expect(customerStrategy(customer({ highRisk: true, band: 'high', tier: 'High' }), byCell)).toBe('AR follow-up');
  });

  it('maps high-risk customers to a segment by profitability, and invoices to a strategy', () => {
    expect(['High', 'Medium', 'Low'].map((t) => highRiskSegment(t as 'High'))).toEqual([
      'Strategic retention',
      'Close monitoring',
      'Active collection',
    ]);
    expect(invoiceStrategy('Credit restriction', -5, 0.1, openInvoice)).toBe('Credit restriction');
    expect(invoiceStrategy('Standard', 31, null, openInvoice)).toBe('AR follow-up');
    expect(invoiceStrategy('Standard', -3, 0.75, openInvoice)).toBe('AR follow-up');
    expect(invoiceStrategy('Standard', 2, null, openInvoice)).toBe('Send reminders');
    expect(invoiceStrategy('Loyalty', -10, 0.05, openInvoice)).toBe('Loyalty');
    // Past due: late already, so its days past due decide and a late probability does not.
    expect(invoiceStrategy('Standard', 10, 0.99, openInvoice)).toBe('Send reminders');
    expect(invoiceStrategy('Standard', 31, 0, openInvoice)).toBe('AR follow-up');
    expect(invoiceStrategy('Standard', 0, 0.99, openInvoice)).toBe('AR follow-up');
  });

  it('summarises counts and value shares that add up', () => {
    const s = summarise([
      { strategy: 'Standard', valueCents: 300 },
      { strategy: 'Loyalty', valueCents: 100 },
      { strategy: 'Standard', valueCents: 600 },
    ]);
    expect(s.find((x) => x.strategy === 'Standard')).toEqual({
      strategy: 'Standard',
      count: 2,
      valueCents: 900,
      valueShare: 90,
    });
    expect(s.reduce((n, x) => n + x.valueShare, 0)).toBe(100);
    // Thirds: 33.33 + 33.33 + 33.34, not 99.99.
    const thirds = summarise([
      { strategy: 'Standard', valueCents: 1 },
      { strategy: 'Loyalty', valueCents: 1 },
      { strategy: 'AR follow-up', valueCents: 1 },
    ]);
    expect(
      thirds
        .map((x) => x.valueShare)
        .filter((v) => v > 0)
        .sort(),
    ).toEqual([33.33, 33.33, 33.34]);
    expect(Math.round(thirds.reduce((n, x) => n + x.valueShare, 0) * 100)).toBe(10_000);
  });

  it('recommends a needs-based credit limit scaled by risk, zero under restriction', () => {
    // $3,000 a month for 12 months on net 30: 3,000 × (30 + 15) / 30 = 4,500; ×1.25 for low risk = 5,625 → $5,600.
    const invoices: InvoiceFact[] = Array.from({ length: 12 }, (_, m) => {
      const txnDate = `2025-${String(m + 1).padStart(2, '0')}-05`;
      const dueDate = new Date(Date.parse(`${txnDate}T00:00:00Z`) + 30 * 86_400_000).toISOString().slice(0, 10);
      return {
        id: String(m),
        docNumber: null,
        customerId: 'c',
        txnDate,
        dueDate,
        totalCents: 300_000,
        applications: [],
        lines: [],
      };
    });
    const low = recommendedCreditLimit(invoices, { risk: { band: 'low' } }, 'Standard', '2025-12-31', limits);
    expect(low.cents).toBe(560_000);
    expect(
      recommendedCreditLimit(invoices, { risk: { band: 'high' } }, 'Credit restriction', '2025-12-31', limits).cents,
    ).toBe(0);
  });

  it('reads the cells, the open-invoice thresholds and the credit-limit settings from the policy it is given', () => {
    const cells = { ...byCell, medium: { High: 'Loyalty', Medium: 'Send reminders', Low: 'AR follow-up' } } as const;
    expect(customerStrategy(customer({ band: 'medium', tier: 'High' }), cells)).toBe('Loyalty');
    expect(customerStrategy(customer({ band: 'medium', tier: 'Low' }), cells)).toBe('AR follow-up');
    const stricter = {
      arFollowUp: { daysPastDueOver: 10, lateProbabilityFrom: 0.5 },
      sendReminders: { daysPastDueFrom: 5, lateProbabilityFrom: 0.2 },
    };
    expect(invoiceStrategy('Standard', 11, null, stricter)).toBe('AR follow-up');
    expect(invoiceStrategy('Standard', 11, null, openInvoice)).toBe('Send reminders');
    expect(invoiceStrategy('Standard', 3, null, stricter)).toBe('Standard');
    expect(invoiceStrategy('Standard', -1, 0.55, stricter)).toBe('AR follow-up');
    expect(invoiceStrategy('Standard', -1, 0.25, stricter)).toBe('Send reminders');
    expect(invoiceStrategy('Standard', -1, 0.25, openInvoice)).toBe('Standard');
    // $3,000 a month on net 30 with 30 days' grace: 3,000 × (30 + 30) / 30 = 6,000; × 0.8 for medium risk = $4,800.
    const invoices: InvoiceFact[] = Array.from({ length: 12 }, (_, m) => {
      const txnDate = `2025-${String(m + 1).padStart(2, '0')}-05`;
      const dueDate = new Date(Date.parse(`${txnDate}T00:00:00Z`) + 30 * 86_400_000).toISOString().slice(0, 10);
      return {
        id: String(m),
        docNumber: null,
        customerId: 'c',
        txnDate,
        dueDate,
        totalCents: 300_000,
        applications: [],
        lines: [],
      };
    });
    const settings = { graceDays: 30, factors: { low: 1, medium: 0.8, high: 0.5 } };
    const limit = recommendedCreditLimit(invoices, { risk: { band: 'medium' } }, 'Standard', '2025-12-31', settings);
    expect(limit.cents).toBe(480_000);
    expect(limit.basis).toBe(
      'average monthly billing 3000 × (30-day terms + 30 days grace) / 30 × 0.8 for medium risk',
    );
  });
});
