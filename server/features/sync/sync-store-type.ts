import type { MappedEntity } from './qbo-mappers.js';
import type { SyncEntity } from './sync-entities.js';

/** Where one entity's copy stands: its phase and the keyset cursor the next page starts from. */
export interface SyncState {
  entity: string;
  phase: 'full' | 'incremental';
  watermarkRaw: string | null;
  watermarkAt: Date | null;
  watermarkSkip: number;
  fullSweepId: string | null;
  fullStartedAt: Date | null;
  lastSuccessAt: Date | null;
  lastReconcileAt: Date | null;
}

export interface SyncRun {
  id: number;
  realmId: string;
  trigger: string;
  mode: string;
  status: 'running' | 'succeeded' | 'failed';
  startedAt: Date;
  finishedAt: Date | null;
  progress: { entity?: string; mode?: string; rows?: number; pages?: number } | null;
  counts: Record<string, { upserted: number; deleted: number }> | null;
  apiCalls: number;
  throttledMs: number;
  errorClass: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  intuitTid: string | null;
}

/** One page for the local copy: rows to upsert, ids QuickBooks deleted, and the cursor that follows the page. */
export interface SyncPage {
  upserts: MappedEntity[];
  deletedIds?: string[];
  deletedAt?: Date;
  /** The full pass the rows were seen in (mark-and-sweep), or null outside a full pass. */
  sweepId: string | null;
  /** Null for targeted refreshes (webhooks), which write rows without moving the cursor. */
  state: SyncState | null;
}

export type SyncRunPatch = Partial<Pick<SyncRun, 'mode' | 'progress' | 'counts' | 'apiCalls' | 'throttledMs'>>;

export interface SyncRunOutcome {
  status: 'succeeded' | 'failed';
  at: Date;
  errorClass?: string;
  errorCode?: string;
  errorMessage?: string;
  intuitTid?: string;
}

/** The local copy's writes (qbo_* tables, qbo_sync_state) and the sync run log (qbo_sync_runs). */
export interface SyncStore {
  states(realmId: string): Promise<Map<string, SyncState>>;
  saveState(realmId: string, state: SyncState): Promise<void>;
  /**
   * One page in one transaction: rows upserted unless the stored version is newer (by LastUpdatedTime), deletions
   * marked, and the cursor saved; all of it or none.
   */
  writePage(realmId: string, entity: SyncEntity, page: SyncPage): Promise<{ upserted: number; deleted: number }>;
  /** End of a full pass: marks deleted whatever the pass did not see. Returns how many rows it marked. */
  sweep(realmId: string, entity: SyncEntity, sweepId: string, at: Date): Promise<number>;
  /**
   * When each of these records last changed (QuickBooks' LastUpdatedTime) as the local copy holds it; records it does
   * not hold, or holds as deleted, are left out.
   */
  updatedAt(realmId: string, entity: SyncEntity, ids: readonly string[]): Promise<Map<string, Date>>;
  /** Rows not marked deleted, per entity name. */
  rowCounts(realmId: string, entities: readonly SyncEntity[]): Promise<Record<string, number>>;
  startRun(realmId: string, trigger: string, mode: string, at: Date): Promise<number>;
  updateRun(id: number, patch: SyncRunPatch): Promise<void>;
  finishRun(id: number, outcome: SyncRunOutcome): Promise<void>;
  /** The company's runs, newest first. */
  runs(realmId: string, limit?: number): Promise<SyncRun[]>;
  /** When the company's last successful sync finished; null if no sync of it has ever succeeded. */
  lastSucceededAt(realmId: string): Promise<Date | null>;
  /** Runs left "running" by a process that died are marked failed. */
  failAbandonedRuns(realmId: string, at: Date): Promise<void>;
}
