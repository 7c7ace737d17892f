import type { Knex } from 'knex';

/**
 * Write-back into QuickBooks (issue 16): `qbo_writebacks` is the outbox every write goes through (one row per
 * intended change, unique by its idempotency key, drained by the executor), and `writeback_settings` holds each
 * company's choices (off until the owner turns it on).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('qbo_writebacks', (t) => {
    t.increments('id').primary();
    t.string('realm_id', 32).notNullable().references('realm_id').inTable('companies').onDelete('CASCADE');
    t.string('kind', 32).notNullable(); // customer_label | customer_unlabel | invoice_tier
    t.string('target_type', 16).notNullable(); // Customer | Invoice
    t.string('target_qbo_id', 32).notNullable();
    // The customer a write is about (the invoice's customer for invoice_tier), for the customer page.
    t.string('customer_qbo_id', 32).notNullable();
    t.text('payload_json').notNullable();
    t.string('idempotency_key', 200).notNullable().unique();
    t.string('request_id', 36).notNullable();
    // pending | in_flight | done | failed | skipped | superseded
    t.string('status', 16).notNullable();
    t.string('origin', 16).notNullable(); // nightly | cli | panel | removal
    t.string('actor', 200).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('next_attempt_at', { useTz: true }).notNullable();
    t.string('last_error_class', 16).nullable();
    t.string('last_error_code', 32).nullable();
    t.text('last_error_message').nullable();
    t.string('intuit_tid', 64).nullable();
    t.text('result_json').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.timestamp('finished_at', { useTz: true }).nullable();
    t.index(['realm_id', 'status', 'next_attempt_at']);
    t.index(['realm_id', 'customer_qbo_id', 'id']);
    t.index(['realm_id', 'kind', 'target_qbo_id', 'status']);
  });
  await knex.schema.createTable('writeback_settings', (t) => {
    t.string('realm_id', 32).primary().references('realm_id').inTable('companies').onDelete('CASCADE');
    t.boolean('nightly_enabled').notNullable().defaultTo(false);
    // keep | replace: what to do with a Duesense block a person edited in QuickBooks.
    t.string('edited_block', 8).notNullable().defaultTo('keep');
    // {"Low": "<CustomerType Id>" | null, "Medium": ..., "High": ...}, or null when the mapping is off.
    t.text('customer_types_json').nullable();
    // The legacy sales-form custom field ("1" | "2" | "3") that carries the tier on open invoices, or null.
    t.string('invoice_field_id', 2).nullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.string('updated_by', 200).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('writeback_settings');
  await knex.schema.dropTableIfExists('qbo_writebacks');
}
