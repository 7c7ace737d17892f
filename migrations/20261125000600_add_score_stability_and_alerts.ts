import type { Knex } from 'knex';

/** Smoothed scores and stable bands per run (hysteresis state), and the alerts they raise. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('customer_scores', (t) => {
    t.decimal('smoothed_score', 6, 2).nullable();
    t.string('stable_band', 8).nullable();
    t.integer('rising_runs').notNullable().defaultTo(0);
    t.integer('safer_runs').notNullable().defaultTo(0);
  });
  await knex.schema.createTable('risk_alerts', (t) => {
    t.increments('id').primary();
    t.string('realm_id', 32).notNullable().references('realm_id').inTable('companies').onDelete('CASCADE');
    t.string('customer_qbo_id', 32).notNullable();
    t.integer('run_id').notNullable().references('id').inTable('risk_score_runs').onDelete('CASCADE');
    t.string('kind', 16).notNullable(); // band_up | rising
    t.text('message').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('acknowledged_at', { useTz: true }).nullable();
    t.index(['realm_id', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('risk_alerts');
  await knex.schema.alterTable('customer_scores', (t) => {
    t.dropColumn('smoothed_score');
    t.dropColumn('stable_band');
    t.dropColumn('rising_runs');
    t.dropColumn('safer_runs');
  });
}
