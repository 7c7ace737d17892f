import { newestFirstPage } from '../../shared/newest-first-page.js';
import { randomUUID } from 'node:crypto';
import { supersedesPending } from './domain/entity-changes.js';
import { DEFAULT_WRITEBACK_SETTINGS, type WritebackSettings } from './domain/writeback-plan.js';
import {
  WRITEBACK_STATUSES,
  type NewWriteback,
  type Writeback,
  type WritebackStatus,
  type WritebackStore,
} from './writeback-store-type.js';
import { storedKey } from './writeback-store.js';

/** A copy the way a row comes back from the database: JSON-shaped payloads, fresh Dates. */
function copy(w: Writeback): Writeback {
  return {
    ...w,
    payload: JSON.parse(JSON.stringify(w.payload)) as Writeback['payload'],
    lastError: w.lastError ? { ...w.lastError } : null,
    result: w.result ? (JSON.parse(JSON.stringify(w.result)) as Writeback['result']) : null,
    nextAttemptAt: new Date(w.nextAttemptAt),
    createdAt: new Date(w.createdAt),
    updatedAt: new Date(w.updatedAt),
    finishedAt: w.finishedAt ? new Date(w.finishedAt) : null,
  };
}

/**
 * The write-back outbox and settings in memory, for unit tests, with the knex store's rules: keys unique per
 * company, a new pending row supersedes the pending rows of its kind and target (notes excepted), claims take due
 * and stale rows oldest first, lists are newest first (test/integration/stores/fake-store-contracts.test.ts holds
 * both to them).
 */
export function createFakeWritebackStore(): WritebackStore & { rows(): Writeback[] } {
  const rows: Writeback[] = [];
  const settings = new Map<string, WritebackSettings>();
  let nextId = 1;
  const find = (id: number) => rows.find((r) => r.id === id);
  const due = (r: Writeback, realmId: string, now: Date, staleBefore: Date) =>
    r.realmId === realmId &&
    ((r.status === 'pending' && r.nextAttemptAt.getTime() <= now.getTime()) ||
      (r.status === 'in_flight' && r.updatedAt.getTime() < staleBefore.getTime()));

  return {
    rows: () => rows.map(copy),

    async enqueue(news, at) {
      const taken = new Set(rows.map((r) => r.idempotencyKey));
      const fresh: NewWriteback[] = [];
      for (const n of news) {
        if (taken.has(storedKey(n))) continue;
        taken.add(storedKey(n));
        fresh.push(n);
      }
      for (const n of fresh.filter((f) => (f.status ?? 'pending') === 'pending' && supersedesPending(f.kind))) {
        for (const r of rows) {
          if (r.realmId === n.realmId && r.kind === n.kind && r.targetId === n.targetId && r.status === 'pending')
            Object.assign(r, { status: 'superseded', updatedAt: at, finishedAt: at });
        }
      }
      const added = fresh.map((n): Writeback => {
        const status = n.status ?? 'pending';
        return {
          id: nextId++,
          realmId: n.realmId,
          kind: n.kind,
          targetType: n.targetType,
          targetId: n.targetId,
          customerId: n.customerId,
          targetName: n.targetName,
          payload: n.payload,
          idempotencyKey: storedKey(n),
          requestId: randomUUID(),
          status,
          origin: n.origin,
          actor: n.actor.slice(0, 200),
          attempts: 0,
          nextAttemptAt: at,
          lastError: null,
          result: n.result ?? null,
          createdAt: at,
          updatedAt: at,
          finishedAt: status === 'pending' ? null : at,
        };
      });
      rows.push(...added.map(copy));
      return added.map(copy);
    },

    async claim(realmId, o) {
      const claimed = rows.filter((r) => due(r, realmId, o.now, o.staleBefore)).slice(0, o.limit);
      for (const r of claimed) Object.assign(r, { status: 'in_flight', attempts: r.attempts + 1, updatedAt: o.now });
      return claimed.map(copy);
    },

    async finish(id, o) {
      const r = find(id);
      if (r) Object.assign(r, { status: o.status, result: o.result, updatedAt: o.at, finishedAt: o.at });
    },

    async fail(id, o) {
      const r = find(id);
      if (!r) return;
      Object.assign(r, {
        status: o.retryAt === null ? 'failed' : 'pending',
        nextAttemptAt: o.retryAt ?? o.at,
        lastError: { ...o.error, message: o.error.message.slice(0, 1000) },
        updatedAt: o.at,
        finishedAt: o.retryAt === null ? o.at : null,
      });
    },

    async release(ids, at) {
      for (const r of rows) {
        if (ids.includes(r.id) && r.status === 'in_flight')
          Object.assign(r, { status: 'pending', attempts: r.attempts - 1, updatedAt: at });
      }
    },

    async retry(realmId, id, at) {
      const r = find(id);
      if (r?.realmId !== realmId || r.status !== 'failed') return false;
      Object.assign(r, { status: 'pending', attempts: 0, nextAttemptAt: at, updatedAt: at, finishedAt: null });
      return true;
    },

    async get(realmId, id) {
      const r = find(id);
      return r?.realmId === realmId ? copy(r) : undefined;
    },

    async list(realmId, q = {}) {
      const keep = (r: Writeback) =>
        r.realmId === realmId &&
        (!q.status || r.status === q.status) &&
        (!q.kind || r.kind === q.kind) &&
        (!q.customerId || r.customerId === q.customerId);
      return newestFirstPage(rows, keep, q).map(copy);
    },

    async counts(realmId) {
      const counts = Object.fromEntries(WRITEBACK_STATUSES.map((s) => [s, 0])) as Record<WritebackStatus, number>;
      for (const r of rows) if (r.realmId === realmId) counts[r.status]++;
      return counts;
    },

    async realmsWithDueRows(now, staleBefore) {
      return [...new Set(rows.filter((r) => due(r, r.realmId, now, staleBefore)).map((r) => r.realmId))];
    },

    async settings(realmId) {
      const s = settings.get(realmId);
      return s ? { ...s, customerTypes: s.customerTypes && { ...s.customerTypes } } : { ...DEFAULT_WRITEBACK_SETTINGS };
    },

    async saveSettings(realmId, s, by, at) {
      settings.set(realmId, {
        ...s,
        customerTypes: s.customerTypes && { ...s.customerTypes },
        updatedAt: at,
        updatedBy: by,
      });
    },
  };
}
