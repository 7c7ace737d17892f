import type { Db } from '../../db/knex.js';
import { LOCAL_TIME } from '../../time-zone.js';
import type { CompanyPreferencesStore } from './company-preferences-store-type.js';

const TABLE = 'company_preferences';

const ownTime = (v: unknown): string | null => (typeof v === 'string' && LOCAL_TIME.test(v) ? v : null);

export function createCompanyPreferencesStore(db: Db): CompanyPreferencesStore {
  return {
    async nightlyTime(realmId) {
      return ownTime((await db(TABLE).where({ realm_id: realmId }).first('nightly_local_time'))?.nightly_local_time);
    },

    async setNightlyTime(realmId, time, at) {
      if (time !== null && !LOCAL_TIME.test(time)) throw new Error(`not a local time HH:MM: ${time}`);
      await db(TABLE)
        .insert({ realm_id: realmId, nightly_local_time: time, updated_at: at })
        .onConflict('realm_id')
        .merge(['nightly_local_time', 'updated_at']);
    },

    async nightlyTimes() {
      const rows = await db(TABLE).whereNotNull('nightly_local_time').select('realm_id', 'nightly_local_time');
      const times = new Map<string, string>();
      for (const r of rows as Array<Record<string, unknown>>) {
        const time = ownTime(r.nightly_local_time);
        if (time) times.set(String(r.realm_id), time);
      }
      return times;
    },

    async digestPreferences(realmId) {
      const row = await db(TABLE).where({ realm_id: realmId }).first('alert_digest_enabled', 'alert_digest_to');
      return {
        enabled: Boolean(row?.alert_digest_enabled),
        to: (row?.alert_digest_to as string | null | undefined) ?? null,
      };
    },

    async setDigestPreferences(realmId, p, at) {
      await db(TABLE)
        .insert({ realm_id: realmId, alert_digest_enabled: p.enabled, alert_digest_to: p.to, updated_at: at })
        .onConflict('realm_id')
        .merge(['alert_digest_enabled', 'alert_digest_to', 'updated_at']);
    },
  };
}
