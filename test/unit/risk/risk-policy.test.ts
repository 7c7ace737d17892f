import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CLUSTERS,
  DEFAULT_CREDIT_LIMIT,
  DEFAULT_REASONS,
  DEFAULT_RISK_POLICY,
  DEFAULT_STABILITY,
  DEFAULT_STRATEGIES,
  riskPolicySchema,
} from '../../../server/features/risk/domain/risk-policy.js';

/** A policy as saved before the strategies, credit-limit, stability, cluster and reason settings joined it. */
const savedBefore = {
  version: 3,
  windowMonths: 12,
  graceDays: 5,
  rollUpJobs: false,
  weights: { paymentRate: 0.5, creditScore: 0.3, stability: 0.2 },
  highRisk: { paymentRateBelow: 70, balanceAboveCents: 2_000_000 },
  bands: { medium: 30, high: 50 },
  profitability: { highShare: 0.25, mediumShare: 0.25 },
};

describe('the risk policy', () => {
  it('parses a policy saved before the new groups, giving them their defaults and keeping what was saved', () => {
    const parsed = riskPolicySchema.parse(JSON.parse(JSON.stringify(savedBefore)));
    expect(parsed).toEqual({
      ...savedBefore,
      strategies: DEFAULT_STRATEGIES,
      creditLimit: DEFAULT_CREDIT_LIMIT,
      stability: DEFAULT_STABILITY,
      clusters: DEFAULT_CLUSTERS,
      reasons: DEFAULT_REASONS,
    });
    // Each parse gets its own copy: changing one policy never changes the defaults.
    parsed.creditLimit.factors.low = 2;
    expect(DEFAULT_CREDIT_LIMIT.factors.low).toBe(1.25);
    const {
      strategies: _s,
      creditLimit: _c,
      stability: _st,
      clusters: _cl,
      reasons: _r,
      ...oldDefault
    } = DEFAULT_RISK_POLICY;
    expect(riskPolicySchema.parse(oldDefault)).toEqual(DEFAULT_RISK_POLICY);
  });

  it('defaults to the numbers the engine used as constants', () => {
    expect(DEFAULT_RISK_POLICY.strategies.byCell).toEqual({
      high: { High: 'AR follow-up', Medium: 'AR follow-up', Low: 'Credit restriction' },
      medium: { High: 'Send reminders', Medium: 'Send reminders', Low: 'Send reminders' },
      low: { High: 'Loyalty', Medium: 'Standard', Low: 'Standard' },
    });
    expect(DEFAULT_RISK_POLICY.strategies.openInvoice).toEqual({
      arFollowUp: { daysPastDueOver: 30, lateProbabilityFrom: 0.7 },
      sendReminders: { daysPastDueFrom: 1, lateProbabilityFrom: 0.4 },
    });
    expect(DEFAULT_RISK_POLICY.creditLimit).toEqual({ graceDays: 15, factors: { low: 1.25, medium: 1, high: 0.5 } });
    expect(DEFAULT_RISK_POLICY.stability).toEqual({
      alpha: 0.3,
      deadband: 5,
      saferRunsNeeded: 2,
      risingRunsAlert: 3,
      risingBy: 0.5,
    });
    expect(DEFAULT_RISK_POLICY.clusters).toEqual({ count: 4, seed: 42 });
    expect(DEFAULT_RISK_POLICY.reasons).toEqual({
      thresholds: {
        paymentRateBelow: 95,
        creditScoreBelow: 650,
        daysBeyondTermsOver: 5,
        paymentScoreBelow: 70,
        lateInvoicesFrom: 2,
        billingTrendBelow: 0.7,
        tenureUnderDays: 180,
      },
      weights: {
        ownTermShare: 0.9,
        relatedTermShare: 0.5,
        pointsPerDayBeyondTerms: 0.5,
        maxPointsForDaysBeyondTerms: 40,
        lateInvoicesPoints: 1,
        overdue60Points: 1,
        billingFellPoints: 1,
      },
    });
    expect(riskPolicySchema.parse(DEFAULT_RISK_POLICY)).toEqual(DEFAULT_RISK_POLICY);
  });

  it('refuses a group written only in part, a strategy it does not know, and settings that contradict', () => {
    const refused = (patch: Record<string, unknown>) =>
      riskPolicySchema.safeParse({ ...DEFAULT_RISK_POLICY, ...patch }).success === false;
    expect(refused({ clusters: { count: 5 } })).toBe(true);
    expect(refused({ clusters: { count: 0, seed: 1 } })).toBe(true);
    const cells = DEFAULT_STRATEGIES.byCell;
    expect(
      refused({ strategies: { ...DEFAULT_STRATEGIES, byCell: { ...cells, low: { ...cells.low, High: 'Be nice' } } } }),
    ).toBe(true);
    const late = {
      arFollowUp: { daysPastDueOver: 30, lateProbabilityFrom: 0.7 },
      sendReminders: { daysPastDueFrom: 45, lateProbabilityFrom: 0.4 },
    };
    expect(refused({ strategies: { ...DEFAULT_STRATEGIES, openInvoice: late } })).toBe(true);
    expect(refused({ creditLimit: { graceDays: 15, factors: { low: 0.5, medium: 1, high: 1.25 } } })).toBe(true);
    expect(refused({ stability: { ...DEFAULT_STABILITY, alpha: 0 } })).toBe(true);
    expect(refused({ reasons: { ...DEFAULT_REASONS, weights: { ...DEFAULT_REASONS.weights, ownTermShare: 1 } } })).toBe(
      true,
    );
    expect(refused({ reasons: { ...DEFAULT_REASONS, extra: 1 } })).toBe(true);
    // The same changes within the rules are taken.
    expect(refused({ clusters: { count: 6, seed: 7 } })).toBe(false);
    expect(refused({ creditLimit: { graceDays: 0, factors: { low: 1, medium: 1, high: 0 } } })).toBe(false);
  });
});
