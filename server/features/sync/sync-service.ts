import { randomUUID } from 'node:crypto';
import { actorFor, type ActivityLog } from '../activity/activity-log.js';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import type { QboApiClient, QboEntity, QueryPage } from '../../qbo/qbo-api-client.js';
import { QboError, QboReauthRequired } from '../../qbo/qbo-errors.js';
import type { RealmCallStats } from '../../qbo/rate-limiter.js';
import type { ConnectionStore } from '../connections/connection-store-type.js';
import type { JobLockStore } from '../jobs/job-lock-store-type.js';
import { qboInstant } from './qbo-mappers.js';
import { SYNC_ENTITIES, type SyncEntity } from './sync-entities.js';
import type { SyncRun, SyncState, SyncStore } from './sync-store-type.js';
import type { CompanySettingsStore } from './company-settings-store-type.js';
import { readCompanySettings } from './company-settings.js';
import { withJobLock } from '../jobs/with-job-lock.js';

export const PAGE_SIZE = 1000;
const DAY = 86_400_000;

export interface SyncOptions {
  /** Incremental reads start this far before the cursor, so late-visible changes are not missed. */
  overlapMs: number;
  /** CDC looks back 30 days; past this age the cursor falls back to query mode. */
  cdcMaxAgeMs: number;
  /** How often a full pass with mark-and-sweep catches deletions query mode cannot see. */
  reconcileEveryMs: number;
}
export const DEFAULT_SYNC_OPTIONS: SyncOptions = {
  overlapMs: 5 * 60_000,
  cdcMaxAgeMs: 29 * DAY,
  reconcileEveryMs: 7 * DAY,
};

export interface SyncProgress {
  entity: string;
  mode: string;
  rows: number;
  pages: number;
}

export class SyncBusyError extends Error {
  constructor(realmId: string) {
    super(`A sync of company ${realmId} is already running.`);
  }
}

/** The part of the QBO API a sync calls. */
export type SyncApi = Pick<QboApiClient, 'query' | 'cdc' | 'getCompanyInfo' | 'getPreferences'>;

export interface SyncServiceDeps {
  store: SyncStore;
  connections: Pick<ConnectionStore, 'setStatus' | 'updateDetails'>;
  locks: JobLockStore;
  /** A call to QBO for this company: token from the vault, through the per-realm rate limiter. */
  qbo: <T>(realmId: string, call: (api: SyncApi) => Promise<T>) => Promise<T>;
  callStats: (realmId: string) => RealmCallStats;
  /** Keeps CompanyInfo and Preferences (two fixed calls per sync). */
  settings: CompanySettingsStore;
  clock: Clock;
  logger: Logger;
  /** Where finished runs are written for the activity log. */
  activity?: Pick<ActivityLog, 'record'>;
  options?: Partial<SyncOptions>;
}

type Counts = Record<string, { upserted: number; deleted: number }>;

export interface SyncRequest {
  full?: boolean;
  trigger?: string;
  actor?: string;
  onProgress?: (p: SyncProgress) => void;
}

interface FinishedRun {
  runId: number;
  status: 'succeeded' | 'failed';
  counts: Counts;
  failure: Error | undefined;
}

/**
 * One registry-driven engine for every entity. A first sync is a full pass paged by a time keyset
 * (MetaData.LastUpdatedTime, then position within one second), the cursor committed with each page. Later
 * syncs use CDC while the cursor is young, query mode past 29 days, and a periodic full pass that sweeps
 * away what QuickBooks no longer has. A crash resumes from the last committed page.
 */
export class SyncService {
  private readonly o: SyncOptions;

  constructor(private readonly d: SyncServiceDeps) {
    this.o = { ...DEFAULT_SYNC_OPTIONS, ...d.options };
  }

