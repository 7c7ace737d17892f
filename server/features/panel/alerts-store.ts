import type { Db } from '../../db/knex.js';
import { toDate } from '../../db/row-values.js';

/** What a score run raises (risk-service.ts): a customer moved to a riskier band, or its score rose three runs in a row. */
export const ALERT_KINDS = ['band_up', 'rising'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export const ALERT_STATUSES = ['open', 'acknowledged', 'all'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export interface AlertFilter {
  status: AlertStatus;
  kind?: AlertKind;
}

export interface AlertRow {
  id: number;
  customerId: string;
  runId: number;
  kind: string;
  message: string;
  createdAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
}

const COLUMNS = ['id', 'customer_qbo_id', 'run_id', 'kind', 'message', 'created_at', 'acknowledged_at', 'acknowledged_by'] as const;

function toRow(r: Record<string, unknown>): AlertRow {
  return {
    id: Number(r.id), customerId: String(r.customer_qbo_id), runId: Number(r.run_id), kind: String(r.kind), message: String(r.message),
    createdAt: toDate(r.created_at)!, acknowledgedAt: toDate(r.acknowledged_at), acknowledgedBy: (r.acknowledged_by as string | null) ?? null,
  };
}

/**
 * The Alerts page's reads and writes, scoped by company: pages newest first by id (keyset, so a page never
 * repeats or skips while a run adds alerts), counts, and acknowledgement with who and when.
 */
export function createAlertsStore(db: Db) {
  const filtered = (realmId: string, f: AlertFilter) => {
    const q = db('risk_alerts').where({ realm_id: realmId });
    if (f.status === 'open') q.whereNull('acknowledged_at');
    if (f.status === 'acknowledged') q.whereNotNull('acknowledged_at');
    if (f.kind) q.andWhere({ kind: f.kind });
    return q;
  };

  return {
    /** Up to `limit` alerts older than `beforeId` (all when absent), newest first, and whether older ones exist. */
    async page(realmId: string, f: AlertFilter & { beforeId?: number; limit: number }): Promise<{ rows: AlertRow[]; hasOlder: boolean }> {
      const q = filtered(realmId, f);
      if (f.beforeId !== undefined) q.andWhere('id', '<', f.beforeId);
      const rows = (await q.orderBy('id', 'desc').limit(f.limit + 1).select(...COLUMNS)).map(toRow);
      return { rows: rows.slice(0, f.limit), hasOlder: rows.length > f.limit };
    },

    /** Open and acknowledged alerts of the company, per kind. */
    async counts(realmId: string): Promise<{ open: number; acknowledged: number; byKind: Record<string, { open: number; acknowledged: number }> }> {
      const rows = await db('risk_alerts').where({ realm_id: realmId }).groupBy('kind')
        .select('kind', db.raw('sum(case when acknowledged_at is null then 1 else 0 end) as open_n'), db.raw('count(*) as n'));
      const byKind: Record<string, { open: number; acknowledged: number }> = {};
      let open = 0;
      let acknowledged = 0;
      for (const r of rows as Array<Record<string, unknown>>) {
        const o = Number(r.open_n ?? 0);
        const a = Number(r.n) - o;
        byKind[String(r.kind)] = { open: o, acknowledged: a };
        open += o;
        acknowledged += a;
      }
      return { open, acknowledged, byKind };
    },

    async get(realmId: string, id: number): Promise<AlertRow | undefined> {
      const r = await db('risk_alerts').where({ realm_id: realmId, id }).first(...COLUMNS);
      return r ? toRow(r) : undefined;
    },

    /**
     * Acknowledges those of `ids` that belong to the company and are still open; returns them (already
     * acknowledged ones and other companies' ids are left alone and not returned).
     */
    async acknowledge(realmId: string, ids: readonly number[], actor: string, at: Date): Promise<AlertRow[]> {
      if (ids.length === 0) return [];
      return db.transaction(async (trx) => {
        const open = (await trx('risk_alerts').where({ realm_id: realmId }).whereIn('id', ids).whereNull('acknowledged_at').orderBy('id', 'desc').select(...COLUMNS)).map(toRow);
        if (open.length === 0) return [];
        await trx('risk_alerts').where({ realm_id: realmId }).whereIn('id', open.map((a) => a.id)).whereNull('acknowledged_at')
          .update({ acknowledged_at: at, acknowledged_by: actor.slice(0, 200) });
        return open.map((a) => ({ ...a, acknowledgedAt: at, acknowledgedBy: actor.slice(0, 200) }));
      });
    },
  };
}

export type AlertsStore = ReturnType<typeof createAlertsStore>;
