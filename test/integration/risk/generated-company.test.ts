import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCompany } from '../../../server/emulator/generator/generate-company.js';
import type { ScoreResult } from '../../../server/features/risk/risk-service.js';
import { syncWorld, type SyncWorld } from '../../support/sync-harness.js';

// The whole pipeline on a generated two-year company: emulator → sync → local copy → scores.
describe('scoring a generated company end to end', () => {
  let w: SyncWorld;
  let r: ScoreResult;
  beforeAll(async () => {
    w = await syncWorld({ file: generateCompany({ seed: 2, customers: 150, months: 24, asOf: '2026-10-31' }) });
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
    expect(r.assessment.openInvoices.every((i) => i.lateProbability !== null && i.lateProbability >= 0 && i.lateProbability <= 1)).toBe(true);
  });

  it('has a high-risk segment, strategies whose shares add up, clusters and a 6-month forecast that conserves money', () => {
    expect(r.assessment.highRisk.count).toBeGreaterThan(0);
    for (const list of [r.assessment.strategies.customers, r.assessment.strategies.invoices]) {
      expect(list.reduce((n, s) => n + s.valueShare, 0)).toBeCloseTo(100, 0);
    }
    expect(r.clusters.profiles.length).toBe(4);
    expect(new Set(r.clusters.profiles.map((p) => p.name)).size).toBe(4);
    expect(r.forecast.months).toHaveLength(6);
    const f = r.forecast;
    expect(f.months.reduce((s, m) => s + m.expectedCents, 0) + f.neverCollectedCents + f.beyondHorizonCents).toBe(f.openCents);
    expect(f.openCents).toBe(r.assessment.totals.outstandingCents);
  });

  it("as of today, the engine's balances equal QuickBooks' own (Invoice.Balance in the local copy)", async () => {
    const rows = await w.t.container.db('qbo_invoices').where({ realm_id: w.realmId }).whereNull('deleted_at').where('voided', false).select('qbo_id', 'balance_cents', 'exchange_rate');
    const live = rows.reduce((s: number, r: { balance_cents: number; exchange_rate: number | null }) => s + Math.round(Number(r.balance_cents) * (r.exchange_rate === null ? 1 : Number(r.exchange_rate))), 0);
    expect(r.assessment.totals.outstandingCents).toBe(live);
    const byInvoice = new Map(r.assessment.openInvoices.map((i) => [i.invoiceId, i.openCents]));
    for (const row of rows.filter((x: { balance_cents: number }) => Number(x.balance_cents) > 0)) {
      expect(byInvoice.get(String(row.qbo_id))).toBe(Math.round(Number(row.balance_cents) * (row.exchange_rate === null ? 1 : Number(row.exchange_rate))));
    }
  });

  it('keeps cluster ids and names stable from one run to the next', async () => {
    const again = await w.t.container.risk.score(w.realmId, { asOf: '2026-10-31' });
    expect(again.clusters.centres.map((c) => [c.id, c.name])).toEqual(r.clusters.centres.map((c) => [c.id, c.name]));
  });
});