  async sync(realmId: string, opts: SyncRequest = {}): Promise<SyncRun> {
    const lock = { job: 'sync', bucket: realmId, staleAfterMs: 30 * 60_000, rerunFinished: true };
    const locked = await withJobLock(this.d.locks, this.d.clock, lock, () => this.syncHoldingLock(realmId, opts));
    if (!locked.acquired) throw new SyncBusyError(realmId);
    const { runId, status, counts, failure } = locked.value;
    const run = (await this.d.store.runs(realmId, 1))[0]!;
    this.d.logger.info({ realmId, runId, status, mode: run.mode, apiCalls: run.apiCalls }, 'sync finished');
    const changed = Object.values(counts).reduce((sum, c) => sum + c.upserted + c.deleted, 0);
    await this.d.activity?.record(realmId, {
      actor: actorFor(opts.trigger, opts.actor),
      kind: 'sync',
      summary:
        status === 'succeeded'
          ? `Synced from QuickBooks (${run.mode}): ${changed.toLocaleString('en-US')} records changed, ` +
            `${run.apiCalls} API calls`
          : `Sync failed: ${failure?.message ?? 'unknown error'}`,
      detail: { runId, status, mode: run.mode, counts, apiCalls: run.apiCalls },
    });
    return run;
  }

  /** The run itself, from starting its row to finishing it; the caller holds the company's sync lock. */
  private async syncHoldingLock(
    realmId: string,
    opts: SyncRequest,
  ): Promise<{ value: FinishedRun; status: 'succeeded' | 'failed' }> {
    const now = this.d.clock.now();
    await this.d.store.failAbandonedRuns(realmId, now);
    const runId = await this.d.store.startRun(
      realmId,
      opts.trigger ?? 'manual',
      opts.full ? 'full' : 'incremental',
      now,
    );
    const before = this.d.callStats(realmId);
    const counts: Counts = {};
    const modes = new Set<string>();
    const progress = async (p: SyncProgress) => {
      opts.onProgress?.(p);
      const s = this.d.callStats(realmId);
      await this.d.store.updateRun(runId, {
        progress: p,
        apiCalls: s.calls - before.calls,
        throttledMs: s.throttledMs - before.throttledMs,
      });
    };
    let status: 'succeeded' | 'failed' = 'succeeded';
    let failure: QboError | Error | undefined;
    try {
      const settings = await this.d.qbo(realmId, (api) => readCompanySettings(realmId, api));
      await this.d.settings.save(realmId, settings, this.d.clock.now());
      // The company row belongs to the connections feature: its name and currency follow QuickBooks.
      const { companyName, homeCurrency, timeZone } = settings;
      await this.d.connections.updateDetails(realmId, { companyName, homeCurrency, timeZone }, this.d.clock.now());
      const states = await this.d.store.states(realmId);
      const plan = this.plan(states, opts.full === true);
      for (const entity of plan.full) {
        modes.add('full');
        counts[entity.name] = await this.keysetPass(realmId, entity, states.get(entity.name), 'full', progress);
      }
      for (const entity of plan.query) {
        modes.add('query');
        counts[entity.name] = await this.keysetPass(realmId, entity, states.get(entity.name), 'query', progress);
      }
      if (plan.cdc.length > 0) {
        modes.add('cdc');
        const overflow = await this.cdcPass(realmId, plan.cdc, states, counts, progress);
        for (const entity of overflow) {
          modes.add('query');
          counts[entity.name] = await this.keysetPass(realmId, entity, states.get(entity.name), 'query', progress);
        }
      }
    } catch (err) {
      status = 'failed';
      failure = err as Error;
      if (err instanceof QboReauthRequired)
        await this.d.connections.setStatus(realmId, 'needs_reauth', this.d.clock.now());
      this.d.logger.warn(
        {
          realmId,
          errorClass: err instanceof QboError ? err.errorClass : 'unknown',
          intuitTid: err instanceof QboError ? err.intuitTid : undefined,
          err: err instanceof QboError ? undefined : err,
        },
        'sync failed',
      );
    }
    const after = this.d.callStats(realmId);
    const finishedAt = this.d.clock.now();
    await this.d.store.updateRun(runId, {
      mode: [...modes].join('+') || 'none',
      counts,
      apiCalls: after.calls - before.calls,
      throttledMs: after.throttledMs - before.throttledMs,
    });
    await this.d.store.finishRun(runId, {
      status,
      at: finishedAt,
      ...(failure
        ? { errorMessage: failure.message, errorClass: failure instanceof QboError ? failure.errorClass : 'permanent' }
        : {}),
      ...(failure instanceof QboError && failure.code ? { errorCode: failure.code } : {}),
      ...(failure instanceof QboError && failure.intuitTid ? { intuitTid: failure.intuitTid } : {}),
    });
    return { value: { runId, status, counts, failure }, status };
  }

