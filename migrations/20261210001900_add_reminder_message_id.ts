import type { Knex } from 'knex';

/**
 * Reminders' email channel (issue 17): the Message-ID of the SMTP message a reminder went in (every row of one
 * customer's email carries the same id); null for QuickBooks' channel and for rows not sent.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('reminders', (t) => {
    t.string('message_id', 250).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('reminders', (t) => {
    t.dropColumn('message_id');
  });
}
