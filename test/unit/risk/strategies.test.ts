import { describe, expect, it } from 'vitest';
import type { CustomerMetrics } from '../../../server/features/risk/domain/customer-metrics.js';
import { customerStrategy, highRiskSegment, invoiceStrategy, recommendedCreditLimit, summarise } from '../../../server/features/risk/domain/strategies.js';
import type { InvoiceFact } from '../../../server/features/risk/domain/risk-facts.js';

const aging = (o: Partial<CustomerMetrics['aging']> = {}) => ({ current: 0, d1to30: 0, d31to60: 0, d61to90: 0, d91plus: 0, ...o });
const customer = (o: { aging?: Partial<CustomerMetrics['aging']>; highRisk?: boolean; band?: 'low' | 'medium' | 'high' | null; tier?: 'High' | 'Medium' | 'Low'; onTime?: number }) => ({
  metrics: { aging: aging(o.aging), onTimeRate: o.onTime ?? 95 } as CustomerMetrics,
  risk: { score: 10, band: o.band === undefined ? 'low' : o.band, highRisk: o.highRisk ?? false, reasons: [] },
  profitabilityTier: o.tier ?? 'Medium',
});

describe('strategies', () => {
  it('assigns each customer the first matching rule', () => {
    expect(customerStrategy(customer({ aging: { d91plus: 1 } }))).toBe('Credit restriction');
    expect(customerStrategy(customer({ highRisk: true, tier: 'Low' }))).toBe('Credit restriction');
    expect(customerStrategy(customer({ highRisk: true, tier: 'High' }))).toBe('AR follow-up');
    expect(customerStrategy(customer({ aging: { d31to60: 5 } }))).toBe('AR follow-up');
    expect(customerStrategy(customer({ aging: { d1to30: 5 } }))).toBe('Send reminders');
    expect(customerStrategy(customer({ band: 'medium' }))).toBe('Send reminders');
    expect(customerStrategy(customer({ tier: 'High', onTime: 92 }))).toBe('Loyalty');
    expect(customerStrategy(customer({ tier: 'High', onTime: 80 }))).toBe('Standard');
  });

  it('maps high-risk customers to a segment by profitability, and invoices to a strategy', () => {
    expect(['High', 'Medium', 'Low'].map((t) => highRiskSegment(t as 'High'))).toEqual(['Strategic retention', 'Close monitoring', 'Active collection']);
    expect(invoiceStrategy('Credit restriction', -5, 0.1)).toBe('Credit restriction');
    expect(invoiceStrategy('Standard', 31, null)).toBe('AR follow-up');
    expect(invoiceStrategy('Standard', -3, 0.75)).toBe('AR follow-up');
    expect(invoiceStrategy('Standard', 2, null)).toBe('Send reminders');
    expect(invoiceStrategy('Loyalty', -10, 0.05)).toBe('Loyalty');
    // Past due: late already, so its days past due decide and a late probability does not.
    expect(invoiceStrategy('Standard', 10, 0.99)).toBe('Send reminders');
    expect(invoiceStrategy('Standard', 31, 0)).toBe('AR follow-up');
    expect(invoiceStrategy('Standard', 0, 0.99)).toBe('AR follow-up');
  });

  it('summarises counts and value shares that add up', () => {
    const s = summarise([{ strategy: 'Standard', valueCents: 300 }, { strategy: 'Loyalty', valueCents: 100 }, { strategy: 'Standard', valueCents: 600 }]);
    expect(s.find((x) => x.strategy === 'Standard')).toEqual({ strategy: 'Standard', count: 2, valueCents: 900, valueShare: 90 });
    expect(s.reduce((n, x) => n + x.valueShare, 0)).toBe(100);
  });

  it('recommends a needs-based credit limit scaled by risk, zero under restriction', () => {
    // $3,000 a month for 12 months on net 30: 3,000 × (30 + 15) / 30 = 4,500; ×1.25 for low risk = 5,625 → $5,600.
    const invoices: InvoiceFact[] = Array.from({ length: 12 }, (_, m) => {
      const txnDate = `2025-${String(m + 1).padStart(2, '0')}-05`;
      const dueDate = new Date(Date.parse(`${txnDate}T00:00:00Z`) + 30 * 86_400_000).toISOString().slice(0, 10);
      return { id: String(m), docNumber: null, customerId: 'c', txnDate, dueDate, totalCents: 300_000, applications: [], lines: [] };
    });
    const low = recommendedCreditLimit(invoices, { risk: { score: 10, band: 'low', highRisk: false, reasons: [] } }, 'Standard', '2025-12-31');
    expect(low.cents).toBe(560_000);
    expect(recommendedCreditLimit(invoices, { risk: { score: 80, band: 'high', highRisk: true, reasons: [] } }, 'Credit restriction', '2025-12-31').cents).toBe(0);
  });
});
