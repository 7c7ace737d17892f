import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCompany } from '../../../server/emulator/generator/generate-company.js';
import { topLevelParent } from '../../../server/features/risk/domain/facts-helpers.js';
import { DEFAULT_RISK_POLICY } from '../../../server/features/risk/domain/risk-policy.js';
import type { ScoreResult } from '../../../server/features/risk/risk-service.js';
import { syncWorld, type SyncWorld } from '../../support/sync-harness.js';

// The whole pipeline on a generated two-year company: emulator → sync → local copy → scores.
/** The fields of a company file's invoice that the gross-profit check reads. */
interface InvoiceJson {
  TxnDate: string;
  TotalAmt: number;
  ExchangeRate?: number;
  CustomerRef: { value: string };
  Line?: Array<{ Amount: number; SalesItemLineDetail?: { ItemRef?: { value: string }; Qty?: number } }>;
}

describe('scoring a generated company end to end', () => {
  let w: SyncWorld;
  let r: ScoreResult;
  const file = generateCompany({ seed: 2, customers: 150, months: 24, asOf: '2026-10-31' });
  beforeAll(async () => {
    w = await syncWorld({ file });
    expect((await w.t.container.sync.sync(w.realmId)).status).toBe('succeeded');
    r = await w.t.container.risk.score(w.realmId, { asOf: '2026-10-31' });
  });
  afterAll(() => w.close());

  it('finds the falling collection rate the history contains', () => {
    expect(r.assessment.collectionRates).toHaveLength(12);
    expect(r.assessment.collectionTrend.consecutiveDeclines).toBeGreaterThanOrEqual(3);
    expect(r.assessment.collectionTrend.totalDropPoints).toBeGreaterThan(0);
  });

  it('trains a late-payment model that separates late from prompt invoices on a time-ordered holdout', () => {
    expect(r.model.fallback).toBe(false);
    expect(r.model.auc!).toBeGreaterThanOrEqual(0.85);
    const ahead = r.assessment.openInvoices.filter((i) => i.daysPastDue < 1);
    expect(ahead.length).toBeGreaterThan(0);
    expect(ahead.every((i) => i.lateProbability !== null && i.lateProbability >= 0 && i.lateProbability <= 1)).toBe(
      true,
    );
    // Past due: late for certain, so no late probability; the forecast's collection chances describe them.
    expect(r.assessment.openInvoices.filter((i) => i.daysPastDue >= 1).every((i) => i.lateProbability === null)).toBe(
      true,
    );
  });

  it('has a high-risk segment, strategies whose shares add up, clusters, a 6-month forecast conserving money', () => {
    expect(r.assessment.highRisk.count).toBeGreaterThan(0);
    for (const list of [r.assessment.strategies.customers, r.assessment.strategies.invoices]) {
      expect(list.reduce((n, s) => n + s.valueShare, 0)).toBeCloseTo(100, 0);
    }
    expect(r.clusters.profiles.length).toBe(4);
    expect(new Set(r.clusters.profiles.map((p) => p.name)).size).toBe(4);
    expect(r.forecast.months).toHaveLength(6);
    const f = r.forecast;
    expect(f.months.reduce((s, m) => s + m.expectedCents, 0) + f.neverCollectedCents + f.beyondHorizonCents).toBe(
      f.openCents,
    );
    expect(f.openCents).toBe(r.assessment.totals.outstandingCents);
  });

  it("as of today, the engine's balances equal QuickBooks' own (Invoice.Balance in the local copy)", async () => {
    const rows = await w.t.container
      .db('qbo_invoices')
      .where({ realm_id: w.realmId })
      .whereNull('deleted_at')
      .where('voided', false)
      .select('qbo_id', 'balance_cents', 'exchange_rate');
    const live = rows.reduce(
      (s: number, r: { balance_cents: number; exchange_rate: number | null }) =>
        s + Math.round(Number(r.balance_cents) * (r.exchange_rate === null ? 1 : Number(r.exchange_rate))),
      0,
    );
    expect(r.assessment.totals.outstandingCents).toBe(live);
    const byInvoice = new Map(r.assessment.openInvoices.map((i) => [i.invoiceId, i.openCents]));
    for (const row of rows.filter((x: { balance_cents: number }) => Number(x.balance_cents) > 0)) {
      expect(byInvoice.get(String(row.qbo_id))).toBe(
        Math.round(Number(row.balance_cents) * (row.exchange_rate === null ? 1 : Number(row.exchange_rate))),
      );
    }
  });

  it('gives every customer one risk tier: High for all who meet the high-risk rule; the strategy of its cell', () => {
    const high = r.assessment.customers.filter((c) => c.risk.highRisk);
    expect(high.length).toBeGreaterThan(0);
    for (const c of high) expect(c.risk.band).toBe('high');
    for (const c of r.assessment.customers) {
      expect(c.strategy).toBe(
        c.risk.band === null ? 'Standard' : DEFAULT_RISK_POLICY.strategies.byCell[c.risk.band][c.profitabilityTier],
      );
    }
    // The Strategies table adds up: every customer once, every open invoice once, shares to 100.00.
    const s = r.assessment.strategies.customers;
    expect(s.reduce((n, x) => n + x.count, 0)).toBe(r.assessment.customers.length);
    expect(s.reduce((n, x) => n + (x.openInvoices ?? 0), 0)).toBe(r.assessment.openInvoices.length);
    expect(s.reduce((n, x) => n + x.valueCents, 0)).toBe(r.assessment.totals.outstandingCents);
    expect(Math.round(s.reduce((n, x) => n + x.valueShare, 0) * 100)).toBe(10_000);
    expect(
      s.find((x) => x.strategy === 'Standard' && x.count > 0 && x.valueShare > 0)?.openInvoices ?? 1,
    ).toBeGreaterThan(0);
  });

  it('converts foreign-currency gross profit as metrics.md says: line amounts at the rate, costs as kept', async () => {
    const rootOf = topLevelParent(
      new Map(file.Customers.map((c) => [String(c.Id), (c as { ParentRef?: { value: string } }).ParentRef?.value])),
    );
    const cost = new Map(
      file.Items.map((i) => [
        String(i.Id),
        i.PurchaseCost === undefined ? null : Math.round(Number(i.PurchaseCost) * 100),
      ]),
    );
    const expected = new Map<string, number>();
    for (const inv of file.Invoices as unknown as InvoiceJson[]) {
      if (inv.TxnDate <= '2024-10-31' || inv.TxnDate > '2026-10-31' || !inv.ExchangeRate || Number(inv.TotalAmt) === 0)
        continue;
      let gp = 0;
      for (const line of inv.Line ?? []) {
        const d = line.SalesItemLineDetail;
        if (!d) continue;
        const c = cost.get(String(d.ItemRef?.value));
        gp +=
          Number(line.Amount) * 100 * Number(inv.ExchangeRate) - (c == null ? 0 : Math.round(Number(d.Qty ?? 0) * c));
      }
      const customer = rootOf(String(inv.CustomerRef.value));
      expected.set(customer, (expected.get(customer) ?? 0) + gp);
    }
    expect(expected.size).toBeGreaterThan(0);
    for (const [customerId, gp] of expected) {
      const c = r.assessment.customers.find((x) => x.customerId === customerId)!;
      expect(Math.abs(c.metrics.grossProfitCents - gp)).toBeLessThanOrEqual(1);
    }
  });

  it('keeps cluster ids and names stable from one run to the next', async () => {
    const again = await w.t.container.risk.score(w.realmId, { asOf: '2026-10-31' });
    expect(again.clusters.centres.map((c) => [c.id, c.name])).toEqual(r.clusters.centres.map((c) => [c.id, c.name]));
  });
});
