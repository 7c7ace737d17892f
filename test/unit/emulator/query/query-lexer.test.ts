import { describe, expect, it } from 'vitest';
import { LexError, tokenize } from '../../../../server/emulator/query/query-lexer.js';

describe('tokenize', () => {
  it('splits words, dotted paths, operators, punctuation, strings and numbers', () => {
    const tokens = tokenize(
      "select count(*) from Invoice where MetaData.LastUpdatedTime >= '2026-01-01' and Balance<=-12.5",
    );
    expect(tokens.map((t) => [t.kind, t.text])).toEqual([
      ['word', 'select'],
      ['word', 'count'],
      ['punct', '('],
      ['punct', '*'],
      ['punct', ')'],
      ['word', 'from'],
      ['word', 'Invoice'],
      ['word', 'where'],
      ['word', 'MetaData.LastUpdatedTime'],
      ['op', '>='],
      ['string', "'2026-01-01'"],
      ['word', 'and'],
      ['word', 'Balance'],
      ['op', '<='],
      ['number', '-12.5'],
      ['eof', '<EOF>'],
    ]);
  });

  it("unescapes \\' inside strings and keeps the raw text", () => {
    const [, , t] = tokenize("DisplayName = 'Amy\\'s Bird Sanctuary'");
    expect(t).toMatchObject({ kind: 'string', value: "Amy's Bird Sanctuary", text: "'Amy\\'s Bird Sanctuary'" });
  });

  it('reads a quoted space as a string of one space (the parser turns it into null)', () => {
    expect(tokenize("' '")[0]).toMatchObject({ kind: 'string', value: ' ' });
  });

  it('records 1-based columns', () => {
    const tokens = tokenize('SELECT * FROM Customer');
    expect(tokens.map((t) => t.column)).toEqual([1, 8, 10, 15, 23]);
  });

  it('reads number values', () => {
    expect(tokenize('1000')[0]).toMatchObject({ kind: 'number', value: 1000 });
  });

  it('rejects an unterminated string and unknown characters', () => {
    expect(() => tokenize("Name = 'abc")).toThrow(LexError);
    expect(() => tokenize('Name = #')).toThrow(/column 8/);
  });
});
