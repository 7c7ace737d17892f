import { describe, expect, it } from 'vitest';
import { assessCompany } from '../../../server/features/risk/domain/assess-company.js';
import { customerMetrics, stabilityScore } from '../../../server/features/risk/domain/customer-metrics.js';
import { daysBeyondTerms, openCents, settledDate } from '../../../server/features/risk/domain/invoice-metrics.js';
import { paydexPoints } from '../../../server/features/risk/domain/paydex.js';
import { monthlyPaymentBehaviour } from '../../../server/features/risk/domain/payment-behaviour.js';
import { DEFAULT_RISK_POLICY } from '../../../server/features/risk/domain/risk-policy.js';
import type { CompanyFacts, InvoiceFact, ItemFact } from '../../../server/features/risk/domain/risk-facts.js';

// A customer whose every figure is worked out by hand below (as of 2026-05-15):
//  I1 $100 due 01-31, paid 01-20 (11 days early)          I2 $200 due 03-03, $50 on 03-10, $150 on 04-02 (30 late)
//  I3 $300 due 03-31, $50 credit on 03-15, $250 open       I4 $400 due 06-09, open, not yet due
const items = new Map<string, ItemFact>([
  ['X', { id: 'X', costCents: 3000 }],
  ['Y', { id: 'Y', costCents: null }],
]);
const inv = (
  id: string,
  txn: string,
  due: string,
  total: number,
  apps: Array<[string, number, boolean?]>,
  line: [string, number],
): InvoiceFact => ({
  id,
  docNumber: id,
  customerId: 'A',
  txnDate: txn,
  dueDate: due,
  totalCents: total,
  applications: apps.map(([date, cents, cash]) => ({ date, cents, cash: cash ?? true })),
  lines: [{ itemId: line[0], qty: line[1], amountCents: total }],
});
const I1 = inv('I1', '2026-01-01', '2026-01-31', 10_000, [['2026-01-20', 10_000]], ['X', 2]);
const I2 = inv(
  'I2',
  '2026-02-01',
  '2026-03-03',
  20_000,
  [
    ['2026-03-10', 5_000],
    ['2026-04-02', 15_000],
  ],
  ['Y', 1],
);
const I3 = inv('I3', '2026-03-01', '2026-03-31', 30_000, [['2026-03-15', 5_000, false]], ['X', 5]);
const I4 = inv('I4', '2026-05-10', '2026-06-09', 40_000, [], ['X', 4]);
const A = '2026-05-15';

describe('invoice metrics', () => {
  it('open, settled date and days beyond terms as of a date; later payments ignored', () => {
    expect([openCents(I2, A), settledDate(I2, A), daysBeyondTerms(I2, A)]).toEqual([0, '2026-04-02', 30]);
    expect([openCents(I2, '2026-03-20'), settledDate(I2, '2026-03-20'), daysBeyondTerms(I2, '2026-03-20')]).toEqual([
      15_000,
      undefined,
      17,
    ]);
    expect([openCents(I3, A), daysBeyondTerms(I3, A)]).toEqual([25_000, 45]);
    expect(daysBeyondTerms(I4, A)).toBeUndefined(); // open, not yet due
    expect(daysBeyondTerms(I1, A)).toBe(-11);
    expect(openCents(I4, '2026-05-01')).toBe(0); // did not exist yet
  });
});

const m = customerMetrics([I1, I2, I3, I4], items, DEFAULT_RISK_POLICY, A);

