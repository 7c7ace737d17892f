import { createHash } from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import type { BatchUpdate, QboApiClient, QboEntity } from '../../qbo/qbo-api-client.js';
import { QboError, QboReauthRequired, QboTransient } from '../../qbo/qbo-errors.js';
import type { ActivityLog } from '../activity/activity-log-type.js';
import type { LocalCopyReader } from '../sync/local-copy-reader-type.js';
import type { LocalCopyWriter } from '../sync/local-copy-writer.js';
import { changeFor, type EntityChange } from './domain/entity-changes.js';
import type { Writeback, WritebackResult, WritebackStore } from './writeback-store-type.js';
import { writeSummary } from './writeback-words.js';
import { quotedList } from '../../qbo/query-text.js';

/** The part of the QBO API write-back calls. */
export type WritebackApi = Pick<QboApiClient, 'batchUpdate' | 'update' | 'query'>;

export interface WritebackExecutorOptions {
  /** Operations per batch request: QuickBooks' maximum. */
  batchSize: number;
  /** Attempts of a row that fails transiently before it is parked as failed. */
  maxAttempts: number;
  /** Backoff between those attempts: base × 2^(attempt − 1). */
  retryBaseMs: number;
  /** A row in flight this long was left by a process that died; it is taken again. */
  staleAfterMs: number;
  /** Stale-SyncToken conflicts (5010) merged, re-read and retried at once, per row. */
  conflictRetries: number;
}

export const DEFAULT_EXECUTOR_OPTIONS: WritebackExecutorOptions = {
  batchSize: 30,
  maxAttempts: 5,
  retryBaseMs: 60_000,
  staleAfterMs: 10 * 60_000,
  conflictRetries: 3,
};

export interface DrainReport {
  /** Rows that changed something in QuickBooks. */
  written: number;
  /** Rows that found QuickBooks already as they wanted it (after a crash, or a change made elsewhere). */
  alreadyThere: number;
  /** Rows not written by choice: an excluded customer, a person's edit kept, the record gone. */
  skipped: number;
  /** Rows parked as failed (permanent errors, or out of attempts). */
  failed: number;
  /** Rows that failed transiently and wait for their next attempt. */
  retrying: number;
  /** Stale-SyncToken conflicts merged. */
  conflicts: number;
  /** The company must reconnect: draining stopped and the rows wait. */
  reconnectNeeded: boolean;
}

/** A drain that has done nothing yet. */
export function emptyDrainReport(): DrainReport {
  return { written: 0, alreadyThere: 0, skipped: 0, failed: 0, retrying: 0, conflicts: 0, reconnectNeeded: false };
}

export interface WritebackExecutorDeps {
  store: WritebackStore;
  localCopy: Pick<LocalCopyReader, 'rawEntities'>;
  localCopyWriter: LocalCopyWriter;
  /** Customers excluded from automatic actions, read again before every batch. */
  excludedCustomers(realmId: string): Promise<Set<string>>;
  qbo: <T>(realmId: string, call: (api: WritebackApi) => Promise<T>) => Promise<T>;
  clock: Clock;
  logger: Logger;
  activity: Pick<ActivityLog, 'record'>;
  options?: Partial<WritebackExecutorOptions>;
}

type Prepared = { row: Writeback; entity: QboEntity; change: Extract<EntityChange, { write: true }> };

