export type WebhookOperation = 'Create' | 'Update' | 'Delete' | 'Void' | 'Emailed' | 'Merge';

/** One entity change, as the emulated company reports it. `lastUpdated` is the entity's MetaData time. */
export interface EntityChange {
  realmId: string;
  entity: string;
  id: string;
  operation: WebhookOperation;
  lastUpdated: string;
}

export interface LegacyPayload {
  eventNotifications: Array<{
    realmId: string;
    dataChangeEvent: {
      entities: Array<{ id: string; operation: WebhookOperation; name: string; lastUpdated: string }>;
    };
  }>;
}

export interface CloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  datacontenttype: 'application/json';
  time: string;
  intuitentityid: string;
  intuitaccountid: string;
  data: Record<string, never>;
}

/** The legacy payload: one notification per realm, events in order (qbo-api.md §6). */
export function legacyPayload(events: readonly EntityChange[]): LegacyPayload {
  const byRealm = new Map<string, EntityChange[]>();
  for (const e of events) {
    const list = byRealm.get(e.realmId);
    if (list) list.push(e);
    else byRealm.set(e.realmId, [e]);
  }
  return {
    eventNotifications: [...byRealm].map(([realmId, list]) => ({
      realmId,
      dataChangeEvent: {
        entities: list.map((e) => ({
          id: e.id,
          operation: e.operation,
          name: e.entity,
          lastUpdated: toUtcIso(e.lastUpdated),
        })),
      },
    })),
  };
}

/** The CloudEvents `type` verb per operation; merge/void/email names are UNCONFIRMED by Intuit (§6). */
export const CLOUD_EVENT_VERBS: Readonly<Record<WebhookOperation, string>> = {
  Create: 'created',
  Update: 'updated',
  Delete: 'deleted',
  Void: 'voided',
  Emailed: 'emailed',
  Merge: 'merged',
};

/** Real sources look like "intuit.<opaque app id>"; the emulator's is fixed. */
export const CLOUD_EVENT_SOURCE = 'intuit.duesense-emulator';

/** The CloudEvents payload: a JSON array, one event per change, `type` qbo.<entity>.<verb>.v1. */
export function cloudEventsPayload(events: readonly EntityChange[], idFactory: () => string): CloudEvent[] {
  return events.map((e) => ({
    specversion: '1.0',
    id: idFactory(),
    source: CLOUD_EVENT_SOURCE,
    type: `qbo.${e.entity.toLowerCase()}.${CLOUD_EVENT_VERBS[e.operation]}.v1`,
    datacontenttype: 'application/json',
    time: toUtcIso(e.lastUpdated),
    intuitentityid: e.id,
    intuitaccountid: e.realmId,
    data: {},
  }));
}

/** Webhook times are UTC ("2025-09-08T20:52:31.657Z") while MetaData carries the company offset. */
function toUtcIso(qboTime: string): string {
  const d = new Date(qboTime);
  return Number.isNaN(d.getTime()) ? qboTime : d.toISOString();
}
