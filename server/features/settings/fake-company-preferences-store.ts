import { LOCAL_TIME } from '../../time-zone.js';
import type { CompanyPreferencesStore, DigestPreferences } from './company-preferences-store-type.js';

/** Company preferences in memory, for unit tests. */
export function createFakeCompanyPreferencesStore(): CompanyPreferencesStore {
  const nightly = new Map<string, string>();
  const digests = new Map<string, DigestPreferences>();
  return {
    async nightlyTime(realmId) {
      return nightly.get(realmId) ?? null;
    },
    async setNightlyTime(realmId, time) {
      if (time !== null && !LOCAL_TIME.test(time)) throw new Error(`not a local time HH:MM: ${time}`);
      if (time === null) nightly.delete(realmId);
      else nightly.set(realmId, time);
    },
    async nightlyTimes() {
      return new Map(nightly);
    },
    async digestPreferences(realmId) {
      return { ...(digests.get(realmId) ?? { enabled: false, to: null }) };
    },
    async setDigestPreferences(realmId, p) {
      digests.set(realmId, { ...p });
    },
  };
}
