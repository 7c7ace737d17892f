import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import { toCents } from '../../money.js';
import type { QboApiClient, QboEntity } from '../../qbo/qbo-api-client.js';
import { QboError, QboReauthRequired } from '../../qbo/qbo-errors.js';
import { localDate } from '../../time-zone.js';
import type { ActivityLog } from '../activity/activity-log-type.js';
import type { CustomerInputStore } from '../risk/customer-input-store-type.js';
import type { LocalCopyWriter } from '../sync/local-copy-writer.js';
import type { MoneyWaiting } from '../sync/local-copy-reader-type.js';
import { addressesIn } from './domain/reminder-facts.js';
import { holdBlock, safetyBlock } from './domain/reminder-guards.js';
import { customerToRemind, invoiceToRemind, lastEmailedAt } from './reminder-facts-loader.js';
import type { Reminder, ReminderError, ReminderMove, ReminderReason, ReminderStore } from './reminder-store-type.js';
import { invoiceInWords, stageOf } from './reminder-words.js';

/** The part of the QBO API a reminder send calls. */
export type ReminderApi = Pick<QboApiClient, 'read' | 'query' | 'sendInvoice'>;

export interface ReminderExecutorOptions {
  /**
   * A row in `sending` this long was left by a process that died (or by a send whose answer never came): it is
   * reconciled against the invoice's EmailStatus and DeliveryInfo, and sent only when QuickBooks shows no delivery.
   */
  staleAfterMs: number;
  /** Clock difference allowed between Duesense and QuickBooks when a delivery time is compared with a send's start. */
  clockSkewMs: number;
}

export const DEFAULT_REMINDER_EXECUTOR_OPTIONS: ReminderExecutorOptions = {
  staleAfterMs: 10 * 60_000,
  clockSkewMs: 2 * 60_000,
};

/** What one send pass did, row by row. */
export interface SendOutcome {
  reminder: Reminder;
  outcome: 'sent' | 'reconciled' | 'skipped' | 'held' | 'failed' | 'unresolved';
  reason?: ReminderReason | undefined;
  error?: string | undefined;
}

export interface SendReport {
  sent: number;
  /** Found sent by QuickBooks after an interrupted send: marked sent, not sent again. */
  reconciled: number;
  skipped: number;
  held: number;
  failed: number;
  /** Sends whose answer never came: left in `sending`, reconciled on a later pass. */
  unresolved: number;
  reconnectNeeded: boolean;
  /** QuickBooks' daily email limit (40 a day in a sandbox company) was reached: the rest wait for the next run. */
  dailyLimitReached: boolean;
  outcomes: SendOutcome[];
}

export interface ReminderExecutorDeps {
  store: ReminderStore;
  localCopyWriter: LocalCopyWriter;
  customerInputs: Pick<CustomerInputStore, 'excludedCustomerIds' | 'pausedCustomerIds'>;
  qbo: <T>(realmId: string, call: (api: ReminderApi) => Promise<T>) => Promise<T>;
  clock: Clock;
  logger: Logger;
  activity: Pick<ActivityLog, 'record'>;
  options?: Partial<ReminderExecutorOptions>;
}

interface Pass {
  realmId: string;
  today: string;
  homeCurrency: string;
  excluded: Set<string>;
  paused: Set<string>;
  controls: Awaited<ReturnType<ReminderStore['invoiceControls']>>;
  waiting: Map<string, MoneyWaiting>;
  report: SendReport;
}

/** Thrown inside a pass when the company must reconnect: the row goes back and the pass stops. */
class StopPass extends Error {}

/**
 * Sends a company's approved reminders through QuickBooks' own invoice email, each exactly once: a row is taken
 * with a conditional update (approved → sending), so two runners never send the same one; the invoice and the
 * customer's unapplied money are read fresh from QuickBooks first (paid → skipped, money waiting → held); a row
 * found in `sending` is reconciled against the invoice's delivery before anything is sent again.
 */
export class ReminderExecutor {
  private readonly o: ReminderExecutorOptions;

  constructor(private readonly d: ReminderExecutorDeps) {
    this.o = { ...DEFAULT_REMINDER_EXECUTOR_OPTIONS, ...d.options };
  }

