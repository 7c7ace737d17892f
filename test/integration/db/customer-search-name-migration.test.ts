import { afterAll, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import { MIGRATIONS } from '../../../migrations/index.js';
import { createDb, migrateToLatest } from '../../../server/db/knex.js';

const AT = new Date('2026-11-01T00:00:00Z');
const before1200 = MIGRATIONS.filter(([name]) => name < '20261125001200');
const upTo1100: Knex.MigratorConfig = {
  tableName: 'knex_migrations',
  migrationSource: {
    getMigrations: async () => [...before1200],
    getMigrationName: ([name]) => name,
    getMigration: async ([, m]) => m,
  },
};

describe('migration 1200 (customer_scores.search_name)', () => {
  const db = createDb({ client: 'sqlite', filename: ':memory:' });
  afterAll(() => db.destroy());

  it("fills each company's latest run with folded names and leaves older runs empty", async () => {
    await db.migrate.latest(upTo1100);
    await db('companies').insert({
      realm_id: 'r1',
      company_name: 'r1',
      environment: 'emulator',
      status: 'connected',
      created_at: AT,
      updated_at: AT,
    });
    const run = async () =>
      Number(
        (
          await db('risk_score_runs')
            .insert({
              realm_id: 'r1',
              as_of: '2026-10-31',
              policy_version: 1,
              trigger: 'manual',
              created_at: AT,
              company_json: '{}',
            })
            .returning('id')
        )[0].id,
      );
    const row = (runId: number, id: string, name: string) => ({
      run_id: runId,
      realm_id: 'r1',
      customer_qbo_id: id,
      display_name: name,
      high_risk: false,
      outstanding_cents: 0,
      gross_profit_cents: 0,
      profitability_tier: 'Low',
      metrics_json: '{}',
      reasons_json: '[]',
    });
    const old = await run();
    await db('customer_scores').insert(row(old, '1', 'Élan Café'));
    const latest = await run();
    await db('customer_scores').insert([row(latest, '1', 'Élan Café'), row(latest, '2', 'ACME Ltd')]);

    // 1200 runs first; later migrations follow it.
    expect((await migrateToLatest(db))[0]).toBe('20261125001200_add_customer_search_name.ts');
    const names = await db('customer_scores').orderBy(['run_id', 'customer_qbo_id']).select('run_id', 'search_name');
    expect(names).toEqual([
      { run_id: old, search_name: '' },
      { run_id: latest, search_name: 'elan cafe' },
      { run_id: latest, search_name: 'acme ltd' },
    ]);
  });
});
