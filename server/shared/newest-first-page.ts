/**
 * One page of a list as the in-memory fake stores serve it, the way their SQL stores do: the rows `keep` holds,
 * newest (highest id) first, those before `beforeId` only, at most `limit` (50 unless given).
 */
export function newestFirstPage<T extends { id: number }>(
  rows: readonly T[],
  keep: (row: T) => boolean,
  q: { beforeId?: number | undefined; limit?: number | undefined },
): T[] {
  return rows
    .filter((r) => keep(r) && (q.beforeId === undefined || r.id < q.beforeId))
    .sort((a, b) => b.id - a.id)
    .slice(0, q.limit ?? 50);
}
