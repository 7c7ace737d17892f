import type { Db } from '../../db/knex.js';
import { toDate } from '../../db/row-values.js';
import {
  NO_CONTROLS,
  type CreditScoreOnFile,
  type CustomerControls,
  type CustomerInputStore,
} from './customer-input-store-type.js';

const CREDIT_SCORES = 'customer_credit_scores';
const CONTROLS = 'customer_controls';
const KEY = ['realm_id', 'customer_qbo_id'];
/** Who set the controls, as stored. */
const ACTOR_LENGTH = 200;

type Row = Record<string, unknown>;

const creditScoreOf = (r: Row | undefined, at: string): CreditScoreOnFile | null =>
  r?.score === null || r?.score === undefined
    ? null
    : { score: Number(r.score), source: String(r.source), updatedAt: toDate(r[at])! };

const controlsOf = (r: Row | undefined, at: string): CustomerControls =>
  r?.[at] === null || r?.[at] === undefined
    ? { ...NO_CONTROLS }
    : {
        remindersPaused: Boolean(r.reminders_paused),
        excluded: Boolean(r.excluded),
        updatedAt: toDate(r[at]),
        updatedBy: String(r.updated_by),
      };

/** Reads on the read-only pool; writes, and the read a change of controls starts from, on the writer. */
export function createCustomerInputStore({ db, readDb }: { db: Db; readDb: Db }): CustomerInputStore {
  const creditRow = (realmId: string, customerId: string, score: number, source: string, at: Date) => ({
    realm_id: realmId,
    customer_qbo_id: customerId,
    score,
    source,
    updated_at: at,
  });
  const readControls = async (from: Db, realmId: string, customerId: string) =>
    controlsOf(await from(CONTROLS).where({ realm_id: realmId, customer_qbo_id: customerId }).first(), 'updated_at');

  return {
    async creditScores(realmId, customerIds) {
      const rows = await readDb(CREDIT_SCORES)
        .where({ realm_id: realmId })
        .modify((q) => (customerIds ? q.whereIn('customer_qbo_id', [...customerIds]) : q))
        .select('customer_qbo_id', 'score');
      return new Map((rows as Row[]).map((r) => [String(r.customer_qbo_id), Number(r.score)]));
    },

    async creditScore(realmId, customerId) {
      const r = await readDb(CREDIT_SCORES)
        .where({ realm_id: realmId, customer_qbo_id: customerId })
        .first('score', 'source', 'updated_at');
      return creditScoreOf(r, 'updated_at');
    },

    async setCreditScore(realmId, customerId, score, source, at) {
      await db(CREDIT_SCORES)
        .insert(creditRow(realmId, customerId, score, source, at))
        .onConflict(KEY)
        .merge();
    },

    async importCreditScores(realmId, rows, at) {
      await db.transaction(async (trx) => {
        for (const r of rows) {
          await trx(CREDIT_SCORES)
            .insert(creditRow(realmId, r.customerId, r.score, 'import', at))
            .onConflict(KEY)
            .merge();
        }
      });
    },

    async clearCreditScore(realmId, customerId) {
      return (await db(CREDIT_SCORES).where({ realm_id: realmId, customer_qbo_id: customerId }).delete()) > 0;
    },

    async excludedCustomerIds(realmId) {
      const rows = (await readDb(CONTROLS)
        .where({ realm_id: realmId, excluded: true })
        .select('customer_qbo_id')) as Array<Record<string, unknown>>;
      return new Set(rows.map((r) => String(r.customer_qbo_id)));
    },
    async pausedCustomerIds(realmId) {
      const rows = (await readDb(CONTROLS)
        .where({ realm_id: realmId, reminders_paused: true })
        .select('customer_qbo_id')) as Array<Record<string, unknown>>;
      return new Set(rows.map((r) => String(r.customer_qbo_id)));
    },
    controls: (realmId, customerId) => readControls(readDb, realmId, customerId),

    async setControls(realmId, customerId, change, by, at) {
      const current = await readControls(db, realmId, customerId);
      const next = {
        remindersPaused: change.remindersPaused ?? current.remindersPaused,
        excluded: change.excluded ?? current.excluded,
      };
      await db(CONTROLS)
        .insert({
          realm_id: realmId,
          customer_qbo_id: customerId,
          reminders_paused: next.remindersPaused,
          excluded: next.excluded,
          updated_at: at,
          updated_by: by.slice(0, ACTOR_LENGTH),
        })
        .onConflict(KEY)
        .merge();
      return { ...next, updatedAt: at, updatedBy: by };
    },

    async current(realmId, customerId) {
      // LEFT JOINs from the key: one row whether or not either input exists.
      const r = await readDb
        .select(
          'cc.reminders_paused',
          'cc.excluded',
          'cc.updated_at as controls_at',
          'cc.updated_by',
          'cs.score',
          'cs.source',
          'cs.updated_at as credit_at',
        )
        .from(
          readDb.raw('(SELECT CAST(? AS VARCHAR(32)) AS realm_id, CAST(? AS VARCHAR(32)) AS customer_qbo_id) k', [
            realmId,
            customerId,
          ]),
        )
        .leftJoin(`${CONTROLS} as cc`, (j) =>
          j.on('cc.realm_id', 'k.realm_id').andOn('cc.customer_qbo_id', 'k.customer_qbo_id'),
        )
        .leftJoin(`${CREDIT_SCORES} as cs`, (j) =>
          j.on('cs.realm_id', 'k.realm_id').andOn('cs.customer_qbo_id', 'k.customer_qbo_id'),
        )
        .first();
      return { creditScore: creditScoreOf(r, 'credit_at'), controls: controlsOf(r, 'controls_at') };
    },
  };
}
