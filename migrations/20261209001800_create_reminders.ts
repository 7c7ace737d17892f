import type { Knex } from 'knex';

/**
 * Reminders (issue 17): `reminders` is the reminder outbox (one row per invoice and stage, unique by its idempotency
 * key; a person's "send now" gets a key of its own), `reminder_settings` holds each company's policy (validated on
 * every read and save; approval mode until the owner switches), and `invoice_controls` what a person decided about
 * one invoice (snoozed until a date, a dispute recorded).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('reminders', (t) => {
    t.increments('id').primary();
    t.string('realm_id', 32).notNullable().references('realm_id').inTable('companies').onDelete('CASCADE');
    t.string('invoice_qbo_id', 32).notNullable();
    t.string('doc_number', 32).nullable();
    t.string('customer_qbo_id', 32).notNullable();
    // Days from the due date; null for a reminder a person sent with "Send a reminder now".
    t.integer('stage_days').nullable();
    t.string('idempotency_key', 200).notNullable().unique();
    t.string('channel', 16).notNullable(); // quickbooks | email
    t.string('tone', 16).notNullable(); // friendly | firm | final
    // awaiting_approval | approved | sending | sent | failed | skipped | needs_review
    t.string('status', 20).notNullable();
    // Why it is held or skipped, as data ({"code": ...}); null otherwise.
    t.text('reason_json').nullable();
    t.text('to_address').notNullable();
    t.text('subject').nullable();
    t.text('text').nullable();
    t.string('origin', 16).notNullable(); // nightly | cli | panel | send-now
    t.string('actor', 200).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.string('last_error_class', 16).nullable();
    t.string('last_error_code', 32).nullable();
    t.text('last_error_message').nullable();
    t.string('intuit_tid', 64).nullable();
    t.string('decided_by', 200).nullable();
    t.timestamp('decided_at', { useTz: true }).nullable();
    // When the send that is (or was) under way started: a QuickBooks delivery after it means it went.
    t.timestamp('sending_at', { useTz: true }).nullable();
    t.timestamp('sent_at', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['realm_id', 'status']);
    t.index(['realm_id', 'invoice_qbo_id']);
    t.index(['realm_id', 'customer_qbo_id', 'id']);
  });
  await knex.schema.createTable('reminder_settings', (t) => {
    t.string('realm_id', 32).primary().references('realm_id').inTable('companies').onDelete('CASCADE');
    t.text('policy_json').notNullable();
    t.integer('version').notNullable();
    t.string('saved_by', 200).notNullable();
    t.timestamp('saved_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('invoice_controls', (t) => {
    t.string('realm_id', 32).notNullable().references('realm_id').inTable('companies').onDelete('CASCADE');
    t.string('invoice_qbo_id', 32).notNullable();
    t.string('snoozed_until', 10).nullable(); // YYYY-MM-DD in the company's zone
    t.boolean('disputed').notNullable().defaultTo(false);
    t.text('dispute_note').nullable();
    t.string('updated_by', 200).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.primary(['realm_id', 'invoice_qbo_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('invoice_controls');
  await knex.schema.dropTableIfExists('reminder_settings');
  await knex.schema.dropTableIfExists('reminders');
}
