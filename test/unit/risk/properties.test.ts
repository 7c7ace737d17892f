import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assessCompany } from '../../../server/features/risk/domain/assess-company.js';
import { compositeScore } from '../../../server/features/risk/domain/risk-score.js';
import { DEFAULT_RISK_POLICY } from '../../../server/features/risk/domain/risk-policy.js';
import type { CompanyFacts, InvoiceFact } from '../../../server/features/risk/domain/risk-facts.js';

const date = fc
  .integer({ min: 0, max: 700 })
  .map((d) => new Date(Date.UTC(2024, 11, 1) + d * 86_400_000).toISOString().slice(0, 10));
const invoice = (customers: string[]) =>
  fc.record({
    customerId: fc.constantFrom(...customers),
    txnDate: date,
    terms: fc.integer({ min: 0, max: 60 }),
    totalCents: fc.integer({ min: 100, max: 5_000_000 }),
    paid: fc.array(
      fc.record({
        after: fc.integer({ min: 0, max: 200 }),
        share: fc.double({ min: 0, max: 0.7, noNaN: true }),
        cash: fc.boolean(),
      }),
      { maxLength: 3 },
    ),
  });

function facts(
  raw: Array<{
    customerId: string;
    txnDate: string;
    terms: number;
    totalCents: number;
    paid: Array<{ after: number; share: number; cash: boolean }>;
  }>,
): CompanyFacts {
  const invoices: InvoiceFact[] = raw.map((r, i) => {
    const day = Date.parse(`${r.txnDate}T00:00:00Z`);
    return {
      id: String(i),
      docNumber: String(1000 + i),
      customerId: r.customerId,
      txnDate: r.txnDate,
      dueDate: new Date(day + r.terms * 86_400_000).toISOString().slice(0, 10),
      totalCents: r.totalCents,
      applications: r.paid.map((p) => ({
        date: new Date(day + p.after * 86_400_000).toISOString().slice(0, 10),
        cents: Math.round(r.totalCents * p.share),
        cash: p.cash,
      })),
      lines: [{ itemId: null, qty: 1, amountCents: r.totalCents }],
    };
  });
  return {
    realmId: 'r',
    homeCurrency: 'USD',
    customers: ['a', 'b', 'c'].map((id) => ({ id, name: id, active: true, creditScore: null })),
    invoices,
    items: new Map(),
  };
}

const shiftDate = (d: string, days: number) =>
  new Date(Date.parse(`${d}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

describe('risk engine properties', () => {
  it('the score never falls when the payment rate falls, everything else equal', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.option(fc.integer({ min: 300, max: 850 }), { nil: null }),
        fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
        fc.option(fc.integer({ min: 1, max: 100 }), { nil: null }),
        (a, b, credit, stability, paymentScore) => {
          const [high, low] = a >= b ? [a, b] : [b, a];
          const s = (paymentRate: number) =>
            compositeScore({ paymentRate, stability, paymentScore }, credit, DEFAULT_RISK_POLICY).score!;
          return s(low) >= s(high) - 1e-9;
        },
      ),
    );
  });

  it('paying later, all else equal, never lowers a score or its tier', () => {
    const rank = { low: 0, medium: 1, high: 2 } as const;
    const later = fc.array(fc.integer({ min: 0, max: 120 }), { minLength: 75, maxLength: 75 });
    // Mostly whole payments (so settlement, payment scores and their 3-invoice minimum are all in play).
    const settling = fc.record({
      customerId: fc.constantFrom('a', 'b', 'c'),
      txnDate: date,
      terms: fc.integer({ min: 0, max: 60 }),
      totalCents: fc.integer({ min: 100, max: 5_000_000 }),
      paid: fc.array(
        fc.record({
          after: fc.integer({ min: 0, max: 200 }),
          share: fc.constantFrom(0.25, 0.5, 1),
          cash: fc.constant(true),
        }),
        { maxLength: 2 },
      ),
    });
    const asOfs = fc.constantFrom('2025-03-31', '2025-06-30', '2025-12-31', '2026-10-31');
    fc.assert(
      fc.property(fc.array(settling, { minLength: 1, maxLength: 15 }), later, asOfs, (raw, delays, asOf) => {
        const f = facts(raw);
        let k = 0;
        const slower: CompanyFacts = {
          ...f,
          invoices: f.invoices.map((i) => ({
            ...i,
            applications: i.applications.map((a) => ({ ...a, date: shiftDate(a.date, delays[k++ % delays.length]!) })),
          })),
        };
        const before = new Map(
          assessCompany(f, DEFAULT_RISK_POLICY, asOf).customers.map((c) => [c.customerId, c.risk]),
        );
        for (const c of assessCompany(slower, DEFAULT_RISK_POLICY, asOf).customers) {
          const was = before.get(c.customerId)!;
          if (was.score !== null) expect(c.risk.score).toBeGreaterThanOrEqual(was.score);
          if (was.band !== null) expect(rank[c.risk.band!]).toBeGreaterThanOrEqual(rank[was.band]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('results do not depend on the order of invoices or payments', () => {
    fc.assert(
      fc.property(fc.array(invoice(['a', 'b', 'c']), { minLength: 1, maxLength: 25 }), fc.integer(), (raw, seed) => {
        const f = facts(raw);
        const shuffled: CompanyFacts = {
          ...f,
          invoices: [...f.invoices]
            .sort((x, y) => ((Number(x.id) * 7919 + seed) % 97) - ((Number(y.id) * 7919 + seed) % 97))
            .map((i) => ({ ...i, applications: [...i.applications].reverse() })),
          customers: [...f.customers].reverse(),
        };
        const key = (fc2: CompanyFacts) => {
          const a = assessCompany(fc2, DEFAULT_RISK_POLICY, '2026-10-31');
          return JSON.stringify({
            ...a,
            customers: [...a.customers].sort((x, y) => (x.customerId < y.customerId ? -1 : 1)),
          });
        };
        expect(key(shuffled)).toBe(key(f));
      }),
      { numRuns: 60 },
    );
  });

  it('anything dated after the as-of date changes nothing', () => {
    fc.assert(
      fc.property(fc.array(invoice(['a', 'b']), { minLength: 1, maxLength: 20 }), (raw) => {
        const f = facts(raw);
        const asOf = '2025-09-30';
        const trimmed: CompanyFacts = {
          ...f,
          invoices: f.invoices
            .filter((i) => i.txnDate <= asOf)
            .map((i) => ({ ...i, applications: i.applications.filter((a) => a.date <= asOf) })),
        };
        expect(JSON.stringify(assessCompany(trimmed, DEFAULT_RISK_POLICY, asOf))).toBe(
          JSON.stringify(assessCompany(f, DEFAULT_RISK_POLICY, asOf)),
        );
      }),
      { numRuns: 60 },
    );
  });
});
