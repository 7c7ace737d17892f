import type { Knex } from 'knex';

/**
 * Outgoing email as an outbox (one row per message, an idempotency key so a rerun never sends twice), and the
 * per-company preferences that decide what is sent (the daily alert digest, to whom).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('outgoing_emails', (t) => {
    t.increments('id').primary();
    t.string('realm_id', 32).notNullable().references('realm_id').inTable('companies').onDelete('CASCADE');
    t.string('kind', 32).notNullable(); // alert_digest
    t.string('idempotency_key', 128).notNullable().unique();
    t.string('to_address', 320).notNullable();
    t.string('subject', 500).notNullable();
    t.text('body_text').notNullable();
    t.string('status', 16).notNullable(); // pending | sent | kept | failed
    t.string('transport', 16).nullable(); // smtp | local
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('last_error').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('sent_at', { useTz: true }).nullable();
    t.index(['realm_id', 'created_at']);
    t.index(['status']);
  });
  await knex.schema.createTable('company_preferences', (t) => {
    t.string('realm_id', 32).primary().references('realm_id').inTable('companies').onDelete('CASCADE');
    t.boolean('alert_digest_enabled').notNullable().defaultTo(false);
    // Null: the owner (the first user who connected the company).
    t.string('alert_digest_to', 320).nullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('company_preferences');
  await knex.schema.dropTableIfExists('outgoing_emails');
}
