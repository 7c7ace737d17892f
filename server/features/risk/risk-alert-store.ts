import type { Knex } from 'knex';
import type { Db } from '../../db/knex.js';
import { insertRows } from '../../db/insert-rows.js';
import { toDate } from '../../db/row-values.js';
import type { AlertCounts, AlertFilter, AlertRow, RiskAlertStore } from './risk-alert-store-type.js';
import type { NewRunAlert } from './score-run-store-type.js';

const TABLE = 'risk_alerts';
const COLUMNS = [
  'id',
  'customer_qbo_id',
  'run_id',
  'kind',
  'message',
  'created_at',
  'acknowledged_at',
  'acknowledged_by',
] as const;
const INSERT_COLUMNS = ['realm_id', 'customer_qbo_id', 'run_id', 'kind', 'message', 'created_at'] as const;
/** Who acknowledged, as stored. */
const ACTOR_LENGTH = 200;

function toRow(r: Record<string, unknown>): AlertRow {
  return {
    id: Number(r.id),
    customerId: String(r.customer_qbo_id),
    runId: Number(r.run_id),
    kind: String(r.kind),
    message: String(r.message),
    createdAt: toDate(r.created_at)!,
    acknowledgedAt: toDate(r.acknowledged_at),
    acknowledgedBy: (r.acknowledged_by as string | null) ?? null,
  };
}

/** A run's alerts, written inside the transaction that saves the run (score-run-store.ts). */
export async function insertRunAlerts(
  trx: Knex.Transaction,
  realmId: string,
  runId: number,
  alerts: readonly NewRunAlert[],
  at: Date,
): Promise<void> {
  await insertRows(
    trx,
    TABLE,
    INSERT_COLUMNS,
    alerts.map((a) => [realmId, a.customerId, runId, a.kind, a.message, at]),
  );
}

/** How many alerts a run raised (the dashboard's tile). */
export async function countRunAlerts(readDb: Db, realmId: string, runId: number): Promise<number> {
  const row = await readDb(TABLE).where({ realm_id: realmId, run_id: runId }).count({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

/**
 * Pages newest first by id (keyset, so a page never repeats or skips while a run adds alerts), counts, and
 * acknowledgement with who and when. Reads on the read-only pool; acknowledging on the writer.
 */
export function createRiskAlertStore({ db, readDb }: { db: Db; readDb: Db }): RiskAlertStore {
  const filtered = (realmId: string, f: AlertFilter) => {
    const q = readDb(TABLE).where({ realm_id: realmId });
    if (f.status === 'open') q.whereNull('acknowledged_at');
    if (f.status === 'acknowledged') q.whereNotNull('acknowledged_at');
    if (f.kind) q.andWhere({ kind: f.kind });
    return q;
  };

  return {
    async page(realmId, f) {
      const q = filtered(realmId, f);
      if (f.beforeId !== undefined) q.andWhere('id', '<', f.beforeId);
      const rows = (
        await q
          .orderBy('id', 'desc')
          .limit(f.limit + 1)
          .select(...COLUMNS)
      ).map(toRow);
      return { rows: rows.slice(0, f.limit), hasOlder: rows.length > f.limit };
    },

    async counts(realmId): Promise<AlertCounts> {
      const rows = await readDb(TABLE)
        .where({ realm_id: realmId })
        .groupBy('kind')
        .select(
          'kind',
          readDb.raw('sum(case when acknowledged_at is null then 1 else 0 end) as open_n'),
          readDb.raw('count(*) as n'),
        );
      const counts: AlertCounts = { open: 0, acknowledged: 0, byKind: {} };
      for (const r of rows as Array<Record<string, unknown>>) {
        const open = Number(r.open_n ?? 0);
        const acknowledged = Number(r.n) - open;
        counts.byKind[String(r.kind)] = { open, acknowledged };
        counts.open += open;
        counts.acknowledged += acknowledged;
      }
      return counts;
    },

    async messagesForRun(realmId, runId) {
      const rows = await readDb(TABLE).where({ realm_id: realmId, run_id: runId }).orderBy('id').select('message');
      return rows.map((r: { message: unknown }) => String(r.message));
    },

    async get(realmId, id) {
      const r = await readDb(TABLE)
        .where({ realm_id: realmId, id })
        .first(...COLUMNS);
      return r ? toRow(r) : undefined;
    },

    async acknowledge(realmId, ids, actor, at) {
      if (ids.length === 0) return [];
      const by = actor.slice(0, ACTOR_LENGTH);
      return db.transaction(async (trx) => {
        const open = (
          await trx(TABLE)
            .where({ realm_id: realmId })
            .whereIn('id', ids)
            .whereNull('acknowledged_at')
            .orderBy('id', 'desc')
            .select(...COLUMNS)
        ).map(toRow);
        if (open.length === 0) return [];
        await trx(TABLE)
          .where({ realm_id: realmId })
          .whereIn(
            'id',
            open.map((a) => a.id),
          )
          .whereNull('acknowledged_at')
          .update({ acknowledged_at: at, acknowledged_by: by });
        return open.map((a) => ({ ...a, acknowledgedAt: at, acknowledgedBy: by }));
      });
    },
  };
}
