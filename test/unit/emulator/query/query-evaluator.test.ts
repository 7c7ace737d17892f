import { describe, expect, it } from 'vitest';
import type { QboObject } from '../../../../server/emulator/entity-registry.js';
import { compileQuery } from '../../../../server/emulator/query/query-evaluator.js';
import { parseQuery } from '../../../../server/emulator/query/query-parser.js';

const TZ = 'America/Los_Angeles';

function customer(id: number, name: string, extra: Record<string, unknown> = {}): QboObject {
  return {
    Id: String(id),
    SyncToken: '0',
    DisplayName: name,
    FullyQualifiedName: name,
    Active: true,
    MetaData: { CreateTime: '2026-01-01T09:00:00-08:00', LastUpdatedTime: '2026-01-01T09:00:00-08:00' },
    ...extra,
  };
}

const customers: QboObject[] = [
  customer(1, "Amy's Bird Sanctuary", { PrimaryEmailAddr: { Address: 'Birds@Intuit.com' }, Balance: 739 }),
  customer(2, "Bill's Windsurf Shop", { Balance: 85, CustomerTypeRef: { value: '12', name: 'Retail' } }),
  customer(9, 'cool cars', { Balance: 0, CustomerTypeRef: { value: '9' } }),
  customer(12, 'Dukes Basketball Camp', { Active: false, Balance: 0 }),
  customer(100, 'Freeman Sporting Goods', { Balance: 1000, ParentRef: null }),
  customer(101, '0969 Ocean View Road', { ParentRef: { value: '100' }, Job: true }),
];

function run(text: string, rows: QboObject[] = customers, timeZone = TZ): string[] {
  const compiled = compileQuery(parseQuery(text), { timeZone });
  return compiled.sort(rows.filter((r) => compiled.matches(r))).map((r) => r.Id);
}

describe('compileQuery matching', () => {
  it('matches strings case-insensitively, with escaped quotes', () => {
    expect(run("SELECT * FROM Customer WHERE DisplayName = 'AMY\\'S BIRD SANCTUARY'")).toEqual(['1']);
  });

  it('matches LIKE with % only, case-insensitively', () => {
    expect(run("SELECT * FROM Customer WHERE DisplayName LIKE 'b%'")).toEqual(['2']);
    expect(run("SELECT * FROM Customer WHERE DisplayName LIKE '%s%'")).toEqual(['1', '2', '9', '100']);
    expect(run("SELECT * FROM Customer WHERE DisplayName LIKE '%shop'")).toEqual(['2']);
    expect(run("SELECT * FROM Customer WHERE DisplayName LIKE 'cool_cars'")).toEqual([]);
    expect(run("SELECT * FROM Customer WHERE DisplayName LIKE 'cool.cars'")).toEqual([]);
  });

  it('compares Ids numerically even when quoted', () => {
    expect(run("SELECT * FROM Customer WHERE Id > '9'")).toEqual(['101', '100']);
    expect(run("SELECT * FROM Customer WHERE Id IN ('9', '100', '12')")).toEqual(['9', '100']);
    expect(run('SELECT * FROM Customer WHERE Id <= 9')).toEqual(['1', '2', '9']);
  });

  it('compares numbers numerically and booleans as booleans', () => {
    expect(run('SELECT * FROM Customer WHERE Balance >= 85')).toEqual(['1', '2', '100']);
    expect(run("SELECT * FROM Customer WHERE Balance < '100'")).toEqual(['2', '9']);
    expect(run('SELECT * FROM Customer WHERE Job = true')).toEqual(['101']);
  });

  it('compares a Ref by its value, and also reads .value and .name', () => {
    expect(run("SELECT * FROM Customer WHERE CustomerTypeRef = '12'")).toEqual(['2']);
    expect(run("SELECT * FROM Customer WHERE CustomerTypeRef.value IN ('9', '12')")).toEqual(['2', '9']);
    expect(run("SELECT * FROM Customer WHERE customertyperef.Name = 'retail'")).toEqual(['2']);
  });

  it('reads nested paths case-insensitively', () => {
    expect(run("SELECT * FROM Customer WHERE primaryemailaddr.address = 'birds@intuit.com'")).toEqual(['1']);
  });

  it("treats ' ' as null: missing or null values only", () => {
    expect(run("SELECT * FROM Customer WHERE ParentRef = ' '")).toEqual(['1', '2', '9', '100']);
    expect(run("SELECT * FROM Customer WHERE ParentRef IN (' ', '100')")).toEqual(['101', '1', '2', '9', '100']);
    expect(run("SELECT * FROM Customer WHERE ParentRef > ' '")).toEqual([]);
  });

  it('matches nothing on a property the row lacks', () => {
    expect(run("SELECT * FROM Customer WHERE PrimaryEmailAddr.Address LIKE '%'")).toEqual(['1']);
    expect(run("SELECT * FROM Customer WHERE Notes = 'x'")).toEqual([]);
  });

  it('AND requires every condition', () => {
    expect(run("SELECT * FROM Customer WHERE Balance > 0 AND DisplayName LIKE '%s%' AND Id < '100'")).toEqual([
      '1',
      '2',
    ]);
  });
});

describe('compileQuery inactive names', () => {
  it('hides inactive names unless the query mentions Active', () => {
    expect(run('SELECT * FROM Customer WHERE Balance = 0')).toEqual(['9']);
    expect(run('SELECT * FROM Customer WHERE Active = false')).toEqual(['12']);
    expect(run('SELECT * FROM Customer WHERE Active IN (true, false) AND Balance = 0')).toEqual(['9', '12']);
  });

  it('does not filter transactions by Active', () => {
    const invoices = [
      { Id: '1', SyncToken: '0' },
      { Id: '2', SyncToken: '0', Active: false },
    ] as QboObject[];
    expect(run('SELECT * FROM Invoice', invoices)).toEqual(['1', '2']);
  });

  it('counts with the same filter', () => {
    const compiled = compileQuery(parseQuery('select count(*) from customer'), { timeZone: TZ });
    expect(customers.filter((r) => compiled.matches(r))).toHaveLength(5);
  });
});

