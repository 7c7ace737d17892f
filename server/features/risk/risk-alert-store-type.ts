/**
 * What a score run raises (risk-service.ts): a customer moved to a riskier band, or its score rose three runs in a row.
 */
export const ALERT_KINDS = ['band_up', 'rising'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export const ALERT_STATUSES = ['open', 'acknowledged', 'all'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export interface AlertFilter {
  status: AlertStatus;
  kind?: AlertKind;
}

export interface AlertRow {
  id: number;
  customerId: string;
  runId: number;
  kind: string;
  message: string;
  createdAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
}

export interface AlertCounts {
  open: number;
  acknowledged: number;
  byKind: Record<string, { open: number; acknowledged: number }>;
}

/**
 * The alerts score runs raise (risk_alerts), scoped by company. A run's alerts are written with the run, in its
 * transaction (score-run-store.ts calls insertRunAlerts); acknowledging goes through here.
 */
export interface RiskAlertStore {
  /** Up to `limit` alerts older than `beforeId` (all when absent), newest first, and whether older ones exist. */
  page(
    realmId: string,
    f: AlertFilter & { beforeId?: number; limit: number },
  ): Promise<{ rows: AlertRow[]; hasOlder: boolean }>;
  /** Open and acknowledged alerts of the company, per kind. */
  counts(realmId: string): Promise<AlertCounts>;
  get(realmId: string, id: number): Promise<AlertRow | undefined>;
  /** The messages of the alerts one run raised, in the order it raised them (the alert digest). */
  messagesForRun(realmId: string, runId: number): Promise<string[]>;
  /**
   * Acknowledges those of `ids` that belong to the company and are still open; returns them (already
   * acknowledged ones and other companies' ids are left alone and not returned).
   */
  acknowledge(realmId: string, ids: readonly number[], actor: string, at: Date): Promise<AlertRow[]>;
}
