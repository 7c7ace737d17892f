import type { Knex } from 'knex';

/**
 * Reminder templates a company edits (issue 17): one row per company once it saves its own texts. `templates_json`
 * holds the checked templates (validated again on every read); null means the default texts (after "Reset to the
 * defaults", which is a version too). A table of its own rather than a column of reminder_settings: a company can
 * save templates before it ever saves a policy, and that row's policy_json, saved_by and saved_at are the policy's.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('reminder_templates', (t) => {
    t.string('realm_id', 32).primary().references('realm_id').inTable('companies').onDelete('CASCADE');
    t.text('templates_json').nullable();
    t.integer('version').notNullable();
    t.string('saved_by', 200).notNullable();
    t.timestamp('saved_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('reminder_templates');
}
