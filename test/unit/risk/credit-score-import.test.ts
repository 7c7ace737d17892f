import { describe, expect, it } from 'vitest';
import { parseCreditScoreCsv } from '../../../server/features/risk/credit-score-import.js';

const customers = new Map([
  ['1', "Amy's Bird Sanctuary"],
  ['2', 'Cool Cars'],
  ['3', 'Cool Cars'],
]);

describe('credit score CSV import', () => {
  it('accepts ids or names, with quotes, a BOM and blank lines', () => {
    const r = parseCreditScoreCsv('\uFEFFcustomer_id,score\n1,720\n\n"2", 655\n', customers);
    expect(r).toEqual({
      accepted: [
        { customerId: '1', score: 720 },
        { customerId: '2', score: 655 },
      ],
      rejected: [],
    });
    expect(parseCreditScoreCsv('Customer,Score\n"Amy\'s Bird Sanctuary",800\n', customers).accepted).toEqual([
      { customerId: '1', score: 800 },
    ]);
  });

  it('rejects every bad row with its line and reason', () => {
    const r = parseCreditScoreCsv('customer_id,score\n1,900\n9,700\n2,abc\n1,650\n1,651\n', customers);
    expect(r.rejected).toEqual([
      { line: 2, value: '1,900', reason: 'score "900" must be a whole number from 300 to 850' },
      { line: 3, value: '9,700', reason: 'no customer with Id "9"' },
      { line: 4, value: '2,abc', reason: 'score "abc" must be a whole number from 300 to 850' },
      { line: 6, value: '1,651', reason: 'this customer appears twice' },
    ]);
    expect(parseCreditScoreCsv('customer,score\nCool Cars,700\n', customers).rejected[0]!.reason).toMatch(
      /2 customers are named "Cool Cars"; use customer_id/,
    );
  });

  it('explains a file without the right header or rows', () => {
    expect(parseCreditScoreCsv('name,rating\nx,1\n', customers).rejected[0]!.reason).toMatch(/must name the columns/);
    expect(parseCreditScoreCsv('customer_id,score\n', customers).rejected[0]!.reason).toMatch(/no rows/);
  });

  it("names the line and the problem of a file that is not valid CSV, never line 0 or the parser's words", () => {
    const unclosed = parseCreditScoreCsv('customer_id,score\n58,700\n"61,650\n62,600\n', customers).rejected;
    expect(unclosed).toEqual([
      { line: 3, value: '"61,650', reason: expect.stringMatching(/^a quote opens on this line and is never closed/) },
    ]);
    const escaped = parseCreditScoreCsv('customer,score\n"Amy ""B"" Bird,700\n', customers).rejected;
    expect(escaped[0]).toMatchObject({ line: 2, reason: expect.stringMatching(/never closed/) });
    const middle = parseCreditScoreCsv('customer_id,score\n58,700\n6"1",650\n', customers).rejected;
    expect(middle).toEqual([
      { line: 3, value: '6"1",650', reason: expect.stringMatching(/^a quote in the middle of a value/) },
    ]);
  });
});
