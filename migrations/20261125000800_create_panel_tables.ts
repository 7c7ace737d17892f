import type { Knex } from 'knex';

/**
 * What the risk panel reads in SQL: per-run columns to filter and sort the customer list by (name, strategy,
 * cluster, overdue), each run's open invoices with their late-payment probability, the bookkeeper's controls
 * on a customer, the activity log, and a per-company nightly time.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('customer_scores', (t) => {
    t.string('display_name', 500).notNullable().defaultTo('');
    t.string('strategy', 24).notNullable().defaultTo('Standard');
    t.integer('cluster_id').nullable();
    t.bigInteger('overdue_cents').notNullable().defaultTo(0);
    t.bigInteger('credit_limit_cents').nullable();
  });
  await knex.schema.createTable('invoice_scores', (t) => {
    t.integer('run_id').notNullable().references('id').inTable('risk_score_runs').onDelete('CASCADE');
    t.string('realm_id', 32).notNullable();
    t.string('invoice_qbo_id', 32).notNullable();
    t.string('customer_qbo_id', 32).notNullable();
    t.string('doc_number', 32).nullable();
    t.date('due_date').notNullable();
    t.bigInteger('open_cents').notNullable();
    t.integer('days_past_due').notNullable();
    t.float('late_probability').nullable();
    t.string('strategy', 24).notNullable();
    t.text('top_features_json').nullable();
    t.primary(['run_id', 'invoice_qbo_id']);
    t.index(['run_id', 'customer_qbo_id']);
  });
  await knex.schema.createTable('customer_controls', (t) => {
    t.string('realm_id', 32).notNullable().references('realm_id').inTable('companies').onDelete('CASCADE');
    t.string('customer_qbo_id', 32).notNullable();
    t.boolean('reminders_paused').notNullable().defaultTo(false);
    t.boolean('excluded').notNullable().defaultTo(false);
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.string('updated_by', 200).notNullable();
    t.primary(['realm_id', 'customer_qbo_id']);
  });
  await knex.schema.createTable('activity_log', (t) => {
    t.increments('id').primary();
    t.string('realm_id', 32).notNullable().references('realm_id').inTable('companies').onDelete('CASCADE');
    t.timestamp('at', { useTz: true }).notNullable();
    t.string('actor', 200).notNullable();
    t.string('kind', 16).notNullable(); // sync | score | write | email | settings | customer | connection
    t.text('summary').notNullable();
    t.text('detail_json').nullable();
    t.index(['realm_id', 'id']);
    t.index(['realm_id', 'kind', 'id']);
  });
  await knex.schema.alterTable('company_preferences', (t) => {
    // HH:MM in the company's time zone; null means the deployment's NIGHTLY_LOCAL_TIME.
    t.string('nightly_local_time', 5).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('company_preferences', (t) => t.dropColumn('nightly_local_time'));
  for (const table of ['activity_log', 'customer_controls', 'invoice_scores'])
    await knex.schema.dropTableIfExists(table);
  await knex.schema.alterTable('customer_scores', (t) => {
    for (const c of ['display_name', 'strategy', 'cluster_id', 'overdue_cents', 'credit_limit_cents']) t.dropColumn(c);
  });
}
