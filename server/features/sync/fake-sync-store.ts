import type { SyncEntity } from './sync-entities.js';
import type { SyncRun, SyncState, SyncStore } from './sync-store-type.js';

type Row = Record<string, unknown>;

export interface FakeSyncStore extends SyncStore {
  /** The rows of one entity's table for a company, deleted ones included, by QBO id. */
  rows(realmId: string, entity: SyncEntity): Map<string, Row>;
}

/**
 * SyncStore in memory, for unit tests: a page's rows and cursor land together; an older version of a row never
 * replaces a newer one; a sweep marks deleted what the full pass did not see; runs are listed newest first.
 */
export function createFakeSyncStore(): FakeSyncStore {
  const tables = new Map<string, Map<string, Row>>();
  const states = new Map<string, Map<string, SyncState>>();
  const runs: SyncRun[] = [];
  const table = (realmId: string, name: string) => {
    const key = `${realmId}\u0000${name}`;
    if (!tables.has(key)) tables.set(key, new Map());
    return tables.get(key)!;
  };
  const statesOf = (realmId: string) => {
    if (!states.has(realmId)) states.set(realmId, new Map());
    return states.get(realmId)!;
  };
  const run = (id: number) => {
    const found = runs.find((r) => r.id === id);
    if (!found) throw new Error(`no sync run ${id}`);
    return found;
  };
  const updatedAt = (row: Row | undefined) =>
    row?.qbo_updated_at instanceof Date ? row.qbo_updated_at.getTime() : -Infinity;

  return {
    rows: (realmId, entity) => table(realmId, entity.table),

    async states(realmId) {
      return new Map([...statesOf(realmId)].map(([k, v]) => [k, { ...v }]));
    },
    async saveState(realmId, state) {
      statesOf(realmId).set(state.entity, { ...state });
    },
    async writePage(realmId, entity, page) {
      const rows = table(realmId, entity.table);
      let upserted = 0;
      for (const m of page.upserts) {
        const id = String(m.row.qbo_id);
        const existing = rows.get(id);
        if (updatedAt(existing) > updatedAt(m.row)) {
          if (page.sweepId && existing) existing.last_seen_sweep_id = page.sweepId;
          continue;
        }
        rows.set(id, { ...m.row, last_seen_sweep_id: page.sweepId });
        if (m.children) {
          const children = table(realmId, m.children.table);
          for (const [key, child] of children) if (child[m.children.parentColumn] === id) children.delete(key);
          m.children.rows.forEach((child, i) => children.set(`${id}#${i}`, { ...child }));
        }
        upserted++;
      }
      let deleted = 0;
      for (const id of page.deletedIds ?? []) {
        const row = rows.get(id);
        if (row && row.deleted_at === null) {
          row.deleted_at = page.deletedAt;
          deleted++;
        }
      }
      if (page.state) statesOf(realmId).set(page.state.entity, { ...page.state });
      return { upserted, deleted };
    },
    async sweep(realmId, entity, sweepId, at) {
      let swept = 0;
      for (const row of table(realmId, entity.table).values()) {
        if (row.deleted_at === null && row.last_seen_sweep_id !== sweepId) {
          row.deleted_at = at;
          swept++;
        }
      }
      return swept;
    },
    async updatedAt(realmId, entity, ids) {
      const rows = table(realmId, entity.table);
      const found = new Map<string, Date>();
      for (const id of ids) {
        const row = rows.get(id);
        if (row && row.deleted_at === null && row.qbo_updated_at instanceof Date) found.set(id, row.qbo_updated_at);
      }
      return found;
    },
    async rowCounts(realmId, entities) {
      const counts: Record<string, number> = {};
      for (const e of entities)
        counts[e.name] = [...table(realmId, e.table).values()].filter((r) => r.deleted_at === null).length;
      return counts;
    },
    async startRun(realmId, trigger, mode, at) {
      const id = runs.length + 1;
      runs.push({
        id,
        realmId,
        trigger,
        mode,
        status: 'running',
        startedAt: at,
        finishedAt: null,
        progress: null,
        counts: null,
        apiCalls: 0,
        throttledMs: 0,
        errorClass: null,
        errorCode: null,
        errorMessage: null,
        intuitTid: null,
      });
      return id;
    },
    async updateRun(id, patch) {
      Object.assign(run(id), Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)));
    },
    async finishRun(id, o) {
      Object.assign(run(id), {
        status: o.status,
        finishedAt: o.at,
        errorClass: o.errorClass ?? null,
        errorCode: o.errorCode ?? null,
        errorMessage: o.errorMessage ?? null,
        intuitTid: o.intuitTid ?? null,
      });
    },
    async lastSucceededAt(realmId) {
      const times = runs
        .filter((r) => r.realmId === realmId && r.status === 'succeeded' && r.finishedAt)
        .map((r) => r.finishedAt!.getTime());
      return times.length > 0 ? new Date(Math.max(...times)) : null;
    },
    async runs(realmId, limit = 20) {
      return runs
        .filter((r) => r.realmId === realmId)
        .reverse()
        .slice(0, limit)
        .map((r) => ({ ...r }));
    },
    async failAbandonedRuns(realmId, at) {
      for (const r of runs) {
        if (r.realmId === realmId && r.status === 'running')
          Object.assign(r, { status: 'failed', finishedAt: at, errorClass: 'transient' });
      }
    },
  };
}
