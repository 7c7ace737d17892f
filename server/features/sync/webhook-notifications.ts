/** A change Intuit told us about, in either payload format, normalised. */
export interface EntityNotification {
  realmId: string;
  entity: string;
  id: string;
  operation: string;
  lastUpdated: string | null;
}

const VERB_TO_OPERATION: Record<string, string> = {
  created: 'Create',
  updated: 'Update',
  deleted: 'Delete',
  voided: 'Void',
  emailed: 'Emailed',
  merged: 'Merge',
};

type Obj = Record<string, unknown>;

/**
 * Reads the legacy payload (`{"eventNotifications":[…]}`) and the CloudEvents one (a JSON array of events
 * with `type` qbo.<entity>.<verb>.v1). Unknown shapes yield nothing rather than an error: answering 400
 * would only make Intuit redeliver the same batch.
 */
export function parseNotifications(body: unknown): EntityNotification[] {
  if (Array.isArray(body)) {
    return body.flatMap((e: Obj) => {
      const m = /^qbo\.([a-z]+)\.([a-z]+)\.v\d+$/i.exec(String(e.type ?? ''));
      if (!m || typeof e.intuitaccountid !== 'string' || e.intuitentityid === undefined) return [];
      return [
        {
          realmId: e.intuitaccountid,
          entity: m[1]!,
          id: String(e.intuitentityid),
          operation: VERB_TO_OPERATION[m[2]!.toLowerCase()] ?? m[2]!,
          lastUpdated: typeof e.time === 'string' ? e.time : null,
        },
      ];
    });
  }
  const notifications = (body as Obj | null)?.eventNotifications;
  if (!Array.isArray(notifications)) return [];
  return notifications.flatMap((n: Obj) => {
    const entities = ((n.dataChangeEvent as Obj | undefined)?.entities as Obj[] | undefined) ?? [];
    if (typeof n.realmId !== 'string') return [];
    return entities.map((e) => ({
      realmId: n.realmId as string,
      entity: String(e.name ?? ''),
      id: String(e.id ?? ''),
      operation: String(e.operation ?? 'Update'),
      lastUpdated: typeof e.lastUpdated === 'string' ? e.lastUpdated : null,
    }));
  });
}

/** A notification's `lastUpdated` as epoch ms; undefined when it is missing or not a time. */
export function notifiedAt(lastUpdated: string | null): number | undefined {
  if (lastUpdated === null) return undefined;
  const ms = Date.parse(lastUpdated);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * The `lastUpdated` a waiting notification keeps when another for the same object joins it: the later of the two, so
 * the drain compares the local copy with the newest version QuickBooks announced; null (read it) when either is
 * unknown.
 */
export function laterLastUpdated(waiting: string | null, joining: string | null): string | null {
  const [a, b] = [notifiedAt(waiting), notifiedAt(joining)];
  if (a === undefined || b === undefined) return null;
  return b > a ? joining : waiting;
}
