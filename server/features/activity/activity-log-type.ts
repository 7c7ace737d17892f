export const ACTIVITY_KINDS = ['sync', 'score', 'write', 'email', 'settings', 'customer', 'connection'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

export interface ActivityEntry {
  id: number;
  at: Date;
  /** Who did it: a person ("Ada Lovelace") or the system ("Nightly schedule", "QuickBooks webhook", "CLI"). */
  actor: string;
  kind: ActivityKind;
  summary: string;
  /** The customer the entry is about (a write, a customer action), if one. */
  customerId: string | null;
  /** The part of Settings a settings entry changed ('policy', 'schedule', ...). */
  section: string | null;
  detail: Record<string, unknown> | null;
}

export interface NewActivityEntry {
  actor: string;
  kind: ActivityKind;
  summary: string;
  customerId?: string | undefined;
  section?: string | undefined;
  detail?: Record<string, unknown> | undefined;
}

export interface ActivityQuery {
  kind?: ActivityKind | undefined;
  customerId?: string | undefined;
  section?: string | undefined;
  /** Keyset paging: entries older than this id. */
  beforeId?: number | undefined;
  limit?: number | undefined;
}

/**
 * Every sync, score run, write into QuickBooks, email, setting change and customer action, with who and when:
 * an append-only log per company (activity_log).
 */
export interface ActivityLog {
  record(realmId: string, entry: NewActivityEntry): Promise<void>;
  /** Newest first; `beforeId` pages back (keyset, so a page never repeats or skips while new entries arrive). */
  list(realmId: string, query?: ActivityQuery): Promise<ActivityEntry[]>;
  /** The newest settings entry of one section of Settings. */
  lastChange(realmId: string, section: string): Promise<ActivityEntry | undefined>;
}
