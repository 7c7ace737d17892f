import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clusterCustomers, type ClusterInput } from '../../../../server/features/risk/clusters/customer-clusters.js';
import { seededRandom } from '../../../../server/random.js';

type Group = 'bigSlow' | 'smallPrompt' | 'frequent' | 'chronic';
const PROFILES: Record<Group, ClusterInput['features']> = {
  bigSlow: {
    invoicesPerMonth: 1,
    avgInvoiceCents: 5_000_000,
    avgDaysBeyondTerms: 35,
    paymentRate: 80,
    lateShare: 0.7,
    avgLateProbability: 0.6,
    invoicedCents: 120_000_000,
  },
  smallPrompt: {
    invoicesPerMonth: 1,
    avgInvoiceCents: 20_000,
    avgDaysBeyondTerms: -2,
    paymentRate: 99,
    lateShare: 0.05,
    avgLateProbability: 0.08,
    invoicedCents: 480_000,
  },
  frequent: {
    invoicesPerMonth: 12,
    avgInvoiceCents: 200_000,
    avgDaysBeyondTerms: 1,
    paymentRate: 98,
    lateShare: 0.1,
    avgLateProbability: 0.1,
    invoicedCents: 57_600_000,
  },
  chronic: {
    invoicesPerMonth: 2,
    avgInvoiceCents: 150_000,
    avgDaysBeyondTerms: 75,
    paymentRate: 45,
    lateShare: 0.95,
    avgLateProbability: 0.9,
    invoicedCents: 7_200_000,
  },
};
const GROUPS = Object.keys(PROFILES) as Group[];

/** `perGroup` customers per group, each jittered by a few percent around its group profile. */
function company(perGroup: number, seed: number, jitter = 0.05): ClusterInput[] {
  const rand = seededRandom(seed);
  const out: ClusterInput[] = [];
  for (const g of GROUPS)
    for (let i = 0; i < perGroup; i++) {
      const f = { ...PROFILES[g] };
      for (const key of Object.keys(f) as Array<keyof typeof f>)
        f[key] = f[key] * (1 + jitter * (rand() * 2 - 1)) + jitter * (rand() - 0.5);
      out.push({ customerId: `${g}-${i}`, features: f });
    }
  return out;
}
const groupOf = (id: string) => id.split('-')[0]!;

describe('clusterCustomers', () => {
  it('separates obviously distinct groups and names them from their centres', () => {
    const result = clusterCustomers(company(8, 1), { k: 4, seed: 42 });
    expect(result.centres).toHaveLength(4);
    for (const g of GROUPS) {
      const ids = new Set([...result.assignments].filter(([c]) => groupOf(c) === g).map(([, id]) => id));
      expect(ids.size).toBe(1); // a group is never split...
    }
    expect(new Set(result.assignments.values()).size).toBe(4); // ...and never merged with another
    const nameOf = (g: Group) => result.centres.find((c) => c.id === result.assignments.get(`${g}-0`))!.name;
    expect(nameOf('chronic')).toBe('Chronic late payers');
    expect(nameOf('bigSlow')).toBe('Large, slow payers');
    expect(nameOf('frequent')).toBe('Frequent, reliable');
    expect(nameOf('smallPrompt')).toBe('Small, prompt payers');
    expect(new Set(result.centres.map((c) => c.name)).size).toBe(4);
    const risk = (g: Group) => result.profiles.find((p) => p.id === result.assignments.get(`${g}-0`))!.riskLevel;
    expect([risk('chronic'), risk('bigSlow'), risk('smallPrompt')]).toEqual(['high', 'high', 'low']);
  });

  it('is deterministic for a seed', () => {
    const data = company(6, 7, 0.4);
    const a = clusterCustomers(data, { k: 4, seed: 3 });
    const b = clusterCustomers(data, { k: 4, seed: 3 });
    expect([...a.assignments]).toEqual([...b.assignments]);
    expect(a.centres).toEqual(b.centres);
    expect(a.profiles).toEqual(b.profiles);
  });

  it('does not depend on the order of the inputs', () => {
    const data = company(5, 11, 0.6);
    const base = clusterCustomers(data, { k: 4, seed: 5 });
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: data.length, maxLength: data.length }), (keys) => {
        const shuffled = data
          .map((d, i) => ({ d, key: keys[i]! }))
          .sort((a, b) => a.key - b.key)
          .map((x) => x.d);
        const again = clusterCustomers(shuffled, { k: 4, seed: 5 });
        expect([...again.assignments].sort()).toEqual([...base.assignments].sort());
        expect(again.centres).toEqual(base.centres);
      }),
      { numRuns: 40 },
    );
  });

  it('keeps ids and names stable on a warm start when the data barely changes', () => {
    const first = clusterCustomers(company(8, 1), { k: 4, seed: 42 });
    // Next month: same customers, slightly different numbers, a different seed, and two new customers.
    const next = company(8, 2).concat(company(1, 9).map((c) => ({ ...c, customerId: `${c.customerId}x` })));
    const second = clusterCustomers(next, { k: 4, seed: 999, previous: first.centres });
    for (const [customer, id] of first.assignments) expect(second.assignments.get(customer)).toBe(id);
    expect(second.centres.map((c) => [c.id, c.name])).toEqual(first.centres.map((c) => [c.id, c.name]));
  });

  it('warm start with fewer previous centres than k keeps the old ids and adds fresh ones', () => {
    const first = clusterCustomers(company(8, 1), { seed: 42, k: 2 });
    const second = clusterCustomers(company(8, 2), { seed: 1, k: 4, previous: first.centres });
    expect(second.centres).toHaveLength(4);
    const ids = second.centres.map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining(first.centres.map((c) => c.id)));
    expect(new Set(ids).size).toBe(4);
    expect(new Set(second.centres.map((c) => c.name)).size).toBe(4);
  });

  it('profiles: shares of invoiced money sum to 1 and customers add up', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 1, max: 6 }),
        (n, seed, k) => {
          const data = company(n, seed, 0.9).slice(0, n);
          const { profiles, assignments } = clusterCustomers(data, { seed, k });
          expect(profiles.reduce((s, p) => s + p.shareOfInvoiced, 0)).toBeCloseTo(1, 9);
          expect(profiles.reduce((s, p) => s + p.customers, 0)).toBe(data.length);
          expect(assignments.size).toBe(data.length);
          expect(profiles.length).toBeLessThanOrEqual(k);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('handles no customers, fewer customers than k, and identical customers', () => {
    expect(clusterCustomers([], { k: 4, seed: 1 }).centres).toEqual([]);
    const two = company(1, 1).slice(0, 2);
    expect(clusterCustomers(two, { seed: 1, k: 4 }).centres).toHaveLength(2);
    const same = Array.from({ length: 5 }, (_, i) => ({ customerId: `c${i}`, features: PROFILES.frequent }));
    const r = clusterCustomers(same, { k: 4, seed: 1 });
    expect(r.centres).toHaveLength(1);
    expect(new Set(r.assignments.values()).size).toBe(1);
    expect(r.profiles[0]!.shareOfInvoiced).toBeCloseTo(1, 12);
    const zero = same.map((s) => ({ ...s, features: { ...s.features, invoicedCents: 0 } }));
    expect(clusterCustomers(zero, { k: 4, seed: 1 }).profiles[0]!.shareOfInvoiced).toBe(1);
  });
});
