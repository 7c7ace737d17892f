import type { QboApiClient } from '../../qbo/qbo-api-client.js';
import type { CompanySettings } from './company-settings-store-type.js';

type Obj = Record<string, unknown>;

/** Custom-field definitions as QBO keeps them in Preferences.SalesFormsPrefs.CustomField name/value pairs. */
export function customFieldDefinitions(prefs: Obj | undefined): Array<{ definitionId: string; name: string }> {
  const groups =
    ((prefs?.SalesFormsPrefs as Obj | undefined)?.CustomField as Array<{ CustomField?: Obj[] }> | undefined) ?? [];
  const values = groups.flatMap((g) => g.CustomField ?? []);
  const defs: Array<{ definitionId: string; name: string }> = [];
  for (const v of values) {
    const m = /^SalesFormsPrefs\.SalesCustomName(\d)$/.exec(String(v.Name));
    if (m && typeof v.StringValue === 'string' && v.StringValue)
      defs.push({ definitionId: m[1]!, name: v.StringValue });
  }
  return defs;
}

/**
 * CompanyInfo and Preferences: two fixed calls per sync. The home currency, multi-currency flag, custom-field
 * definitions and the company's time zone (CompanyInfo.DefaultTimeZone, when QBO gives it).
 */
export async function readCompanySettings(
  realmId: string,
  api: Pick<QboApiClient, 'getCompanyInfo' | 'getPreferences'>,
): Promise<CompanySettings> {
  const info = await api.getCompanyInfo();
  const prefs = await api.getPreferences();
  const currency = (prefs.CurrencyPrefs as Obj | undefined) ?? {};
  return {
    companyName: String(info.CompanyName ?? realmId),
    country: typeof info.Country === 'string' ? info.Country : null,
    homeCurrency: ((currency.HomeCurrency as Obj | undefined)?.value as string | undefined) ?? null,
    multiCurrency: currency.MultiCurrencyEnabled === true,
    timeZone: typeof info.DefaultTimeZone === 'string' ? info.DefaultTimeZone : null,
    customFields: customFieldDefinitions(prefs),
    companyInfo: info,
    preferences: prefs,
  };
}
