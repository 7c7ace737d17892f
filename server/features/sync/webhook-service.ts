import type { ActivityLog } from '../activity/activity-log.js';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import type { QboApiClient } from '../../qbo/qbo-api-client.js';
import { QboError } from '../../qbo/qbo-errors.js';
import type { ConnectionStore } from '../connections/connection-store-type.js';
import { syncEntity } from './sync-entities.js';
import type { SyncStore } from './sync-store-type.js';
import type { WebhookEvent, WebhookEventStore } from './webhook-event-store-type.js';
import { notifiedAt, type EntityNotification } from './webhook-notifications.js';

export interface WebhookServiceDeps {
  store: SyncStore;
  events: WebhookEventStore;
  connections: Pick<ConnectionStore, 'getCompany'>;
  qbo: <T>(realmId: string, call: (api: Pick<QboApiClient, 'read'>) => Promise<T>) => Promise<T>;
  clock: Clock;
  logger: Logger;
  activity?: Pick<ActivityLog, 'record'>;
}

/**
 * Webhook notifications become queued rows (one per waiting object) and the request is answered
 * at once; a drain then refreshes exactly the named entities: one read each, or a deletion mark, and no read at all
 * for a version the local copy already holds (the echo of Duesense's own write). Rows are guarded by
 * LastUpdatedTime, so out-of-order and repeated notifications are harmless.
 */
export class WebhookService {
  private draining: Promise<number> | undefined;

  constructor(private readonly d: WebhookServiceDeps) {}

  /** Queues notifications for connected companies and entities we keep; returns how many were new. */
  async enqueue(notifications: EntityNotification[]): Promise<number> {
    const now = this.d.clock.now();
    let queued = 0;
    for (const n of notifications) {
      const entity = syncEntity(n.entity);
      const company = entity ? await this.d.connections.getCompany(n.realmId) : undefined;
      if (!entity || company?.status !== 'connected') continue;
      // Duplicates and bursts for one object need one read: a notification joins the one already waiting.
      const event = {
        realmId: n.realmId,
        entity: entity.name,
        qboId: n.id,
        operation: n.operation,
        lastUpdated: n.lastUpdated,
      };
      if (await this.d.events.enqueue(event, now)) queued++;
    }
    return queued;
  }

  /** Processes queued notifications; one drain at a time in this process. Returns how many were handled. */
  drain(): Promise<number> {
    this.draining ??= this.drainOnce().finally(() => (this.draining = undefined));
    return this.draining;
  }

  private async drainOnce(): Promise<number> {
    let handled = 0;
    for (;;) {
      const pending = await this.d.events.pending(200);
      if (pending.length === 0) return handled;
      // Several notifications for one object need one read.
      const targets = new Map<string, (typeof pending)[number]>();
      for (const p of pending) targets.set(`${p.realmId}|${p.entity}|${p.qboId}`, p);
      const held = await this.alreadyHeld([...targets.values()]);
      const refreshed = new Map<string, string[]>();
      for (const t of targets.values()) {
        if (held.has(t)) continue;
        try {
          await this.refresh(t.realmId, t.entity, t.qboId, t.operation);
          refreshed.set(t.realmId, [
            ...(refreshed.get(t.realmId) ?? []),
            `${t.entity} ${t.qboId}${t.operation === 'Delete' ? ' (deleted)' : ''}`,
          ]);
        } catch (err) {
          this.d.logger.warn(
            {
              realmId: t.realmId,
              entity: t.entity,
              errorClass: err instanceof QboError ? err.errorClass : 'unknown',
              intuitTid: err instanceof QboError ? err.intuitTid : undefined,
            },
            'webhook refresh failed; the next sync will catch up',
          );
        }
      }
      await this.d.events.markProcessed(
        pending.map((p) => p.id),
        this.d.clock.now(),
      );
      handled += pending.length;
      for (const [realmId, what] of refreshed) {
        await this.d.activity?.record(realmId, {
          actor: 'QuickBooks webhook',
          kind: 'sync',
          summary:
            `Refreshed ${what.length} record${what.length === 1 ? '' : 's'} QuickBooks said had changed: ` +
            `${what.slice(0, 5).join(', ')}${what.length > 5 ? ', …' : ''}`,
          detail: { records: what },
        });
      }
    }
  }

  /**
   * Notifications of versions the local copy already holds, found without calling QuickBooks: the record's
   * LastUpdatedTime in the local copy is at or after the notification's `lastUpdated`. These are mostly the echoes of
   * Duesense's own writes, whose answers the write-back already put into the local copy. Deletions, merges and
   * notifications without a time are always acted on. LastUpdatedTime has one-second resolution: a person's change in
   * the same second as an earlier version the copy holds looks the same, and is picked up by the next sync (its CDC
   * window overlaps, and a row with an equal time replaces the stored one).
   */
  private async alreadyHeld(events: readonly WebhookEvent[]): Promise<Set<WebhookEvent>> {
    const groups = new Map<string, WebhookEvent[]>();
    for (const e of events) {
      if (e.operation === 'Delete' || e.operation === 'Merge' || notifiedAt(e.lastUpdated) === undefined) continue;
      const key = `${e.realmId}|${e.entity}`;
      groups.set(key, [...(groups.get(key) ?? []), e]);
    }
    const held = new Set<WebhookEvent>();
    for (const group of groups.values()) {
      const { realmId, entity } = group[0]!;
      const local = await this.d.store.updatedAt(
        realmId,
        syncEntity(entity)!,
        group.map((e) => e.qboId),
      );
      for (const e of group) {
        const at = local.get(e.qboId);
        if (at !== undefined && at.getTime() >= notifiedAt(e.lastUpdated)!) held.add(e);
      }
    }
    if (held.size > 0) this.d.logger.debug({ skipped: held.size }, 'webhook: versions already in the local copy');
    return held;
  }

  private async refresh(realmId: string, entityName: string, id: string, operation: string): Promise<void> {
    const entity = syncEntity(entityName)!;
    const remote = operation === 'Delete' ? undefined : await this.d.qbo(realmId, (api) => api.read(entity.name, id));
    if (remote) {
      await this.d.store.writePage(realmId, entity, {
        upserts: [entity.map(realmId, remote)],
        sweepId: null,
        state: null,
      });
    } else {
      const at = this.d.clock.now();
      await this.d.store.writePage(realmId, entity, {
        upserts: [],
        deletedIds: [id],
        deletedAt: at,
        sweepId: null,
        state: null,
      });
    }
  }
}
