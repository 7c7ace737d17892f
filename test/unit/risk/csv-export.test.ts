import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toCsv, type Table } from '../../../server/features/risk/exports.js';

describe('the CSV writer', () => {
  it('writes RFC 4180 with CRLF line ends, quoting only the cells that need it', () => {
    const t: Table = {
      columns: ['name', 'cents', 'active', 'note'],
      rows: [
        ['Acme, Inc.', -1250, true, null],
        ['Say "hi"', 0, false, 'two\nlines'],
        ['', 3, null, 'plain'],
      ],
    };
    expect(toCsv(t)).toBe(
      'name,cents,active,note\r\n"Acme, Inc.",-1250,true,\r\n"Say ""hi""",0,false,"two\nlines"\r\n,3,,plain\r\n',
    );
    expect(toCsv({ columns: ['a'], rows: [] })).toBe('a\r\n');
  });

  it('defuses text a spreadsheet would run as a formula, but not negative numbers', () => {
    const cells = ['=SUM(A1)', '+1', '-5', '@cmd', '\tx', '\rx', 'a=b'];
    expect(toCsv({ columns: ['v'], rows: [...cells.map((c) => [c]), [-5]] })).toBe(
      "v\r\n'=SUM(A1)\r\n'+1\r\n'-5\r\n'@cmd\r\n'\tx\r\n\"'\rx\"\r\na=b\r\n-5\r\n",
    );
    expect(toCsv({ columns: ['a'], rows: [['=HYPERLINK("x")'], ['a,b']] })).toBe(
      'a\r\n"\'=HYPERLINK(""x"")"\r\n"a,b"\r\n',
    );
  });

  it('reads back through a CSV parser as the cells written, formula-like text with its leading quote', () => {
    const awkward = fc.string({
      unit: fc.constantFrom('a', ' ', ',', '"', "'", '\r', '\n', '\t', '=', '+', '-', '@', 'é', '\uFF1D'),
    });
    const cell = fc.oneof(awkward, fc.string(), fc.integer(), fc.boolean(), fc.constant(null));
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), { maxLength: 5 }), (rows) => {
        const read = parse(toCsv({ columns: ['a', 'b'], rows }), { relax_column_count: false }) as string[][];
        const written = (v: string | number | boolean | null) =>
          v === null
            ? ''
            : typeof v !== 'string'
              ? String(v)
              : /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(v)
                ? `'${v}`
                : v;
        const expected = rows.map((r) => r.map(written));
        expect(read).toEqual([['a', 'b'], ...expected]);
      }),
      { numRuns: 300 },
    );
  });
});
