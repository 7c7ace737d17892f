import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../server/clock.js';
import { ValidationError } from '../../../server/errors.js';
import { silentLogger } from '../../../server/logger.js';
import type { Company } from '../../../server/features/connections/connection-store-type.js';
import type { CompanyFacts } from '../../../server/features/risk/domain/risk-facts.js';
import { DEFAULT_RISK_POLICY } from '../../../server/features/risk/domain/risk-policy.js';
import { FakeCustomerInputStore } from '../../../server/features/risk/fake-customer-input-store.js';
import { FakeRiskPolicyStore } from '../../../server/features/risk/fake-risk-policy-store.js';
import { FakeScoreRunStore } from '../../../server/features/risk/fake-score-run-store.js';
import { RiskService } from '../../../server/features/risk/risk-service.js';
import { invoice } from './facts-builders.js';

const REALM = 'realm-1';
/** Noon UTC: the same date in the company's zone. */
const TODAY = '2026-07-31';
const COMPANY: Company = {
  realmId: REALM,
  companyName: 'Fixture Co',
  environment: 'emulator',
  status: 'connected',
  timeZone: 'UTC',
  homeCurrency: 'USD',
  connectedAt: null,
  disconnectedAt: null,
};

/**
 * Two customers: Prompt pays every invoice on time; Slow has paid nothing of $60,000 that fell due months ago,
 * which meets the default high-risk rule (payment rate under 75% and more than $15,000 open).
 */
function facts(): CompanyFacts {
  const prompt = Array.from({ length: 6 }, (_, m) => {
    const due = `2026-0${m + 1}-15`;
    return invoice(`P${m}`, 'prompt', due, 100_000, [[due, 100_000]]);
  });
  const slow = Array.from({ length: 3 }, (_, m) => invoice(`S${m}`, 'slow', `2026-0${m + 2}-10`, 2_000_000));
  return {
    realmId: REALM,
    homeCurrency: 'USD',
    items: new Map(),
    invoices: [...prompt, ...slow],
    customers: [
      { id: 'prompt', name: 'Prompt Payer', active: true, creditScore: null },
      { id: 'slow', name: 'Slow Payer', active: true, creditScore: null },
    ],
  };
}

function world() {
  const scoreRuns = new FakeScoreRunStore();
  const policies = new FakeRiskPolicyStore();
  const customerInputs = new FakeCustomerInputStore();
  const factsRead: Array<{ realmId: string; rollUpJobs: boolean }> = [];
  const recorded: string[] = [];
  const service = new RiskService({
    companies: { getCompany: async (realmId) => (realmId === REALM ? COMPANY : undefined) },
    localCopy: {
      companyFacts: async (realmId, o) => {
        factsRead.push({ realmId, ...o });
        return facts();
      },
    },
    scoreRuns,
    policies,
    customerInputs,
    clock: fixedClock(`${TODAY}T12:00:00Z`),
    logger: silentLogger,
    defaultTimeZone: 'UTC',
    activity: { record: async (_realmId, e) => void recorded.push(e.summary) },
    runsKeptWhole: 3,
  });
  return { service, scoreRuns, policies, customerInputs, factsRead, recorded };
}

