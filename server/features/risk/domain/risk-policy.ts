import { z } from 'zod';

/**
 * The scoring policy as data: validated, versioned, with the defaults metrics.md gives. Every number the
 * engine uses that a business might want different lives here.
 */
export const riskPolicySchema = z.strictObject({
  version: z.number().int().min(1),
  windowMonths: z.number().int().min(3).max(60),
  graceDays: z.number().int().min(0).max(60),
  rollUpJobs: z.boolean(),
  weights: z.strictObject({ paymentRate: z.number().min(0), creditScore: z.number().min(0), stability: z.number().min(0) })
    .refine((w) => w.paymentRate + w.creditScore + w.stability > 0, 'at least one weight must be positive'),
  highRisk: z.strictObject({ paymentRateBelow: z.number().min(0).max(100), balanceAboveCents: z.number().int().min(0) }),
  /** Composite score bands: below `medium` is the Low tier, from `high` up the High tier (with the high-risk rule). */
  bands: z.strictObject({ medium: z.number().min(0).max(100), high: z.number().min(0).max(100) }).refine((b) => b.medium < b.high, 'medium must be below high'),
  profitability: z.strictObject({ highShare: z.number().gt(0).lt(1), mediumShare: z.number().gt(0).lt(1) }).refine((p) => p.highShare + p.mediumShare < 1, 'the High and Medium shares must leave room for Low'),
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
};
