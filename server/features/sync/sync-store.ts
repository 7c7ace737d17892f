import type { Knex } from 'knex';
import type { Db } from '../../db/knex.js';
import { toDate } from '../../db/row-values.js';
import type { MappedEntity } from './qbo-mappers.js';
import type { SyncEntity } from './sync-entities.js';
import type { SyncRun, SyncState, SyncStore } from './sync-store-type.js';

const STATE = 'qbo_sync_state';
const RUNS = 'qbo_sync_runs';
const CHUNK = 400;

function rowToState(r: Record<string, unknown>): SyncState {
  return {
    entity: String(r.entity),
    phase: r.phase as SyncState['phase'],
    watermarkRaw: (r.watermark_raw as string | null) ?? null,
    watermarkAt: toDate(r.watermark_at),
    watermarkSkip: Number(r.watermark_skip ?? 0),
    fullSweepId: (r.full_sweep_id as string | null) ?? null,
    fullStartedAt: toDate(r.full_started_at),
    lastSuccessAt: toDate(r.last_success_at),
    lastReconcileAt: toDate(r.last_reconcile_at),
  };
}

function stateRow(realmId: string, s: SyncState): Record<string, unknown> {
  return {
    realm_id: realmId,
    entity: s.entity,
    phase: s.phase,
    watermark_raw: s.watermarkRaw,
    watermark_at: s.watermarkAt,
    watermark_skip: s.watermarkSkip,
    full_sweep_id: s.fullSweepId,
    full_started_at: s.fullStartedAt,
    last_success_at: s.lastSuccessAt,
    last_reconcile_at: s.lastReconcileAt,
  };
}

function rowToRun(r: Record<string, unknown>): SyncRun {
  const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : null);
  return {
    id: Number(r.id),
    realmId: String(r.realm_id),
    trigger: String(r.trigger),
    mode: String(r.mode),
    status: r.status as SyncRun['status'],
    startedAt: toDate(r.started_at)!,
    finishedAt: toDate(r.finished_at),
    progress: json(r.progress_json),
    counts: json(r.counts_json),
    apiCalls: Number(r.api_calls),
    throttledMs: Number(r.throttled_ms),
    errorClass: (r.error_class as string | null) ?? null,
    errorCode: (r.error_code as string | null) ?? null,
    errorMessage: (r.error_message as string | null) ?? null,
    intuitTid: (r.intuit_tid as string | null) ?? null,
  };
}

/** The local copy's writes: each page of rows and the cursor that follows it commit together, or not at all. */
/**
 * `readDb` answers what pages read on every view (the last successful sync, row counts) so they never queue behind
 * the single writer; the sync's own reads and writes use `db`.
 */
