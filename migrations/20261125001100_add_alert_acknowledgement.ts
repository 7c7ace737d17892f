import type { Knex } from 'knex';

/**
 * The Alerts page: who acknowledged an alert (the when was already there), and an index that answers a page
 * of one company's alerts, newest first, filtered by status and kind, by walking (realm_id, id) backwards.
 */
const INDEX = 'risk_alerts_realm_id_idx';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('risk_alerts', (t) => {
    t.string('acknowledged_by', 200).nullable();
    t.index(['realm_id', 'id'], INDEX);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('risk_alerts', (t) => {
    t.dropIndex([], INDEX);
    t.dropColumn('acknowledged_by');
  });
}
