import type { Knex } from 'knex';

/**
 * invoice_scores: for an invoice already past due at the run's as-of date, what is still uncertain about it,
 * from the cash forecast: the chance it is collected within 30 days and the chance it is never collected.
 * Null for invoices not yet due (their late-payment probability applies) and in runs from before these columns.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('invoice_scores', (t) => {
    t.float('chance_collected_within_30_days').nullable();
    t.float('chance_never_collected').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('invoice_scores', (t) => {
    t.dropColumn('chance_collected_within_30_days');
    t.dropColumn('chance_never_collected');
  });
}
