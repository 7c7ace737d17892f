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

  it('keeps cluster ids and names stable from one run to the next', async () => {
    const again = await w.t.container.risk.score(w.realmId, { asOf: '2026-10-31' });
    expect(again.clusters.centres.map((c) => [c.id, c.name])).toEqual(r.clusters.centres.map((c) => [c.id, c.name]));
  });
});