  /** Sends started before this instant and still unresolved were left by a process that died: reconciled. */
  staleBefore(now: Date): Date {
    return new Date(now.getTime() - this.o.staleAfterMs);
  }

  async sendApproved(realmId: string, o: { timeZone: string; homeCurrency: string }): Promise<SendReport> {
    const report: SendReport = {
      sent: 0,
      reconciled: 0,
      skipped: 0,
      held: 0,
      failed: 0,
      unresolved: 0,
      reconnectNeeded: false,
      dailyLimitReached: false,
      outcomes: [],
    };
    const now = this.d.clock.now();
    const [excluded, paused, controls] = await Promise.all([
      this.d.customerInputs.excludedCustomerIds(realmId),
      this.d.customerInputs.pausedCustomerIds(realmId),
      this.d.store.invoiceControls(realmId),
    ]);
    const pass: Pass = {
      realmId,
      today: localDate(now, o.timeZone),
      homeCurrency: o.homeCurrency,
      excluded,
      paused,
      controls,
      waiting: new Map(),
      report,
    };
    try {
      // First what a dead process left mid-send: QuickBooks says whether it went.
      const stale = await this.d.store.staleSending(realmId, this.staleBefore(now));
      for (const row of stale.filter((r) => r.channel === 'quickbooks')) {
        const at = this.d.clock.now();
        const taken = await this.d.store.move(realmId, row.id, {
          from: ['sending'],
          to: 'sending',
          at,
          whileSendingAt: row.sendingAt!,
          sendingAt: at,
          attempts: 1,
        });
        if (taken) await this.attempt({ ...row, sendingAt: at }, row.sendingAt!, pass, true);
      }
      const approved = await this.d.store.list(realmId, { status: 'approved', channel: 'quickbooks', limit: 10_000 });
      for (const row of approved.reverse()) {
        const at = this.d.clock.now();
        const taken = await this.d.store.move(realmId, row.id, {
          from: ['approved'],
          to: 'sending',
          at,
          sendingAt: at,
          attempts: 1,
        });
        if (taken) await this.attempt({ ...row, status: 'sending', sendingAt: at }, at, pass, false);
      }
    } catch (err) {
      if (!(err instanceof StopPass)) throw err;
    }
    return report;
  }

  /** One row, taken: read fresh, check, and send unless QuickBooks already delivered it since `since`. */
  private async attempt(row: Reminder, since: Date, pass: Pass, reclaimed: boolean): Promise<void> {
    let fresh: QboEntity | undefined;
    try {
      fresh = await this.d.qbo(pass.realmId, (api) => api.read('Invoice', row.invoiceId));
    } catch (err) {
      return reclaimed ? this.stillUnknown(row, since, err, pass) : this.notSent(row, err, pass);
    }
    if (fresh) await this.d.localCopyWriter.apply(pass.realmId, 'Invoice', [fresh]);
    if (!fresh || fresh.Voided === true || fresh.void === true)
      return this.close(row, 'skipped', { code: 'invoice-gone' }, pass);
    // Only a send left unresolved can have gone already: a row just taken from approved was never sent.
    const delivered = reclaimed ? lastEmailedAt(fresh) : null;
    if (delivered && delivered.getTime() >= since.getTime() - this.o.clockSkewMs)
      return this.markSent(row, fresh, delivered, 'reconciled', pass);

    const invoice = invoiceToRemind(fresh, pass.controls.get(row.invoiceId), pass.homeCurrency);
    let waiting: MoneyWaiting;
    try {
      waiting = await this.moneyWaiting(pass, invoice.customerId);
    } catch (err) {
      return reclaimed ? this.stillUnknown(row, since, err, pass) : this.notSent(row, err, pass);
    }
    const customer = customerToRemind(invoice.customerId, {
      entity: undefined,
      strategy: null,
      excluded: pass.excluded.has(invoice.customerId),
      paused: pass.paused.has(invoice.customerId),
      waiting,
      lastEmailAt: null,
    });
    const blocked = safetyBlock(invoice, customer, pass.today) ?? holdBlock(invoice, customer);
    // Never after payment: a paid invoice's reminder is skipped for good; anything else waits for a person.
    if (blocked?.code === 'balance-zero') return this.close(row, 'skipped', blocked, pass);
    if (blocked) return this.close(row, 'awaiting_approval', blocked, pass);

    const billTo = addressesIn(invoice.billEmail);
    const to = billTo.length > 0 ? billTo : row.to;
    if (to.length === 0) return this.close(row, 'awaiting_approval', { code: 'no-email' }, pass);
    let sent: QboEntity;
    try {
      sent = await this.d.qbo(pass.realmId, (api) =>
        api.sendInvoice(row.invoiceId, billTo.length > 0 ? undefined : to.join(',')),
      );
    } catch (err) {
      return this.sendFailed(row, err, pass);
    }
    await this.d.localCopyWriter.apply(pass.realmId, 'Invoice', [sent]);
    await this.markSent({ ...row, to }, sent, this.d.clock.now(), 'sent', pass);
  }

