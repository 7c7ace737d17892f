import type { Db } from './knex.js';

/** A company's rows of an outbox table counted by status, every known status present (0 when none). */
export async function countByStatus<S extends string>(
  db: Db,
  table: string,
  realmId: string,
  statuses: readonly S[],
): Promise<Record<S, number>> {
  const rows = (await db(table)
    .where('realm_id', realmId)
    .groupBy('status')
    .select('status')
    .count({ n: '*' })) as Array<Record<string, unknown>>;
  const counts = Object.fromEntries(statuses.map((s) => [s, 0])) as Record<S, number>;
  for (const r of rows) counts[r.status as S] = Number(r.n);
  return counts;
}
