import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import { afterAll, beforeAll } from 'vitest';
import { syncWorld, type SyncWorld } from './sync-harness.js';

/**
 * Suites run on PostgreSQL too when DUESENSE_TEST_PG_URL is set (.ci/run sets it): a throwaway database per
 * suite on that server, dropped afterwards.
 */
export const PG_ADMIN_URL = process.env.DUESENSE_TEST_PG_URL;

export async function createPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = knexFactory({ client: 'pg', connection: PG_ADMIN_URL!, pool: { min: 0, max: 1 } });
  const name = `duesense_test_${randomBytes(4).toString('hex')}`;
  await admin.raw(`CREATE DATABASE ${name}`);
  const url = new URL(PG_ADMIN_URL!);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.destroy();
    },
  };
}

export const PG_SKIP_MESSAGE =
  'skipped: set DUESENSE_TEST_PG_URL (postgres://user:pass@host:port/postgres) — .ci/run does';

/**
 * For a describe block: a generated company synced into a throwaway PostgreSQL database (created before the
 * block, dropped after it). Returns a getter, since the world exists only once the hooks have run.
 */
export function usePostgresSyncWorld(o: {
  customers: number;
  months: number;
  /** More of the app's environment, read when the block starts (a server started by an earlier hook). */
  appEnv?: () => Record<string, string>;
}): () => SyncWorld {
  let pg: Awaited<ReturnType<typeof createPgDatabase>> | undefined;
  let w: SyncWorld | undefined;
  beforeAll(async () => {
    pg = await createPgDatabase();
    w = await syncWorld({
      customers: o.customers,
      months: o.months,
      appEnv: { ...o.appEnv?.(), DATABASE_CLIENT: 'pg', DATABASE_URL: pg.url },
    });
  });
  afterAll(async () => {
    await w?.close();
    await pg?.drop();
  });
  return () => w!;
}
