import type { Db } from '../../db/knex.js';
import { toDate } from '../../db/row-values.js';

/** The parts of Settings, as they appear in activity entries' detail (`{ section, ... }`). */
export const SETTINGS_SECTIONS = ['policy', 'schedule', 'credit-scores', 'digest'] as const;
export type SettingsSection = (typeof SETTINGS_SECTIONS)[number];

export interface SettingsChange {
  at: Date;
  actor: string;
  summary: string;
}

/** What the Settings page reads besides the services' own: the policy's saved version and the last change per section. */
export function createSettingsStore(db: Db) {
  return {
    /** The newest saved policy version and when it was saved; undefined while the company uses the defaults. */
    async policyVersion(realmId: string): Promise<{ version: number; savedAt: Date } | undefined> {
      const row = await db('risk_policies').where({ realm_id: realmId }).orderBy('version', 'desc').first('version', 'created_at');
      return row ? { version: Number(row.version), savedAt: toDate(row.created_at)! } : undefined;
    },

    /**
     * The latest settings entry of the activity log for one section. Entries are written with
     * `detail: { section, ... }` first, so the serialised detail starts with that key.
     */
    async lastChange(realmId: string, section: SettingsSection): Promise<SettingsChange | undefined> {
      const row = await db('activity_log').where({ realm_id: realmId, kind: 'settings' })
        .andWhere('detail_json', 'like', `{"section":"${section}"%`).orderBy('id', 'desc').first('at', 'actor', 'summary');
      return row ? { at: toDate(row.at)!, actor: String(row.actor), summary: String(row.summary) } : undefined;
    },

    /** Each customer's credit score, imported or entered. */
    async creditScores(realmId: string): Promise<Map<string, number>> {
      const rows = await db('customer_credit_scores').where({ realm_id: realmId }).select('customer_qbo_id', 'score');
      return new Map(rows.map((r: Record<string, unknown>) => [String(r.customer_qbo_id), Number(r.score)]));
    },
  };
}

export type SettingsStore = ReturnType<typeof createSettingsStore>;