  /** Payments' UnappliedAmt and credit memos' RemainingCredit of the customer, read fresh (once per pass). */
  private async moneyWaiting(pass: Pass, customerId: string): Promise<MoneyWaiting> {
    const known = pass.waiting.get(customerId);
    if (known) return known;
    const where = `where CustomerRef = '${customerId.replace(/'/g, "\\'")}' maxresults 1000`;
    const sum = (rows: QboEntity[], field: string) => rows.reduce((s, r) => s + toCents(Number(r[field] ?? 0)), 0);
    const payments = await this.d.qbo(pass.realmId, (api) => api.query('Payment', where));
    const credits = await this.d.qbo(pass.realmId, (api) => api.query('CreditMemo', where));
    const waiting = {
      unappliedPaymentCents: sum(payments.rows, 'UnappliedAmt'),
      unusedCreditCents: sum(credits.rows, 'RemainingCredit'),
    };
    pass.waiting.set(customerId, waiting);
    return waiting;
  }

  private async markSent(
    row: Reminder,
    invoice: QboEntity,
    at: Date,
    outcome: 'sent' | 'reconciled',
    pass: Pass,
  ): Promise<void> {
    const to = addressesIn(invoiceToRemind(invoice, undefined, pass.homeCurrency).billEmail);
    const sentTo = to.length > 0 ? to : row.to;
    await this.d.store.move(pass.realmId, row.id, {
      from: ['sending'],
      to: 'sent',
      at: this.d.clock.now(),
      sentAt: at,
      sentTo,
      reason: null,
      lastError: null,
    });
    pass.report[outcome]++;
    pass.report.outcomes.push({ reminder: { ...row, to: sentTo, status: 'sent', sentAt: at }, outcome });
    const found = outcome === 'reconciled' ? ' (found sent after an interrupted send; not sent again)' : '';
    await this.d.activity.record(pass.realmId, {
      actor: row.actor,
      kind: 'email',
      customerId: row.customerId,
      summary:
        `Reminder sent by QuickBooks for ${invoiceInWords(row)} to ${sentTo.join(', ')}: ` +
        `${stageOf(row)}, ${row.tone} tone${found}`,
      detail: { reminderId: row.id, invoiceId: row.invoiceId, stageDays: row.stageDays, channel: row.channel },
    });
  }

  /** Not sent, by decision: skipped for good (paid, gone) or back to the queue with its reason (held). */
  private async close(
    row: Reminder,
    status: 'skipped' | 'awaiting_approval',
    reason: ReminderReason,
    pass: Pass,
  ): Promise<void> {
    await this.d.store.move(pass.realmId, row.id, {
      from: ['sending'],
      to: status,
      at: this.d.clock.now(),
      reason,
      sendingAt: null,
      ...(status === 'skipped' ? { decidedBy: 'Duesense' } : {}),
    });
    const outcome = status === 'skipped' ? 'skipped' : 'held';
    pass.report[outcome]++;
    pass.report.outcomes.push({ reminder: { ...row, status, reason }, outcome, reason });
  }

