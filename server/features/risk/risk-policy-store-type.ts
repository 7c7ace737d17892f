import type { RiskPolicy } from './domain/risk-policy.js';

/** What a run's policy says about windows, grace and jobs (the policy version the run used). */
export type RunPolicy = Pick<RiskPolicy, 'windowMonths' | 'graceDays' | 'rollUpJobs'>;

/** Each company's versioned risk policy (risk_policies), validated on the way in and out. */
export interface RiskPolicyStore {
  /** The company's current policy: its latest saved version, else the defaults. */
  policy(realmId: string): Promise<RiskPolicy>;
  /** Saves a new version of the policy (validated); returns it with its version number. */
  savePolicy(realmId: string, policy: Omit<RiskPolicy, 'version'>, at: Date): Promise<RiskPolicy>;
  /**
   * The windows, grace and job roll-up of a version the company saved, else the defaults (version 1 is never stored).
   */
  runPolicy(realmId: string, version: number): Promise<RunPolicy>;
  /** When the newest saved version was saved; undefined while the company uses the defaults. */
  policySavedAt(realmId: string): Promise<Date | undefined>;
}
