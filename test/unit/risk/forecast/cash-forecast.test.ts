import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDaysToDate } from '../../../../server/features/risk/domain/dates.js';
import type { InvoiceFact } from '../../../../server/features/risk/domain/risk-facts.js';
import { forecastCollections, type CashForecast } from '../../../../server/features/risk/forecast/cash-forecast.js';

const AS_OF = '2026-05-20';
let seq = 0;
/**
 * An invoice issued 30 days before `due` (or on asOf, if that is later); paid in full `paidAfterDue` days after due, or
 * open (null).
 */
function inv(customerId: string, due: string, cents: number, paidAfterDue: number | null): InvoiceFact {
  const issued = addDaysToDate(due, -30);
  return {
    id: `i${++seq}`,
    docNumber: null,
    customerId,
    txnDate: issued < AS_OF ? issued : AS_OF,
    dueDate: due,
    totalCents: cents,
    lines: [],
    applications: paidAfterDue === null ? [] : [{ date: addDaysToDate(due, paidAfterDue), cents, cash: true }],
  };
}
const total = (f: CashForecast) =>
  f.months.reduce((s, m) => s + m.expectedCents, 0) + f.beyondHorizonCents + f.neverCollectedCents;

describe('forecastCollections', () => {
  it('puts each open invoice in the month of due + 10 when every invoice is paid 10 days after due', () => {
    const history = ['2025-11-10', '2025-12-10', '2026-01-10', '2026-02-10', '2026-03-10', '2026-04-10'].flatMap(
      (d) => [inv('A', d, 5_000, 10), inv('B', d, 7_000, 10)],
    );
    const open = [
      inv('A', '2026-05-15', 10_000, null), // 5 days late: paid 05-25, in May (month 1 is the rest of May)
      inv('B', '2026-05-25', 20_000, null), // paid 06-04
      inv('A', '2026-07-25', 40_000, null), // paid 08-04
      inv('B', '2026-11-25', 80_000, null), // paid 12-05, past the 6-month horizon (May–Oct)
    ];
    const f = forecastCollections([...history, ...open], { asOf: AS_OF });
    expect(f.months.map((m) => [m.month, m.expectedCents])).toEqual([
      ['2026-05', 10_000],
      ['2026-06', 20_000],
      ['2026-07', 0],
      ['2026-08', 40_000],
      ['2026-09', 0],
      ['2026-10', 0],
    ]);
    // no uncertainty
    expect(f.months.every((m) => m.lowCents === m.expectedCents && m.highCents === m.expectedCents)).toBe(true);
    expect([f.beyondHorizonCents, f.neverCollectedCents, f.openCents]).toEqual([80_000, 0, 150_000]);
  });

  it('month 1 is the next full month when asOf is a month end', () => {
    const f = forecastCollections([inv('A', '2026-04-01', 100, 10), inv('A', '2026-06-10', 500, null)], {
      asOf: '2026-05-31',
      months: 2,
    });
    expect(f.months.map((m) => [m.month, m.expectedCents])).toEqual([
      ['2026-06', 500],
      ['2026-07', 0],
    ]);
  });

  it('never collected: the share of old invoices still open 180+ days past due', () => {
    const invoices = [
      inv('A', '2025-06-01', 3_000, 0),
      inv('A', '2025-07-01', 3_000, 0),
      inv('A', '2025-08-01', 2_000, null),
      inv('A', '2025-09-01', 1_000, null), // 200+ days past due at asOf
      inv('A', '2026-06-15', 10_000, null),
    ];
    const f = forecastCollections(invoices, { asOf: AS_OF });
    // Half the history paid on the due date, half never: the new invoice is 50/50; the old ones are gone.
    expect(f.months.find((m) => m.month === '2026-06')!.expectedCents).toBe(5_000);
    expect(f.neverCollectedCents).toBe(5_000 + 3_000);
    expect(f.openCents).toBe(13_000);
  });

  it('conditions on age: an invoice already late is only paid on later days of the history', () => {
    // Pool: paid 0, 30 or 60 days late. An invoice 45 days late can only be paid at 60 days.
    const history = [0, 30, 60].flatMap((d, i) => [
      inv('A', `2025-0${i + 1}-10`, 1_000, d),
      inv('A', `2025-0${i + 4}-10`, 1_000, d),
    ]);
    const f = forecastCollections([...history, inv('A', addDaysToDate(AS_OF, -45), 9_000, null)], { asOf: AS_OF });
    expect(f.months.map((m) => m.expectedCents)).toEqual([0, 9_000, 0, 0, 0, 0]); // due 04-05 + 60 = 06-04
  });

  it('shrinkage: with none, a customer follows only its own history; with a lot, the company pool', () => {
    const history = [
      ...['2026-01-05', '2026-02-05', '2026-03-05'].map((d) => inv('slow', d, 1_000, 40)),
      ...['2025-12-05', '2026-01-05', '2026-02-05', '2026-03-05', '2026-04-05'].flatMap((d) => [
        inv('x', d, 1_000, 0),
        inv('y', d, 1_000, 0),
      ]),
    ];
    const open = inv('slow', '2026-05-25', 10_000, null);
    const own = forecastCollections([...history, open], { asOf: AS_OF, shrinkage: 0 });
    expect(own.months.map((m) => m.expectedCents)).toEqual([0, 0, 10_000, 0, 0, 0]); // 05-25 + 40 = 07-04
    const pooled = forecastCollections([...history, open], { asOf: AS_OF, shrinkage: 1e9 });
    expect(pooled.months[0]!.expectedCents).toBe(7_692); // the pool: 10 of 13 paid on the due date (05-25)
    const blended = forecastCollections([...history, open], { asOf: AS_OF }); // 3 settled vs k = 5
    expect(blended.months[0]!.expectedCents).toBeLessThan(pooled.months[0]!.expectedCents);
    expect(blended.months[2]!.expectedCents).toBeGreaterThan(0);
  });

  it('worst case for high-risk customers is their full open exposure', () => {
    const invoices = [
      inv('A', '2026-05-01', 1_000, null),
      inv('A', '2026-03-01', 2_000, 5),
      inv('B', '2026-06-01', 4_000, null),
      inv('C', '2026-04-01', 8_000, null),
    ];
    const f = forecastCollections(invoices, { asOf: AS_OF, highRiskCustomerIds: new Set(['A', 'C']) });
    expect(f.worstCaseHighRiskLossCents).toBe(9_000);
    expect(forecastCollections(invoices, { asOf: AS_OF }).worstCaseHighRiskLossCents).toBe(0);
  });

  // Random companies: delays, amounts, open or paid, partial payments, some credits.
  const invoiceArb = fc.record({
    customer: fc.constantFrom('A', 'B', 'C', 'D'),
    dueOffset: fc.integer({ min: -400, max: 120 }),
    cents: fc.integer({ min: 1, max: 5_000_000 }),
    delay: fc.option(fc.integer({ min: -40, max: 250 }), { nil: null }),
    partial: fc.option(fc.integer({ min: 1, max: 99 }), { nil: null }),
  });
  const toInvoices = (
    rows: Array<{ customer: string; dueOffset: number; cents: number; delay: number | null; partial: number | null }>,
  ) =>
    rows.map((r, i): InvoiceFact => {
      const due = addDaysToDate(AS_OF, r.dueOffset);
      const base = inv(r.customer, due, r.cents, r.delay);
      base.id = `r${i}`;
      if (r.partial !== null)
        base.applications.push({
          date: addDaysToDate(due, -5),
          cents: Math.floor((r.cents * r.partial) / 100),
          cash: false,
        });
      return base;
    });

  it('conserves money to the cent: months + beyond horizon + never = open', () => {
    fc.assert(
      fc.property(
        fc.array(invoiceArb, { maxLength: 40 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 20 }),
        (rows, months, shrinkage) => {
          const f = forecastCollections(toInvoices(rows), { asOf: AS_OF, months, shrinkage });
          expect(f.months).toHaveLength(months);
          expect(total(f)).toBe(f.openCents);
          for (const m of f.months) {
            expect(Number.isInteger(m.expectedCents)).toBe(true);
            expect(m.lowCents).toBeGreaterThanOrEqual(0);
            expect(m.lowCents).toBeLessThanOrEqual(m.expectedCents);
            expect(m.highCents).toBeGreaterThanOrEqual(m.expectedCents);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('uses only data dated on or before asOf: later payments and invoices change nothing', () => {
    fc.assert(
      fc.property(
        fc.array(invoiceArb, { maxLength: 30 }),
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 30, maxLength: 30 }),
        (rows, later) => {
          const invoices = toInvoices(rows);
          const before = forecastCollections(invoices, { asOf: AS_OF, highRiskCustomerIds: new Set(['A']) });
          const withFuture = invoices.map((i, k) => ({
            ...i,
            applications: [
              ...i.applications,
              { date: addDaysToDate(AS_OF, later[k]!), cents: i.totalCents, cash: true },
            ],
          }));
          withFuture.push({ ...inv('A', addDaysToDate(AS_OF, 60), 1_000, 0), txnDate: addDaysToDate(AS_OF, 1) });
          expect(forecastCollections(withFuture, { asOf: AS_OF, highRiskCustomerIds: new Set(['A']) })).toEqual(before);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('monotone: a customer with a worse history never has more expected in month 1', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ delay: fc.integer({ min: 0, max: 120 }), extra: fc.nat({ max: 60 }) }), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.integer({ min: 1, max: 40 }),
        (history, dueIn) => {
          // Same invoices for both customers; the worse one paid each of them `extra` days later. The open
          // invoice is not yet due, so conditioning on its age removes nothing: a later-shifted history then
          // has a lower chance of payment by any date. (For an invoice already late, a shifted history can
          // legitimately put more mass after its current age, so monotonicity is not claimed there.)
          const invoices = history.flatMap((h, i) => {
            const due = addDaysToDate(AS_OF, -200 + 10 * i);
            return [inv('good', due, 1_000, h.delay), inv('worse', due, 1_000, h.delay + h.extra)];
          });
          const due = addDaysToDate(AS_OF, dueIn);
          const f = (id: string) => {
            const open = inv(id, due, 50_000, null);
            return forecastCollections([...invoices, open], { asOf: AS_OF }).months[0]!.expectedCents;
          };
          // One cent of slack: both are rounded to whole cents by largest remainder against different buckets.
          expect(f('worse')).toBeLessThanOrEqual(f('good') + 1);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('is deterministic', () => {
    const rows = fc.sample(fc.array(invoiceArb, { minLength: 20, maxLength: 20 }), { numRuns: 1, seed: 7 })[0]!;
    const invoices = toInvoices(rows);
    expect(forecastCollections(invoices, { asOf: AS_OF })).toEqual(forecastCollections(invoices, { asOf: AS_OF }));
  });
});
