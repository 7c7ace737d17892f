import { afterAll, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import { MIGRATIONS } from '../../../migrations/index.js';
import { createDb, migrateToLatest } from '../../../server/db/knex.js';

const before1400 = MIGRATIONS.filter(([name]) => name < '20261206001400');
const upTo1300: Knex.MigratorConfig = {
  tableName: 'knex_migrations',
  migrationSource: {
    getMigrations: async () => [...before1400],
    getMigrationName: ([name]) => name,
    getMigration: async ([, m]) => m,
  },
};

// Hand-made rows of a database from before 1400: the smoothing figures follow stabilise (alpha 0.3, bands 35/60).
describe('migration 1400 (risk_score_runs.what_if) on a database that holds a saved what-if run', () => {
  const db = createDb({ client: 'sqlite', filename: ':memory:' });
  afterAll(() => db.destroy());

  it('marks it, replays the smoothing of the live run after it, closes its alert, fills the search names', async () => {
    await db.migrate.latest(upTo1300);
    const at = (iso: string) => new Date(iso);
    await db('companies').insert({
      realm_id: 'r1',
      company_name: 'r1',
      environment: 'emulator',
      status: 'connected',
      time_zone: 'America/New_York',
      created_at: at('2026-10-01T00:00:00Z'),
      updated_at: at('2026-10-01T00:00:00Z'),
    });
    const run = async (asOf: string, createdAt: string) =>
      Number(
        (
          await db('risk_score_runs')
            .insert({
              realm_id: 'r1',
              as_of: asOf,
              policy_version: 1,
              trigger: 'manual',
              created_at: at(createdAt),
              company_json: '{}',
            })
            .returning('id')
        )[0].id,
      );
    const row = (runId: number, score: number, smoothed: number, band: string, rising: number, searchName: string) => ({
      run_id: runId,
      realm_id: 'r1',
      customer_qbo_id: '7',
      display_name: 'Élan Café',
      score,
      band,
      high_risk: false,
      outstanding_cents: 0,
      gross_profit_cents: 0,
      profitability_tier: 'Low',
      metrics_json: '{}',
      reasons_json: '[]',
      smoothed_score: smoothed,
      stable_band: band,
      rising_runs: rising,
      safer_runs: 0,
      search_name: searchName,
    });
    const live1 = await run('2026-10-30', '2026-10-30T15:00:00Z');
    await db('customer_scores').insert(row(live1, 20, 20, 'low', 0, ''));
    // `score --as-of 2030-01-01` on 10-31 (New York): smoothed 0.3·90 + 0.7·20 = 41, a band_up alert.
    const whatIf = await run('2030-01-01', '2026-10-31T15:00:00Z');
    await db('customer_scores').insert(row(whatIf, 90, 41, 'medium', 1, ''));
    await db('risk_alerts').insert({
      realm_id: 'r1',
      customer_qbo_id: '7',
      run_id: whatIf,
      kind: 'band_up',
      message: 'Élan Café moved from low to medium risk',
      created_at: at('2026-10-31T15:00:00Z'),
    });
    // The next live run smoothed from the what-if (0.3·22 + 0.7·41 = 35.3) where it should have from 20 (20.6).
    const live2 = await run('2026-11-01', '2026-11-02T03:30:00Z'); // 23:30 on 11-01 in New York
    await db('customer_scores').insert(row(live2, 22, 35.3, 'medium', 0, ''));

    expect(await migrateToLatest(db)).toContain('20261206001400_mark_what_if_runs.ts');
    expect(await db('risk_score_runs').orderBy('id').pluck('what_if')).toEqual([0, 1, 0]);
    expect(
      await db('customer_scores')
        .where({ run_id: live2 })
        .first('smoothed_score', 'stable_band', 'rising_runs', 'search_name'),
    ).toEqual({ smoothed_score: 20.6, stable_band: 'low', rising_runs: 1, search_name: 'elan cafe' });
    const alert = await db('risk_alerts').where({ run_id: whatIf }).first('acknowledged_at', 'acknowledged_by');
    expect(alert.acknowledged_at).not.toBeNull();
    expect(alert.acknowledged_by).toBe(
      `Duesense repair: raised by what-if run ${whatIf} (as of 2030-01-01), not by a live score`,
    );
    expect(await db('risk_alerts').where({ run_id: live2 }).count({ n: '*' }).first()).toEqual({ n: 0 });
  });
});
