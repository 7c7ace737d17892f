import type { Knex } from 'knex';

/**
 * Users (identified by their Intuit OpenID subject), which companies each may open, browser sessions, and a
 * refresh lease on each connection so two processes never refresh the same rotating refresh token at once.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.string('id', 36).primary();
    t.string('intuit_sub', 128).notNullable().unique();
    t.string('email', 320).nullable();
    t.string('given_name', 128).nullable();
    t.string('family_name', 128).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('last_sign_in_at', { useTz: true }).nullable();
  });
  await knex.schema.createTable('user_companies', (t) => {
    t.string('user_id', 36).notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('realm_id', 32).notNullable().references('realm_id').inTable('companies').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.primary(['user_id', 'realm_id']);
    t.index(['realm_id']);
  });
  await knex.schema.createTable('sessions', (t) => {
    t.string('sid', 128).primary();
    t.text('data').notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable().index();
  });
  await knex.schema.alterTable('qbo_connections', (t) => {
    // Whoever holds an unexpired lease is refreshing; others wait for its result (compare-and-set on the owner).
    t.string('refresh_lease_owner', 64).nullable();
    t.timestamp('refresh_lease_until', { useTz: true }).nullable();
    // Bumped on every token write: a refresh that lost a race notices its tokens are stale.
    t.integer('token_version').notNullable().defaultTo(1);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('qbo_connections', (t) => {
    t.dropColumn('refresh_lease_owner');
    t.dropColumn('refresh_lease_until');
    t.dropColumn('token_version');
  });
  await knex.schema.dropTableIfExists('sessions');
  await knex.schema.dropTableIfExists('user_companies');
  await knex.schema.dropTableIfExists('users');
}
