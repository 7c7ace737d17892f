import { isUniqueViolation, type Db } from '../../db/knex.js';
import { toDate } from '../../db/row-values.js';
import { DEFAULT_RISK_POLICY, riskPolicySchema, type RiskPolicy } from './domain/risk-policy.js';
import type { RiskPolicyStore, RunPolicy } from './risk-policy-store-type.js';

const TABLE = 'risk_policies';
/** Two saves at once that both keep losing the race to the same version number give up after this many tries. */
const SAVE_ATTEMPTS = 5;

/** Reads on the read-only pool; a save reads the latest version and inserts the next on the writer. */
export function createRiskPolicyStore({ db, readDb }: { db: Db; readDb: Db }): RiskPolicyStore {
  return {
    async policy(realmId) {
      const row = await readDb(TABLE).where({ realm_id: realmId }).orderBy('version', 'desc').first('policy_json');
      return row ? riskPolicySchema.parse(JSON.parse(String(row.policy_json))) : DEFAULT_RISK_POLICY;
    },

    async savePolicy(realmId, policy, at) {
      // Two saves at once (two people on Settings) read the same latest version; the second insert is refused
      // by the key and simply takes the next number. Both are kept, the later one current.
      for (let attempt = 1; ; attempt++) {
        const current = await db(TABLE).where({ realm_id: realmId }).max({ v: 'version' }).first();
        const version = Math.max(DEFAULT_RISK_POLICY.version, Number(current?.v ?? 0)) + 1;
        const next: RiskPolicy = riskPolicySchema.parse({ ...policy, version });
        try {
          await db(TABLE).insert({
            realm_id: realmId,
            version: next.version,
            policy_json: JSON.stringify(next),
            created_at: at,
          });
          return next;
        } catch (error) {
          if (attempt >= SAVE_ATTEMPTS || !isUniqueViolation(error)) throw error;
        }
      }
    },

    async policySavedAt(realmId) {
      const row = await readDb(TABLE).where({ realm_id: realmId }).orderBy('version', 'desc').first('created_at');
      return row ? (toDate(row.created_at) ?? undefined) : undefined;
    },

    async runPolicy(realmId, version): Promise<RunPolicy> {
      const row = await readDb(TABLE).where({ realm_id: realmId, version }).first('policy_json');
      // Read without the schema on purpose: a version saved under an older schema still tells its windows.
      const p = row ? (JSON.parse(String(row.policy_json)) as Partial<RunPolicy>) : {};
      return {
        windowMonths: p.windowMonths ?? DEFAULT_RISK_POLICY.windowMonths,
        graceDays: p.graceDays ?? DEFAULT_RISK_POLICY.graceDays,
        rollUpJobs: p.rollUpJobs ?? DEFAULT_RISK_POLICY.rollUpJobs,
      };
    },
  };
}
