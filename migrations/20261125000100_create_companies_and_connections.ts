import type { Knex } from 'knex';

/**
 * A company (QBO realm) the app serves, and its OAuth connection. Tokens are stored only encrypted
 * (AES-256-GCM, see token-cipher.ts); the key id travels inside each ciphertext so keys can rotate.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('companies', (t) => {
    t.string('realm_id', 32).primary();
    t.string('company_name', 255).notNullable();
    t.string('environment', 16).notNullable();
    t.string('status', 16).notNullable(); // connected | needs_reauth | disconnected
    t.string('time_zone', 64).nullable();
    t.string('home_currency', 3).nullable();
    t.timestamp('connected_at', { useTz: true }).nullable();
    t.timestamp('disconnected_at', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('qbo_connections', (t) => {
    t.string('realm_id', 32).primary().references('realm_id').inTable('companies').onDelete('CASCADE');
    t.text('access_token_enc').notNullable();
    t.timestamp('access_expires_at', { useTz: true }).notNullable();
    t.text('refresh_token_enc').notNullable();
    t.timestamp('refresh_expires_at', { useTz: true }).notNullable();
    t.timestamp('refresh_hard_expires_at', { useTz: true }).nullable();
    t.string('scopes', 512).notNullable();
    t.timestamp('last_refresh_at', { useTz: true }).nullable();
    t.string('last_intuit_tid', 64).nullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('oauth_states', (t) => {
    // sha256 of the state value: a stolen database does not hand out usable states.
    t.string('state_hash', 64).primary();
    t.string('purpose', 16).notNullable(); // connect | sign_in
    t.string('session_id', 64).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true }).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('oauth_states');
  await knex.schema.dropTableIfExists('qbo_connections');
  await knex.schema.dropTableIfExists('companies');
}
