import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDaysToDate, dateOf, dayOf } from '../../../../server/features/risk/domain/dates.js';
import type { InvoiceFact } from '../../../../server/features/risk/domain/risk-facts.js';
import { LATE_FEATURES, lateFeatures } from '../../../../server/features/risk/model/late-features.js';
import { logit } from '../../../../server/features/risk/model/logistic.js';
import { PointInTimeHistory } from '../../../../server/features/risk/model/point-in-time-history.js';
import { prng } from './seeded.js';

const START = dayOf('2024-01-01');
const AS_OF = '2025-06-30';

function randomInvoice(r: ReturnType<typeof prng>, id: string, txnDay: number): InvoiceFact {
  const total = r.int(1, 50) * 1000;
  const dueDay = txnDay + [0, 15, 30][r.int(0, 2)]!;
  return {
    id,
    docNumber: null,
    customerId: `C${r.int(1, 3)}`,
    txnDate: dateOf(txnDay),
    dueDate: dateOf(dueDay),
    totalCents: total,
    applications: randomApps(r, dueDay, total, txnDay),
    lines: [],
  };
}

function randomApps(r: ReturnType<typeof prng>, dueDay: number, total: number, notBefore: number) {
  const count = r.int(0, 2);
  const apps = [];
  for (let k = 0; k < count; k++)
    apps.push({
      date: dateOf(Math.max(notBefore, dueDay + r.int(-20, 80))),
      cents: count === 1 ? total : Math.round(total / 2),
      cash: r.next() < 0.9,
    });
  return apps;
}

/** A small random company: three customers, invoices spread over about a year. */
function world(seed: number): InvoiceFact[] {
  const r = prng(seed);
  return Array.from({ length: r.int(3, 40) }, (_, i) => randomInvoice(r, `I${i}`, START + r.int(0, 400)));
}

/** Changes everything dated on or after `target`'s TxnDate, leaving what was known before it alone. */
function rewriteFuture(invoices: InvoiceFact[], target: InvoiceFact, seed: number): InvoiceFact[] {
  const r = prng(seed);
  const t = dayOf(target.txnDate);
  const out: InvoiceFact[] = [];
  for (const inv of invoices) {
    if (inv.id === target.id) {
      out.push({ ...inv, applications: randomApps(r, dayOf(inv.dueDate), inv.totalCents, t) });
      continue;
    }
    if (dayOf(inv.txnDate) >= t) {
      if (r.next() < 0.7) out.push(randomInvoice(r, inv.id, t + r.int(0, 60))); // altered, or dropped
      continue;
    }
    const known = inv.applications.filter((a) => dayOf(a.date) < t);
    const later = randomApps(r, dayOf(inv.dueDate), inv.totalCents, t).filter((a) => dayOf(a.date) >= t);
    out.push({ ...inv, applications: [...known, ...later] });
  }
  for (let k = r.int(0, 5); k > 0; k--) out.push(randomInvoice(r, `N${k}`, t + r.int(0, 90)));
  return out;
}

describe('late-payment features', () => {
  it("never change when anything dated on or after the invoice's TxnDate changes (no leakage)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.nat(),
        (seedA, seedB, pick) => {
          const invoices = world(seedA);
          const target = invoices[pick % invoices.length]!;
          const before = lateFeatures(new PointInTimeHistory(invoices, { asOf: AS_OF, graceDays: 3 }), target);
          const after = lateFeatures(
            new PointInTimeHistory(rewriteFuture(invoices, target, seedB), { asOf: AS_OF, graceDays: 3 }),
            target,
          );
          expect(after).toEqual(before);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('do change when an earlier payment changes (the test above can fail)', () => {
    const a: InvoiceFact = {
      id: 'A',
      docNumber: null,
      customerId: 'C',
      txnDate: '2025-01-01',
      dueDate: '2025-01-31',
      totalCents: 10_000,
      applications: [{ date: '2025-01-20', cents: 10_000, cash: true }],
      lines: [],
    };
    const b: InvoiceFact = { ...a, id: 'B', txnDate: '2025-03-01', dueDate: '2025-03-31', applications: [] };
    const paidLate = { ...a, applications: [{ date: '2025-02-20', cents: 10_000, cash: true }] };
    const f = (list: InvoiceFact[]) =>
      lateFeatures(new PointInTimeHistory(list, { asOf: AS_OF, graceDays: 0 }), b).values;
    expect(f([paidLate, b])).not.toEqual(f([a, b]));
  });

  it("shrink the customer's late share toward the company rate known at the time (hand example)", () => {
    // C: one invoice paid 10 days late, one paid early, then the invoice being scored. No other customers.
    const mk = (id: string, txn: string, paid: string | null): InvoiceFact => ({
      id,
      docNumber: null,
      customerId: 'C',
      txnDate: txn,
      dueDate: addDaysToDate(txn, 30),
      totalCents: 20_000,
      applications: paid ? [{ date: paid, cents: 20_000, cash: true }] : [],
      lines: [],
    });
    const invoices = [
      mk('1', '2025-01-01', '2025-02-10'),
      mk('2', '2025-02-01', '2025-02-20'),
      mk('3', '2025-04-01', null),
    ];
    const f = lateFeatures(new PointInTimeHistory(invoices, { asOf: AS_OF, graceDays: 0 }), invoices[2]!);
    const company = (1 + 5 * 0.3) / (2 + 5); // 1 late, 1 on time, plus the 5 pseudo-invoices at 30%
    expect(f.companyLateRate).toBeCloseTo(company, 12);
    expect(f.smoothedLateShare).toBeCloseTo((1 + 5 * company) / (2 + 5), 12);
    const at = (name: (typeof LATE_FEATURES)[number]) => f.values[LATE_FEATURES.indexOf(name)]!;
    expect(at('priorLateShare')).toBeCloseTo(logit(f.smoothedLateShare), 12);
    expect(at('averageDaysBeyondTerms')).toBeCloseTo((10 - 11 + 5 * ((10 - 11 + 5 * 5) / 7)) / 7, 12);
    expect(at('priorInvoiceCount')).toBeCloseTo(Math.log1p(2), 12);
    expect(at('customerTenure')).toBeCloseTo(Math.log1p(90), 12);
    // late from due + 1
    expect(at('daysSinceLastLate')).toBeCloseTo(Math.log1p(dayOf('2025-04-01') - dayOf('2025-02-01')), 12);
    expect(at('termsDays')).toBe(30);
    expect(at('openBalance')).toBe(0);
    // Both outcomes (late known 2025-02-01, on time 2025-02-20) fall in the 90 days before 2025-03-31; none in
    // the last 30, so the company's last-30-day rate is its all-time rate, and its last-90-day rate mixes both.
    expect(at('recentLateShare')).toBeCloseTo(logit((1 + 2 * company) / (2 + 2)), 12);
    expect(at('latestDaysBeyondTerms')).toBe(-11); // invoice 2, due 2025-03-03, paid 2025-02-20
    const last90 = (1 + 5 * company) / (2 + 5);
    const slopePerDay = (logit(company) - logit(last90)) / 30;
    expect(at('companyLateTrend')).toBeCloseTo(logit(company) + slopePerDay * (15 + 30), 12);
  });
});
