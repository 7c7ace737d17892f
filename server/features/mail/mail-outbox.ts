import type { ActivityLog } from '../activity/activity-log-type.js';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import { unreportedResult, type MailTransport, type OutgoingMessage, type SentMessage } from './mail-transport.js';
import type { NewOutboxEmail, OutboxEmail, OutboxStore } from './outbox-store-type.js';

export type { OutboxEmail } from './outbox-store-type.js';

const MAX_ATTEMPTS = 5;
/** Messages delivered per drain; the rest wait for the next. */
const DRAIN_BATCH = 100;
const LIST_LIMIT = 50;

/**
 * Email goes through an outbox: the decision to send is a row with an idempotency key (committed with the
 * work that decided it), and a drain delivers pending rows. A rerun of the same night finds the key taken.
 */
export class MailOutbox {
  constructor(
    private readonly d: {
      store: OutboxStore;
      transport: MailTransport;
      from: string;
      clock: Clock;
      logger: Logger;
      activity?: Pick<ActivityLog, 'record'>;
    },
  ) {}

  /** Queues a message once per idempotency key; returns false when that key was already queued. */
  async enqueue(m: NewOutboxEmail): Promise<boolean> {
    return this.d.store.insertOnce(m, this.d.clock.now());
  }

  /**
   * Sends one message now, from the app's address, outside the pending queue: for a sender whose own row is the
   * outbox (a reminder, marked sending before this call). Resolves with what happened ('sent' with nodemailer's
   * message id over SMTP; 'kept' without SMTP: nothing left the machine); rejects with a MailSendError that says
   * whether the message may have gone. Records nothing: the caller records the outcome on its row and in the log.
   */
  async sendNow(message: Omit<OutgoingMessage, 'from'>): Promise<SentMessage> {
    const { transport } = this.d;
    const result = await transport.send({ ...message, from: this.d.from });
    return result ?? unreportedResult(transport.kind);
  }

  /** Delivers pending messages; a failure is retried on the next drain, up to five attempts. */
  async drain(): Promise<{ delivered: number; failed: number }> {
    const { store, transport } = this.d;
    let delivered = 0;
    let failed = 0;
    for (const email of await store.pending(DRAIN_BATCH)) {
      const attempts = email.attempts + 1;
      try {
        await transport.send({ from: this.d.from, to: email.to, subject: email.subject, text: email.text });
      } catch (err) {
        const gaveUp = attempts >= MAX_ATTEMPTS;
        await store.markAttemptFailed(email.id, { attempts, error: (err as Error).message, gaveUp });
        this.d.logger.warn({ emailId: email.id, attempts }, 'email delivery failed');
        if (gaveUp) {
          await this.d.activity?.record(email.realmId, {
            actor: 'Duesense',
            kind: 'email',
            summary: `Gave up emailing "${email.subject}" to ${email.to} after ${attempts} attempts`,
            detail: { emailId: email.id },
          });
        }
        failed++;
        continue;
      }
      await store.markDelivered(email.id, {
        status: transport.kind === 'smtp' ? 'sent' : 'kept',
        transport: transport.kind,
        attempts,
        at: this.d.clock.now(),
      });
      delivered++;
      await this.d.activity?.record(email.realmId, {
        actor: 'Duesense',
        kind: 'email',
        summary:
          `${transport.kind === 'smtp' ? 'Emailed' : 'Kept in the local mailbox'} ` +
          `"${email.subject}" to ${email.to}`,
        detail: { emailId: email.id, kind: email.kind },
      });
    }
    return { delivered, failed };
  }

  async list(realmId: string, limit = LIST_LIMIT): Promise<OutboxEmail[]> {
    return this.d.store.list(realmId, limit);
  }
}
