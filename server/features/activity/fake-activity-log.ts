import type { Clock } from '../../clock.js';
import type { ActivityEntry, ActivityLog } from './activity-log-type.js';

/** The activity log in memory, for unit tests of the services that record into it. */
export function createFakeActivityLog(clock: Clock): ActivityLog & { entries(realmId: string): ActivityEntry[] } {
  const rows: Array<ActivityEntry & { realmId: string }> = [];
  const log = {
    async record(realmId: string, e: Parameters<ActivityLog['record']>[1]) {
      rows.push({
        realmId,
        id: rows.length + 1,
        at: clock.now(),
        actor: e.actor.slice(0, 200),
        kind: e.kind,
        summary: e.summary,
        customerId: e.customerId ?? null,
        section: e.section ?? null,
        detail: e.detail ? structuredClone(e.detail) : null,
      });
    },
    async list(realmId: string, o: Parameters<ActivityLog['list']>[1] = {}) {
      return rows
        .filter(
          (r) =>
            r.realmId === realmId &&
            (!o.kind || r.kind === o.kind) &&
            (o.customerId === undefined || r.customerId === o.customerId) &&
            (o.section === undefined || r.section === o.section) &&
            (o.beforeId === undefined || r.id < o.beforeId),
        )
        .reverse()
        .slice(0, o.limit ?? 50)
        .map(({ realmId: _realm, ...entry }) => entry);
    },
    async lastChange(realmId: string, section: string) {
      return (await log.list(realmId, { kind: 'settings', section, limit: 1 }))[0];
    },
    /** Everything recorded for a company, oldest first. */
    entries(realmId: string) {
      return rows.filter((r) => r.realmId === realmId).map(({ realmId: _realm, ...entry }) => entry);
    },
  };
  return log;
}
