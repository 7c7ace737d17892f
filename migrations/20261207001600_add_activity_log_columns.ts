import type { Knex } from 'knex';

/** Rows read and updated per step of the backfill. */
const BATCH = 500;
/** The columns' width: a longer value was never a QuickBooks id nor a section name, and stays in the detail only. */
const fits = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 32;

/**
 * activity_log: the customer an entry is about and the part of Settings it changed, as columns (the panel filters
 * on them), instead of a search inside detail_json. Existing rows are backfilled from the detail's `customerId`
 * and `section`, read and updated in JS so SQLite and PostgreSQL run the same code.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('activity_log', (t) => {
    t.string('customer_qbo_id', 32).nullable();
    t.string('section', 32).nullable();
    t.index(['realm_id', 'customer_qbo_id', 'id']);
    t.index(['realm_id', 'kind', 'section', 'id']);
  });
  for (let after = 0; ;) {
    const rows = (await knex('activity_log')
      .whereNotNull('detail_json')
      .andWhere('id', '>', after)
      .orderBy('id')
      .limit(BATCH)
      .select('id', 'kind', 'detail_json')) as Array<{ id: number; kind: string; detail_json: string }>;
    if (rows.length === 0) break;
    for (const row of rows) {
      const change = columnsFromDetail(row.kind, row.detail_json);
      if (change) await knex('activity_log').where({ id: row.id }).update(change);
    }
    after = Number(rows[rows.length - 1]!.id);
  }
}

/** The columns an entry's detail implies (as written until now: `{ customerId }`, and `{ section }` on settings). */
function columnsFromDetail(kind: string, json: string): { customer_qbo_id?: string; section?: string } | undefined {
  let detail: unknown;
  try {
    detail = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof detail !== 'object' || detail === null) return undefined;
  const { customerId, section } = detail as Record<string, unknown>;
  const change = {
    ...(fits(customerId) ? { customer_qbo_id: customerId } : {}),
    ...(kind === 'settings' && fits(section) ? { section } : {}),
  };
  return Object.keys(change).length > 0 ? change : undefined;
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('activity_log', (t) => {
    t.dropIndex(['realm_id', 'customer_qbo_id', 'id']);
    t.dropIndex(['realm_id', 'kind', 'section', 'id']);
  });
  await knex.schema.alterTable('activity_log', (t) => {
    t.dropColumn('customer_qbo_id');
    t.dropColumn('section');
  });
}
