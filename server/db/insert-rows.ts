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
export async function insertRows(
  db: Knex | Knex.Transaction,
  table: string,
  columns: readonly string[],
  rows: ReadonlyArray<readonly unknown[]>,
): Promise<void> {
  if (rows.length === 0) return;
  const perStatement = Math.max(1, Math.floor(MAX_BINDINGS / columns.length));
  const head = `INSERT INTO ${quote(table)} (${columns.map(quote).join(', ')}) VALUES `;
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const run = statementRunner(db);
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
      if (row.length !== columns.length)
        throw new Error(`insertRows(${table}): a row has ${row.length} values for ${columns.length} columns`);
      for (const value of row) bindings.push(value === undefined ? null : value);
    }
    await run(sql, bindings);
  }
}

/** node-sqlite3's Database#run, the driver's documented statement call. */
interface SqliteConnection {
  run(sql: string, bindings: unknown[], done: (error: Error | null) => void): void;
}

/**
 * How one statement is run. On SQLite it goes straight to node-sqlite3, on knex's connection (inside a
 * transaction, the transaction's own), taken and given back through acquireConnection and releaseConnection,
 * which knex's own type declarations publish on `Knex.Client`; knex documents no other way to the driver.
 * knex's raw() passes each of a statement's 30,000 values through its placeholder formatter and then hands the
 * driver the same SQL and values; skipping it shortens every table a score run writes (docs/benchmarks.md,
 * "Scoring"). On PostgreSQL the statement goes through raw(), which numbers the placeholders.
 */
function statementRunner(db: Knex | Knex.Transaction): (sql: string, bindings: unknown[]) => Promise<void> {
  const client = db.client as Knex.Client;
  if (client.config.client !== 'sqlite3')
    return async (sql, bindings) => {
      await db.raw(sql, bindings as Knex.RawBinding[]);
    };
  return async (sql, bindings) => {
    const connection = (await client.acquireConnection()) as SqliteConnection;
    try {
      await new Promise<void>((resolve, reject) =>
        connection.run(sql, bindings, (error) => (error ? reject(error) : resolve())),
      );
    } finally {
      await client.releaseConnection(connection);
    }
  };
}

/** Table and column names come from code, never from input; quoting keeps reserved words usable. */
function quote(identifier: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(identifier)) throw new Error(`insertRows: unexpected identifier ${identifier}`);
  return `"${identifier}"`;
}
