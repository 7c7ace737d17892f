import { describe, expect, it } from 'vitest';
import { assessCompany } from '../../../server/features/risk/domain/assess-company.js';
import { customerMetrics } from '../../../server/features/risk/domain/customer-metrics.js';
import { addDaysToDate } from '../../../server/features/risk/domain/dates.js';
import { invoiceGrossProfit } from '../../../server/features/risk/domain/invoice-metrics.js';
import type { CompanyFacts, InvoiceFact, ItemFact } from '../../../server/features/risk/domain/risk-facts.js';
import { DEFAULT_RISK_POLICY } from '../../../server/features/risk/domain/risk-policy.js';
import { compositeScore, riskScore } from '../../../server/features/risk/domain/risk-score.js';
import type { CustomerMetrics } from '../../../server/features/risk/domain/customer-metrics.js';

const P = DEFAULT_RISK_POLICY;
const company = (invoices: InvoiceFact[], creditScore: number | null = null): CompanyFacts => ({
  realmId: 'r',
  homeCurrency: 'USD',
  customers: [{ id: 'S', name: 'Sunset Signs', active: true, creditScore }],
  invoices,
  items: new Map(),
});
/** Invoice n of a monthly series: issued on the 1st, net 30, paid `paidAfterDue` days after due (null: open). */
const monthly = (n: number, cents: number, paidAfterDue: number | null): InvoiceFact => {
  const txnDate = `2025-${String(n).padStart(2, '0')}-01`;
  const dueDate = addDaysToDate(txnDate, 30);
  const paid = paidAfterDue === null ? [] : [{ date: addDaysToDate(dueDate, paidAfterDue), cents, cash: true }];
  return {
    id: `I${n}`,
    docNumber: null,
    customerId: 'S',
    txnDate,
    dueDate,
    totalCents: cents,
    applications: paid,
    lines: [],
  };
};

describe('the composite score (hand-computed)', () => {
  const metrics = { paymentRate: 100, paymentScore: 46, stability: 70 };

  it('fills the credit term with the payment score when no bureau score was entered', () => {
    // 0.4·(100 − 100) + 0.4·(100 − 46) + 0.2·(100 − 70) = 0 + 21.6 + 6
    expect(compositeScore(metrics, null, P)).toMatchObject({ score: 27.6, creditSource: 'payment_score' });
  });

  it('uses the bureau score when there is one, whatever the payment score', () => {
    // 0.4·0 + 0.4·(850 − 700)/850·100 + 0.2·30 = 7.0588… + 6
    expect(compositeScore(metrics, 700, P)).toMatchObject({ score: 13.06, creditSource: 'bureau' });
  });

  it('drops the credit term and rescales when there is neither', () => {
    // (0.4·0 + 0.2·30) / 0.6
    expect(compositeScore({ ...metrics, paymentScore: null }, null, P)).toMatchObject({
      score: 10,
      creditSource: null,
    });
  });
});

describe('the risk tier', () => {
  const base = customerMetrics([], new Map(), P, '2026-01-01');
  const m = (o: Partial<CustomerMetrics>): CustomerMetrics => ({ ...base, ...o });

  it('is the band of the score, except that the high-risk rule always makes it High', () => {
    // Score 0.4·30 + 0.4·20 + 0.2·10 = 22: Low by its band.
    const lowScore = m({ paymentRate: 70, paymentScore: 80, stability: 90, outstandingCents: 1_600_000 });
    const r = riskScore(lowScore, null, P);
    expect(r.score).toBe(22);
    expect([r.highRisk, r.band]).toEqual([true, 'high']);
    expect(r.reasons[0]!.code).toBe('high_risk_rule');
    // At the rule's edges (rate exactly 75, balance exactly $15,000) the rule is not met and the band decides.
    expect(riskScore({ ...lowScore, paymentRate: 75 }, null, P)).toMatchObject({ highRisk: false, band: 'low' });
    expect(riskScore({ ...lowScore, outstandingCents: 1_500_000 }, null, P)).toMatchObject({
      highRisk: false,
      band: 'low',
    });
    expect(riskScore(m({ paymentRate: 10, paymentScore: 5, stability: 10, outstandingCents: 0 }), null, P).band).toBe(
      'high',
    );
    expect(riskScore(m({ paymentRate: 50, paymentScore: 60, stability: 60 }), null, P).band).toBe('medium');
  });
});

