import type { QboErrorClass } from '../../qbo/qbo-errors.js';
import type { WritebackKind } from './domain/entity-changes.js';
import type { WritebackSettings, WriteTarget } from './domain/writeback-plan.js';

export const WRITEBACK_STATUSES = ['pending', 'in_flight', 'done', 'failed', 'skipped', 'superseded'] as const;
export type WritebackStatus = (typeof WRITEBACK_STATUSES)[number];
export const WRITEBACK_ORIGINS = ['nightly', 'cli', 'panel', 'removal', 'reminders'] as const;
export type WritebackOrigin = (typeof WRITEBACK_ORIGINS)[number];

/** What a finished row did: the fields it changed in QuickBooks (none when there was nothing to write), and why. */
export interface WritebackResult {
  /** 'written', or why nothing was written ('already-in-quickbooks', 'edited-block-kept', 'excluded', ...). */
  outcome: string;
  fields: string[];
  /** Notes as written (customer rows), or PrivateNote (invoice notes). */
  notes?: string | undefined;
  /** Parts of the label a shorter form left out for lack of room. */
  omitted?: string[] | undefined;
  /** The entity's SyncToken after the write. */
  syncToken?: string | undefined;
  /** Stale-SyncToken conflicts (5010) merged on the way. */
  conflicts?: number | undefined;
}

/** One intended write into QuickBooks (qbo_writebacks). */
export interface Writeback extends WriteTarget {
  id: number;
  realmId: string;
  requestId: string;
  status: WritebackStatus;
  origin: WritebackOrigin;
  actor: string;
  attempts: number;
  nextAttemptAt: Date;
  lastError: {
    errorClass: QboErrorClass | 'unknown';
    code: string | null;
    message: string;
    intuitTid: string | null;
  } | null;
  result: WritebackResult | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

export interface NewWriteback extends WriteTarget {
  realmId: string;
  origin: WritebackOrigin;
  actor: string;
  /** 'skipped' records a decision not to write (an edited block kept) once, for the page and the log. */
  status?: 'pending' | 'skipped' | undefined;
  result?: WritebackResult | undefined;
}

export interface WritebackQuery {
  status?: WritebackStatus | undefined;
  kind?: WritebackKind | undefined;
  customerId?: string | undefined;
  /** Keyset paging: rows older than this id. */
  beforeId?: number | undefined;
  limit?: number | undefined;
}

/**
 * The write-back outbox (qbo_writebacks) and each company's write-back settings (writeback_settings); all scoped
 * by realm.
 */
export interface WritebackStore {
  /**
   * Adds rows whose idempotency keys are new, in one transaction; a new pending row for a target supersedes the
   * pending rows of the same kind and target that it replaces (not for notes: `supersedesPending`). Returns the
   * rows added.
   */
  enqueue(rows: readonly NewWriteback[], at: Date): Promise<Writeback[]>;
  /**
   * Takes up to `limit` rows due by `now` (pending, or in flight since before `staleBefore`: left by a process
   * that died) and marks them in flight, one attempt more, oldest first.
   */
  claim(realmId: string, o: { now: Date; staleBefore: Date; limit: number }): Promise<Writeback[]>;
  finish(id: number, o: { status: 'done' | 'skipped'; result: WritebackResult; at: Date }): Promise<void>;
  /** A failed attempt: back to pending at `retryAt`, or parked as failed when `retryAt` is null. */
  fail(id: number, o: { error: NonNullable<Writeback['lastError']>; retryAt: Date | null; at: Date }): Promise<void>;
  /** Rows given back without an attempt counted (the company must reconnect first). */
  release(ids: readonly number[], at: Date): Promise<void>;
  /** A failed row goes back to pending, its attempts reset; false when it is not a failed row of the company. */
  retry(realmId: string, id: number, at: Date): Promise<boolean>;
  get(realmId: string, id: number): Promise<Writeback | undefined>;
  /** Newest first. */
  list(realmId: string, q?: WritebackQuery): Promise<Writeback[]>;
  counts(realmId: string): Promise<Record<WritebackStatus, number>>;
  /**
   * Companies with rows due by `now`: pending rows whose time has come, and rows in flight since before
   * `staleBefore` (left by a process that died; {@link claim} takes them again).
   */
  realmsWithDueRows(now: Date, staleBefore: Date): Promise<string[]>;
  settings(realmId: string): Promise<WritebackSettings>;
  saveSettings(
    realmId: string,
    s: Omit<WritebackSettings, 'updatedAt' | 'updatedBy'>,
    by: string,
    at: Date,
  ): Promise<void>;
}
