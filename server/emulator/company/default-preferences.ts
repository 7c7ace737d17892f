import type { QboObject } from '../entity-registry.js';

/**
 * The home currency a new company gets, by CompanyInfo.Country: the local currency of the regional edition.
 * A country outside this list falls back to USD; both are UNCONFIRMED against Intuit (docs/emulator.md).
 */
const HOME_CURRENCY_BY_COUNTRY: Readonly<Record<string, string>> = {
  US: 'USD',
  CA: 'CAD',
  GB: 'GBP',
  UK: 'GBP',
  AU: 'AUD',
  NZ: 'NZD',
  IN: 'INR',
  FR: 'EUR',
  IE: 'EUR',
  ZA: 'ZAR',
  SG: 'SGD',
  HK: 'HKD',
  AE: 'AED',
  MY: 'MYR',
  PH: 'PHP',
};

export function homeCurrencyOf(country: unknown): string {
  return (
    HOME_CURRENCY_BY_COUNTRY[
      String(country ?? '')
        .trim()
        .toUpperCase()
    ] ?? 'USD'
  );
}

/**
 * Every real QuickBooks company has Preferences. A company file without them gets QuickBooks' defaults for a new
 * company: the home currency of its country, multicurrency off, no default terms, no sales-form custom fields.
 */
export function defaultPreferences(companyInfo: QboObject): QboObject {
  return {
    Id: '1',
    SyncToken: '0',
    MetaData: companyInfo.MetaData,
    CurrencyPrefs: { HomeCurrency: { value: homeCurrencyOf(companyInfo.Country) }, MultiCurrencyEnabled: false },
    SalesFormsPrefs: { AllowDeposit: false, AllowDiscount: false, CustomField: [] },
  };
}
