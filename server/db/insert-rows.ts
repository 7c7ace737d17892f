import type { Knex } from 'knex';

/**
 * Bind parameters per statement: under SQLite's limit (32,766 since 3.32) and PostgreSQL's (65,535), and
 * large enough that a score run's 15,000 rows take a handful of statements.
 */
const MAX_BINDINGS = 30_000;

/**
 * Inserts rows given as arrays in `columns` order, in multi-row INSERTs whose SQL is built once per statement
 * size. knex's insert compiles every value of every row through its identifier and value wrappers, which for
 * a score run's rows cost about as much main-thread time as SQLite's whole write; the values are bound the
 * same way either way (the driver's parameters), so what is stored does not change.
 */
export async function insertRows(db: Knex | Knex.Transaction, table: string, columns: readonly string[], rows: ReadonlyArray<readonly unknown[]>): Promise<void> {
  if (rows.length === 0) return;
  const perStatement = Math.max(1, Math.floor(MAX_BINDINGS / columns.length));
  const head = `INSERT INTO ${quote(table)} (${columns.map(quote).join(', ')}) VALUES `;
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  let sql = '';
  let sqlRows = 0;
  for (let from = 0; from < rows.length; from += perStatement) {
    const chunk = rows.slice(from, from + perStatement);
    if (chunk.length !== sqlRows) {
      sql = head + Array.from({ length: chunk.length }, () => tuple).join(', ');
      sqlRows = chunk.length;
    }
    const bindings: unknown[] = [];
    for (const row of chunk) {
      if (row.length !== columns.length) throw new Error(`insertRows(${table}): a row has ${row.length} values for ${columns.length} columns`);
      for (const value of row) bindings.push(value === undefined ? null : value);
    }
    await db.raw(sql, bindings as Knex.RawBinding[]);
  }
}

/** Table and column names come from code, never from input; quoting keeps reserved words usable. */
function quote(identifier: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(identifier)) throw new Error(`insertRows: unexpected identifier ${identifier}`);
  return `"${identifier}"`;
}
