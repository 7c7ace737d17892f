import type { Knex } from 'knex';

/**
 * risk_score_runs.detail_trimmed_at: when a run's per-invoice rows and per-customer metrics and reasons were
 * dropped because newer runs replaced them (the history keeps its scores and bands). Null while kept whole.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('risk_score_runs', (t) => t.timestamp('detail_trimmed_at').nullable());
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('risk_score_runs', (t) => t.dropColumn('detail_trimmed_at'));
}