describe('RiskService over in-memory stores', () => {
  it('saves a run as of today with every customer, its open invoices and the alerts it raises', async () => {
    const w = world();
    // The previous run had Slow in the Low tier:
    // meeting the high-risk rule now moves it to High at once, with an alert.
    w.scoreRuns.previous(REALM, {
      states: new Map([['slow', { smoothed: 10, band: 'low', risingRuns: 0, saferRuns: 0 }]]),
    });
    const result = await w.service.score(REALM, { trigger: 'manual' });
    expect(result).toMatchObject({ runId: 1, whatIf: false });
    expect(w.factsRead).toEqual([{ realmId: REALM, rollUpJobs: DEFAULT_RISK_POLICY.rollUpJobs }]);
    const [saved] = w.scoreRuns.runs;
    expect(saved).toMatchObject({ realmId: REALM, trigger: 'manual', at: new Date(`${TODAY}T12:00:00Z`) });
    expect(saved!.assessment.asOf).toBe(TODAY);
    expect(saved!.assessment.customers.map((c) => c.customerId).sort()).toEqual(['prompt', 'slow']);
    expect(saved!.assessment.openInvoices.map((i) => i.invoiceId).sort()).toEqual(['S0', 'S1', 'S2']);
    expect(saved!.alerts).toEqual([
      { customerId: 'slow', kind: 'band_up', message: 'Slow Payer moved from low to high risk' },
    ]);
    expect(saved!.states.get('slow')!.band).toBe('high');
    expect(saved!.figures.modelCard).toBe(result.model);
    expect(w.recorded).toEqual(['Scored 2 customers as of 2026-07-31: 1 high risk']);
  });

  it('a what-if as of an earlier date is scored but never saved, smoothed or logged', async () => {
    const w = world();
    w.scoreRuns.previous(REALM, {
      states: new Map([['slow', { smoothed: 10, band: 'low', risingRuns: 0, saferRuns: 0 }]]),
    });
    const result = await w.service.score(REALM, { asOf: '2026-06-30' });
    expect(result).toMatchObject({ runId: null, whatIf: true });
    expect(result.assessment.asOf).toBe('2026-06-30');
    expect(result.assessment.customers.every((c) => c.alerts.length === 0)).toBe(true);
    expect(w.scoreRuns.runs).toEqual([]);
    expect(w.recorded).toEqual([]);
  });

  it('refuses an as-of after today in the company\u2019s time zone, and a date that is not YYYY-MM-DD', async () => {
    const w = world();
    await expect(w.service.score(REALM, { asOf: '2026-08-01' })).rejects.toThrow(ValidationError);
    await expect(w.service.score(REALM, { asOf: '31/07/2026' })).rejects.toThrow(ValidationError);
    expect(w.scoreRuns.runs).toEqual([]);
    expect(w.factsRead).toEqual([]);
  });

  it("smooths each score against the previous run's state", async () => {
    const fresh = world();
    const first = (await fresh.service.score(REALM)).assessment.customers.find((c) => c.customerId === 'prompt')!;
    expect(fresh.scoreRuns.runs[0]!.states.get('prompt')!.smoothed).toBe(first.risk.score); // nothing to smooth with
    const w = world();
    w.scoreRuns.previous(REALM, {
      states: new Map([['prompt', { smoothed: 40, band: 'medium', risingRuns: 0, saferRuns: 0 }]]),
    });
    await w.service.score(REALM);
    const { alpha } = DEFAULT_RISK_POLICY.stability;
    const expected = Math.round((alpha * first.risk.score! + (1 - alpha) * 40) * 100) / 100;
    expect(w.scoreRuns.runs[0]!.states.get('prompt')!.smoothed).toBe(expected);
    expect(expected).not.toBe(first.risk.score);
  });

  it('scores with the credit scores entered and the company\u2019s saved policy', async () => {
    const w = world();
    await w.customerInputs.setCreditScore(REALM, 'prompt', 700, 'manual', new Date());
    await w.policies.savePolicy(REALM, { ...DEFAULT_RISK_POLICY, rollUpJobs: false }, new Date());
    const result = await w.service.score(REALM, { persist: false });
    expect(result.runId).toBeNull();
    expect(result.facts.customers.find((c) => c.id === 'prompt')!.creditScore).toBe(700);
    expect(result.policy.version).toBe(DEFAULT_RISK_POLICY.version + 1);
    expect(w.factsRead).toEqual([{ realmId: REALM, rollUpJobs: false }]);
    expect(w.scoreRuns.runs).toEqual([]);
  });

  it('trims the detail of runs older than the newest kept whole once a new run is saved', async () => {
    const w = world();
    for (let i = 0; i < 4; i++) await w.service.score(REALM);
    expect(w.scoreRuns.runs.map((r) => r.trimmed)).toEqual([true, false, false, false]);
  });
});
