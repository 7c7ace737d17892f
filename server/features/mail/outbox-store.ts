import type { Db } from '../../db/knex.js';
import { toDate } from '../../db/row-values.js';
import type { OutboxEmail, OutboxStore } from './outbox-store-type.js';

const TABLE = 'outgoing_emails';
const MAX_ERROR = 500;

function toEmail(r: Record<string, unknown>): OutboxEmail {
  return {
    id: Number(r.id),
    realmId: String(r.realm_id),
    kind: String(r.kind),
    to: String(r.to_address),
    subject: String(r.subject),
    text: String(r.body_text),
    status: r.status as OutboxEmail['status'],
    transport: (r.transport as string | null) ?? null,
    attempts: Number(r.attempts),
    lastError: (r.last_error as string | null) ?? null,
    createdAt: toDate(r.created_at)!,
    sentAt: toDate(r.sent_at),
  };
}

export function createOutboxStore(db: Db): OutboxStore {
  return {
    async insertOnce(m, at) {
      const inserted = await db(TABLE)
        .insert({
          realm_id: m.realmId,
          kind: m.kind,
          idempotency_key: m.idempotencyKey,
          to_address: m.to,
          subject: m.subject,
          body_text: m.text,
          status: 'pending',
          created_at: at,
        })
        .onConflict('idempotency_key')
        .ignore()
        .returning('id');
      return inserted.length > 0;
    },
    async pending(limit) {
      return (await db(TABLE).where({ status: 'pending' }).orderBy('id').limit(limit)).map(toEmail);
    },
    async markDelivered(id, o) {
      await db(TABLE)
        .where({ id })
        .update({ status: o.status, transport: o.transport, sent_at: o.at, attempts: o.attempts });
    },
    async markAttemptFailed(id, o) {
      await db(TABLE)
        .where({ id })
        .update({
          attempts: o.attempts,
          last_error: o.error.slice(0, MAX_ERROR),
          status: o.gaveUp ? 'failed' : 'pending',
        });
    },
    async list(realmId, limit) {
      return (await db(TABLE).where({ realm_id: realmId }).orderBy('id', 'desc').limit(limit)).map(toEmail);
    },
  };
}