  /** Which entities need a full pass, which can use CDC, and which must fall back to query mode. */
  private plan(
    states: Map<string, SyncState>,
    forceFull: boolean,
  ): { full: SyncEntity[]; cdc: SyncEntity[]; query: SyncEntity[] } {
    const now = this.d.clock.now().getTime();
    const plan = { full: [] as SyncEntity[], cdc: [] as SyncEntity[], query: [] as SyncEntity[] };
    for (const entity of SYNC_ENTITIES) {
      const s = states.get(entity.name);
      const reconcileDue = !s?.lastReconcileAt || now - s.lastReconcileAt.getTime() > this.o.reconcileEveryMs;
      if (forceFull || !s || s.phase === 'full' || !s.watermarkAt || reconcileDue) plan.full.push(entity);
      // Lists CDC does not report (CustomerType) change rarely: they are refreshed by the reconcile pass.
      else if (!entity.cdc) continue;
      else if (now - s.watermarkAt.getTime() < this.o.cdcMaxAgeMs) plan.cdc.push(entity);
      else plan.query.push(entity);
    }
    return plan;
  }

  /**
   * Pages an entity ordered by LastUpdatedTime from the cursor, 1,000 rows at a time, continuing within a
   * second by position so no page is read twice. `full` marks rows seen and sweeps the rest at the end;
   * `query` starts an overlap before the cursor and leaves deletions to the next reconcile.
   */
  private async keysetPass(
    realmId: string,
    entity: SyncEntity,
    prior: SyncState | undefined,
    mode: 'full' | 'query',
    progress: (p: SyncProgress) => Promise<void>,
  ) {
    const resume = mode === 'full' && prior?.phase === 'full' && prior.fullSweepId !== null;
    let state: SyncState = resume
      ? prior!
      : mode === 'full'
        ? {
            entity: entity.name,
            phase: 'full',
            watermarkRaw: null,
            watermarkAt: null,
            watermarkSkip: 0,
            fullSweepId: randomUUID(),
            fullStartedAt: null,
            lastSuccessAt: prior?.lastSuccessAt ?? null,
            lastReconcileAt: prior?.lastReconcileAt ?? null,
          }
        : { ...prior!, ...this.overlapCursor(prior!) };
    const counts = { upserted: 0, deleted: 0 };
    let pages = 0;
    let rowsRead = 0;
    for (;;) {
      const page: QueryPage = await this.d.qbo(realmId, (api) => api.query(entity.name, criteria(entity, state)));
      pages++;
      rowsRead += page.rows.length;
      const next: SyncState = { ...state, ...advance(state, page.rows) };
      if (mode === 'full' && next.fullStartedAt === null)
        next.fullStartedAt = qboInstant(page.time) ?? this.d.clock.now();
      const written = await this.d.store.writePage(realmId, entity, {
        upserts: page.rows.map((r) => entity.map(realmId, r)),
        sweepId: mode === 'full' ? next.fullSweepId : null,
        state: next,
      });
      counts.upserted += written.upserted;
      state = next;
      await progress({ entity: entity.name, mode, rows: rowsRead, pages });
      if (page.rows.length < PAGE_SIZE) break;
    }
    const now = this.d.clock.now();
    if (mode === 'full') {
      counts.deleted += await this.d.store.sweep(realmId, entity, state.fullSweepId!, now);
      // The pass saw everything that existed when it began; the next sync starts there (changes made while it
      // ran are read again, harmlessly).
      const cursorAt = state.fullStartedAt ?? now;
      state = {
        ...state,
        phase: 'incremental',
        watermarkAt: cursorAt,
        watermarkRaw: cursorAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        watermarkSkip: 0,
        fullSweepId: null,
        fullStartedAt: null,
        lastReconcileAt: now,
        lastSuccessAt: now,
      };
    } else {
      // Query mode cannot see deletions: the next run reconciles.
      state = { ...state, lastSuccessAt: now, lastReconcileAt: null };
    }
    await this.d.store.saveState(realmId, state);
    return counts;
  }

