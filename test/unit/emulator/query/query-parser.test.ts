import { describe, expect, it } from 'vitest';
import { ENTITIES } from '../../../../server/emulator/entity-registry.js';
import { parseQuery, QueryError } from '../../../../server/emulator/query/query-parser.js';

function detailOf(text: string): string {
  try {
    parseQuery(text);
  } catch (err) {
    if (err instanceof QueryError) return err.detail;
    throw err;
  }
  throw new Error(`expected ${text} to fail`);
}

describe('parseQuery', () => {
  it('parses the minimal query with defaults', () => {
    const q = parseQuery('SELECT * FROM Customer');
    expect(q.entity).toBe(ENTITIES.Customer);
    expect(q).toMatchObject({ count: false, where: [], orderBy: [], startPosition: 1, maxResults: 100 });
  });

  it('accepts any case for keywords, entity and property names', () => {
    const q = parseQuery("select * from customer where displayname = 'x' orderby metadata.lastupdatedtime desc");
    expect(q.entity.name).toBe('Customer');
    expect(q.where).toEqual([{ path: ['DisplayName'], operator: '=', values: ['x'] }]);
    expect(q.orderBy).toEqual([{ path: ['MetaData', 'lastupdatedtime'], direction: 'DESC' }]);
  });

  it('parses count(*) in any case and spacing', () => {
    expect(parseQuery('SELECT COUNT(*) FROM Invoice').count).toBe(true);
    expect(parseQuery('select count ( * ) from invoice').count).toBe(true);
  });

  it.each(['=', '<', '>', '<=', '>='] as const)('parses the %s operator', (op) => {
    expect(parseQuery(`SELECT * FROM Invoice WHERE Balance ${op} 10`).where).toEqual([
      { path: ['Balance'], operator: op, values: [10] },
    ]);
  });

  it('parses LIKE, IN lists, booleans and AND chains', () => {
    const q = parseQuery(
      "SELECT * FROM Customer WHERE DisplayName LIKE 'Amy%' AND Id IN ('5', '6') AND Active IN (true, false)",
    );
    expect(q.where).toEqual([
      { path: ['DisplayName'], operator: 'LIKE', values: ['Amy%'] },
      { path: ['Id'], operator: 'IN', values: ['5', '6'] },
      { path: ['Active'], operator: 'IN', values: [true, false] },
    ]);
  });

  it('unescapes quotes in string values', () => {
    expect(parseQuery("SELECT * FROM Customer WHERE DisplayName = 'Amy\\'s Bird Sanctuary'").where[0]?.values).toEqual([
      "Amy's Bird Sanctuary",
    ]);
  });

  it("reads ' ' as null", () => {
    expect(parseQuery("SELECT * FROM Customer WHERE ParentRef = ' '").where[0]?.values).toEqual([null]);
  });

  it('keeps nested path segments after the canonical first segment', () => {
    const q = parseQuery("SELECT * FROM Invoice WHERE customerref.value = '1' AND metadata.CreateTime > '2026-01-01'");
    expect(q.where.map((c) => c.path)).toEqual([
      ['CustomerRef', 'value'],
      ['MetaData', 'CreateTime'],
    ]);
    expect(parseQuery("SELECT * FROM Customer WHERE PrimaryEmailAddr.Address = 'a@b.c'").where[0]?.path).toEqual([
      'PrimaryEmailAddr',
      'Address',
    ]);
  });

  it('parses ORDERBY and ORDER BY with several keys', () => {
    const expected = [
      { path: ['TxnDate'], direction: 'DESC' },
      { path: ['DocNumber'], direction: 'ASC' },
      { path: ['Id'], direction: 'ASC' },
    ];
    expect(parseQuery('SELECT * FROM Invoice ORDERBY TxnDate DESC, DocNumber ASC, Id').orderBy).toEqual(expected);
    expect(parseQuery('SELECT * FROM Invoice order by TxnDate desc, DocNumber asc, Id').orderBy).toEqual(expected);
  });

  it('parses STARTPOSITION and MAXRESULTS in either order', () => {
    expect(parseQuery('SELECT * FROM Invoice STARTPOSITION 11 MAXRESULTS 10')).toMatchObject({
      startPosition: 11,
      maxResults: 10,
    });
    expect(parseQuery('SELECT * FROM Invoice maxresults 10 startposition 11')).toMatchObject({
      startPosition: 11,
      maxResults: 10,
    });
  });

  it('accepts MAXRESULTS 1000 and rejects 1001', () => {
    expect(parseQuery('SELECT * FROM Invoice MAXRESULTS 1000').maxResults).toBe(1000);
    expect(detailOf('SELECT * FROM Invoice MAXRESULTS 1001')).toBe(
      'QueryValidationError: value 1001 is too large. Max allowed value is 1000',
    );
    expect(detailOf('SELECT * FROM Invoice MAXRESULTS 1500')).toBe(
      'QueryValidationError: value 1500 is too large. Max allowed value is 1000',
    );
  });

  it('rejects STARTPOSITION or MAXRESULTS below 1 as validation errors', () => {
    expect(detailOf('SELECT * FROM Invoice STARTPOSITION 0')).toMatch(/^QueryValidationError: STARTPOSITION/);
    expect(detailOf('SELECT * FROM Invoice MAXRESULTS -5')).toMatch(/^QueryValidationError: MAXRESULTS/);
  });

  it('reports an unknown entity as an invalid context declaration', () => {
    expect(detailOf('SELECT * FROM Custmoer')).toBe('QueryValidationError: invalid context declaration: Custmoer');
  });

  it('reports an unknown property as not queryable', () => {
    expect(detailOf("SELECT * FROM Customer WHERE Colour = 'red'")).toBe(
      "QueryValidationError: property 'Colour' is not queryable",
    );
    expect(detailOf('SELECT * FROM Customer ORDERBY Shoe.Size')).toBe(
      "QueryValidationError: property 'Shoe' is not queryable",
    );
  });

  it.each([
    ['a projection', 'SELECT Id FROM Customer', '" <ID> "Id "" at line 1, column 8.'],
    ['several projections', 'SELECT Id, DisplayName FROM Customer', 'column 8'],
    ['OR', "SELECT * FROM Customer WHERE Id = '1' OR Id = '2'", '" "OR" "OR "" at line 1, column 39.'],
    ['GROUP BY', 'SELECT * FROM Customer GROUP BY Id', '"GROUP"'],
    ['JOIN', 'SELECT * FROM Customer JOIN Invoice', '"JOIN"'],
    ['!=', "SELECT * FROM Customer WHERE Id != '1'", '" "!=" "!= ""'],
    ['a missing FROM', 'SELECT *', '"<EOF>" at line 1, column 9.'],
    ['an empty WHERE', 'SELECT * FROM Customer WHERE', '"<EOF>"'],
    ['a keyword as property', 'SELECT * FROM Customer WHERE ORDERBY Id', '"ORDERBY"'],
    ['LIKE with a number', 'SELECT * FROM Invoice WHERE DocNumber LIKE 5', '<INTEGER>'],
    ['an unclosed IN', "SELECT * FROM Customer WHERE Id IN ('1'", '"<EOF>"'],
    ['a bare word value', 'SELECT * FROM Customer WHERE Id = abc', '<ID> "abc "'],
    ['a fractional MAXRESULTS', 'SELECT * FROM Customer MAXRESULTS 1.5', '<INTEGER> "1.5 "'],
    ['an unterminated string', "SELECT * FROM Customer WHERE Id = '1", 'Lexical error at line 1, column 35'],
    ['trailing garbage', 'SELECT * FROM Customer MAXRESULTS 5 5', 'column 37'],
    ['ORDERBY after paging', 'SELECT * FROM Customer MAXRESULTS 5 ORDERBY Id', '"ORDERBY"'],
  ])('rejects %s with a QueryParserError', (_name, text, fragment) => {
    const detail = detailOf(text);
    expect(detail.startsWith('QueryParserError: ')).toBe(true);
    expect(detail).toContain(fragment);
  });

  it('throws QueryError instances whose message is the detail', () => {
    expect(() => parseQuery('SELECT * FROM Nope')).toThrow(QueryError);
    expect(() => parseQuery('SELECT * FROM Nope')).toThrow('QueryValidationError: invalid context declaration: Nope');
  });
});
