import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/knex.js';
import { countByStatus } from '../../db/count-by-status.js';
import { toDate } from '../../db/row-values.js';
import { chunksOf } from '../../shared/chunks.js';
import { supersedesPending } from './domain/entity-changes.js';
import { DEFAULT_WRITEBACK_SETTINGS, type WritebackSettings } from './domain/writeback-plan.js';
import {
  WRITEBACK_STATUSES,
  type NewWriteback,
  type Writeback,
  type WritebackStatus,
  type WritebackStore,
} from './writeback-store-type.js';

const OUTBOX = 'qbo_writebacks';
const SETTINGS = 'writeback_settings';
const CHUNK = 200;
const MAX_ERROR = 1000;

type Row = Record<string, unknown>;

function parse<T>(json: unknown): T | null {
  return typeof json === 'string' && json !== '' ? (JSON.parse(json) as T) : null;
}

export function writebackFromRow(r: Row): Writeback {
  const { targetName, ...rest } = parse<Row & { targetName?: string }>(r.payload_json)!;
  return {
    id: Number(r.id),
    realmId: String(r.realm_id),
    kind: r.kind as Writeback['kind'],
    targetType: r.target_type as Writeback['targetType'],
    targetId: String(r.target_qbo_id),
    customerId: String(r.customer_qbo_id),
    targetName: targetName ?? String(r.target_qbo_id),
    payload: rest as unknown as Writeback['payload'],
    idempotencyKey: String(r.idempotency_key),
    requestId: String(r.request_id),
    status: r.status as WritebackStatus,
    origin: r.origin as Writeback['origin'],
    actor: String(r.actor),
    attempts: Number(r.attempts),
    nextAttemptAt: toDate(r.next_attempt_at)!,
    lastError:
      r.last_error_message === null || r.last_error_message === undefined
        ? null
        : {
            errorClass: (r.last_error_class as NonNullable<Writeback['lastError']>['errorClass']) ?? 'unknown',
            code: (r.last_error_code as string | null) ?? null,
            message: String(r.last_error_message),
            intuitTid: (r.intuit_tid as string | null) ?? null,
          },
    result: parse(r.result_json),
    createdAt: toDate(r.created_at)!,
    updatedAt: toDate(r.updated_at)!,
    finishedAt: toDate(r.finished_at),
  };
}

function settingsFromRow(r: Row | undefined): WritebackSettings {
  if (!r) return { ...DEFAULT_WRITEBACK_SETTINGS };
  return {
    nightlyEnabled: Boolean(r.nightly_enabled),
    editedBlock: r.edited_block === 'replace' ? 'replace' : 'keep',
    customerTypes: parse(r.customer_types_json),
    invoiceFieldId: (r.invoice_field_id as string | null) ?? null,
    updatedAt: toDate(r.updated_at),
    updatedBy: (r.updated_by as string | null) ?? null,
  };
}

