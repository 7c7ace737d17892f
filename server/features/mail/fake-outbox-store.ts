import type { OutboxEmail, OutboxStore } from './outbox-store-type.js';

/** The outbox in memory, for unit tests. */
export function createFakeOutboxStore(): OutboxStore {
  const emails: OutboxEmail[] = [];
  const keys = new Set<string>();
  const find = (id: number) => {
    const email = emails.find((e) => e.id === id);
    if (!email) throw new Error(`no outgoing email ${id}`);
    return email;
  };
  return {
    async insertOnce(m, at) {
      if (keys.has(m.idempotencyKey)) return false;
      keys.add(m.idempotencyKey);
      emails.push({
        id: emails.length + 1,
        realmId: m.realmId,
        kind: m.kind,
        to: m.to,
        subject: m.subject,
        text: m.text,
        status: 'pending',
        transport: null,
        attempts: 0,
        lastError: null,
        createdAt: at,
        sentAt: null,
      });
      return true;
    },
    async pending(limit) {
      return emails
        .filter((e) => e.status === 'pending')
        .slice(0, limit)
        .map((e) => ({ ...e }));
    },
    async markDelivered(id, o) {
      Object.assign(find(id), { status: o.status, transport: o.transport, attempts: o.attempts, sentAt: o.at });
    },
    async markAttemptFailed(id, o) {
      Object.assign(find(id), {
        attempts: o.attempts,
        lastError: o.error.slice(0, 500),
        status: o.gaveUp ? 'failed' : 'pending',
      });
    },
    async list(realmId, limit) {
      return emails
        .filter((e) => e.realmId === realmId)
        .reverse()
        .slice(0, limit)
        .map((e) => ({ ...e }));
    },
  };
}
