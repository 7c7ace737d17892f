import type { QboApiClient } from '../../qbo/qbo-api-client.js';
import type { CompanySettings } from './company-settings-store-type.js';

type Obj = Record<string, unknown>;

/** The name/value pairs of Preferences.SalesFormsPrefs.CustomField, which QBO nests twice. */
function salesFormValues(prefs: Obj | undefined): Obj[] {
  const groups =
    ((prefs?.SalesFormsPrefs as Obj | undefined)?.CustomField as Array<{ CustomField?: Obj[] }> | undefined) ?? [];
  return groups.flatMap((g) => g.CustomField ?? []);
}

/** Custom-field definitions as QBO keeps them in Preferences.SalesFormsPrefs.CustomField name/value pairs. */
export function customFieldDefinitions(prefs: Obj | undefined): Array<{ definitionId: string; name: string }> {
  const values = salesFormValues(prefs);
  const defs: Array<{ definitionId: string; name: string }> = [];
  for (const v of values) {
    const m = /^SalesFormsPrefs\.SalesCustomName(\d)$/.exec(String(v.Name));
    if (m && typeof v.StringValue === 'string' && v.StringValue)
      defs.push({ definitionId: m[1]!, name: v.StringValue });
  }
  return defs;
}

/** A legacy sales-form custom field slot ("1"–"3") the company has turned on, with its name. */
export interface SalesFormCustomField {
  definitionId: string;
  name: string;
}

/**
 * The sales-form custom fields the company has turned on: `UseSalesCustomN` (BooleanValue) enables slot N and
 * `SalesCustomNameN` (StringValue) names it, both in the doubly nested Preferences.SalesFormsPrefs.CustomField.
 * A slot with a name that is not turned on is left out: QuickBooks does not show it on invoices.
 */
export function enabledSalesFormFields(prefs: Obj | undefined): SalesFormCustomField[] {
  const values = salesFormValues(prefs);
  const value = (name: string) => values.find((v) => v.Name === `SalesFormsPrefs.${name}`);
  const fields: SalesFormCustomField[] = [];
  for (const slot of ['1', '2', '3']) {
    if (value(`UseSalesCustom${slot}`)?.BooleanValue !== true) continue;
    const name = value(`SalesCustomName${slot}`)?.StringValue;
    fields.push({ definitionId: slot, name: typeof name === 'string' && name.trim() ? name : `Custom field ${slot}` });
  }
  return fields;
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