export function createSyncStore(db: Db, readDb: Db = db): SyncStore {
  async function upsertRows(
    trx: Knex.Transaction,
    realmId: string,
    entity: SyncEntity,
    mapped: MappedEntity[],
    sweepId: string | null,
  ): Promise<number> {
    if (mapped.length === 0) return 0;
    const ids = mapped.map((m) => String(m.row.qbo_id));
    const existing = new Map<string, number>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await trx(entity.table)
        .where('realm_id', realmId)
        .whereIn('qbo_id', ids.slice(i, i + CHUNK))
        .select('qbo_id', 'qbo_updated_at');
      for (const r of rows) existing.set(String(r.qbo_id), toDate(r.qbo_updated_at)!.getTime());
    }
    // An older version never overwrites a newer one (a late webhook, an overlapping window, a retried page).
    const fresh = mapped.filter(
      (m) => (existing.get(String(m.row.qbo_id)) ?? -Infinity) <= (m.row.qbo_updated_at as Date).getTime(),
    );
    const rows = fresh.map((m) => ({ ...m.row, last_seen_sweep_id: sweepId }));
    for (let i = 0; i < rows.length; i += CHUNK) {
      await trx(entity.table)
        .insert(rows.slice(i, i + CHUNK))
        .onConflict(['realm_id', 'qbo_id'])
        .merge();
    }
    if (sweepId) {
      const freshIds = new Set(fresh.map((m) => String(m.row.qbo_id)));
      const stale = ids.filter((id) => !freshIds.has(id));
      for (let i = 0; i < stale.length; i += CHUNK) {
        await trx(entity.table)
          .where('realm_id', realmId)
          .whereIn('qbo_id', stale.slice(i, i + CHUNK))
          .update({ last_seen_sweep_id: sweepId });
      }
    }
    const withChildren = fresh.filter((m) => m.children);
    if (withChildren.length > 0) {
      const { table, parentColumn } = withChildren[0]!.children!;
      const parentIds = withChildren.map((m) => String(m.row.qbo_id));
      for (let i = 0; i < parentIds.length; i += CHUNK)
        await trx(table)
          .where('realm_id', realmId)
          .whereIn(parentColumn, parentIds.slice(i, i + CHUNK))
          .delete();
      const children = withChildren.flatMap((m) => m.children!.rows);
      for (let i = 0; i < children.length; i += CHUNK) await trx(table).insert(children.slice(i, i + CHUNK));
    }
    return fresh.length;
  }

  return {
    async states(realmId) {
      return new Map(
        (await db(STATE).where({ realm_id: realmId })).map((r: Record<string, unknown>) => [
          String(r.entity),
          rowToState(r),
        ]),
      );
    },

    async saveState(realmId, state) {
      await db(STATE).insert(stateRow(realmId, state)).onConflict(['realm_id', 'entity']).merge();
    },

    /** One page: rows upserted (guarded by LastUpdatedTime), deletions marked, and the cursor, in one transaction. */
    async writePage(realmId, entity, page) {
      return db.transaction(async (trx) => {
        const upserted = await upsertRows(trx, realmId, entity, page.upserts, page.sweepId);
        let deleted = 0;
        for (let i = 0; i < (page.deletedIds?.length ?? 0); i += CHUNK) {
          deleted += await trx(entity.table)
            .where('realm_id', realmId)
            .whereIn('qbo_id', page.deletedIds!.slice(i, i + CHUNK))
            .whereNull('deleted_at')
            .update({ deleted_at: page.deletedAt });
        }
        // Targeted refreshes (webhooks) write rows without moving the cursor.
        if (page.state)
          await trx(STATE).insert(stateRow(realmId, page.state)).onConflict(['realm_id', 'entity']).merge();
        return { upserted, deleted };
      });
    },

    /** End of a full pass: whatever the pass did not see no longer exists in QuickBooks. */
    async sweep(realmId, entity, sweepId, at) {
      return db(entity.table)
        .where('realm_id', realmId)
        .whereNull('deleted_at')
        .andWhere((q) => q.whereNull('last_seen_sweep_id').orWhereNot('last_seen_sweep_id', sweepId))
        .update({ deleted_at: at });
    },

    async updatedAt(realmId, entity, ids) {
      const found = new Map<string, Date>();
      for (let i = 0; i < ids.length; i += CHUNK) {
        const rows = (await db(entity.table)
          .where('realm_id', realmId)
          .whereIn('qbo_id', ids.slice(i, i + CHUNK))
          .whereNull('deleted_at')
          .select('qbo_id', 'qbo_updated_at')) as Array<Record<string, unknown>>;
        for (const r of rows) {
          const at = toDate(r.qbo_updated_at);
          if (at) found.set(String(r.qbo_id), at);
        }
      }
      return found;
    },

    async rowCounts(realmId, entities) {
      const counts: Record<string, number> = {};
      for (const e of entities) {
        const [r] = await readDb(e.table).where({ realm_id: realmId }).whereNull('deleted_at').count({ n: '*' });
        counts[e.name] = Number((r as { n: number | string }).n);
      }
      return counts;
    },

    async startRun(realmId, trigger, mode, at) {
      const [row] = await db(RUNS)
        .insert({ realm_id: realmId, trigger, mode, status: 'running', started_at: at })
        .returning('id');
      return Number(typeof row === 'object' ? (row as { id: number }).id : row);
    },

    async updateRun(id, patch) {
      await db(RUNS)
        .where({ id })
        .update({
          ...(patch.mode ? { mode: patch.mode } : {}),
          ...(patch.progress ? { progress_json: JSON.stringify(patch.progress) } : {}),
          ...(patch.counts ? { counts_json: JSON.stringify(patch.counts) } : {}),
          ...(patch.apiCalls !== undefined ? { api_calls: patch.apiCalls } : {}),
          ...(patch.throttledMs !== undefined ? { throttled_ms: patch.throttledMs } : {}),
        });
    },

    async finishRun(id, outcome) {
      await db(RUNS)
        .where({ id })
        .update({
          status: outcome.status,
          finished_at: outcome.at,
          error_class: outcome.errorClass ?? null,
          error_code: outcome.errorCode ?? null,
          error_message: outcome.errorMessage?.slice(0, 2000) ?? null,
          intuit_tid: outcome.intuitTid ?? null,
        });
    },

    async runs(realmId, limit = 20) {
      return (await db(RUNS).where({ realm_id: realmId }).orderBy('id', 'desc').limit(limit)).map(rowToRun);
    },

    async lastSucceededAt(realmId) {
      const row = (await readDb(RUNS)
        .where({ realm_id: realmId, status: 'succeeded' })
        .max({ at: 'finished_at' })
        .first()) as { at?: unknown } | undefined;
      return toDate(row?.at);
    },

    /** Runs left "running" by a process that died are marked failed (a restart must not show them forever). */
    async failAbandonedRuns(realmId, at) {
      await db(RUNS).where({ realm_id: realmId, status: 'running' }).update({
        status: 'failed',
        finished_at: at,
        error_class: 'transient',
        error_message: 'The process stopped during this run; the next run resumed from the saved cursor.',
      });
    },
  };
}
