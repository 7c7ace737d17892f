import type { Clock } from '../../clock.js';
import type { ActivityLog } from '../activity/activity-log.js';
import type { AlertCounts, AlertFilter, AlertRow, RiskAlertStore } from '../risk/risk-alert-store-type.js';

/** The Alerts page: alerts raised by score runs, newest first, and acknowledging them with who and when, logged. */
export class AlertsPageService {
  constructor(private readonly d: { alerts: RiskAlertStore; activity: Pick<ActivityLog, 'record'>; clock: Clock }) {}

  /** One page of alerts (keyset: older than `beforeId`) and the company's counts. */
  async page(
    realmId: string,
    f: AlertFilter & { beforeId?: number; limit: number },
  ): Promise<{ rows: AlertRow[]; hasOlder: boolean; counts: AlertCounts }> {
    const [page, counts] = await Promise.all([this.d.alerts.page(realmId, f), this.d.alerts.counts(realmId)]);
    return { ...page, counts };
  }

  get(realmId: string, id: number): Promise<AlertRow | undefined> {
    return this.d.alerts.get(realmId, id);
  }

  /** Acknowledges one open alert and logs it about its customer; undefined when it was acknowledged already. */
  async acknowledgeOne(realmId: string, alert: AlertRow, actor: string): Promise<AlertRow | undefined> {
    const [done] = await this.d.alerts.acknowledge(realmId, [alert.id], actor, this.d.clock.now());
    if (!done) return undefined;
    await this.d.activity.record(realmId, {
      actor,
      kind: 'customer',
      summary: acknowledgedSummary([done]),
      customerId: done.customerId,
      detail: { action: 'acknowledge_alert', alertId: done.id, alertKind: done.kind },
    });
    return done;
  }

  /** Acknowledges the company's open alerts among `ids` (others are left alone) and logs them in one entry. */
  async acknowledgeMany(realmId: string, ids: readonly number[], actor: string): Promise<AlertRow[]> {
    const done = await this.d.alerts.acknowledge(realmId, ids, actor, this.d.clock.now());
    if (done.length === 0) return done;
    await this.d.activity.record(realmId, {
      actor,
      kind: 'customer',
      summary: acknowledgedSummary(done),
      detail: {
        action: 'acknowledge_alerts',
        alertIds: done.map((a) => a.id),
        customerIds: [...new Set(done.map((a) => a.customerId))],
      },
    });
    return done;
  }
}

/** A short account of acknowledged alerts for the activity log: the first three messages, then how many more. */
function acknowledgedSummary(alerts: readonly AlertRow[]): string {
  if (alerts.length === 1) return `Acknowledged the alert "${alerts[0]!.message}"`;
  const shown = alerts
    .slice(0, 3)
    .map((a) => a.message)
    .join('; ');
  return `Acknowledged ${alerts.length} alerts: ${shown}${alerts.length > 3 ? `; and ${alerts.length - 3} more` : ''}`;
}
