import type { Clock } from '../../clock.js';
import type { Db } from '../../db/knex.js';
import { toDate } from '../../db/row-values.js';
import type { ActivityEntry, ActivityKind, ActivityLog } from './activity-log-type.js';

export { ACTIVITY_KINDS, type ActivityEntry, type ActivityKind, type ActivityLog } from './activity-log-type.js';

const TABLE = 'activity_log';
const DEFAULT_LIMIT = 50;

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

function toEntry(r: Record<string, unknown>): ActivityEntry {
  return {
    id: Number(r.id),
    at: toDate(r.at)!,
    actor: String(r.actor),
    kind: r.kind as ActivityKind,
    summary: String(r.summary),
    customerId: (r.customer_qbo_id as string | null) ?? null,
    section: (r.section as string | null) ?? null,
    detail: r.detail_json ? (JSON.parse(String(r.detail_json)) as Record<string, unknown>) : null,
  };
}

/** The activity log in activity_log; the customer and the settings section are columns, so filters use indexes. */
export function createActivityLog(db: Db, clock: Clock): ActivityLog {
  const log: ActivityLog = {
    async record(realmId, e) {
      await db(TABLE).insert({
        realm_id: realmId,
        at: clock.now(),
        actor: e.actor.slice(0, 200),
        kind: e.kind,
        summary: e.summary,
        customer_qbo_id: e.customerId ?? null,
        section: e.section ?? null,
        detail_json: e.detail ? JSON.stringify(e.detail) : null,
      });
    },

    async list(realmId, o = {}) {
      const q = db(TABLE).where({ realm_id: realmId });
      if (o.kind) q.andWhere({ kind: o.kind });
      if (o.customerId !== undefined) q.andWhere({ customer_qbo_id: o.customerId });
      if (o.section !== undefined) q.andWhere({ section: o.section });
      if (o.beforeId !== undefined) q.andWhere('id', '<', o.beforeId);
      return (await q.orderBy('id', 'desc').limit(o.limit ?? DEFAULT_LIMIT)).map(toEntry);
    },

    async lastChange(realmId, section) {
      return (await log.list(realmId, { kind: 'settings', section, limit: 1 }))[0];
    },
  };
  return log;
}
