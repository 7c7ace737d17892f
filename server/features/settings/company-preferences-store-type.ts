import type { DigestPreferences } from '../risk/alert-digest.js';

export type { DigestPreferences };

/** A company's own choices (company_preferences): its nightly time and the daily alert digest. */
export interface CompanyPreferencesStore {
  /** The company's own nightly time HH:MM; null: the deployment default. */
  nightlyTime(realmId: string): Promise<string | null>;
  setNightlyTime(realmId: string, time: string | null, at: Date): Promise<void>;
  /** Every company that has its own nightly time (one query for the dispatcher). */
  nightlyTimes(): Promise<Map<string, string>>;
  digestPreferences(realmId: string): Promise<DigestPreferences>;
  setDigestPreferences(realmId: string, preferences: DigestPreferences, at: Date): Promise<void>;
}