  private overlapCursor(s: SyncState): Pick<SyncState, 'watermarkRaw' | 'watermarkAt' | 'watermarkSkip'> {
    const from = new Date((s.watermarkAt?.getTime() ?? 0) - this.o.overlapMs);
    return { watermarkAt: from, watermarkRaw: from.toISOString().replace(/\.\d{3}Z$/, 'Z'), watermarkSkip: 0 };
  }

  /**
   * One CDC call for all young cursors; answers of 1,000 objects were cut short and go per entity, then to query mode.
   */
  private async cdcPass(
    realmId: string,
    entities: SyncEntity[],
    states: Map<string, SyncState>,
    counts: Counts,
    progress: (p: SyncProgress) => Promise<void>,
  ): Promise<SyncEntity[]> {
    const since = (list: SyncEntity[]) =>
      new Date(Math.min(...list.map((e) => states.get(e.name)!.watermarkAt!.getTime())) - this.o.overlapMs);
    const all = await this.d.qbo(realmId, (api) =>
      api.cdc(
        entities.map((e) => e.name),
        since(entities),
      ),
    );
    const total = [...all.byEntity.values()].reduce((n, rows) => n + rows.length, 0);
    const results = total < PAGE_SIZE ? [all] : [];
    const overflow: SyncEntity[] = [];
    if (total >= PAGE_SIZE) {
      for (const e of entities) {
        const one = await this.d.qbo(realmId, (api) => api.cdc([e.name], since([e])));
        if ((one.byEntity.get(e.name)?.length ?? 0) >= PAGE_SIZE) overflow.push(e);
        else results.push(one);
      }
    }
    for (const result of results) {
      const at = qboInstant(result.time) ?? this.d.clock.now();
      for (const [name, rows] of result.byEntity) {
        const entity = entities.find((e) => e.name === name)!;
        if (overflow.includes(entity)) continue;
        const deleted = rows.filter((r) => r.status === 'Deleted');
        const live = rows.filter((r) => r.status !== 'Deleted');
        const state: SyncState = {
          ...states.get(name)!,
          watermarkAt: at,
          watermarkRaw: result.time,
          watermarkSkip: 0,
          lastSuccessAt: this.d.clock.now(),
        };
        const written = await this.d.store.writePage(realmId, entity, {
          upserts: live.map((r) => entity.map(realmId, r)),
          deletedIds: deleted.map((r) => String(r.Id)),
          deletedAt: at,
          sweepId: null,
          state,
        });
        counts[name] = written;
        await progress({ entity: name, mode: 'cdc', rows: rows.length, pages: 1 });
      }
    }
    return overflow;
  }
}

/** The query after `select * from <entity>` for the cursor; name lists must ask for inactive rows too. */
export function criteria(entity: SyncEntity, s: SyncState): string {
  const conditions = [
    ...(s.watermarkRaw ? [`MetaData.LastUpdatedTime >= '${s.watermarkRaw}'`] : []),
    ...(entity.nameList ? ['Active IN (true, false)'] : []),
  ];
  const where = conditions.length ? `where ${conditions.join(' and ')} ` : '';
  return `${where}orderby MetaData.LastUpdatedTime startposition ${s.watermarkSkip + 1} maxresults ${PAGE_SIZE}`;
}

/** The cursor after a page: its last LastUpdatedTime, and how many rows at exactly that time have been read. */
export function advance(
  s: SyncState,
  rows: readonly QboEntity[],
): Pick<SyncState, 'watermarkRaw' | 'watermarkAt' | 'watermarkSkip'> {
  if (rows.length === 0)
    return { watermarkRaw: s.watermarkRaw, watermarkAt: s.watermarkAt, watermarkSkip: s.watermarkSkip };
  const lastRaw = String((rows[rows.length - 1]!.MetaData as { LastUpdatedTime: string }).LastUpdatedTime);
  const last = qboInstant(lastRaw)!;
  const atLast = rows.filter(
    (r) => qboInstant((r.MetaData as { LastUpdatedTime: string }).LastUpdatedTime)?.getTime() === last.getTime(),
  ).length;
  const sameSecondAsBefore = s.watermarkAt !== null && s.watermarkAt.getTime() === last.getTime();
  return {
    watermarkRaw: lastRaw,
    watermarkAt: last,
    watermarkSkip: (sameSecondAsBefore ? s.watermarkSkip : 0) + atLast,
  };
}
