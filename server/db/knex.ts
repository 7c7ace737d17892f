import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import knexFactory, { type Knex } from 'knex';
import { MIGRATIONS } from '../../migrations/index.js';
import type { Config } from '../config.js';

export type Db = Knex;

export const MIGRATIONS_DIRECTORY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

/**
 * The one place that knows dialects. SQLite gets one connection with foreign keys, WAL (other processes
 * read while this one writes) and a busy timeout; PostgreSQL uses a connection string. With
 * `backgroundCheckpoints` the connection never copies the WAL into the database file itself: a
 * WalCheckpoints (below) must do it.
 */
export function createDb(dbConfig: Config['db'], o: { backgroundCheckpoints?: boolean } = {}): Db {
  if (dbConfig.client === 'pg') {
    usePlainPgTypes();
    return knexFactory({ client: 'pg', connection: dbConfig.connectionString, pool: { min: 0, max: 10 } });
  }
  if (dbConfig.filename !== ':memory:') fs.mkdirSync(path.dirname(dbConfig.filename), { recursive: true });
  // One connection. A second one made write transactions fail at random with SQLITE_BUSY: a transaction that
  // reads before it writes (the sync's LastUpdatedTime guard) cannot upgrade to a writer once another
  // connection (a session touch, the run's progress) has committed since its read, and SQLite gives up at
  // once instead of waiting. Queries here take milliseconds, so queueing them costs little; other processes
  // (the CLI) still wait on busy_timeout. (An in-memory database also exists once per connection.)
  return sqlite(dbConfig.filename, { min: 1, max: 1 }, [
    'foreign_keys = ON',
    'busy_timeout = 5000',
    ...(dbConfig.filename !== ':memory:' ? ['journal_mode = WAL'] : []),
    ...(o.backgroundCheckpoints && dbConfig.filename !== ':memory:' ? ['wal_autocheckpoint = 0'] : []),
    'synchronous = NORMAL',
  ]);
}

/** What one checkpoint did: WAL frames in all and how many of them are now in the database file. */
export interface CheckpointResult {
  busy: boolean;
  walFrames: number;
  checkpointedFrames: number;
}

export interface WalCheckpoints {
  /** One PASSIVE checkpoint now (or the one already running). */
  checkpoint(): Promise<CheckpointResult>;
  /** Stops the timer and closes the connection once a running checkpoint is done. */
  stop(): Promise<void>;
}

/**
 * WAL checkpoints off the app's writer connection. By default SQLite copies the WAL into the database file
 * inside the commit that takes it past 1,000 pages: a score run's commit then waited for the copy and its fsyncs,
 * holding the app's only writer connection (docs/benchmarks.md, "Scoring"). Here that connection never
 * checkpoints (createDb's `backgroundCheckpoints`) and a connection of its own runs a PASSIVE checkpoint every
 * `everyMs` on node-sqlite3's worker thread, so the copy overlaps other work: PASSIVE never waits for, or
 * blocks, readers and the writer, and copies only the pages no reader still needs (the rest next time).
 */
export function startWalCheckpoints(
  filename: string,
  o: { everyMs?: number; onError?: (error: unknown) => void } = {},
): WalCheckpoints {
  const connection = sqlite(filename, { min: 0, max: 1 }, ['busy_timeout = 5000']);
  let running: Promise<CheckpointResult> | undefined;
  const checkpoint = () => {
    running ??= connection
      .raw('PRAGMA wal_checkpoint(PASSIVE)')
      .then((rows: Array<{ busy: number; log: number; checkpointed: number }>) => ({
        busy: rows[0]?.busy === 1,
        walFrames: Number(rows[0]?.log ?? 0),
        checkpointedFrames: Number(rows[0]?.checkpointed ?? 0),
      }))
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(() => {
    checkpoint().catch((error: unknown) => o.onError?.(error));
  }, o.everyMs ?? 1_000);
  timer.unref();
  return {
    checkpoint,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
      await connection.destroy();
    },
  };
}

/**
 * Connections for large reads that may run side by side (a score run's loader): on a SQLite file, a pool of
 * query-only connections (in WAL mode readers never block the writer or each other, and they never write, so
 * the upgrade failure that keeps the main pool at one connection cannot happen); otherwise the main pool.
 */
export function createReadDb(dbConfig: Config['db'], main: Db): Db {
  if (dbConfig.client === 'pg' || dbConfig.filename === ':memory:') return main;
  return sqlite(dbConfig.filename, { min: 0, max: 3 }, ['busy_timeout = 5000', 'query_only = ON']);
}

/** A knex pool on one SQLite file whose every new connection runs `pragmas` before it is handed out. */
function sqlite(filename: string, size: { min: number; max: number }, pragmas: readonly string[]): Db {
  return knexFactory({
    client: 'sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    pool: {
      ...size,
      afterCreate(conn: SqliteConnection, done: (err: Error | null, conn: SqliteConnection) => void) {
        conn.serialize(() => {
          for (const pragma of pragmas.slice(0, -1)) conn.run(`PRAGMA ${pragma}`);
          conn.run(`PRAGMA ${pragmas.at(-1)!}`, (err: Error | null) => done(err, conn));
        });
      },
    },
  });
}

/**
 * The same values from both databases: DATE columns as 'YYYY-MM-DD' strings (node-pg would make local-midnight
 * Dates), BIGINT cents and NUMERIC rates as numbers (all well within 2^53).
 */
function usePlainPgTypes(): void {
  const types = createRequire(import.meta.url)('pg').types as {
    setTypeParser(oid: number, parse: (v: string) => unknown): void;
  };
  types.setTypeParser(1082, (v) => v);
  types.setTypeParser(20, (v) => Number(v));
  types.setTypeParser(1700, (v) => Number(v));
}

/** A write refused because a row with the same primary or unique key exists (SQLite or PostgreSQL). */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  return e?.code === '23505' || (e?.code === 'SQLITE_CONSTRAINT' && /UNIQUE constraint failed/.test(String(e.message)));
}

interface SqliteConnection {
  serialize(fn: () => void): void;
  run(sql: string, cb?: (err: Error | null) => void): void;
}

/** Migrations come from a static list (migrations/index.ts), the same under tsx, vitest and a build. */
const migrationSource: Knex.MigrationSource<readonly [string, Knex.Migration]> = {
  getMigrations: async () => [...MIGRATIONS],
  getMigrationName: ([name]) => name,
  getMigration: async ([, migration]) => migration,
};

export const migrationConfig: Knex.MigratorConfig = { migrationSource, tableName: 'knex_migrations' };

/** Brings the schema up to date; returns the names of the migrations it applied. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const [, applied] = (await db.migrate.latest(migrationConfig)) as [number, string[]];
  return applied;
}

/** Undoes every migration (tests of the migrations themselves). */
export async function rollbackAll(db: Db): Promise<void> {
  await db.migrate.rollback(migrationConfig, true);
}

/** True when every migration on disk has been applied (what /readyz reports). */
export async function migrationsAreCurrent(db: Db): Promise<boolean> {
  const [, pending] = (await db.migrate.list(migrationConfig)) as [unknown[], unknown[]];
  return pending.length === 0;
}