/** A requestid for one row sent against one version of its entity: the same on a replay, new after a re-read. */
export function requestIdFor(row: Pick<Writeback, 'requestId'>, syncToken: string): string {
  const h = createHash('sha256').update(`${row.requestId}:${syncToken}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * Drains a company's write-back outbox: batches of up to 30 sparse updates merged against the local copy's
 * SyncToken, through the per-company rate limiter. A stale SyncToken (5010) is re-read, merged again and retried;
 * every other failure is sorted into reconnect-needed (stop, rows wait), transient (backoff) or permanent (parked
 * as failed, with QuickBooks' words and intuit_tid).
 */
export class WritebackExecutor {
  private readonly o: WritebackExecutorOptions;

  constructor(private readonly d: WritebackExecutorDeps) {
    this.o = { ...DEFAULT_EXECUTOR_OPTIONS, ...d.options };
  }

  /** Rows in flight since before this instant were left by a process that died: a drain takes them again. */
  staleBefore(now: Date): Date {
    return new Date(now.getTime() - this.o.staleAfterMs);
  }

  async drain(realmId: string, o: { onProgress?: (r: DrainReport) => void } = {}): Promise<DrainReport> {
    const report = emptyDrainReport();
    for (;;) {
      const now = this.d.clock.now();
      const rows = await this.d.store.claim(realmId, {
        now,
        staleBefore: this.staleBefore(now),
        limit: this.o.batchSize,
      });
      if (rows.length === 0) return report;
      await this.runBatch(realmId, rows, report);
      o.onProgress?.({ ...report });
      if (report.reconnectNeeded) return report;
    }
  }

  private async runBatch(realmId: string, rows: Writeback[], report: DrainReport): Promise<void> {
    const excluded = await this.d.excludedCustomers(realmId);
    const current = await this.currentEntities(realmId, rows);
    const prepared: Prepared[] = [];
    for (const row of rows) {
      const entity = current.get(key(row.targetType, row.targetId));
      if (excluded.has(row.customerId)) await this.skip(row, 'excluded', report);
      else if (!entity) await this.skip(row, 'record-gone', report);
      else {
        const change = changeFor(row.kind, row.payload, entity);
        if (change.write) prepared.push({ row, entity, change });
        else await this.noWrite(row, change, 0, report);
      }
    }
    if (prepared.length === 0) return;
    const updates: BatchUpdate[] = prepared.map((p, i) => ({
      bId: `b${i}`,
      entity: p.row.targetType,
      body: p.change.body,
    }));
    let outcomes;
    try {
      outcomes = await this.d.qbo(realmId, (api) => api.batchUpdate(updates));
    } catch (err) {
      for (const p of prepared) await this.failed(p.row, err, report);
      return;
    }
    const conflicts: Prepared[] = [];
    const saved = prepared.flatMap((p, i) => {
      const entity = outcomes.get(`b${i}`)?.entity;
      return entity ? [{ p, entity }] : [];
    });
    // The batch's answers go into the local copy in one write per entity type, before any row is marked done.
    for (const type of ['Customer', 'Invoice'] as const) {
      const records = saved.filter((x) => x.p.row.targetType === type).map((x) => x.entity);
      await this.d.localCopyWriter.apply(realmId, type, records);
    }
    for (const [i, p] of prepared.entries()) {
      const outcome = outcomes.get(`b${i}`);
      if (outcome?.entity) await this.written(p, outcome.entity, 0, report, { inLocalCopy: true });
      else if (outcome?.error.code === '5010') conflicts.push(p);
      else
        await this.failed(
          p.row,
          outcome?.error ?? new QboTransient('QuickBooks did not answer this operation'),
          report,
        );
    }
    if (conflicts.length > 0) await this.resolveConflicts(realmId, conflicts, report);
  }

  /** Someone (or our own write before a crash) changed the record: read it again, merge, and write what is left. */
  private async resolveConflicts(realmId: string, conflicts: Prepared[], report: DrainReport): Promise<void> {
    let fresh: Map<string, QboEntity>;
    try {
      fresh = await this.readFresh(realmId, conflicts);
    } catch (err) {
      for (const p of conflicts) await this.failed(p.row, err, report);
      return;
    }
    for (const p of conflicts) {
      report.conflicts++;
      let entity = fresh.get(key(p.row.targetType, p.row.targetId));
      for (let round = 1; ; round++) {
        if (!entity) {
          await this.skip(p.row, 'record-gone', report);
          break;
        }
        const change = changeFor(p.row.kind, p.row.payload, entity);
        if (!change.write) {
          await this.noWrite(p.row, change, round, report);
          break;
        }
        try {
          const saved = await this.d.qbo(realmId, (api) =>
            api.update(p.row.targetType, change.body, requestIdFor(p.row, entity!.SyncToken)),
          );
          await this.written({ row: p.row, entity, change }, saved, round, report);
          break;
        } catch (err) {
          if (!(err instanceof QboError && err.code === '5010') || round >= this.o.conflictRetries) {
            await this.failed(p.row, err, report);
            break;
          }
          report.conflicts++;
          try {
            entity = (await this.readFresh(realmId, [p])).get(key(p.row.targetType, p.row.targetId));
          } catch (readErr) {
            await this.failed(p.row, readErr, report);
            break;
          }
        }
      }
    }
  }

  private async readFresh(realmId: string, items: Prepared[]): Promise<Map<string, QboEntity>> {
    const found = new Map<string, QboEntity>();
    for (const type of ['Customer', 'Invoice'] as const) {
      const ids = items.filter((p) => p.row.targetType === type).map((p) => p.row.targetId);
      if (ids.length === 0) continue;
      // Customer is a name list: without `Active IN (true, false)` QuickBooks leaves inactive customers out, and an
      // inactive customer would read as gone.
      const active = type === 'Customer' ? ' and Active IN (true, false)' : '';
      const page = await this.d.qbo(realmId, (api) =>
        api.query(type, `where Id in ${quotedList(ids)}${active} maxresults 1000`),
      );
      await this.d.localCopyWriter.apply(realmId, type, page.rows);
      for (const e of page.rows) found.set(key(type, e.Id), e);
    }
    return found;
  }

  private async currentEntities(realmId: string, rows: Writeback[]): Promise<Map<string, QboEntity>> {
    const found = new Map<string, QboEntity>();
    for (const type of ['Customer', 'Invoice'] as const) {
      const ids = rows.filter((r) => r.targetType === type).map((r) => r.targetId);
      if (ids.length === 0) continue;
      for (const e of await this.d.localCopy.rawEntities(realmId, type, ids)) found.set(key(type, e.Id), e);
    }
    return found;
  }

  private async written(
    p: Prepared,
    saved: QboEntity,
    conflicts: number,
    report: DrainReport,
    o: { inLocalCopy?: boolean } = {},
  ): Promise<void> {
    if (!o.inLocalCopy) await this.d.localCopyWriter.apply(p.row.realmId, p.row.targetType, [saved]);
    const result: WritebackResult = {
      outcome: 'written',
      fields: p.change.fields,
      notes: p.change.notes,
      omitted: p.change.omitted,
      syncToken: String(saved.SyncToken),
      ...(conflicts > 0 ? { conflicts } : {}),
    };
    await this.d.store.finish(p.row.id, { status: 'done', result, at: this.d.clock.now() });
    report.written++;
    await this.d.activity.record(p.row.realmId, {
      actor: p.row.actor,
      kind: 'write',
      summary: writeSummary(p.row, result),
      customerId: p.row.customerId,
      detail: { writebackId: p.row.id, kind: p.row.kind, target: `${p.row.targetType} ${p.row.targetId}`, result },
    });
  }

  private async noWrite(
    row: Writeback,
    change: Extract<EntityChange, { write: false }>,
    conflicts: number,
    report: DrainReport,
  ): Promise<void> {
    const result: WritebackResult = {
      outcome: change.reason,
      fields: [],
      omitted: change.omitted,
      ...(conflicts > 0 ? { conflicts } : {}),
    };
    if (change.reason === 'already-in-quickbooks' || change.reason === 'no-block') {
      await this.d.store.finish(row.id, { status: 'done', result, at: this.d.clock.now() });
      report.alreadyThere++;
    } else await this.skip(row, change.reason, report, result);
  }

  private async skip(row: Writeback, outcome: string, report: DrainReport, result?: WritebackResult): Promise<void> {
    await this.d.store.finish(row.id, {
      status: 'skipped',
      result: result ?? { outcome, fields: [] },
      at: this.d.clock.now(),
    });
    report.skipped++;
  }

  private async failed(row: Writeback, err: unknown, report: DrainReport): Promise<void> {
    const at = this.d.clock.now();
    if (err instanceof QboReauthRequired) {
      await this.d.store.release([row.id], at);
      report.reconnectNeeded = true;
      return;
    }
    const qbo = err instanceof QboError ? err : undefined;
    const transient = qbo?.errorClass === 'transient' || qbo === undefined;
    const retry = transient && row.attempts < this.o.maxAttempts;
    const retryAt = retry ? new Date(at.getTime() + this.o.retryBaseMs * 2 ** (row.attempts - 1)) : null;
    await this.d.store.fail(row.id, {
      error: {
        errorClass: qbo?.errorClass ?? 'unknown',
        code: qbo?.code ?? null,
        message: (err as Error).message ?? String(err),
        intuitTid: qbo?.intuitTid ?? null,
      },
      retryAt,
      at,
    });
    if (retry) report.retrying++;
    else report.failed++;
    if (!qbo) this.d.logger.error({ err, writebackId: row.id }, 'write-back failed unexpectedly');
  }
}

function key(type: string, id: string): string {
  return `${type}:${id}`;
}
