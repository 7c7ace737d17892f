export type OutboxStatus = 'pending' | 'sent' | 'kept' | 'failed';

export interface OutboxEmail {
  id: number;
  realmId: string;
  kind: string;
  to: string;
  subject: string;
  text: string;
  status: OutboxStatus;
  transport: string | null;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

export interface NewOutboxEmail {
  realmId: string;
  kind: string;
  idempotencyKey: string;
  to: string;
  subject: string;
  text: string;
}

/** Outgoing email (outgoing_emails): one row per message, unique by its idempotency key. */
export interface OutboxStore {
  /** Adds a pending message unless its idempotency key is taken; true when it was added. */
  insertOnce(email: NewOutboxEmail, at: Date): Promise<boolean>;
  /** The oldest pending messages, of every company. */
  pending(limit: number): Promise<OutboxEmail[]>;
  markDelivered(
    id: number,
    o: { status: 'sent' | 'kept'; transport: string; attempts: number; at: Date },
  ): Promise<void>;
  markAttemptFailed(id: number, o: { attempts: number; error: string; gaveUp: boolean }): Promise<void>;
  /** A company's messages, newest first. */
  list(realmId: string, limit: number): Promise<OutboxEmail[]>;
}
