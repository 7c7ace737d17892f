import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { differences, dumpLocalCopy, syncWorld, type SyncWorld } from '../support/sync-harness.js';

/**
 * The PostgreSQL suite: the same migrations, connect flow and sync against a real PostgreSQL server.
 * .ci/run starts the server installed on the machine and sets DUESENSE_TEST_PG_URL; without it this is skipped.
 */
const ADMIN_URL = process.env.DUESENSE_TEST_PG_URL;
const SKIP_MESSAGE = 'PostgreSQL suite skipped: set DUESENSE_TEST_PG_URL (postgres://user:pass@host:port/postgres) — .ci/run does';
if (!ADMIN_URL) console.warn(SKIP_MESSAGE);

describe.skipIf(!ADMIN_URL)('PostgreSQL', () => {
  const database = `duesense_test_${randomBytes(4).toString('hex')}`;
  const admin = ADMIN_URL ? knexFactory({ client: 'pg', connection: ADMIN_URL, pool: { min: 0, max: 1 } }) : undefined;
  let w: SyncWorld;

  beforeAll(async () => {
    await admin!.raw(`CREATE DATABASE ${database}`);
    const url = new URL(ADMIN_URL!);
    url.pathname = `/${database}`;
    w = await syncWorld({ customers: 60, months: 12, appEnv: { DATABASE_CLIENT: 'pg', DATABASE_URL: url.toString() } });
  });
  afterAll(async () => {
    await w?.close();
    await admin!.raw(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin!.destroy();
  });

  it('runs the migrations, connects, and copies the company field by field', async () => {
    const run = await w.t.container.sync.sync(w.realmId);
    expect(run.status).toBe('succeeded');
    expect(await differences(w)).toEqual([]);
    const row = await w.t.container.db('qbo_invoices').where({ realm_id: w.realmId }).first();
    expect(typeof row.due_date).toBe('string');
    expect(typeof row.total_cents).toBe('number');
  });

  it('applies incremental changes and deletions, and a re-run changes nothing', async () => {
    w.emulator.clock.advance(86_400_000);
    const invoice = [...w.company.table('Invoice').values()].find((i) => !(i.LinkedTxn as unknown[] | undefined)?.length)!;
    w.company.delete('Invoice', { Id: invoice.Id, SyncToken: invoice.SyncToken });
    expect((await w.t.container.sync.sync(w.realmId)).mode).toBe('cdc');
    expect(await differences(w)).toEqual([]);
    const before = await dumpLocalCopy(w);
    await w.t.container.sync.sync(w.realmId);
    expect(await dumpLocalCopy(w)).toEqual(before);
  });
});
