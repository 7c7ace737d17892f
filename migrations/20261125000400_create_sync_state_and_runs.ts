import type { Knex } from 'knex';

/**
 * Where each company's sync stands (one cursor row per entity, saved in the same transaction as the page it
 * describes), the record of every sync run, webhook notifications waiting for a targeted refresh, and the
 * single-instance locks of scheduled jobs.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('qbo_sync_state', (t) => {
    t.string('realm_id', 32).notNullable().references('realm_id').inTable('companies').onDelete('CASCADE');
    t.string('entity', 32).notNullable();
    t.string('phase', 16).notNullable(); // full | incremental
    // Max MetaData.LastUpdatedTime read, as QBO sent it, and how many rows at exactly that time were read.
    t.string('watermark_raw', 40).nullable();
    t.timestamp('watermark_at', { useTz: true }).nullable();
    t.integer('watermark_skip').notNullable().defaultTo(0);
    t.string('full_sweep_id', 36).nullable();
    t.timestamp('full_started_at', { useTz: true }).nullable();
    t.timestamp('last_success_at', { useTz: true }).nullable();
    t.timestamp('last_reconcile_at', { useTz: true }).nullable();
    t.primary(['realm_id', 'entity']);
  });
  await knex.schema.createTable('qbo_sync_runs', (t) => {
    t.increments('id').primary();
    t.string('realm_id', 32).notNullable().references('realm_id').inTable('companies').onDelete('CASCADE');
    t.string('trigger', 16).notNullable(); // manual | nightly | webhook | connect
    t.string('mode', 32).notNullable(); // full | cdc | query | reconcile | targeted, or a mix
    t.string('status', 16).notNullable(); // running | succeeded | failed
    t.timestamp('started_at', { useTz: true }).notNullable();
    t.timestamp('finished_at', { useTz: true }).nullable();
    t.text('progress_json').nullable(); // {entity, rows, pages} while running
    t.text('counts_json').nullable(); // per entity: upserted, deleted
    t.integer('api_calls').notNullable().defaultTo(0);
    t.integer('throttled_ms').notNullable().defaultTo(0);
    t.string('error_class', 16).nullable();
    t.string('error_code', 32).nullable();
    t.text('error_message').nullable();
    t.string('intuit_tid', 64).nullable();
    t.index(['realm_id', 'started_at']);
  });
  await knex.schema.createTable('qbo_webhook_events', (t) => {
    t.increments('id').primary();
    t.string('realm_id', 32).notNullable();
    t.string('entity', 32).notNullable();
    t.string('qbo_id', 32).notNullable();
    t.string('operation', 16).notNullable();
    t.string('last_updated', 40).nullable();
    t.timestamp('received_at', { useTz: true }).notNullable();
    t.timestamp('processed_at', { useTz: true }).nullable();
    // Notifications for an object already waiting collapse onto the waiting row (see WebhookService.enqueue).
    t.index(['realm_id', 'entity', 'qbo_id', 'processed_at']);
  });
  await knex.schema.createTable('job_locks', (t) => {
    t.string('job', 64).notNullable();
    t.string('bucket', 128).notNullable(); // e.g. nightly:<realm>:<local date>
    t.string('owner', 64).notNullable();
    t.timestamp('started_at', { useTz: true }).notNullable();
    t.timestamp('finished_at', { useTz: true }).nullable();
    t.string('status', 16).notNullable(); // running | succeeded | failed
    t.primary(['job', 'bucket']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['job_locks', 'qbo_webhook_events', 'qbo_sync_runs', 'qbo_sync_state'])
    await knex.schema.dropTableIfExists(table);
}
