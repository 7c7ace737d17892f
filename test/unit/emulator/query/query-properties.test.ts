import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { QboObject } from '../../../../server/emulator/entity-registry.js';
import { compileQuery } from '../../../../server/emulator/query/query-evaluator.js';
import { parseQuery } from '../../../../server/emulator/query/query-parser.js';

const TZ = 'America/New_York';

/** Invoices with unique Ids and few distinct values, so ties (and so stability) are common. */
const invoices = fc
  .uniqueArray(fc.integer({ min: 1, max: 5000 }), { maxLength: 60 })
  .chain((ids) =>
    fc.tuple(
      ...ids.map((id) =>
        fc.record({
          Id: fc.constant(String(id)),
          SyncToken: fc.constant('0'),
          Balance: fc.option(fc.constantFrom(0, 10, 10.5, 99), { nil: undefined }),
          DocNumber: fc.constantFrom('A', 'a', 'B', '10', '9', ''),
          TxnDate: fc.constantFrom('2026-01-01', '2026-02-01', '2025-12-31'),
        }),
      ),
    ),
  )
  .map((rows) => rows as unknown as QboObject[]);

const conditions = fc.constantFrom(
  'Balance > 5',
  'Balance <= 10',
  "DocNumber LIKE 'a%'",
  "DocNumber = ' '",
  "TxnDate >= '2026-01-01'",
  "Id IN ('1', '2', '3', '100')",
  "Id < '2500'",
  'Balance IN (0, 99)',
);

const orderings = fc.constantFrom(
  '',
  'ORDERBY Balance',
  'ORDERBY Balance DESC',
  'ORDERBY DocNumber, TxnDate DESC',
  'ORDERBY TxnDate',
  'ORDERBY Id DESC',
);

function compile(text: string) {
  return compileQuery(parseQuery(text), { timeZone: TZ });
}

describe('query properties', () => {
  it('sorting returns a permutation of its input', () => {
    fc.assert(
      fc.property(invoices, orderings, (rows, order) => {
        const sorted = compile(`SELECT * FROM Invoice ${order}`).sort(rows);
        expect([...sorted].sort((a, b) => Number(a.Id) - Number(b.Id))).toEqual(
          [...rows].sort((a, b) => Number(a.Id) - Number(b.Id)),
        );
      }),
    );
  });

  it('sorting is deterministic: shuffled input sorts the same, and sorting twice changes nothing', () => {
    fc.assert(
      fc.property(invoices, orderings, fc.integer(), (rows, order, seed) => {
        const q = compile(`SELECT * FROM Invoice ${order}`);
        const shuffled = [...rows].sort(
          (a, b) => ((Number(a.Id) * 7919 + seed) % 101) - ((Number(b.Id) * 7919 + seed) % 101),
        );
        const once = q.sort(rows);
        expect(q.sort(shuffled).map((r) => r.Id)).toEqual(once.map((r) => r.Id));
        expect(q.sort(once).map((r) => r.Id)).toEqual(once.map((r) => r.Id));
      }),
    );
  });

  it('rows that tie on every ORDERBY key stay in ascending Id order', () => {
    fc.assert(
      fc.property(invoices, (rows) => {
        const sorted = compile('SELECT * FROM Invoice ORDERBY TxnDate DESC').sort(rows);
        for (let i = 1; i < sorted.length; i++) {
          const prev = sorted[i - 1]!;
          const cur = sorted[i]!;
          expect(String(prev.TxnDate) >= String(cur.TxnDate)).toBe(true);
          if (prev.TxnDate === cur.TxnDate) expect(Number(prev.Id)).toBeLessThan(Number(cur.Id));
        }
      }),
    );
  });

  it('AND of conditions matches the intersection of each condition alone', () => {
    fc.assert(
      fc.property(invoices, fc.array(conditions, { minLength: 1, maxLength: 4 }), (rows, conds) => {
        const combined = compile(`SELECT * FROM Invoice WHERE ${conds.join(' AND ')}`);
        const singles = conds.map((c) => compile(`SELECT * FROM Invoice WHERE ${c}`));
        for (const row of rows) expect(combined.matches(row)).toBe(singles.every((s) => s.matches(row)));
      }),
    );
  });
});
