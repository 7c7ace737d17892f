import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCompany } from '../../../server/emulator/generator/generate-company.js';
import type { Container } from '../../../server/container.js';
import { NO_CONTROLS } from '../../../server/features/risk/customer-input-store-type.js';
import { fixtureCompany } from '../../support/fixture-company.js';
import { syncWorld, type SyncWorld } from '../../support/sync-harness.js';
import { createPgDatabase, PG_ADMIN_URL } from '../../support/pg-database.js';
import { scoreOn } from '../../support/score-on.js';

const POLICY = { windowMonths: 24, graceDays: 0, rollUpJobs: true };

function suite(dialect: string, database: () => Promise<{ env?: Record<string, string>; drop(): Promise<void> }>) {
  /**
   * The fixture company (test/support/fixture-company.ts), whose every figure can be checked by eye, scored as of
   * 2025-05-15 and 2025-06-15.
   */
  describe(`a customer's page data on ${dialect}`, () => {
    let w: SyncWorld;
    let c: Container;
    let runId: number;
    let drop: () => Promise<void>;

    beforeAll(async () => {
      const d = await database();
      drop = d.drop;
      w = await syncWorld({ file: fixtureCompany(), ...(d.env ? { appEnv: d.env } : {}) });
      await w.t.container.sync.sync(w.realmId);
      await scoreOn(w.t.container, w.emulator.clock, w.realmId, '2025-05-15');
      runId = (await scoreOn(w.t.container, w.emulator.clock, w.realmId, '2025-06-15')).runId!;
      c = w.t.container;
    });
    afterAll(async () => {
      await w?.close();
      await drop?.();
    });

    it('reads the scored customer: metrics, reasons, strategy, credit limit; unknown ids are undefined', async () => {
      const amy = await c.customerPage.scored(w.realmId, runId, '1');
      expect(amy).toMatchObject({
        customerId: '1',
        name: "Amy's Bird Sanctuary",
        email: 'amy.s.bird.sanctuary@example.test',
        active: true,
        highRisk: false,
        profitabilityTier: expect.any(String),
        metrics: { outstandingCents: 12_500, paymentRate: 64.29 },
      });
      expect(await c.customerInputs.current(w.realmId, '1')).toEqual({ creditScore: null, controls: NO_CONTROLS });
      expect(amy!.score).not.toBeNull();
      expect(amy!.reasons.length).toBeGreaterThan(0);
      expect(amy!.creditLimit.basis).not.toBe('');
      expect(await c.customerPage.scored(w.realmId, runId, '5')).toBeUndefined(); // a job, rolled into its parent
      expect(await c.customerPage.scored(w.realmId, runId, '404')).toBeUndefined();
      expect(await c.customerPage.scored('another-realm', runId, '1')).toBeUndefined();
    });

    it('keeps the score history, oldest first', async () => {
      const history = await c.scoreRuns.customerHistory(w.realmId, '1');
      expect(history.map((h) => h.asOf)).toEqual(['2025-05-15', '2025-06-15']);
      expect(history[0]!.smoothed).toBe(history[0]!.score); // the first run has nothing to smooth with
      expect(await c.scoreRuns.customerHistory(w.realmId, '1', 1)).toEqual([history[1]]);
      expect(await c.scoreRuns.customerHistory('another-realm', '1')).toEqual([]);
    });

    it("rolls jobs into their parent: the parent's page covers its job's invoices", async () => {
      expect(await c.localCopy.customerAndJobs(w.realmId, '4', true)).toEqual([
        { id: '4', name: 'Freeman Sporting Goods', depth: 0 },
        { id: '5', name: '0969 Ocean View Road', depth: 1 },
      ]);
      expect(await c.localCopy.customerAndJobs(w.realmId, '4', false)).toEqual([
        { id: '4', name: 'Freeman Sporting Goods', depth: 0 },
      ]);
      expect(await c.localCopy.customerAndJobs('another-realm', '4', true)).toEqual([]);
      expect(await c.customerPage.openInvoices(w.realmId, runId, '4')).toEqual([
        {
          invoiceId: '104',
          docNumber: '1004',
          txnDate: '2025-05-01',
          dueDate: '2025-05-31',
          totalCents: 4_000,
          openCents: 4_000,
          daysPastDue: 15,
          // 15 days past due: late already, so the forecast's collection chances apply instead of a late probability.
          lateProbability: null,
          collectedWithin30Days: expect.any(Number),
          neverCollected: expect.any(Number),
          strategy: expect.any(String),
          topFeatures: expect.any(Array),
        },
      ]);
      expect(await c.customerPage.openInvoices('another-realm', runId, '4')).toEqual([]);
    });

    it('gives monthly payment behaviour: invoiced; of what fell due on time, late, open; days past terms', async () => {
      const amy = await c.customerPage.paymentBehaviour(w.realmId, ['1'], '2025-06-15', POLICY);
      expect(amy).toHaveLength(24);
      expect(amy[0]!.month).toBe('2023-07');
      expect(amy.at(-1)!.month).toBe('2025-06');
      const by = (months: typeof amy) =>
        Object.fromEntries(months.filter((m) => m.invoicedCents > 0 || m.dueCents > 0).map((m) => [m.month, m]));
      // 1001: $100 due 03-31, paid 03-20 (11 days early).
      // 1002: $250 due 05-01, $125 paid 05-05, $125 open 45 days past due.
      expect(by(amy)).toEqual({
        '2025-03': {
          month: '2025-03',
          invoicedCents: 10_000,
          dueCents: 10_000,
          paidOnTimeCents: 10_000,
          paidLateCents: 0,
          openCents: 0,
          avgDaysBeyondTerms: -11,
        },
        '2025-04': {
          month: '2025-04',
          invoicedCents: 25_000,
          dueCents: 0,
          paidOnTimeCents: 0,
          paidLateCents: 0,
          openCents: 0,
          avgDaysBeyondTerms: null,
        },
        '2025-05': {
          month: '2025-05',
          invoicedCents: 0,
          dueCents: 25_000,
          paidOnTimeCents: 0,
          paidLateCents: 12_500,
          openCents: 12_500,
          avgDaysBeyondTerms: 45,
        },
      });
      // Paid on time means settled by due date + grace, as in the on-time rate: with five days' grace the half paid on
      // 05-05 is still not on time (the invoice was not settled), while a whole payment within grace is.
      expect(
        by(await c.customerPage.paymentBehaviour(w.realmId, ['1'], '2025-06-15', { ...POLICY, graceDays: 5 }))[
          '2025-05'
        ],
      ).toMatchObject({ paidOnTimeCents: 0, paidLateCents: 12_500 });
      // As of an earlier date, later payments and invoices due later do not count.
      expect(
        by(await c.customerPage.paymentBehaviour(w.realmId, ['1'], '2025-05-02', POLICY))['2025-05'],
      ).toMatchObject({ dueCents: 25_000, paidLateCents: 0, openCents: 25_000, avgDaysBeyondTerms: 1 });
      // Bill: $80 due 05-10 with a $30 credit applied 04-20 (credits count as paid),
      // $50 open: not settled, so not on time.
      expect(by(await c.customerPage.paymentBehaviour(w.realmId, ['2'], '2025-06-15', POLICY))['2025-05']).toEqual({
        month: '2025-05',
        invoicedCents: 0,
        dueCents: 8_000,
        paidOnTimeCents: 0,
        paidLateCents: 3_000,
        openCents: 5_000,
        avgDaysBeyondTerms: 36,
      });
      // Freeman with its job's $40 invoice.
      const freeman = by(await c.customerPage.paymentBehaviour(w.realmId, ['4', '5'], '2025-06-15', POLICY));
      expect(freeman['2025-05']).toEqual({
        month: '2025-05',
        invoicedCents: 4_000,
        dueCents: 4_000,
        paidOnTimeCents: 0,
        paidLateCents: 0,
        openCents: 4_000,
        avgDaysBeyondTerms: 15,
      });
      expect(by(await c.customerPage.paymentBehaviour(w.realmId, ['3'], '2025-06-15', POLICY))).toEqual({});
      expect(by(await c.customerPage.paymentBehaviour('another-realm', ['1'], '2025-06-15', POLICY))).toEqual({});
    });

    it('reads the policy a run used: the saved version, else the defaults', async () => {
      expect(await c.riskPolicies.runPolicy(w.realmId, 1)).toEqual(POLICY);
      const saved = await w.t.container.riskPolicies.savePolicy(
        w.realmId,
        { ...(await w.t.container.riskPolicies.policy(w.realmId)), graceDays: 3, rollUpJobs: false },
        new Date(),
      );
      expect(await c.riskPolicies.runPolicy(w.realmId, saved.version)).toEqual({
        windowMonths: 24,
        graceDays: 3,
        rollUpJobs: false,
      });
      expect(await c.riskPolicies.runPolicy('another-realm', saved.version)).toEqual(POLICY);
    });

    it('saves controls per customer and company, and removes a credit score', async () => {
      const at = new Date('2025-06-16T10:00:00Z');
      expect(await c.customerInputs.setControls(w.realmId, '1', { remindersPaused: true }, 'Dana Demo', at)).toEqual({
        remindersPaused: true,
        excluded: false,
        updatedAt: at,
        updatedBy: 'Dana Demo',
      });
      await c.customerInputs.setControls(w.realmId, '1', { excluded: true }, 'Bo Keeper', at);
      expect(await c.customerInputs.controls(w.realmId, '1')).toEqual({
        remindersPaused: true,
        excluded: true,
        updatedAt: at,
        updatedBy: 'Bo Keeper',
      });
      expect((await c.customerInputs.controls(w.realmId, '2')).remindersPaused).toBe(false);
      await w.t.container.customerInputs.setCreditScore(w.realmId, '2', 640, 'manual', at);
      expect(await c.customerInputs.creditScore(w.realmId, '2')).toEqual({
        score: 640,
        source: 'manual',
        updatedAt: at,
      });
      expect(await c.customerInputs.clearCreditScore(w.realmId, '2')).toBe(true);
      expect(await c.customerInputs.clearCreditScore(w.realmId, '2')).toBe(false);
    });

    it('keeps a snapshot of what a run says about a customer, per run: a new run gets a new one', async () => {
      const run = (await w.t.container.customerList.latestRun(w.realmId))!;
      const first = await c.customerPage.snapshot(w.realmId, run, '4');
      expect(first).toMatchObject({
        customer: { customerId: '4', name: 'Freeman Sporting Goods' },
        policy: POLICY,
        covered: [{ id: '4' }, { id: '5' }],
        invoices: [{ invoiceId: '104' }],
      });
      expect(first!.history.map((h) => h.asOf)).toEqual(['2025-05-15', '2025-06-15']);
      expect(first!.months.find((m) => m.month === '2025-05')).toMatchObject({
        invoicedCents: 4_000,
        openCents: 4_000,
      });
      expect(await c.customerPage.snapshot(w.realmId, run, '4')).toBe(first); // kept
      expect(await c.customerPage.snapshot(w.realmId, run, '404')).toBeUndefined();
      expect(await c.customerPage.snapshot('another-realm', run, '4')).toBeUndefined();
      // The next run scores jobs on their own (its policy says so): the parent's page then covers the parent alone.
      await w.t.container.riskPolicies.savePolicy(
        w.realmId,
        { ...(await w.t.container.riskPolicies.policy(w.realmId)), rollUpJobs: false },
        new Date(),
      );
      const next = (await scoreOn(w.t.container, w.emulator.clock, w.realmId, '2025-06-30')).runId!;
      const later = await c.customerPage.snapshot(
        w.realmId,
        (await w.t.container.customerList.latestRun(w.realmId))!,
        '4',
      );
      expect(later).not.toBe(first);
      expect(later!.history.map((h) => h.runId).at(-1)).toBe(next);
      expect(later!.policy.rollUpJobs).toBe(false);
      expect(later!.covered).toEqual([{ id: '4', name: 'Freeman Sporting Goods', depth: 0 }]);
      expect(later!.invoices).toEqual([]);
      expect(
        (await c.customerPage.snapshot(w.realmId, (await w.t.container.customerList.latestRun(w.realmId))!, '5'))!
          .invoices[0],
      ).toMatchObject({ invoiceId: '104', daysPastDue: 30 });
    });

    it('reads the controls, the credit score, the writes and the activity about one customer in one go', async () => {
      const log = w.t.container.activity;
      // Labels queued for every scored customer (not drained): a customer's live state has their own rows only.
      const queued = await c.writeback.enqueue(w.realmId, { origin: 'cli', actor: 'test' });
      const target = queued.plan.writes[0]!.customerId;
      const forTarget = queued.plan.writes.filter((p) => p.customerId === target).map((p) => p.idempotencyKey);
      expect(queued.plan.writes.some((p) => p.customerId !== target)).toBe(true);
      const writes = (await c.customerPage.liveState(w.realmId, target)).writes;
      expect(writes.map((e) => e.idempotencyKey.slice(w.realmId.length + 1)).sort()).toEqual(forTarget.sort());
      await log.record(w.realmId, {
        actor: 'Dana Demo',
        kind: 'customer',
        summary: 'paused 1',
        customerId: '1',
        detail: { action: 'pause_reminders' },
      });
      const live = await c.customerPage.liveState(w.realmId, '1');
      expect(live.writes).toEqual([]); // customer 1 was excluded above: nothing is queued for them
      expect(live.actions.map((e) => e.summary)).toEqual(['paused 1']);
      expect(live.controls).toEqual(await c.customerInputs.controls(w.realmId, '1'));
      expect(live.creditScore).toEqual(await c.customerInputs.creditScore(w.realmId, '1'));
      expect(await c.customerPage.liveState('another-realm', '1')).toEqual({
        creditScore: null,
        controls: { remindersPaused: false, excluded: false, updatedAt: null, updatedBy: null },
        writes: [],
        actions: [],
      });
    });

    it('reads the live state of a customer with a credit score and no controls', async () => {
      const at = new Date('2025-06-17T10:00:00Z');
      await w.t.container.customerInputs.setCreditScore(w.realmId, '3', 700, 'import', at);
      expect(await c.customerPage.liveState(w.realmId, '3')).toEqual({
        creditScore: { score: 700, source: 'import', updatedAt: at },
        controls: { remindersPaused: false, excluded: false, updatedAt: null, updatedBy: null },
        writes: [], // customer 3 is not scored: no label to queue
        actions: [],
      });
    });
  });
}

