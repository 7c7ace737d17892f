import type { Db } from '../../db/knex.js';
import type { QboApiClient } from '../../qbo/qbo-api-client.js';

type Obj = Record<string, unknown>;

/** Custom-field definitions as QBO keeps them in Preferences.SalesFormsPrefs.CustomField name/value pairs. */
export function customFieldDefinitions(prefs: Obj | undefined): Array<{ definitionId: string; name: string }> {
  const groups = ((prefs?.SalesFormsPrefs as Obj | undefined)?.CustomField as Array<{ CustomField?: Obj[] }> | undefined) ?? [];
  const values = groups.flatMap((g) => g.CustomField ?? []);
  const defs: Array<{ definitionId: string; name: string }> = [];
  for (const v of values) {
    const m = /^SalesFormsPrefs\.SalesCustomName(\d)$/.exec(String(v.Name));
    if (m && typeof v.StringValue === 'string' && v.StringValue) defs.push({ definitionId: m[1]!, name: v.StringValue });
  }
  return defs;
}

/**
 * CompanyInfo and Preferences: two fixed calls per sync. Keeps the home currency, multi-currency flag,
 * custom-field definitions and the company's time zone (CompanyInfo.DefaultTimeZone, when QBO gives it).
 */
export function createCompanySettingsSaver(db: Db) {
  return async (realmId: string, api: QboApiClient, now: Date): Promise<void> => {
    const info = await api.getCompanyInfo();
    const prefs = await api.getPreferences();
    const currency = (prefs.CurrencyPrefs as Obj | undefined) ?? {};
    const homeCurrency = ((currency.HomeCurrency as Obj | undefined)?.value as string | undefined) ?? null;
    const timeZone = typeof info.DefaultTimeZone === 'string' ? info.DefaultTimeZone : null;
    const row = {
      realm_id: realmId, company_name: String(info.CompanyName ?? realmId), country: typeof info.Country === 'string' ? info.Country : null,
      home_currency: homeCurrency, multi_currency: currency.MultiCurrencyEnabled === true, time_zone: timeZone,
      custom_fields_json: JSON.stringify(customFieldDefinitions(prefs)), company_info_json: JSON.stringify(info), preferences_json: JSON.stringify(prefs), updated_at: now,
    };
    await db.transaction(async (trx) => {
      await trx('qbo_company_settings').insert(row).onConflict('realm_id').merge();
      await trx('companies').where({ realm_id: realmId }).update({
        company_name: row.company_name, home_currency: homeCurrency, ...(timeZone ? { time_zone: timeZone } : {}), updated_at: now,
      });
    });
  };
}
