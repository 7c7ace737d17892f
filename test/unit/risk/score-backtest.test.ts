import { describe, expect, it } from 'vitest';
import { assessCompany } from '../../../server/features/risk/domain/assess-company.js';
import { addDaysToDate } from '../../../server/features/risk/domain/dates.js';
import type { CompanyFacts } from '../../../server/features/risk/domain/risk-facts.js';
import { DEFAULT_RISK_POLICY } from '../../../server/features/risk/domain/risk-policy.js';
import {
  backtestScore,
  scoreAgainstOutcomes,
  type ScoredCustomer,
} from '../../../server/features/risk/domain/score-backtest.js';
import { invoice } from './facts-builders.js';

const SCORED_AS_OF = '2026-01-31';
const AS_OF = '2026-07-31';

describe('score backtest: outcomes against the score then', () => {
  const scored: ScoredCustomer[] = [
    { customerId: 'A', score: 80, band: 'high' },
    { customerId: 'B', score: 50, band: 'medium' },
    { customerId: 'C', score: 20, band: 'low' },
    { customerId: 'D', score: null, band: null },
    { customerId: 'E', score: 10, band: 'low' },
  ];
  const invoices = [
    // 31 days past due on the scoring day itself: already late then, not counted
    invoice('A0', 'A', '2025-12-31', 5_000),
    invoice('A1', 'A', '2026-03-01', 1_000, [['2026-04-15', 1_000]]), // paid 45 days after due: 1,000 open at day 30
    invoice('A2', 'A', '2026-06-01', 500, [['2026-06-10', 200]]), // 300 still open at day 30 (2026-07-01)
    invoice('B1', 'B', '2026-02-15', 2_000, [['2026-03-10', 2_000]]), // 23 days after due: on the list, not very late
    invoice('B2', 'B', '2026-07-15', 900), // reaches day 31 after as-of: outside the period
    invoice('C1', 'C', '2026-05-01', 400), // never paid: 400 open at day 30
    invoice('D1', 'D', '2026-03-01', 700), // unscored customer: its 700 count as not caught
    invoice('E1', 'E', '2025-12-01', 100), // very late before the period: E had no chance to be late in it
  ];

  it('ranks the scored customers who could be late, and counts the dollars the High risk tier caught', () => {
    const b = scoreAgainstOutcomes(scored, invoices, SCORED_AS_OF, AS_OF);
    // Ranked: A (80, late), B (50, on time), C (20, late): A beats B, C loses to B → AUC 1/2.
    expect(b).toEqual({
      scoredAsOf: SCORED_AS_OF,
      asOf: AS_OF,
      customers: 3,
      lateCustomers: 2,
      auc: 0.5,
      lateCents: 1_000 + 300 + 400 + 700,
      highRiskLateCents: 1_300,
      highRiskShare: 1_300 / 2_400,
      highRiskCustomers: 1,
    });
  });

  it('counts an invoice paid on day 30 as on time and one paid on day 31 as very late', () => {
    const edge = [
      invoice('X', 'B', '2026-03-01', 100, [['2026-03-31', 100]]),
      invoice('Y', 'C', '2026-03-01', 100, [['2026-04-01', 100]]),
    ];
    const b = scoreAgainstOutcomes(scored, edge, SCORED_AS_OF, AS_OF);
    expect(b).toMatchObject({ customers: 2, lateCustomers: 1, auc: 0, lateCents: 100, highRiskShare: 0 });
  });

  it('has no AUC and no share when nobody went very late', () => {
    const b = scoreAgainstOutcomes(scored, [invoices[3]!], SCORED_AS_OF, AS_OF);
    expect(b).toMatchObject({ customers: 1, lateCustomers: 0, auc: null, lateCents: 0, highRiskShare: null });
  });
});

describe('score backtest on a company', () => {
  it('scores the company six months before as-of from the same facts', () => {
    // A customer who always pays 2 days early (billed on after the scoring date), and one who paid 60 days late
    // until December, then stopped.
    const monthly = (customerId: string, lateDays: number, stopsAfter: string, count: number) =>
      Array.from({ length: count }, (_, m) => {
        const due = addDaysToDate('2025-01-15', 30 * m);
        return invoice(
          `${customerId}${m}`,
          customerId,
          due,
          10_000,
          due < stopsAfter ? [[addDaysToDate(due, lateDays), 10_000]] : [],
        );
      });
    const facts: CompanyFacts = {
      realmId: 'r',
      homeCurrency: 'USD',
      items: new Map(),
      invoices: [...monthly('P', -2, '2099-01-01', 17), ...monthly('L', 60, '2025-12-01', 12)],
      customers: [
        { id: 'P', name: 'Prompt', active: true, creditScore: null },
        { id: 'L', name: 'Late', active: true, creditScore: null },
      ],
    };
    const b = backtestScore(facts, DEFAULT_RISK_POLICY, '2026-05-31');
    expect(b.scoredAsOf).toBe('2025-11-30');
    // L's invoices due 2025-11-11 (paid on day 60) and 2025-12-11 (never) pass day 30 in the period; the one
    // due 2025-10-12 passed it on 2025-11-12, before the scoring date. L's late history then ranks it first.
    expect(b).toMatchObject({ customers: 2, lateCustomers: 1, auc: 1, lateCents: 2 * 10_000 });
    // Leaving out invoices issued after the scoring date (as backtestScore does) changes no score then.
    const then = assessCompany(facts, DEFAULT_RISK_POLICY, b.scoredAsOf).customers.map((c) => ({
      customerId: c.customerId,
      score: c.risk.score,
      band: c.risk.band,
    }));
    expect(scoreAgainstOutcomes(then, facts.invoices, b.scoredAsOf, b.asOf)).toEqual(b);
  });
});
