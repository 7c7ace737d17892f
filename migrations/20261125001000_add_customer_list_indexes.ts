import type { Knex } from 'knex';

/**
 * The customer list reads one run's rows filtered, counted, sorted and paged in SQL. This index holds every
 * column the list filters, sorts and shows, after (run_id, realm_id): a page, its count and the CSV are
 * answered from the index alone and never touch the wide rows (metrics and reasons JSON), which matters on a
 * 5,000-customer company under concurrent load.
 */
const LIST_INDEX = 'customer_scores_list_idx';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('customer_scores', (t) => {
    t.index(
      [
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
      ],
      LIST_INDEX,
    );
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('customer_scores', (t) => t.dropIndex([], LIST_INDEX));
}
