import { z } from 'zod';
import { CREDIT_SCORE_MAX, CREDIT_SCORE_MIN } from './credit-score.js';

/** What to do about a customer or an open invoice; the policy's strategy cells choose from these. */
const STRATEGY_NAMES = ['Standard', 'Loyalty', 'Send reminders', 'AR follow-up', 'Credit restriction'] as const;
export type Strategy = (typeof STRATEGY_NAMES)[number];
export const STRATEGIES: readonly Strategy[] = STRATEGY_NAMES;

const strategy = z.enum(STRATEGY_NAMES);
const cellsOfTier = z.strictObject({ High: strategy, Medium: strategy, Low: strategy });
const probability = z.number().min(0).max(1);

/** The strategy of each risk tier × profitability tier cell, and the thresholds of an open invoice's strategy. */
const strategiesSchema = z.strictObject({
  byCell: z.strictObject({ high: cellsOfTier, medium: cellsOfTier, low: cellsOfTier }),
  openInvoice: z
    .strictObject({
      arFollowUp: z.strictObject({
        daysPastDueOver: z.number().int().min(0).max(365),
        lateProbabilityFrom: probability,
      }),
      sendReminders: z.strictObject({
        daysPastDueFrom: z.number().int().min(1).max(365),
        lateProbabilityFrom: probability,
      }),
    })
    .refine(
      (o) =>
        o.sendReminders.daysPastDueFrom <= o.arFollowUp.daysPastDueOver &&
        o.sendReminders.lateProbabilityFrom <= o.arFollowUp.lateProbabilityFrom,
      'reminders must start no later than AR follow-up',
    ),
});

/** Needs-based credit limit: days of grace on top of the usual terms, and the factor of each risk tier. */
const creditLimitSchema = z.strictObject({
  graceDays: z.number().int().min(0).max(365),
  factors: z
    .strictObject({
      low: z.number().min(0).max(10),
      medium: z.number().min(0).max(10),
      high: z.number().min(0).max(10),
    })
    .refine((f) => f.low >= f.medium && f.medium >= f.high, 'a riskier tier cannot get a larger factor'),
});

/** Smoothing and hysteresis of the risk tier across runs (score-stability.ts). */
const stabilitySchema = z.strictObject({
  alpha: z.number().gt(0).max(1),
  deadband: z.number().min(0).max(100),
  saferRunsNeeded: z.number().int().min(1).max(24),
  risingRunsAlert: z.number().int().min(1).max(24),
  risingBy: z.number().min(0).max(100),
});

/** Behavioural clusters: how many, and the seed of k-means++ (the same seed gives the same clusters). */
const clustersSchema = z.strictObject({
  count: z.number().int().min(1).max(12),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1),
});

/**
 * The reasons behind a score: when each is given, and the weights that rank them. A reason ranks by the points of
 * the composite term it speaks for; a supporting reason takes a share of a term's points, below the term's own.
 */
const reasonsSchema = z.strictObject({
  thresholds: z.strictObject({
    paymentRateBelow: z.number().min(0).max(100),
    creditScoreBelow: z.number().min(CREDIT_SCORE_MIN).max(CREDIT_SCORE_MAX),
    daysBeyondTermsOver: z.number().min(0).max(365),
    paymentScoreBelow: z.number().min(0).max(100),
    lateInvoicesFrom: z.number().int().min(1).max(10),
    billingTrendBelow: z.number().gt(0).max(1),
    tenureUnderDays: z.number().int().min(0).max(3650),
  }),
  weights: z.strictObject({
    ownTermShare: z.number().min(0).lt(1),
    relatedTermShare: z.number().min(0).lt(1),
    pointsPerDayBeyondTerms: z.number().min(0).max(100),
    maxPointsForDaysBeyondTerms: z.number().min(0).max(100),
    lateInvoicesPoints: z.number().min(0).max(100),
    overdue60Points: z.number().min(0).max(100),
    billingFellPoints: z.number().min(0).max(100),
  }),
});

