import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../../server/clock.js';
import { createDb, migrateToLatest, migrationConfig, type Db } from '../../../server/db/knex.js';
import { createActivityLog } from '../../../server/features/activity/activity-log.js';
import type { ActivityLog } from '../../../server/features/activity/activity-log-type.js';
import { createPgDatabase, PG_ADMIN_URL } from '../../support/pg-database.js';

const REALM = 'realm-a';
const OTHER = 'realm-b';

function suite(dialect: string, open: () => Promise<{ db: Db; drop(): Promise<void> }>) {
  describe(`the activity log on ${dialect}`, () => {
    const clock = manualClock('2026-12-07T09:00:00Z');
    let db: Db;
    let drop: () => Promise<void>;
    let log: ActivityLog;

    beforeAll(async () => {
      ({ db, drop } = await open());
      await migrateToLatest(db);
      for (const realm of [REALM, OTHER]) {
        await db('companies').insert({
          realm_id: realm,
          company_name: realm,
          environment: 'sandbox',
          status: 'connected',
          created_at: clock.now(),
          updated_at: clock.now(),
        });
      }
      log = createActivityLog(db, clock);
    });
    afterAll(async () => {
      await db?.destroy();
      await drop?.();
    });

    it('finds the entries about one customer by its id, never a customer whose id merely contains it', async () => {
      await log.record(REALM, { actor: 'Nightly schedule', kind: 'write', summary: 'note for 1', customerId: '1' });
      await log.record(REALM, { actor: 'Nightly schedule', kind: 'write', summary: 'note for 10', customerId: '10' });
      await log.record(REALM, { actor: 'Nightly schedule', kind: 'write', summary: 'note for 1_', customerId: '1_' });
      await log.record(REALM, {
        actor: 'Dana Demo',
        kind: 'customer',
        summary: 'paused 1',
        customerId: '1',
        detail: { action: 'pause_reminders' },
      });
      const about = async (customerId: string, kind: 'write' | 'customer', realm = REALM) =>
        (await log.list(realm, { kind, customerId })).map((e) => e.summary);
      expect(await about('1', 'write')).toEqual(['note for 1']);
      expect(await about('1_', 'write')).toEqual(['note for 1_']);
      expect(await about('1', 'customer')).toEqual(['paused 1']);
      expect(await about('1', 'write', OTHER)).toEqual([]);
      expect((await log.list(REALM, { customerId: '1' })).map((e) => e.summary)).toEqual(['paused 1', 'note for 1']);
      const [paused] = await log.list(REALM, { kind: 'customer', customerId: '1' });
      expect(paused).toMatchObject({
        actor: 'Dana Demo',
        customerId: '1',
        section: null,
        detail: { action: 'pause_reminders' },
        at: clock.now(),
      });
    });

    it("gives each section of Settings its last change, and another company's never", async () => {
      await log.record(REALM, {
        actor: 'Dana Demo',
        kind: 'settings',
        summary: 'policy v2',
        section: 'policy',
        detail: { version: 2 },
      });
      clock.advance(60_000);
      await log.record(REALM, { actor: 'Bo Keeper', kind: 'settings', summary: 'schedule 05:00', section: 'schedule' });
      await log.record(REALM, { actor: 'Bo Keeper', kind: 'settings', summary: 'policy v3', section: 'policy' });
      await log.record(OTHER, { actor: 'Eve', kind: 'settings', summary: 'digest on', section: 'digest' });
      expect((await log.lastChange(REALM, 'policy'))?.summary).toBe('policy v3');
      expect(await log.lastChange(REALM, 'schedule')).toMatchObject({
        actor: 'Bo Keeper',
        summary: 'schedule 05:00',
        section: 'schedule',
        at: clock.now(),
      });
      expect(await log.lastChange(REALM, 'digest')).toBeUndefined();
      expect((await log.list(REALM, { kind: 'settings', section: 'policy' })).map((e) => e.summary)).toEqual([
        'policy v3',
        'policy v2',
      ]);
    });

    it('pages back by id, newest first', async () => {
      const all = await log.list(REALM, { limit: 100 });
      const page = await log.list(REALM, { beforeId: all[1]!.id, limit: 2 });
      expect(page.map((e) => e.id)).toEqual([all[2]!.id, all[3]!.id]);
    });

    it('backfills the customer and the section of entries written before they were columns', async () => {
      // The migration that added the columns, by name: later migrations (write-back's) stay as they are.
      const columns = { ...migrationConfig, name: '20261207001600_add_activity_log_columns.ts' };
      await db.migrate.down(columns);
      const old = (realm: string, kind: string, detail: unknown) => ({
        realm_id: realm,
        at: clock.now(),
        actor: 'Before',
        kind,
        summary: `old ${kind}`,
        detail_json: detail === undefined ? null : JSON.stringify(detail),
      });
      await db('activity_log').insert([
        old(REALM, 'customer', { customerId: '7', action: 'exclude' }),
        old(REALM, 'settings', { section: 'credit-scores', count: 3 }),
        old(REALM, 'sync', { runId: 4, status: 'succeeded' }),
        old(REALM, 'connection', undefined),
        old(REALM, 'customer', { customerIds: ['7', '8'], action: 'acknowledge_alerts' }),
        old(REALM, 'write', { customerId: 'x'.repeat(40) }),
      ]);
      await db('activity_log').insert({ ...old(REALM, 'write', undefined), detail_json: 'not json' });
      await db.migrate.up(columns);
      const rows = await db('activity_log')
        .where({ actor: 'Before' })
        .orderBy('id')
        .select('kind', 'customer_qbo_id', 'section');
      expect(rows).toEqual([
        { kind: 'customer', customer_qbo_id: '7', section: null },
        { kind: 'settings', customer_qbo_id: null, section: 'credit-scores' },
        { kind: 'sync', customer_qbo_id: null, section: null },
        { kind: 'connection', customer_qbo_id: null, section: null },
        { kind: 'customer', customer_qbo_id: null, section: null },
        { kind: 'write', customer_qbo_id: null, section: null },
        { kind: 'write', customer_qbo_id: null, section: null },
      ]);
      expect((await log.list(REALM, { kind: 'customer', customerId: '7' })).map((e) => e.summary)).toEqual([
        'old customer',
      ]);
      expect((await log.lastChange(REALM, 'credit-scores'))?.detail).toEqual({ section: 'credit-scores', count: 3 });
    });
  });
}

suite('SQLite', async () => ({ db: createDb({ client: 'sqlite', filename: ':memory:' }), drop: async () => {} }));
if (PG_ADMIN_URL) {
  suite('PostgreSQL', async () => {
    const pg = await createPgDatabase();
    return { db: createDb({ client: 'pg', connectionString: pg.url }), drop: pg.drop };
  });
}
