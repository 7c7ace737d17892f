/** What CompanyInfo and Preferences say about a company, as the sync keeps it. */
export interface CompanySettings {
  companyName: string;
  country: string | null;
  homeCurrency: string | null;
  multiCurrency: boolean;
  /** CompanyInfo.DefaultTimeZone, when QBO gives it. */
  timeZone: string | null;
  customFields: Array<{ definitionId: string; name: string }>;
  companyInfo: Record<string, unknown>;
  preferences: Record<string, unknown>;
}

export interface CompanySettingsStore {
  /** Keeps the settings (qbo_company_settings) and the company's name, currency and zone, in one transaction. */
  save(realmId: string, settings: CompanySettings, now: Date): Promise<void>;
  /** Preferences as QuickBooks sent them at the last sync; undefined before the first. */
  preferences(realmId: string): Promise<Record<string, unknown> | undefined>;
  /** CompanyInfo as QuickBooks sent it at the last sync; undefined before the first. */
  companyInfo(realmId: string): Promise<Record<string, unknown> | undefined>;
}
