import type { WebhookEvent, WebhookEventStore } from './webhook-event-store-type.js';
import { laterLastUpdated } from './webhook-notifications.js';

/**
 * WebhookEventStore in memory, for unit tests: the same joining of a notification onto a waiting one (a Delete wins,
 * the later lastUpdated is kept), in order.
 */
export function createFakeWebhookEventStore(): WebhookEventStore {
  const events: Array<WebhookEvent & { processedAt: Date | null }> = [];
  return {
    async enqueue(e, _receivedAt) {
      const waiting = events.find(
        (w) => w.processedAt === null && w.realmId === e.realmId && w.entity === e.entity && w.qboId === e.qboId,
      );
      if (waiting) {
        waiting.lastUpdated = laterLastUpdated(waiting.lastUpdated, e.lastUpdated);
        if (e.operation === 'Delete') waiting.operation = 'Delete';
        return false;
      }
      events.push({ ...e, id: events.length + 1, processedAt: null });
      return true;
    },
    async pending(limit) {
      return events
        .filter((e) => e.processedAt === null)
        .slice(0, limit)
        .map(({ processedAt: _, ...e }) => e);
    },
    async markProcessed(ids, at) {
      for (const e of events) if (ids.includes(e.id)) e.processedAt = at;
    },
  };
}
