import type { CompanySettings, CompanySettingsStore } from './company-settings-store-type.js';

/** CompanySettingsStore in memory, for unit tests: the latest settings saved per company. */
export function createFakeCompanySettingsStore(): CompanySettingsStore & { saved: Map<string, CompanySettings> } {
  const saved = new Map<string, CompanySettings>();
  return {
    saved,
    async save(realmId, settings) {
      saved.set(realmId, settings);
    },
    async preferences(realmId) {
      return saved.get(realmId)?.preferences;
    },
    async companyInfo(realmId) {
      return saved.get(realmId)?.companyInfo;
    },
  };
}
