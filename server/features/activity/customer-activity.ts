import type { Db } from '../../db/knex.js';
import { escapeLike } from '../../db/like-pattern.js';
import { toDate } from '../../db/row-values.js';
import type { ActivityEntry, ActivityKind } from './activity-log.js';

type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The activity about one customer, for the customer's page (moved here unchanged from the panel's store). */
export function createCustomerActivity(readDb: Db) {
  const db = readDb;
  return {
    /** Activity entries of a kind about this customer (their detail names it: `{"customerId":"…"}`), newest first. */
    async activityAbout(realmId: string, customerId: string, kind: ActivityKind, limit = 20): Promise<ActivityEntry[]> {
      const rows = await db('activity_log').where({ realm_id: realmId, kind })
        .andWhereRaw(`detail_json LIKE ? ESCAPE '!'`, [`%${escapeLike(`"customerId":${JSON.stringify(customerId)}`)}%`])
        .orderBy('id', 'desc').limit(limit);
      return rows.map(toEntry);
    },
  };
}

export type CustomerActivity = ReturnType<typeof createCustomerActivity>;

function toEntry(r: Row): ActivityEntry {
  return {
    id: Number(r.id), at: toDate(r.at)!, actor: String(r.actor), kind: r.kind as ActivityKind, summary: String(r.summary),
    detail: r.detail_json ? (JSON.parse(String(r.detail_json)) as Record<string, unknown>) : null,
  };
}
