import { describe, expect, it } from 'vitest';
import { CREDIT_SCORE_RULE, readCreditScore } from '../../../server/features/risk/domain/credit-score.js';

describe('readCreditScore', () => {
  it('accepts whole numbers from 300 to 850, ignoring surrounding spaces', () => {
    expect(readCreditScore('300')).toBe(300);
    expect(readCreditScore('850')).toBe(850);
    expect(readCreditScore(' 712 ')).toBe(712);
  });

  it('rejects anything else', () => {
    for (const bad of ['299', '851', '', 'abc', '700.5', '-700', '7e2', '0x2bc', '7 00', '1000000000000300']) {
      expect(readCreditScore(bad), bad).toBeUndefined();
    }
  });

  it('describes the rule in words', () => {
    expect(CREDIT_SCORE_RULE).toBe('a whole number from 300 to 850');
  });
});
