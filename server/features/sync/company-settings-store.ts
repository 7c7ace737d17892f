import type { Db } from '../../db/knex.js';
import type { CompanySettingsStore } from './company-settings-store-type.js';

const SETTINGS = 'qbo_company_settings';

/** `readDb` (the read-only pool) serves the reads; the sync writes through `db`. */
export function createCompanySettingsStore(db: Db, readDb: Db = db): CompanySettingsStore {
  return {
    async save(realmId, s, now) {
      const row = {
        realm_id: realmId,
        company_name: s.companyName,
        country: s.country,
        home_currency: s.homeCurrency,
        multi_currency: s.multiCurrency,
        time_zone: s.timeZone,
        custom_fields_json: JSON.stringify(s.customFields),
        company_info_json: JSON.stringify(s.companyInfo),
        preferences_json: JSON.stringify(s.preferences),
        updated_at: now,
      };
      await db(SETTINGS).insert(row).onConflict('realm_id').merge();
    },
    async preferences(realmId) {
      const row = (await readDb(SETTINGS).where({ realm_id: realmId }).first('preferences_json')) as
        { preferences_json: string | null } | undefined;
      return row?.preferences_json ? (JSON.parse(row.preferences_json) as Record<string, unknown>) : undefined;
    },
    async companyInfo(realmId) {
      const row = (await readDb(SETTINGS).where({ realm_id: realmId }).first('company_info_json')) as
        { company_info_json: string | null } | undefined;
      return row?.company_info_json ? (JSON.parse(row.company_info_json) as Record<string, unknown>) : undefined;
    },
  };
}
