import type { Clock } from '../../clock.js';
import type { Db } from '../../db/knex.js';
import { toDate } from '../../db/row-values.js';

export const ACTIVITY_KINDS = ['sync', 'score', 'write', 'email', 'settings', 'customer', 'connection'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

export interface ActivityEntry {
  id: number;
  at: Date;
  /** Who did it: a person ("Ada Lovelace") or the system ("Nightly schedule", "QuickBooks webhook", "CLI"). */
  actor: string;
  kind: ActivityKind;
  summary: string;
  detail: Record<string, unknown> | null;
}

/** Who started a piece of work, for the activity log; services default to the trigger's system actor. */
export const SYSTEM_ACTORS: Record<string, string> = {
  nightly: 'Nightly schedule',
  webhook: 'QuickBooks webhook',
  connect: 'First sync after connecting',
  manual: 'Someone (CLI)',
};

export function actorFor(trigger: string | undefined, actor: string | undefined): string {
  return actor ?? SYSTEM_ACTORS[trigger ?? 'manual'] ?? trigger ?? 'System';
}

/**
 * Every sync, score run, write into QuickBooks, email, setting change and customer action, with who and when:
 * an append-only log per company. Recording never throws into the work it describes (the work is done).
 */
export function createActivityLog(db: Db, clock: Clock) {
  return {
    async record(realmId: string, e: { actor: string; kind: ActivityKind; summary: string; detail?: Record<string, unknown> }): Promise<void> {
      await db('activity_log').insert({
        realm_id: realmId, at: clock.now(), actor: e.actor.slice(0, 200), kind: e.kind, summary: e.summary, detail_json: e.detail ? JSON.stringify(e.detail) : null,
      });
    },

    /** Newest first; `beforeId` pages back (keyset, so a page never repeats or skips while new entries arrive). */
    async list(realmId: string, o: { kind?: ActivityKind; beforeId?: number; limit?: number } = {}): Promise<ActivityEntry[]> {
      let q = db('activity_log').where({ realm_id: realmId });
      if (o.kind) q = q.andWhere({ kind: o.kind });
      if (o.beforeId !== undefined) q = q.andWhere('id', '<', o.beforeId);
      const rows = await q.orderBy('id', 'desc').limit(o.limit ?? 50);
      return rows.map((r: Record<string, unknown>) => ({
        id: Number(r.id), at: toDate(r.at)!, actor: String(r.actor), kind: r.kind as ActivityKind, summary: String(r.summary),
        detail: r.detail_json ? (JSON.parse(String(r.detail_json)) as Record<string, unknown>) : null,
      }));
    },
  };
}

export type ActivityLog = ReturnType<typeof createActivityLog>;
