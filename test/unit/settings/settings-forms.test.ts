import { describe, expect, it } from 'vitest';
import { DEFAULT_RISK_POLICY } from '../../../server/features/risk/domain/risk-policy.js';
import { decodeUpload } from '../../../server/features/settings/credit-score-upload.js';
import { effectiveNightlyTime, nextNightlyRun } from '../../../server/features/settings/nightly-schedule.js';
import {
  describePolicy,
  draftOf,
  parsePolicyForm,
  policyChanges,
  policyToValues,
} from '../../../server/features/settings/policy-form.js';

const defaults = draftOf(DEFAULT_RISK_POLICY);

describe('the policy form', () => {
  it('reads back exactly what it shows', () => {
    const parsed = parsePolicyForm(policyToValues(defaults), defaults);
    expect(parsed.errors).toEqual({});
    expect(parsed.draft).toEqual(defaults);
  });

  it('takes percentages, dollars with separators and a trailing % or leading $', () => {
    const parsed = parsePolicyForm(
      {
        ...policyToValues(defaults),
        weightPaymentRate: '33.3',
        weightCreditScore: '33.3%',
        weightStability: '33.4',
        highRiskBalanceAbove: '$1,250,000.50',
        rollUpJobs: '',
      },
      defaults,
    );
    expect(parsed.errors).toEqual({});
    expect(parsed.draft!.weights).toEqual({ paymentRate: 0.333, creditScore: 0.333, stability: 0.334 });
    expect(parsed.draft!.highRisk.balanceAboveCents).toBe(125_000_050);
    expect(parsed.draft!.rollUpJobs).toBe(false);
  });

  it('names each bad field and each broken rule in plain words', () => {
    const { errors, draft } = parsePolicyForm(
      {
        ...policyToValues(defaults),
        weightStability: '30',
        bandMedium: '60',
        windowMonths: '2',
        graceDays: '1.5',
        profitHighShare: '0',
        highRiskBalanceAbove: '1,5',
      },
      defaults,
    );
    expect(draft).toBeUndefined();
    expect(errors).toEqual({
      'group:weights': 'The three weights add up to 110%: they must add up to exactly 100%.',
      'group:bands': 'Medium risk must start below high risk: 60 is not below 45.',
      windowMonths: '2 months is out of range: enter a whole number from 3 months to 60 months.',
      graceDays: 'Enter a whole number from 0 days to 60 days, without decimals.',
      profitHighShare: '0% is out of range: enter a number from 1% to 98%.',
      highRiskBalanceAbove: '"1,5" is not a number: enter an amount from $0 to $1,000,000,000.',
    });
  });

  it('lists what changed, one phrase per setting', () => {
    const after = {
      ...defaults,
      weights: { paymentRate: 0.5, creditScore: 0.3, stability: 0.2 },
      rollUpJobs: false,
      windowMonths: 12,
    };
    expect(policyChanges(defaults, after)).toEqual([
      'payment-rate weight 40% → 50%',
      'credit-score weight 40% → 30%',
      'window 24 months → 12 months',
      'jobs are now scored on their own',
    ]);
    expect(policyChanges(defaults, defaults)).toEqual([]);
    expect(describePolicy(defaults)[0]).toBe(
      'Score weights: Payment rate 40%, Credit (bureau or payment score) 40%, Business stability 20%',
    );
  });

  it('keeps what the form does not show from the current policy, and names a change to it', () => {
    const creditLimit = { graceDays: 30, factors: { low: 1.5, medium: 1, high: 0.25 } };
    const tuned = { ...defaults, clusters: { count: 6, seed: 7 }, creditLimit };
    const parsed = parsePolicyForm({ ...policyToValues(tuned), windowMonths: '12' }, tuned);
    expect(parsed.draft).toEqual({ ...tuned, windowMonths: 12 });
    expect(policyChanges(tuned, defaults)).toEqual([
      'credit-limit grace and factors changed',
      'cluster count and seed changed',
    ]);
  });
});

describe('the nightly schedule', () => {
  it('falls back to the deployment default', () => {
    expect(effectiveNightlyTime(null, '02:30')).toBe('02:30');
    expect(effectiveNightlyTime('05:00', '02:30')).toBe('05:00');
    expect(effectiveNightlyTime('5am', '02:30')).toBe('02:30');
  });

  it('says when the next run comes, as the dispatcher decides it', () => {
    const zone = 'America/New_York';
    // 2026-11-25 03:00 in New York.
    const now = new Date('2026-11-25T08:00:00Z');
    expect(nextNightlyRun({ now, zone, time: '05:00', today: undefined })).toEqual({
      when: 'today',
      date: '2026-11-25',
      time: '05:00',
      zone,
    });
    expect(nextNightlyRun({ now, zone, time: '02:30', today: undefined }).when).toBe('due');
    expect(nextNightlyRun({ now, zone, time: '02:30', today: 'failed' }).when).toBe('due');
    expect(nextNightlyRun({ now, zone, time: '02:30', today: 'running' }).when).toBe('running');
    expect(nextNightlyRun({ now, zone, time: '02:30', today: 'succeeded' })).toEqual({
      when: 'tomorrow',
      date: '2026-11-26',
      time: '02:30',
      zone,
    });
    // The local date, not UTC's: 23:30 on the 25th in Los Angeles is the 26th in UTC.
    expect(
      nextNightlyRun({
        now: new Date('2026-11-26T07:30:00Z'),
        zone: 'America/Los_Angeles',
        time: '02:30',
        today: 'succeeded',
      }).date,
    ).toBe('2026-11-26');
  });
});

describe('an uploaded credit-score file', () => {
  it('is read as UTF-8 (with or without a byte-order mark), else as Windows-1252', () => {
    expect(decodeUpload(Buffer.from('customer,score\nCafé,700\n'))).toEqual({ text: 'customer,score\nCafé,700\n' });
    expect(decodeUpload(Buffer.from([0x43, 0x61, 0x66, 0xe9]))).toEqual({ text: 'Café' });
    expect(decodeUpload(Buffer.alloc(0))).toHaveProperty('error');
    expect(decodeUpload(Buffer.from([0x50, 0x4b, 0, 0]))).toHaveProperty('error');
  });
});
