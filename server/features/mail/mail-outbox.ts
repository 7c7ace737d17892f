import type { ActivityLog } from '../activity/activity-log.js';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/knex.js';
import type { Logger } from '../../logger.js';
import { toDate } from '../../db/row-values.js';
import type { MailTransport } from './mail-transport.js';

const TABLE = 'outgoing_emails';
const MAX_ATTEMPTS = 5;

export interface OutboxEmail {
  id: number;
  kind: string;
  to: string;
  subject: string;
  text: string;
  status: 'pending' | 'sent' | 'kept' | 'failed';
  transport: string | null;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

/**
 * Email goes through an outbox: the decision to send is a row with an idempotency key (committed with the
 * work that decided it), and a drain delivers pending rows. A rerun of the same night finds the key taken.
 */
export class MailOutbox {
  constructor(private readonly d: { db: Db; transport: MailTransport; from: string; clock: Clock; logger: Logger; activity?: Pick<ActivityLog, 'record'> }) {}

  /** Queues a message once per idempotency key; returns false when that key was already queued. */
  async enqueue(m: { realmId: string; kind: string; idempotencyKey: string; to: string; subject: string; text: string }): Promise<boolean> {
    const inserted = await this.d.db(TABLE).insert({
      realm_id: m.realmId, kind: m.kind, idempotency_key: m.idempotencyKey, to_address: m.to, subject: m.subject, body_text: m.text,
      status: 'pending', created_at: this.d.clock.now(),
    }).onConflict('idempotency_key').ignore().returning('id');
    return inserted.length > 0;
  }

  /** Delivers pending messages; a failure is retried on the next drain, up to five attempts. */
  async drain(): Promise<{ delivered: number; failed: number }> {
    const pending = await this.d.db(TABLE).where({ status: 'pending' }).orderBy('id').limit(100);
    let delivered = 0;
    let failed = 0;
    for (const row of pending) {
      try {
        await this.d.transport.send({ from: this.d.from, to: String(row.to_address), subject: String(row.subject), text: String(row.body_text) });
        await this.d.db(TABLE).where({ id: row.id }).update({ status: this.d.transport.kind === 'smtp' ? 'sent' : 'kept', transport: this.d.transport.kind, sent_at: this.d.clock.now(), attempts: Number(row.attempts) + 1 });
        delivered++;
        await this.d.activity?.record(String(row.realm_id), {
          actor: 'Duesense', kind: 'email',
          summary: `${this.d.transport.kind === 'smtp' ? 'Emailed' : 'Kept in the local mailbox'} "${String(row.subject)}" to ${String(row.to_address)}`,
          detail: { emailId: Number(row.id), kind: String(row.kind) },
        });
      } catch (err) {
        const attempts = Number(row.attempts) + 1;
        await this.d.db(TABLE).where({ id: row.id }).update({ attempts, last_error: (err as Error).message.slice(0, 500), status: attempts >= MAX_ATTEMPTS ? 'failed' : 'pending' });
        this.d.logger.warn({ emailId: row.id, attempts }, 'email delivery failed');
        if (attempts >= MAX_ATTEMPTS) {
          await this.d.activity?.record(String(row.realm_id), { actor: 'Duesense', kind: 'email', summary: `Gave up emailing "${String(row.subject)}" to ${String(row.to_address)} after ${attempts} attempts`, detail: { emailId: Number(row.id) } });
        }
        failed++;
      }
    }
    return { delivered, failed };
  }

  async list(realmId: string, limit = 50): Promise<OutboxEmail[]> {
    return (await this.d.db(TABLE).where({ realm_id: realmId }).orderBy('id', 'desc').limit(limit)).map((r: Record<string, unknown>) => ({
      id: Number(r.id), kind: String(r.kind), to: String(r.to_address), subject: String(r.subject), text: String(r.body_text),
      status: r.status as OutboxEmail['status'], transport: (r.transport as string | null) ?? null, lastError: (r.last_error as string | null) ?? null,
      createdAt: toDate(r.created_at)!, sentAt: toDate(r.sent_at),
    }));
  }
}
