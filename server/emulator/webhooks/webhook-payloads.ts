export type WebhookOperation = 'Create' | 'Update' | 'Delete' | 'Void' | 'Emailed' | 'Merge';

export interface EntityChange {
  realmId: string;
  entity: string;
  id: string;
  operation: WebhookOperation;
  lastUpdated: string;
}

/** The legacy payload: events grouped per realm (qbo-api.md §6). */
export function legacyPayload(events: readonly EntityChange[]): unknown {
  const byRealm = new Map<string, EntityChange[]>();
  for (const e of events) byRealm.set(e.realmId, [...(byRealm.get(e.realmId) ?? []), e]);
  return {
    eventNotifications: [...byRealm].map(([realmId, list]) => ({
      realmId,
      dataChangeEvent: {
        entities: list.map((e) => ({ id: e.id, operation: e.operation, name: e.entity, lastUpdated: toUtcIso(e.lastUpdated) })),
      },
    })),
  };
}

const CLOUD_EVENT_VERB: Record<WebhookOperation, string> = {
  Create: 'created', Update: 'updated', Delete: 'deleted', Void: 'voided', Emailed: 'emailed', Merge: 'merged',
};

/** The CloudEvents payload: a JSON array, one event each, `type` qbo.<entity>.<verb>.v1. */
export function cloudEventsPayload(events: readonly EntityChange[], newId: () => string): unknown {
  return events.map((e) => ({
    specversion: '1.0',
    id: newId(),
    source: 'intuit.duesense-emulator',
    type: `qbo.${e.entity.toLowerCase()}.${CLOUD_EVENT_VERB[e.operation]}.v1`,
    datacontenttype: 'application/json',
    time: toUtcIso(e.lastUpdated),
    intuitentityid: e.id,
    intuitaccountid: e.realmId,
    data: {},
  }));
}

function toUtcIso(qboTime: string): string {
  const d = new Date(qboTime);
  return Number.isNaN(d.getTime()) ? qboTime : d.toISOString();
}
