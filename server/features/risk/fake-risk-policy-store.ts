import { DEFAULT_RISK_POLICY, riskPolicySchema, type RiskPolicy } from './domain/risk-policy.js';
import type { RiskPolicyStore, RunPolicy } from './risk-policy-store-type.js';

/** Each company's policy versions in memory, validated as the real store validates them. */
export class FakeRiskPolicyStore implements RiskPolicyStore {
  private readonly versions = new Map<string, RiskPolicy[]>();
  private readonly savedAt = new Map<string, Date>();

  async policy(realmId: string): Promise<RiskPolicy> {
    return this.versions.get(realmId)?.at(-1) ?? DEFAULT_RISK_POLICY;
  }

  async savePolicy(realmId: string, policy: Omit<RiskPolicy, 'version'>, at: Date): Promise<RiskPolicy> {
    const current = await this.policy(realmId);
    const next = riskPolicySchema.parse({ ...policy, version: current.version + 1 });
    this.versions.set(realmId, [...(this.versions.get(realmId) ?? []), next]);
    this.savedAt.set(realmId, at);
    return next;
  }

  async runPolicy(realmId: string, version: number): Promise<RunPolicy> {
    const p = this.versions.get(realmId)?.find((v) => v.version === version) ?? DEFAULT_RISK_POLICY;
    return { windowMonths: p.windowMonths, graceDays: p.graceDays, rollUpJobs: p.rollUpJobs };
  }

  async policySavedAt(realmId: string): Promise<Date | undefined> {
    return this.savedAt.get(realmId);
  }
}