export const DEFAULT_STRATEGIES: z.infer<typeof strategiesSchema> = {
  byCell: {
    high: { High: 'AR follow-up', Medium: 'AR follow-up', Low: 'Credit restriction' },
    medium: { High: 'Send reminders', Medium: 'Send reminders', Low: 'Send reminders' },
    low: { High: 'Loyalty', Medium: 'Standard', Low: 'Standard' },
  },
  openInvoice: {
    arFollowUp: { daysPastDueOver: 30, lateProbabilityFrom: 0.7 },
    sendReminders: { daysPastDueFrom: 1, lateProbabilityFrom: 0.4 },
  },
};
export const DEFAULT_CREDIT_LIMIT: z.infer<typeof creditLimitSchema> = {
  graceDays: 15,
  factors: { low: 1.25, medium: 1, high: 0.5 },
};
export const DEFAULT_STABILITY: z.infer<typeof stabilitySchema> = {
  alpha: 0.3,
  deadband: 5,
  saferRunsNeeded: 2,
  risingRunsAlert: 3,
  risingBy: 0.5,
};
export const DEFAULT_CLUSTERS: z.infer<typeof clustersSchema> = { count: 4, seed: 42 };
export const DEFAULT_REASONS: z.infer<typeof reasonsSchema> = {
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
};

/**
 * The scoring policy as data: validated, versioned, with the defaults metrics.md gives. Every number the
 * engine uses that a business might want different lives here. The groups added after policies were first saved
 * (strategies, creditLimit, stability, clusters, reasons) default as a whole, so an older saved policy still
 * parses and scores as it did.
 */
export const riskPolicySchema = z.strictObject({
  version: z.number().int().min(1),
  windowMonths: z.number().int().min(3).max(60),
  graceDays: z.number().int().min(0).max(60),
  rollUpJobs: z.boolean(),
  weights: z
    .strictObject({ paymentRate: z.number().min(0), creditScore: z.number().min(0), stability: z.number().min(0) })
    .refine((w) => w.paymentRate + w.creditScore + w.stability > 0, 'at least one weight must be positive'),
  highRisk: z.strictObject({
    paymentRateBelow: z.number().min(0).max(100),
    balanceAboveCents: z.number().int().min(0),
  }),
  /** Composite score bands: below `medium` is the Low tier, from `high` up the High tier (with the high-risk rule). */
  bands: z
    .strictObject({ medium: z.number().min(0).max(100), high: z.number().min(0).max(100) })
    .refine((b) => b.medium < b.high, 'medium must be below high'),
  profitability: z
    .strictObject({ highShare: z.number().gt(0).lt(1), mediumShare: z.number().gt(0).lt(1) })
    .refine((p) => p.highShare + p.mediumShare < 1, 'the High and Medium shares must leave room for Low'),
  strategies: strategiesSchema.default(() => structuredClone(DEFAULT_STRATEGIES)),
  creditLimit: creditLimitSchema.default(() => structuredClone(DEFAULT_CREDIT_LIMIT)),
  stability: stabilitySchema.default(() => structuredClone(DEFAULT_STABILITY)),
  clusters: clustersSchema.default(() => structuredClone(DEFAULT_CLUSTERS)),
  reasons: reasonsSchema.default(() => structuredClone(DEFAULT_REASONS)),
});
export type RiskPolicy = z.infer<typeof riskPolicySchema>;

export const DEFAULT_RISK_POLICY: RiskPolicy = {
  version: 1,
  windowMonths: 24,
  graceDays: 0,
  rollUpJobs: true,
  weights: { paymentRate: 0.4, creditScore: 0.4, stability: 0.2 },
  highRisk: { paymentRateBelow: 75, balanceAboveCents: 1_500_000 },
  // With the credit term filled by the payment score, a stable customer who pays everything 30 days late (payment
  // score 50) scores about 22: just Low; any unpaid share on top makes it Medium (docs/risk.md has the measurements).
  bands: { medium: 25, high: 45 },
  profitability: { highShare: 0.2, mediumShare: 0.3 },
  strategies: DEFAULT_STRATEGIES,
  creditLimit: DEFAULT_CREDIT_LIMIT,
  stability: DEFAULT_STABILITY,
  clusters: DEFAULT_CLUSTERS,
  reasons: DEFAULT_REASONS,
};
