import type { Knex } from 'knex';

/**
 * customer_scores.search_name: the display name folded for search (lower case, no accents; search-text.ts),
 * because SQLite's LOWER() and LIKE fold ASCII only and "élan" never found "Élan Café". The customer list's
 * covering index gains it. Each company's latest run is filled in here (the list only ever shows that run);
 * older runs keep '' and are never searched.
 */
const LIST_INDEX = 'customer_scores_list_idx';
const LIST_COLUMNS = [
  'run_id',
  'realm_id',
  'stable_band',
  'strategy',
  'profitability_tier',
  'cluster_id',
  'high_risk',
  'smoothed_score',
  'outstanding_cents',
  'overdue_cents',
  'payment_rate',
  'gross_profit_cents',
  'display_name',
  'customer_qbo_id',
  'score',
  'band',
  'credit_limit_cents',
];

/** server/features/panel/search-text.ts as of this migration (a migration must not change with the app). */
const foldForSearch = (text: string) =>
  text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('customer_scores', (t) => t.string('search_name', 500).notNullable().defaultTo(''));
  const latest = await knex('risk_score_runs').groupBy('realm_id').select('realm_id', knex.raw('MAX(id) AS id'));
  for (const run of latest as Array<{ realm_id: string; id: number }>) {
    const rows = await knex('customer_scores')
      .where({ run_id: run.id, realm_id: run.realm_id })
      .select('customer_qbo_id', 'display_name');
    for (const r of rows as Array<{ customer_qbo_id: string; display_name: string }>) {
      await knex('customer_scores')
        .where({ run_id: run.id, customer_qbo_id: r.customer_qbo_id })
        .update({ search_name: foldForSearch(r.display_name) });
    }
  }
  await knex.schema.alterTable('customer_scores', (t) => t.dropIndex([], LIST_INDEX));
  await knex.schema.alterTable('customer_scores', (t) => t.index([...LIST_COLUMNS, 'search_name'], LIST_INDEX));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('customer_scores', (t) => t.dropIndex([], LIST_INDEX));
  await knex.schema.alterTable('customer_scores', (t) => t.index(LIST_COLUMNS, LIST_INDEX));
  await knex.schema.alterTable('customer_scores', (t) => t.dropColumn('search_name'));
}