describe('customer metrics (hand-computed)', () => {
  it('balances, rates and days beyond terms', () => {
    expect(m.outstandingCents).toBe(65_000);
    expect(m.paymentRate).toBe(58.33); // (100 + 200 + 50) / 600, I4 not yet due
    expect(m.onTimeRate).toBe(16.67); // only I1 was settled by its due date
    expect(m.avgDaysBeyondTerms).toBe(30.7); // (−11·100 + 30·200 + 45·300) / 600
    // I1 −11 days (85.5 points), I2 30 (50), I3 still open 45 days past due (45): (85.5·100 + 50·200 + 45·300) / 600.
    // Two are settled; the open, past-due I3 counts as evidence too (MIN_PAYMENT_SCORE_INVOICES, docs/risk.md).
    expect(m.paymentScore).toBe(53);
    expect(m.aging).toEqual({ current: 40_000, d1to30: 0, d31to60: 25_000, d61to90: 0, d91plus: 0 });
    expect(m.lateOfLast10).toEqual({ late: 2, of: 3 });
  });

  it('counts, lifespan, activity, gross profit with the estimated part, stability', () => {
    expect([m.invoiceCount, m.avgInvoiceCents, m.lifespanDays, m.activeMonths12]).toEqual([4, 25_000, 134, 4]);
    expect(m.grossProfitCents).toBe(67_000); // (100 − 2·30) + 200 + (300 − 5·30) + (400 − 4·30)
    expect(m.grossProfitEstimatedCents).toBe(20_000); // item Y has no cost
    expect(m.stability).toBe(31); // 100·(0.4·134/730 + 0.4·4/12 + 0.2·0.5)
  });

  it('scores with the payment score as the credit term when no bureau score was entered', () => {
    const a = assessCompany(
      {
        realmId: 'r',
        homeCurrency: 'USD',
        customers: [{ id: 'A', name: 'Acme', active: true, creditScore: null }],
        invoices: [I1, I2, I3, I4],
        items,
      },
      DEFAULT_RISK_POLICY,
      A,
    );
    const c = a.customers[0]!;
    // 0.4·(100 − 58.33) + 0.4·(100 − 53) + 0.2·(100 − 31) = 16.668 + 18.8 + 13.8
    expect(c.risk.score).toBe(49.27);
    expect(c.risk.band).toBe('high'); // from 45 (the default cut points: Medium from 25, High from 45)
    expect(c.risk.highRisk).toBe(false); // rate below 75 but balance under $15,000
    expect(c.risk.reasons.map((r) => r.text)).toContain('Paid 2 of the last 3 invoices late');
    expect(c.risk.reasons.length).toBeLessThanOrEqual(4);
    const withCredit = assessCompany(
      {
        realmId: 'r',
        homeCurrency: 'USD',
        customers: [{ id: 'A', name: 'Acme', active: true, creditScore: 595 }],
        invoices: [I1, I2, I3, I4],
        items,
      },
      DEFAULT_RISK_POLICY,
      A,
    );
    expect(withCredit.customers[0]!.risk.score).toBeCloseTo(
      0.4 * (100 - 58.33) + 0.4 * ((850 - 595) / 850) * 100 + 0.2 * (100 - 31),
      2,
    );
    // Too little history for a payment score and no bureau score: the term is dropped and the weights rescaled.
    const young = assessCompany(
      {
        realmId: 'r',
        homeCurrency: 'USD',
        customers: [{ id: 'A', name: 'Acme', active: true, creditScore: null }],
        invoices: [I1, I2],
        items,
      },
      DEFAULT_RISK_POLICY,
      A,
    );
    expect(young.customers[0]!.metrics.paymentScore).toBeNull();
    const m2 = young.customers[0]!.metrics;
    expect(young.customers[0]!.risk.score).toBeCloseTo(
      (2 / 3) * (100 - m2.paymentRate!) + (1 / 3) * (100 - m2.stability!),
      2,
    );
  });
});

describe('monthly payment behaviour', () => {
  it("uses the on-time rule of the on-time rate: the chart's on-time share over the window is that rate", () => {
    const months = monthlyPaymentBehaviour([I1, I2, I3, I4], { asOf: A, windowMonths: 24, graceDays: 0 });
    const sum = (k: 'dueCents' | 'paidOnTimeCents' | 'paidLateCents' | 'openCents') =>
      months.reduce((n, x) => n + x[k], 0);
    expect([sum('dueCents'), sum('paidOnTimeCents'), sum('paidLateCents'), sum('openCents')]).toEqual([
      60_000, 10_000, 25_000, 25_000,
    ]);
    expect(Math.round((10_000 * sum('paidOnTimeCents')) / sum('dueCents')) / 100).toBe(m.onTimeRate);
    // I2 ($50 by its due date +7, the rest a month later) counts as paid late, whole.
    expect(months.find((x) => x.month === '2026-03')).toMatchObject({
      dueCents: 50_000,
      paidOnTimeCents: 0,
      paidLateCents: 25_000,
      openCents: 25_000,
    });
  });
});

describe('company metrics (hand-computed)', () => {
  const facts: CompanyFacts = {
    realmId: 'r',
    homeCurrency: 'USD',
    customers: [{ id: 'A', name: 'Acme', active: true, creditScore: null }],
    invoices: [I1, I2, I3, I4],
    items,
  };
  const a = assessCompany(facts, DEFAULT_RISK_POLICY, A);

  it('collection rate (CEI) per complete month and its trend', () => {
    const byMonth = Object.fromEntries(a.collectionRates.map((r) => [r.month, r.rate]));
    expect(byMonth['2026-01']).toBe(100);
    expect(byMonth['2026-02']).toBeNull(); // nothing collectable: billed and not yet due
    expect(byMonth['2026-03']).toBe(20); // (200 + 300 − 400) / (200 + 300 − 0)
    expect(byMonth['2026-04']).toBe(37.5); // (400 + 0 − 250) / 400
    expect(a.collectionRates).toHaveLength(12);
    expect(a.collectionTrend).toEqual({ consecutiveDeclines: 0, totalDropPoints: 0 });
  });

  it('DSO by countback, best possible DSO and average days delinquent', () => {
    // AR 650: May (15 days) billed 400 → 250 left; April billed nothing (30 days); March 250/300 of 31 days.
    expect(a.dso).toBe(70.8);
    expect(a.bestPossibleDso).toBe(43.6); // same denominator with current AR (400)
    expect(a.averageDaysDelinquent).toBe(27.2);
  });
});

