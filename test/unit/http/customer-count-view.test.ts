import { describe, expect, it } from 'vitest';
import { customerCountWords } from '../../../server/http/customer-count-view.js';

describe('what a customer count counts', () => {
  // The demo company (seed 42): 300 customers, 22 of them jobs, 16 top-level ones inactive.
  const demo = { all: 300, jobs: 22, inactive: 16, examples: [] };

  it('explains 300 against 278 when jobs roll up into their parents', () => {
    expect(customerCountWords(demo, true)).toBe(
      '300 customers in QuickBooks: 278 scored (262 active, 16 marked inactive in QuickBooks) and 22 jobs, ' +
        'whose invoices count under their parent customer.',
    );
  });

  it('says every customer is scored when the policy scores jobs on their own', () => {
    expect(customerCountWords(demo, false)).toBe(
      '300 customers in QuickBooks, all scored (284 active, 16 marked inactive in QuickBooks): ' +
        'the policy scores its 22 jobs on their own.',
    );
  });

  it('keeps it short without jobs or inactive customers, and says when nothing is synced', () => {
    expect(customerCountWords({ all: 1_250, jobs: 0, inactive: 0, examples: [] }, true)).toBe(
      '1,250 customers in QuickBooks, all scored (all active).',
    );
    expect(customerCountWords({ all: 3, jobs: 1, inactive: 0, examples: [] }, true)).toBe(
      '3 customers in QuickBooks: 2 scored (all active) and 1 job, whose invoices count under its parent customer.',
    );
    expect(customerCountWords({ all: 0, jobs: 0, inactive: 0, examples: [] }, true)).toBe(
      'No customers have been synced from QuickBooks yet.',
    );
  });
});
