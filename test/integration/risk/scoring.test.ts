import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { companyTable, customersTable, toCsv, whatIfExport } from '../../../server/features/risk/exports.js';
import { fixtureCompany } from '../../support/fixture-company.js';
import { syncWorld, withFixtureCutPoints, type SyncWorld } from '../../support/sync-harness.js';
import { scoreOn } from '../../support/score-on.js';

// The fixture company (test/support/fixture-company.ts), synced, then scored as of 2025-06-15.
describe('scoring from the local copy', () => {
  let w: SyncWorld;
  beforeAll(async () => {
    w = await syncWorld({ file: fixtureCompany() });
    await w.t.container.sync.sync(w.realmId);
    await withFixtureCutPoints(w);
  });
  afterAll(() => w.close());

  it('rolls jobs into their parent, treats credits as applied but not cash, and persists a run', async () => {
    const { runId, assessment: a } = await scoreOn(w.t.container, w.emulator.clock, w.realmId, '2025-06-15');
    const byName = Object.fromEntries(a.customers.map((c) => [c.name, c]));
    expect(Object.keys(byName).sort()).toEqual([
      "Amy's Bird Sanctuary",
      "Bill's Windsurf Shop",
      'Cool Cars',
      'Dormant Dan',
      'Freeman Sporting Goods',
    ]);
    expect(byName["Amy's Bird Sanctuary"]!.metrics).toMatchObject({ outstandingCents: 12_500, paymentRate: 64.29 });
    expect(byName["Bill's Windsurf Shop"]!.metrics).toMatchObject({ outstandingCents: 5_000, paymentRate: 37.5 });
    // its job's invoice
    expect(byName['Freeman Sporting Goods']!.metrics).toMatchObject({ outstandingCents: 4_000, paymentRate: 0 });
    expect(byName['Cool Cars']!.risk.score).toBeNull(); // no history, no credit score: nothing to score
    expect(a.totals.outstandingCents).toBe(21_500);
    expect(runId).toBeGreaterThan(0);
    expect((await w.t.container.scoreRuns.customerHistory(w.realmId, '1')).map((h) => h.asOf)).toEqual(['2025-06-15']);
  });

  it('keeps smoothed scores and stable bands across runs, and raises an alert when a band rises', async () => {
    await w.t.container.db('risk_score_runs').where({ realm_id: w.realmId }).delete(); // start the history afresh
    const early = await scoreOn(w.t.container, w.emulator.clock, w.realmId, '2025-04-05');
    const late = await scoreOn(w.t.container, w.emulator.clock, w.realmId, '2025-07-31');
    const afterOne = await w.t.container.scoreRuns.latestStates(w.realmId);
    expect(afterOne.get('1')!.band).toBe('low'); // one worse run is damped, not yet a new band
    for (const asOf of ['2025-08-31', '2025-09-30', '2025-10-31'])
      await scoreOn(w.t.container, w.emulator.clock, w.realmId, asOf);
    const states = await w.t.container.scoreRuns.latestStates(w.realmId);
    // Amy paid her first invoice on time (scored low in April), then half of the second one late.
    const amy = late.assessment.customers.find((c) => c.customerId === '1')!;
    const before = early.assessment.customers.find((c) => c.customerId === '1')!;
    const earlier = Number(
      (await w.t.container.db('customer_scores').where({ run_id: early.runId, customer_qbo_id: '1' }).first())
        .smoothed_score,
    );
    expect(earlier).toBe(before.risk.score);
    expect(afterOne.get('1')!.smoothed).toBeCloseTo(0.3 * amy.risk.score! + 0.7 * earlier, 1);
    const { rows: alerts } = await w.t.container.alertsPage.page(w.realmId, { status: 'all', limit: 50 });
    expect(before.risk.band).toBe('low');
    expect(states.get('1')!.band).toBe('medium');
    expect(alerts.map((a) => a.message)).toContain("Amy's Bird Sanctuary moved from low to medium risk");
  });

  it('as of an earlier date, later payments are ignored', async () => {
    const { assessment: a } = await w.t.container.risk.score(w.realmId, { asOf: '2025-05-02', persist: false });
    const amy = a.customers.find((c) => c.customerId === '1')!;
    expect(amy.metrics.outstandingCents).toBe(25_000); // the $125 arrived on 05-05
  });

  it('a manual credit score enters the composite score', async () => {
    await w.t.container.customerInputs.setCreditScore(w.realmId, '3', 700, 'manual', w.emulator.clock.now());
    const { assessment: a } = await w.t.container.risk.score(w.realmId, { asOf: '2025-06-15', persist: false });
    expect(a.customers.find((c) => c.customerId === '3')!.risk.score).toBeCloseTo(((850 - 700) / 850) * 100, 2);
  });

  it('exports customers and company figures; CSV escapes and defuses formulas', async () => {
    const run = whatIfExport(await w.t.container.risk.score(w.realmId, { asOf: '2025-06-15', persist: false }));
    const csv = toCsv(customersTable(run));
    expect(csv.split('\r\n')[0]).toMatch(
      /^customer_id,name,active,risk_score,raw_risk_score,risk_tier,meets_high_risk_rule,reasons,outstanding,payment_rate_pct/,
    );
    expect(csv.split('\r\n')[0]).toMatch(/,as_of,what_if$/);
    expect(csv.split('\r\n')[1]).toMatch(/,2025-06-15,true$/);
    expect(csv).toContain('"Amy\'s Bird Sanctuary"'.replace(/"/g, ''));
    expect(toCsv({ columns: ['a'], rows: [['=HYPERLINK("x")'], ['a,b']] })).toBe(
      'a\r\n"\'=HYPERLINK(""x"")"\r\n"a,b"\r\n',
    );
    expect(companyTable(run).rows.find((r) => r[0] === 'total_ar')![1]).toBe(215);
    expect(companyTable(run).rows.slice(0, 3)).toEqual([
      ['as_of', '2025-06-15'],
      ['what_if', true],
      ['score_run_id', null],
    ]);
  });

  it('keeps every one of several policy saves made at the same moment, each as its own version', async () => {
    const store = w.t.container.riskPolicies;
    const policy = await store.policy(w.realmId);
    const saved = await Promise.all(
      Array.from({ length: 4 }, () => store.savePolicy(w.realmId, policy, w.emulator.clock.now())),
    );
    const versions = saved.map((p) => p.version).sort((a, b) => a - b);
    expect(versions).toEqual([policy.version + 1, policy.version + 2, policy.version + 3, policy.version + 4]);
    expect((await store.policy(w.realmId)).version).toBe(policy.version + 4);
  });
});
