import { describe, expect, it } from 'vitest';
import type { ScoreBacktest } from '../../../server/features/risk/domain/score-backtest.js';
import type { LatePaymentModelCard } from '../../../server/features/risk/model/late-payment-model.js';
import { calibrationInWords, eceOf, modelCardView, rankingInWords } from '../../../server/http/model-card-view.js';

const card: LatePaymentModelCard = {
  trainedOn: 6_756,
  holdoutSize: 1_351,
  auc: 0.926,
  brier: 0.06,
  ece: 0.031,
  calibration: [
    { bin: '0.0-0.1', predicted: 0.08, observed: 0.333, count: 6 },
    { bin: '0.2-0.3', predicted: 0.262, observed: 0.27, count: 40 },
    { bin: '0.9-1.0', predicted: 0.988, observed: 0.989, count: 995 },
  ],
  method: 'L2 logistic regression',
  fallback: false,
  features: ['priorLateShare', 'termsDays'],
  asOf: '2026-10-31',
};

describe('model card in plain words', () => {
  it('says what it learned from, how well it ranks and how far its percentages are off, bin by bin', () => {
    const v = modelCardView(card, undefined);
    expect(v.summary).toBe(
      'Learned from 6,756 invoices whose outcome was known by 31 Oct 2026, ' +
        'then checked on the latest 1,351 of them, which it had not seen.',
    );
    expect(v.ranking).toBe(
      'Ranks invoices very well: given one invoice that was paid late and one that was not, ' +
        'it gave the late one the higher chance 93 times in 100.',
    );
    expect(v.calibration).toBe(
      'Its percentages can be read as they are: on average they were 3 percentage points from what happened.',
    );
    // The 6-invoice bin is too small to quote.
    expect(v.bins).toEqual([
      'Of the 40 invoices we predicted 20–30% likely to be late, 27% were.',
      'Of the 995 invoices we predicted 90–100% likely to be late, 99% were.',
    ]);
    expect(v.details.figures).toContainEqual({ label: 'Expected calibration error (10 bins)', value: '0.031' });
    expect(v.details.method).toBe('L2 logistic regression');
    expect(v.backtest).toBeNull();
  });

  it("puts thousands separators in the method's counts, not in its small numbers", () => {
    const method =
      'L2 logistic regression (Newton/IRLS, l2=1) on 9 point-in-time features, Platt-scaled on the latest 20% of ' +
      'training rows; holdout = latest 20% by TxnDate; refitted on all 6554 (the most recent, at most 30000) ' +
      'decided invoices';
    expect(modelCardView({ ...card, method }, undefined).details.method).toBe(
      'L2 logistic regression (Newton/IRLS, l2=1) on 9 point-in-time features, Platt-scaled on the latest 20% of ' +
        'training rows; holdout = latest 20% by TxnDate; refitted on all 6,554 (the most recent, at most 30,000) ' +
        'decided invoices',
    );
  });

  it('grades AUC and ECE in words at their boundaries', () => {
    expect(rankingInWords(0.9)).toMatch(/^Ranks invoices very well: .* 90 times in 100\.$/);
    expect(rankingInWords(0.85)).toMatch(/^Ranks invoices well: /);
    expect(rankingInWords(0.7)).toMatch(/^Ranks invoices fairly well: /);
    expect(rankingInWords(0.55)).toMatch(/^Ranks invoices hardly better than chance: /);
    expect(rankingInWords(null)).toBeNull();
    expect(calibrationInWords(0.05)).toMatch(/^Its percentages can be read as they are: .* 5 percentage points/);
    expect(calibrationInWords(0.01)).toMatch(/ 1 percentage point from/);
    expect(calibrationInWords(0.08)).toMatch(/^Its percentages are close: /);
    expect(calibrationInWords(0.24)).toBe(
      'Its percentages were 24 percentage points from what happened on average: ' +
        'use them to compare invoices, not as odds.',
    );
  });

  it('works out ECE from the calibration table on runs saved before the card carried it', () => {
    const { ece: _ece, ...old } = card;
    // (6·|0.08−0.333| + 40·|0.262−0.27| + 995·|0.988−0.989|) / 1041
    expect(eceOf(old)).toBeCloseTo((6 * 0.253 + 40 * 0.008 + 995 * 0.001) / 1_041, 12);
    expect(eceOf({ calibration: [] })).toBeNull();
    expect(eceOf({ ece: null, calibration: card.calibration })).toBeNull();
  });

  it('tells the score backtest as sentences, with the figures behind them', () => {
    const b: ScoreBacktest = {
      scoredAsOf: '2026-04-30',
      asOf: '2026-10-31',
      customers: 250,
      lateCustomers: 80,
      auc: 0.784,
      lateCents: 12_345_600,
      highRiskLateCents: 7_654_300,
      highRiskShare: 0.62,
      highRiskCustomers: 31,
    };
    expect(modelCardView(card, b).backtest!.sentences).toEqual([
      'Scored as of 30 Apr 2026, 250 customers had invoices that could go more than 30 days past their terms ' +
        'by 31 Oct 2026; 80 of them let one do so.',
      'The risk score then put such a customer above one who paid in time 78 times in 100.',
      'Customers in the High risk tier then owed 62% of the $123,456 that went that late.',
    ]);
    const quiet = modelCardView(card, {
      ...b,
      lateCustomers: 0,
      auc: null,
      lateCents: 0,
      highRiskLateCents: 0,
      highRiskShare: null,
    });
    expect(quiet.backtest!.sentences.slice(1)).toEqual(['No invoice went that late in the period.']);
  });
});