/** The write-back outbox and settings on knex (SQLite or PostgreSQL). */
/** Writes and the executor's reads on `db`; what the pages read (rows, counts, settings) on the read-only pool. */
export function createWritebackStore(db: Db, readDb: Db = db): WritebackStore {
  const byIds = async (ids: readonly number[]): Promise<Writeback[]> => {
    const rows: Row[] = [];
    for (const part of chunksOf(ids, CHUNK)) rows.push(...((await db(OUTBOX).whereIn('id', part)) as Row[]));
    return rows.map(writebackFromRow).sort((a, b) => a.id - b.id);
  };
  return {
    async enqueue(rows, at) {
      if (rows.length === 0) return [];
      const keys = await db.transaction(async (trx) => {
        const taken = new Set<string>();
        for (const part of chunksOf(rows.map(storedKey), CHUNK)) {
          const found = (await trx(OUTBOX).whereIn('idempotency_key', part).select('idempotency_key')) as Row[];
          for (const f of found) taken.add(String(f.idempotency_key));
        }
        const fresh = dedupe(rows).filter((r) => !taken.has(storedKey(r)));
        const pending = fresh.filter((r) => (r.status ?? 'pending') === 'pending' && supersedesPending(r.kind));
        for (const [key, group] of groupByRealmKind(pending)) {
          const [realmId, kind] = key.split('|') as [string, string];
          for (const part of chunksOf(
            group.map((r) => r.targetId),
            CHUNK,
          )) {
            await trx(OUTBOX)
              .where({ realm_id: realmId, kind, status: 'pending' })
              .whereIn('target_qbo_id', part)
              .update({ status: 'superseded', updated_at: at, finished_at: at });
          }
        }
        for (const part of chunksOf(fresh, 100)) await trx(OUTBOX).insert(part.map((r) => toInsert(r, at)));
        return fresh.map(storedKey);
      });
      const added: Row[] = [];
      for (const part of chunksOf(keys, CHUNK))
        added.push(...((await db(OUTBOX).whereIn('idempotency_key', part)) as Row[]));
      return added.map(writebackFromRow).sort((a, b) => a.id - b.id);
    },
    async claim(realmId, o) {
      const due = (q: ReturnType<Db>) =>
        q
          .where('realm_id', realmId)
          .andWhere((w) =>
            w
              .where((p) => p.where('status', 'pending').andWhere('next_attempt_at', '<=', o.now))
              .orWhere((s) => s.where('status', 'in_flight').andWhere('updated_at', '<', o.staleBefore)),
          );
      const ids = ((await due(db(OUTBOX)).orderBy('id').limit(o.limit).select('id')) as Row[]).map((r) => Number(r.id));
      if (ids.length === 0) return [];
      for (const part of chunksOf(ids, CHUNK)) {
        await due(db(OUTBOX))
          .whereIn('id', part)
          .update({ status: 'in_flight', attempts: db.raw('attempts + 1'), updated_at: o.now });
      }
      return (await byIds(ids)).filter((w) => w.status === 'in_flight' && w.updatedAt.getTime() === o.now.getTime());
    },
    async finish(id, o) {
      await db(OUTBOX)
        .where({ id })
        .update({ status: o.status, result_json: JSON.stringify(o.result), updated_at: o.at, finished_at: o.at });
    },
    async fail(id, o) {
      await db(OUTBOX)
        .where({ id })
        .update({
          status: o.retryAt === null ? 'failed' : 'pending',
          next_attempt_at: o.retryAt ?? o.at,
          last_error_class: o.error.errorClass,
          last_error_code: o.error.code,
          last_error_message: o.error.message.slice(0, MAX_ERROR),
          intuit_tid: o.error.intuitTid,
          updated_at: o.at,
          finished_at: o.retryAt === null ? o.at : null,
        });
    },
    async release(ids, at) {
      for (const part of chunksOf(ids, CHUNK)) {
        await db(OUTBOX)
          .whereIn('id', part)
          .andWhere('status', 'in_flight')
          .update({ status: 'pending', attempts: db.raw('attempts - 1'), updated_at: at });
      }
    },
    async retry(realmId, id, at) {
      const n = await db(OUTBOX)
        .where({ realm_id: realmId, id, status: 'failed' })
        .update({ status: 'pending', attempts: 0, next_attempt_at: at, updated_at: at, finished_at: null });
      return n > 0;
    },
    async get(realmId, id) {
      const row = (await readDb(OUTBOX).where({ realm_id: realmId, id }).first()) as Row | undefined;
      return row ? writebackFromRow(row) : undefined;
    },
    async list(realmId, q = {}) {
      const query = readDb(OUTBOX).where('realm_id', realmId);
      if (q.status) query.andWhere('status', q.status);
      if (q.kind) query.andWhere('kind', q.kind);
      if (q.customerId) query.andWhere('customer_qbo_id', q.customerId);
      if (q.beforeId !== undefined) query.andWhere('id', '<', q.beforeId);
      const rows = (await query.orderBy('id', 'desc').limit(q.limit ?? 50)) as Row[];
      return rows.map(writebackFromRow);
    },
    counts: (realmId) => countByStatus(readDb, OUTBOX, realmId, WRITEBACK_STATUSES),
    async realmsWithDueRows(now, staleBefore) {
      const rows = (await db(OUTBOX)
        .where((p) => p.where('status', 'pending').andWhere('next_attempt_at', '<=', now))
        .orWhere((s) => s.where('status', 'in_flight').andWhere('updated_at', '<', staleBefore))
        .distinct('realm_id')) as Row[];
      return rows.map((r) => String(r.realm_id));
    },
    async settings(realmId) {
      return settingsFromRow((await readDb(SETTINGS).where({ realm_id: realmId }).first()) as Row | undefined);
    },
    async saveSettings(realmId, s, by, at) {
      const row = {
        nightly_enabled: s.nightlyEnabled,
        edited_block: s.editedBlock,
        customer_types_json: s.customerTypes === null ? null : JSON.stringify(s.customerTypes),
        invoice_field_id: s.invoiceFieldId,
        updated_at: at,
        updated_by: by,
      };
      await db(SETTINGS)
        .insert({ realm_id: realmId, ...row })
        .onConflict('realm_id')
        .merge(row);
    },
  };
}

/** Keys are unique across companies: the company's id comes first. */
export function storedKey(r: Pick<NewWriteback, 'realmId' | 'idempotencyKey'>): string {
  return `${r.realmId}:${r.idempotencyKey}`.slice(0, 200);
}

/** One row per idempotency key (the first), so a plan that names a change twice queues it once. */
function dedupe(rows: readonly NewWriteback[]): NewWriteback[] {
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(storedKey(r)) && seen.add(storedKey(r)));
}

function groupByRealmKind(rows: readonly NewWriteback[]): Map<string, NewWriteback[]> {
  const groups = new Map<string, NewWriteback[]>();
  for (const r of rows) {
    const key = `${r.realmId}|${r.kind}`;
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  return groups;
}

function toInsert(r: NewWriteback, at: Date): Row {
  const status = r.status ?? 'pending';
  return {
    realm_id: r.realmId,
    kind: r.kind,
    target_type: r.targetType,
    target_qbo_id: r.targetId,
    customer_qbo_id: r.customerId,
    payload_json: JSON.stringify({ ...r.payload, targetName: r.targetName }),
    idempotency_key: storedKey(r),
    request_id: randomUUID(),
    status,
    origin: r.origin,
    actor: r.actor.slice(0, 200),
    attempts: 0,
    next_attempt_at: at,
    result_json: r.result ? JSON.stringify(r.result) : null,
    created_at: at,
    updated_at: at,
    finished_at: status === 'pending' ? null : at,
  };
}