describe('a customer who pays everything late', () => {
  // Sunset Signs in miniature: ten $2,700 invoices (Jan–Oct, net 30); eight paid 35 days late, the last two open
  // at A (91 and 61 days past due): $5.4k overdue more than 60 days, 43.2 days beyond terms on average.
  const invoices = Array.from({ length: 10 }, (_, k) => monthly(k + 1, 270_000, k < 8 ? 35 : null));
  const asOf = '2025-12-31';

  it('is no longer scored as safe: the payment score fills the credit term and the reasons say why', () => {
    const c = assessCompany(company(invoices), P, asOf).customers[0]!;
    expect([c.metrics.paymentRate, c.metrics.avgDaysBeyondTerms, c.metrics.overdue60PlusCents]).toEqual([
      80, 43.2, 540_000,
    ]);
    // Points: 35 days 48.33 (×8), 91 days 29.67, 61 days 39.67; mean 45.6 → 46.
    expect(c.metrics.paymentScore).toBe(46);
    // Stability 67: tenure 364/730, 10 of 12 months billed, billing trend 4/6.
    expect(c.metrics.stability).toBe(67);
    // 0.4·20 + 0.4·54 + 0.2·33 = 36.2: Medium. With the credit term dropped it was (8 + 6.6)/0.6 = 24.33: Low.
    expect(c.risk.score).toBe(36.2);
    expect(c.risk.band).toBe('medium');
    const texts = c.risk.reasons.map((r) => r.text);
    expect(texts[0]).toBe('Pays 43 days beyond terms on average (payment score 46 of 100)');
    expect(texts).toContain('Paid 10 of the last 10 invoices late');
    expect(texts).toContain('$5.4k overdue more than 60 days');
  });

  it("ranks its reasons by the points of the terms they speak for, with the policy's thresholds and shares", () => {
    const codes = (policy: typeof P) =>
      assessCompany(company(invoices), policy, asOf).customers[0]!.risk.reasons.map((r) => [r.code, r.weight]);
    // Terms: payment rate 0.4·20 = 8, credit (payment score) 0.4·54 = 21.6, stability 0.2·33 = 6.6. Days beyond terms
    // speak for the credit term (21.6); the late invoices take 0.9 of it (19.44); $5.4k over 60 days is all the
    // balance: 0.9·8 + 0.5·21.6 + 1 = 19; the payment rate its own 8; billing fell (4/6 < 0.7) 6.6 + 1, fifth.
    const closeTo = (pairs: Array<[string, number]>) => pairs.map(([c, w]) => [c, expect.closeTo(w, 9)]);
    expect(codes(P)).toEqual(
      closeTo([
        ['days_beyond_terms', 21.6],
        ['late_invoices', 19.44],
        ['overdue_60', 19],
        ['payment_rate', 8],
      ]),
    );
    // Payment rate 80 is not under 75, and supporting reasons take half their own term's points: 10.8 and 15.8.
    const thresholds = { ...P.reasons.thresholds, paymentRateBelow: 75 };
    const tuned = { ...P, reasons: { thresholds, weights: { ...P.reasons.weights, ownTermShare: 0.5 } } };
    const expected: Array<[string, number]> = [
      ['days_beyond_terms', 21.6],
      ['overdue_60', 15.8],
      ['late_invoices', 10.8],
      ['billing_fell', 7.6],
    ];
    expect(codes(tuned)).toEqual(closeTo(expected));
  });

  it('keeps the payment score when a payment moves past the as-of date (the open invoice still counts)', () => {
    // Three invoices due by A: two paid 60 days late, the third's payment one day after A, so it is open at A.
    const three = [monthly(1, 10_000, 60), monthly(2, 10_000, 60), monthly(3, 10_000, 60)];
    const a = addDaysToDate(three[2]!.dueDate, 59);
    const settled = customerMetrics(three, new Map(), P, addDaysToDate(a, 1));
    const oneOpen = customerMetrics(three, new Map(), P, a);
    expect(settled.paymentScore).toBe(40);
    expect(oneOpen.paymentScore).toBe(40); // 60, 60 and 59 days: 40, 40, 40.33 points
    // An invoice due on A and still open is due, 0 days beyond terms: it is averaged, not skipped.
    const dueToday = customerMetrics([monthly(1, 10_000, 0)], new Map(), P, monthly(1, 10_000, 0).dueDate);
    expect(dueToday.avgDaysBeyondTerms).toBe(0);
  });
});

describe('gross profit in the home currency', () => {
  const items = new Map<string, ItemFact>([
    ['W', { id: 'W', costCents: 600 }],
    ['Z', { id: 'Z', costCents: null }],
  ]);
  const cad: InvoiceFact = {
    id: 'C1',
    docNumber: null,
    customerId: 'S',
    txnDate: '2025-06-01',
    dueDate: '2025-07-01',
    totalCents: 90_000,
    exchangeRate: 0.75,
    applications: [],
    lines: [
      { itemId: 'W', qty: 100, amountCents: 100_000 },
      { itemId: 'Z', qty: 1, amountCents: 20_000 },
    ],
  };

  it('converts line amounts at the exchange rate and takes item costs as they are (home currency)', () => {
    // CAD 1,200 × 0.75 = $900, less 100 × $6 = $600 of cost: $300; the CAD 200 line without a cost is $150 estimated.
    expect(invoiceGrossProfit(cad, items)).toEqual({ grossProfitCents: 30_000, estimatedCents: 15_000 });
    // The same from line totals (the loader's form) as from lines.
    const totals = { amountCents: 120_000, uncostedAmountCents: 20_000, costCents: 60_000 };
    expect(invoiceGrossProfit({ ...cad, lines: [], lineTotals: totals }, items)).toEqual({
      grossProfitCents: 30_000,
      estimatedCents: 15_000,
    });
    const m = customerMetrics([cad], items, P, '2025-12-31');
    expect([m.grossProfitCents, m.grossProfitEstimatedCents]).toEqual([30_000, 15_000]);
  });
});