suite('SQLite', async () => ({ drop: async () => {} }));
if (PG_ADMIN_URL) {
  suite('PostgreSQL', async () => {
    const pg = await createPgDatabase();
    return { env: { DATABASE_CLIENT: 'pg', DATABASE_URL: pg.url }, drop: pg.drop };
  });
}

/**
 * On a generated two-year company (jobs, credit memos, foreign currencies), every customer's months add up to the
 * engine's figures.
 */
describe("payment behaviour against the engine's metrics", () => {
  let w: SyncWorld;
  beforeAll(async () => {
    w = await syncWorld({ file: generateCompany({ seed: 21, customers: 50, months: 24, asOf: '2026-10-31' }) });
    await w.t.container.sync.sync(w.realmId);
    await w.t.container.risk.score(w.realmId, { asOf: '2026-10-31' });
  });
  afterAll(() => w.close());

  it("what fell due in the window is the payment rate's denominator, what was paid of it its numerator", async () => {
    const { customerPage, localCopy, customerList, db } = w.t.container;
    const run = (await customerList.latestRun(w.realmId))!;
    const rows = await db('customer_scores').where({ run_id: run.id }).select('customer_qbo_id', 'metrics_json');
    let withHistory = 0;
    for (const r of rows) {
      const id = String(r.customer_qbo_id);
      const metrics = JSON.parse(r.metrics_json) as {
        dueInWindowCents: number;
        paymentRate: number | null;
        invoiceCount: number;
      };
      const covered = await localCopy.customerAndJobs(w.realmId, id, true);
      const months = await customerPage.paymentBehaviour(
        w.realmId,
        covered.map((c) => c.id),
        run.asOf,
        POLICY,
      );
      const due = months.reduce((s, m) => s + m.dueCents, 0);
      const paid = months.reduce((s, m) => s + m.paidOnTimeCents + m.paidLateCents, 0);
      expect(
        months.every((m) => m.paidOnTimeCents + m.paidLateCents + m.openCents === m.dueCents && m.paidLateCents >= 0),
        id,
      ).toBe(true);
      expect(due, id).toBe(metrics.dueInWindowCents);
      if (metrics.paymentRate !== null) {
        withHistory++;
        expect(Math.round((10_000 * paid) / due) / 100, id).toBeCloseTo(metrics.paymentRate, 2);
      }
    }
    expect(withHistory).toBeGreaterThan(30);
  });
});
