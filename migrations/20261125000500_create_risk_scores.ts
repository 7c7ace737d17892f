import type { Knex } from 'knex';

/**
 * Score runs and each customer's score per run (the score history), credit scores entered by users, and the
 * per-company risk policy (versioned: a run records the version it used).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('risk_score_runs', (t) => {
    t.increments('id').primary();
    t.string('realm_id', 32).notNullable().references('realm_id').inTable('companies').onDelete('CASCADE');
    t.date('as_of').notNullable();
    t.integer('policy_version').notNullable();
    t.string('trigger', 16).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.text('company_json').notNullable(); // totals, trend, DSO, forecast, clusters, model card
    t.index(['realm_id', 'created_at']);
  });
  await knex.schema.createTable('customer_scores', (t) => {
    t.integer('run_id').notNullable().references('id').inTable('risk_score_runs').onDelete('CASCADE');
    t.string('realm_id', 32).notNullable();
    t.string('customer_qbo_id', 32).notNullable();
    t.decimal('score', 6, 2).nullable();
    t.string('band', 8).nullable();
    t.boolean('high_risk').notNullable();
    t.decimal('payment_rate', 6, 2).nullable();
    t.bigInteger('outstanding_cents').notNullable();
    t.bigInteger('gross_profit_cents').notNullable();
    t.string('profitability_tier', 8).notNullable();
    t.text('metrics_json').notNullable();
    t.text('reasons_json').notNullable();
    t.primary(['run_id', 'customer_qbo_id']);
    t.index(['realm_id', 'customer_qbo_id']);
  });
  await knex.schema.createTable('customer_credit_scores', (t) => {
    t.string('realm_id', 32).notNullable().references('realm_id').inTable('companies').onDelete('CASCADE');
    t.string('customer_qbo_id', 32).notNullable();
    t.integer('score').notNullable();
    t.string('source', 16).notNullable(); // manual | import
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.primary(['realm_id', 'customer_qbo_id']);
  });
  await knex.schema.createTable('risk_policies', (t) => {
    t.string('realm_id', 32).notNullable().references('realm_id').inTable('companies').onDelete('CASCADE');
    t.integer('version').notNullable();
    t.text('policy_json').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.primary(['realm_id', 'version']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['risk_policies', 'customer_credit_scores', 'customer_scores', 'risk_score_runs'])
    await knex.schema.dropTableIfExists(table);
}
