/** A change notification waiting to be (or already) refreshed from QuickBooks. */
export interface WebhookEvent {
  id: number;
  realmId: string;
  entity: string;
  qboId: string;
  operation: string;
  lastUpdated: string | null;
}

export type NewWebhookEvent = Omit<WebhookEvent, 'id'>;

/** The webhook queue (qbo_webhook_events). */
export interface WebhookEventStore {
  /**
   * Queues a notification unless one for the same object is still waiting: then it joins that one (a Delete
   * turns the waiting one into a Delete; the later `lastUpdated` is kept, null when either is unknown). True when a
   * new event was queued.
   */
  enqueue(event: NewWebhookEvent, receivedAt: Date): Promise<boolean>;
  /** Events not yet processed, oldest first. */
  pending(limit: number): Promise<WebhookEvent[]>;
  markProcessed(ids: readonly number[], at: Date): Promise<void>;
}