describe('the PAYDEX-style value chart', () => {
  it('follows the anchors', () => {
    expect([-40, -30, -20, 0, 15, 22, 30, 60, 90, 120].map(paydexPoints)).toEqual([
      100, 100, 90, 80, 70, 60, 50, 40, 30, 20,
    ]);
    expect(paydexPoints(500)).toBeLessThan(20);
  });

  it('stability never falls with longer tenure or steadier billing', () => {
    for (let days = 0; days < 900; days += 30)
      expect(stabilityScore(days + 30, 6, 1)).toBeGreaterThanOrEqual(stabilityScore(days, 6, 1));
    for (let months = 0; months < 12; months++)
      expect(stabilityScore(400, months + 1, 0.8)).toBeGreaterThanOrEqual(stabilityScore(400, months, 0.8));
  });
});

describe('payment score, tiers and the high-risk segment (hand-computed)', () => {
  const paid = (id: string, customerId: string, due: string, paidOn: string, total: number): InvoiceFact => ({
    id,
    docNumber: id,
    customerId,
    txnDate: '2026-01-01',
    dueDate: due,
    totalCents: total,
    applications: [{ date: paidOn, cents: total, cash: true }],
    lines: [{ itemId: 'X', qty: 0, amountCents: total }],
  });
  it('scores three settled invoices on the value chart, dollar-weighted', () => {
    // 0 days late (80 points, $100), 15 late (70, $100), 30 late (50, $200): (80 + 70 + 2·50) / 4 = 62.5 → 63.
    const m = customerMetrics(
      [
        paid('a', 'A', '2026-02-01', '2026-02-01', 10_000),
        paid('b', 'A', '2026-02-01', '2026-02-16', 10_000),
        paid('c', 'A', '2026-02-01', '2026-03-03', 20_000),
      ],
      items,
      DEFAULT_RISK_POLICY,
      '2026-05-01',
    );
    expect(m.paymentScore).toBe(63);
  });

  it('ranks profitability tiers and sums the high-risk exposure and its share of gross profit', () => {
    // Ten customers with gross profit 1..10 ($); customer 10 owes $20,000 unpaid and 9 owes $16,000: both high risk.
    const invoices: InvoiceFact[] = [];
    const customers = Array.from({ length: 10 }, (_, i) => ({
      id: String(i + 1),
      name: `C${i + 1}`,
      active: true,
      creditScore: null,
    }));
    for (let i = 1; i <= 10; i++)
      invoices.push({
        id: `g${i}`,
        docNumber: null,
        customerId: String(i),
        txnDate: '2026-01-01',
        dueDate: '2026-01-31',
        totalCents: i * 100,
        applications: [{ date: '2026-01-20', cents: i * 100, cash: true }],
        lines: [{ itemId: 'X', qty: 0, amountCents: i * 100 }],
      });
    invoices.push({
      id: 'big10',
      docNumber: null,
      customerId: '10',
      txnDate: '2026-02-01',
      dueDate: '2026-03-01',
      totalCents: 2_000_000,
      applications: [],
      lines: [{ itemId: 'X', qty: 1, amountCents: 3_000 }],
    });
    invoices.push({
      id: 'big9',
      docNumber: null,
      customerId: '9',
      txnDate: '2026-02-01',
      dueDate: '2026-03-01',
      totalCents: 1_600_000,
      applications: [],
      lines: [{ itemId: 'X', qty: 1, amountCents: 3_000 }],
    });
    const a = assessCompany(
      { realmId: 'r', homeCurrency: 'USD', customers, invoices, items },
      DEFAULT_RISK_POLICY,
      '2026-05-01',
    );
    const tier = (id: string) => a.customers.find((c) => c.customerId === id)!.profitabilityTier;
    // Gross profit: customers 1..8 earn i dollars; 9 and 10 earn 9 and 10 (their big lines cost what they bill).
    expect([tier('10'), tier('9'), tier('8'), tier('7'), tier('6'), tier('5'), tier('1')]).toEqual([
      'High',
      'High',
      'Medium',
      'Medium',
      'Medium',
      'Low',
      'Low',
    ]);
    expect(a.highRisk.count).toBe(2);
    expect(a.highRisk.exposureCents).toBe(3_600_000);
    expect(a.highRisk.grossProfitShare).toBe(34.55); // (9 + 10) / (1 + … + 10) = 19 / 55
    expect(a.customers.find((c) => c.customerId === '10')!.segment).toBe('Strategic retention');
  });
});