  /** The read before the send failed: nothing went, so the row goes back to approved (or fails for good). */
  private async notSent(row: Reminder, err: unknown, pass: Pass): Promise<void> {
    if (!(err instanceof QboReauthRequired) && errorOf(err).errorClass === 'permanent')
      return this.fail(row, errorOf(err), pass);
    await this.unresolved(row, err, pass, { to: 'approved', sendingAt: null, attempts: -1 });
  }

  /**
   * The send itself failed. A fault QuickBooks answered with (a bad address, the daily limit) means nothing went:
   * failed, shown for review. Without an answer (a timeout, a 5xx) it may have gone: the row stays `sending` and a
   * later pass reconciles it against the invoice's delivery. A reconnect means nothing was sent.
   */
  private async sendFailed(row: Reminder, err: unknown, pass: Pass): Promise<void> {
    if (err instanceof QboReauthRequired) return this.notSent(row, err, pass);
    if (isDailyEmailLimit(err)) {
      // Nothing went, and nothing more will today: the row goes back to approved and the pass stops.
      await this.d.store.move(pass.realmId, row.id, {
        from: ['sending'],
        to: 'approved',
        at: this.d.clock.now(),
        sendingAt: null,
        attempts: -1,
        lastError: errorOf(err),
      });
      pass.report.dailyLimitReached = true;
      throw new StopPass();
    }
    if (errorOf(err).errorClass === 'permanent') return this.fail(row, errorOf(err), pass);
    await this.unresolved(row, err, pass, { to: 'sending' });
  }

  /**
   * A row an earlier send left unresolved could not be checked: it stays `sending` with the time that send started,
   * so the next pass compares QuickBooks' delivery with that time again (a reconnect stops the pass).
   */
  private stillUnknown(row: Reminder, since: Date, err: unknown, pass: Pass): Promise<void> {
    return this.unresolved(row, err, pass, { to: 'sending', whileSendingAt: row.sendingAt!, sendingAt: since });
  }

  /** Records the error on the row as `m` moves it; a reconnect stops the pass, anything else waits for the next. */
  private async unresolved(
    row: Reminder,
    err: unknown,
    pass: Pass,
    m: Omit<ReminderMove, 'from' | 'at' | 'lastError'>,
  ): Promise<void> {
    const error = errorOf(err);
    await this.d.store.move(pass.realmId, row.id, {
      ...m,
      from: ['sending'],
      at: this.d.clock.now(),
      lastError: error,
    });
    if (err instanceof QboReauthRequired) {
      pass.report.reconnectNeeded = true;
      throw new StopPass();
    }
    pass.report.unresolved++;
    pass.report.outcomes.push({ reminder: row, outcome: 'unresolved', error: error.message });
    if (!(err instanceof QboError)) this.d.logger.error({ err, reminderId: row.id }, 'reminder send failed');
  }

  private async fail(row: Reminder, error: ReminderError, pass: Pass): Promise<void> {
    await this.d.store.move(pass.realmId, row.id, {
      from: ['sending'],
      to: 'failed',
      at: this.d.clock.now(),
      lastError: error,
    });
    pass.report.failed++;
    pass.report.outcomes.push({
      reminder: { ...row, status: 'failed', lastError: error },
      outcome: 'failed',
      error: error.message,
    });
    await this.d.activity.record(pass.realmId, {
      actor: row.actor,
      kind: 'email',
      customerId: row.customerId,
      summary: `Reminder for ${invoiceInWords(row)} not sent: QuickBooks refused it (${error.message})`,
      detail: { reminderId: row.id, invoiceId: row.invoiceId, error: { ...error } },
    });
  }
}

/** QuickBooks' answer when the company's emails for the day are used up (a sandbox company has 40). */
function isDailyEmailLimit(err: unknown): boolean {
  return err instanceof QboError && err.errorClass === 'permanent' && /emails? (a|per) day/i.test(err.message);
}

function errorOf(err: unknown): ReminderError {
  const qbo = err instanceof QboError ? err : undefined;
  return {
    errorClass: qbo?.errorClass ?? 'unknown',
    code: qbo?.code ?? null,
    message: (err as Error)?.message ?? String(err),
    intuitTid: qbo?.intuitTid ?? null,
  };
}
