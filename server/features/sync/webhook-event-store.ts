import type { Db } from '../../db/knex.js';
import type { NewWebhookEvent, WebhookEvent, WebhookEventStore } from './webhook-event-store-type.js';
import { laterLastUpdated } from './webhook-notifications.js';

const TABLE = 'qbo_webhook_events';
const CHUNK = 400;

function rowToEvent(r: Record<string, unknown>): WebhookEvent {
  return {
    id: Number(r.id),
    realmId: String(r.realm_id),
    entity: String(r.entity),
    qboId: String(r.qbo_id),
    operation: String(r.operation),
    lastUpdated: (r.last_updated as string | null) ?? null,
  };
}

export function createWebhookEventStore(db: Db): WebhookEventStore {
  return {
    async enqueue(e: NewWebhookEvent, receivedAt: Date) {
      return db.transaction(async (trx) => {
        const waiting = (await trx(TABLE)
          .where({ realm_id: e.realmId, entity: e.entity, qbo_id: e.qboId })
          .whereNull('processed_at')
          .first('id', 'operation', 'last_updated')) as Record<string, unknown> | undefined;
        if (waiting) {
          const lastUpdated = laterLastUpdated((waiting.last_updated as string | null) ?? null, e.lastUpdated);
          const operation = e.operation === 'Delete' ? 'Delete' : String(waiting.operation);
          await trx(TABLE).where({ id: waiting.id }).update({ operation, last_updated: lastUpdated });
          return false;
        }
        await trx(TABLE).insert({
          realm_id: e.realmId,
          entity: e.entity,
          qbo_id: e.qboId,
          operation: e.operation,
          last_updated: e.lastUpdated,
          received_at: receivedAt,
        });
        return true;
      });
    },

    async pending(limit) {
      return (await db(TABLE).whereNull('processed_at').orderBy('id').limit(limit)).map(rowToEvent);
    },

    async markProcessed(ids, at) {
      for (let i = 0; i < ids.length; i += CHUNK) {
        await db(TABLE)
          .whereIn('id', ids.slice(i, i + CHUNK))
          .update({ processed_at: at });
      }
    },
  };
}