describe('compileQuery DateTimes', () => {
  const rows = [
    customer(1, 'a', {
      MetaData: { CreateTime: '2026-01-01T08:30:00+01:00', LastUpdatedTime: '2026-01-01T00:30:00-08:00' },
    }),
    customer(2, 'b', {
      MetaData: { CreateTime: '2025-12-31T23:40:00-08:00', LastUpdatedTime: '2026-01-01T10:20:30-08:00' },
    }),
    customer(3, 'c', {
      MetaData: { CreateTime: '2026-01-02T00:00:00-08:00', LastUpdatedTime: '2026-01-01T09:00:00-08:00' },
    }),
  ];

  it('compares as instants across offsets, accepting -0700 style literals', () => {
    expect(run("SELECT * FROM Customer WHERE MetaData.LastUpdatedTime > '2026-01-01T18:00:00+0000'", rows)).toEqual([
      '2',
    ]);
    expect(run("SELECT * FROM Customer WHERE MetaData.LastUpdatedTime = '2026-01-01T13:20:30-0500'", rows)).toEqual([
      '2',
    ]);
  });

  it('reads a bare date as midnight in the company time zone', () => {
    // Rows 1 and 2 were created at 07:30Z/07:40Z: Dec 31 in Los Angeles, Jan 1 in Paris.
    expect(run("SELECT * FROM Customer WHERE MetaData.CreateTime >= '2026-01-01'", rows)).toEqual(['3']);
    expect(run("SELECT * FROM Customer WHERE MetaData.CreateTime >= '2026-01-01'", rows, 'Europe/Paris')).toEqual([
      '1',
      '2',
      '3',
    ]);
  });

  it('matches nothing when the literal is not a date', () => {
    expect(run("SELECT * FROM Customer WHERE MetaData.CreateTime > 'yesterday'", rows)).toEqual([]);
  });

  it('orders by instant, not text', () => {
    // Row 1's text sorts after row 2's, but row 2 is the later instant.
    expect(run('SELECT * FROM Customer ORDERBY MetaData.CreateTime DESC', rows)).toEqual(['3', '2', '1']);
  });

  it('compares plain dates as strings', () => {
    const invoices = [
      { Id: '1', SyncToken: '0', TxnDate: '2026-01-15', DueDate: '2026-02-14' },
      { Id: '2', SyncToken: '0', TxnDate: '2025-12-01', DueDate: '2025-12-31' },
    ] as QboObject[];
    expect(run("SELECT * FROM Invoice WHERE DueDate < '2026-01-01'", invoices)).toEqual(['2']);
    expect(run("SELECT * FROM Invoice WHERE TxnDate >= '2026-01-15'", invoices)).toEqual(['1']);
  });
});

describe('compileQuery ordering', () => {
  const all = 'SELECT * FROM Customer WHERE Active IN (true, false)';

  it('defaults to FullyQualifiedName case-insensitively for customers', () => {
    expect(run(all)).toEqual(['101', '1', '2', '9', '12', '100']);
  });

  it('defaults to numeric Id for transactions', () => {
    const invoices = ['10', '9', '100', '1'].map((Id) => ({ Id, SyncToken: '0' })) as QboObject[];
    expect(run('SELECT * FROM Invoice', invoices)).toEqual(['1', '9', '10', '100']);
  });

  it('sorts by several keys with DESC, ties by numeric Id', () => {
    expect(run(`${all} ORDERBY Balance DESC, DisplayName`)).toEqual(['100', '1', '2', '9', '12', '101']);
    expect(run(`${all} ORDERBY Balance`)).toEqual(['101', '9', '12', '2', '1', '100']);
  });

  it('puts missing values first ascending and last descending', () => {
    expect(run(`${all} ORDERBY ParentRef`)[5]).toBe('101');
    expect(run(`${all} ORDERBY ParentRef DESC`)[0]).toBe('101');
  });

  it('orders Ids and Ref values numerically', () => {
    expect(run(`${all} ORDERBY Id DESC`)).toEqual(['101', '100', '12', '9', '2', '1']);
    expect(run("SELECT * FROM Customer WHERE CustomerTypeRef > ' ' ORDERBY CustomerTypeRef")).toEqual([]);
    expect(run("SELECT * FROM Customer WHERE CustomerTypeRef IN ('9', '12') ORDERBY CustomerTypeRef")).toEqual([
      '9',
      '2',
    ]);
  });

  it('does not mutate its input and names the ordering', () => {
    const input = [...customers];
    const compiled = compileQuery(parseQuery(`${all} ORDERBY MetaData.LastUpdatedTime DESC`), { timeZone: TZ });
    compiled.sort(input);
    expect(input).toEqual(customers);
    expect(compiled.orderKey).toBe('MetaData.LastUpdatedTime DESC');
    expect(compileQuery(parseQuery('SELECT * FROM Customer'), { timeZone: TZ }).orderKey).toBe(
      'FullyQualifiedName ASC',
    );
    expect(compileQuery(parseQuery('SELECT * FROM Invoice ORDER BY TxnDate, Id DESC'), { timeZone: TZ }).orderKey).toBe(
      'TxnDate ASC, Id DESC',
    );
  });
});
