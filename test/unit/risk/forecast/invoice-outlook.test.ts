import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDaysToDate } from '../../../../server/features/risk/domain/dates.js';
import type { InvoiceFact } from '../../../../server/features/risk/domain/risk-facts.js';
import { forecastCollections, forecastWithOutlooks } from '../../../../server/features/risk/forecast/cash-forecast.js';

// A month end: month 1 of the forecast is then exactly the 30 days after asOf (2026-11-01..30).
const AS_OF = '2026-10-31';
let seq = 0;
/** An invoice due on `due`, paid in full `paidAfterDue` days after it, or open (null). */
function inv(customerId: string, due: string, cents: number, paidAfterDue: number | null): InvoiceFact {
  const issued = addDaysToDate(due, -30);
  return {
    id: `o${++seq}`,
    docNumber: null,
    customerId,
    txnDate: issued < AS_OF ? issued : AS_OF,
    dueDate: due,
    totalCents: cents,
    lines: [],
    applications: paidAfterDue === null ? [] : [{ date: addDaysToDate(due, paidAfterDue), cents, cash: true }],
  };
}

describe('per-invoice outlook from the cash forecast', () => {
  it('an invoice 20 days past due, for a customer whose invoices were paid 10, 40 or 60 days late or never', () => {
    const paid = [
      inv('A', '2026-03-01', 1_000, 10),
      inv('A', '2026-04-01', 1_000, 40),
      inv('A', '2026-05-01', 1_000, 60),
    ];
    const abandoned = inv('A', addDaysToDate(AS_OF, -200), 4_000, null); // past the write-off age
    const target = inv('A', addDaysToDate(AS_OF, -20), 9_000, null);
    const notYetDue = inv('A', addDaysToDate(AS_OF, 5), 3_000, null);
    const { outlooks } = forecastWithOutlooks([...paid, abandoned, target, notYetDue], { asOf: AS_OF });
    // Kaplan–Meier over delays 10 (paid), 20 (open, censored), 40, 60 (paid) and 180+ (open): each of 40, 60
    // and never keeps 0.8/3 of the mass, and the 10-day payment is ruled out by the age: 1/3 each. Paid at
    // 40 days late is 20 days from now (within 30); at 60 days late it is 40 days from now (not).
    expect(outlooks.get(target.id)!.collectedWithin30Days).toBeCloseTo(1 / 3, 12);
    expect(outlooks.get(target.id)!.neverCollected).toBeCloseTo(1 / 3, 12);
    expect(outlooks.get(abandoned.id)).toEqual({ collectedWithin30Days: 0, neverCollected: 1 });
    // Not yet due (due in 5 days), so nothing is ruled out: 10 → 0.2, 40 → 0.8/3, 60 → 0.8/3, never → 0.8/3.
    // Only the 10-day delay lands within 30 days of asOf (in 15 days); 40 days late is 45 days from now.
    expect(outlooks.get(notYetDue.id)!.collectedWithin30Days).toBeCloseTo(0.2, 12);
    expect(outlooks.get(notYetDue.id)!.neverCollected).toBeCloseTo(0.8 / 3, 12);
    // Only open invoices have an outlook.
    expect(outlooks.has(paid[0]!.id)).toBe(false);
    expect(outlooks.size).toBe(3);
  });

  it('the forecast alone is the same forecast', () => {
    const invoices = [
      inv('A', '2026-03-01', 1_000, 10),
      inv('A', '2026-10-20', 5_000, null),
      inv('B', '2026-11-20', 7_000, null),
    ];
    expect(forecastWithOutlooks(invoices, { asOf: AS_OF }).forecast).toEqual(
      forecastCollections(invoices, { asOf: AS_OF }),
    );
  });

  // Random companies: the outlooks weighted by open balance are the forecast's own money for month 1 and never.
  const rowArb = fc.record({
    customer: fc.constantFrom('A', 'B', 'C'),
    dueOffset: fc.integer({ min: -400, max: 60 }),
    cents: fc.integer({ min: 1, max: 2_000_000 }),
    delay: fc.option(fc.integer({ min: -20, max: 250 }), { nil: null }),
  });

  it("agrees with the forecast's money: balance-weighted sums equal month 1 and never collected, to rounding", () => {
    fc.assert(
      fc.property(fc.array(rowArb, { minLength: 1, maxLength: 40 }), (rows) => {
        const invoices = rows.map((r) => inv(r.customer, addDaysToDate(AS_OF, r.dueOffset), r.cents, r.delay));
        const { forecast, outlooks } = forecastWithOutlooks(invoices, { asOf: AS_OF });
        let within = 0;
        let never = 0;
        for (const i of invoices) {
          const o = outlooks.get(i.id);
          if (!o) continue;
          expect(o.collectedWithin30Days + o.neverCollected).toBeLessThanOrEqual(1 + 1e-9);
          within += i.totalCents * o.collectedWithin30Days;
          never += i.totalCents * o.neverCollected;
        }
        expect(forecast.months[0]!.month).toBe('2026-11');
        // Largest-remainder rounding moves each bucket by under a cent.
        expect(Math.abs(within - forecast.months[0]!.expectedCents)).toBeLessThan(1 + 1e-6);
        expect(Math.abs(never - forecast.neverCollectedCents)).toBeLessThan(1 + 1e-6);
      }),
      { numRuns: 200, seed: 13 },
    );
  });
});
