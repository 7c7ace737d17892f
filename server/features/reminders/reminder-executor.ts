import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import { toCents } from '../../money.js';
import type { QboApiClient, QboEntity } from '../../qbo/qbo-api-client.js';
import { QboError, QboReauthRequired } from '../../qbo/qbo-errors.js';
import { quoted, quotedList } from '../../qbo/query-text.js';
import { chunksOf } from '../../shared/chunks.js';
import { localDate } from '../../time-zone.js';
import type { ActivityLog } from '../activity/activity-log-type.js';
import type { MailOutbox } from '../mail/mail-outbox.js';
import { MailSendError, type MailAttachment, type SentMessage } from '../mail/mail-transport.js';
import type { LocalCopyReader } from '../sync/local-copy-reader-type.js';
import type { WritebackService } from '../writeback/writeback-service.js';
import type { ReminderMessage } from './domain/reminder-message.js';
import type { CustomerInputStore } from '../risk/customer-input-store-type.js';
import type { LocalCopyWriter } from '../sync/local-copy-writer.js';
import type { MoneyWaiting } from '../sync/local-copy-reader-type.js';
import { addressesIn } from './domain/reminder-facts.js';
import { holdBlock, safetyBlock } from './domain/reminder-guards.js';
import { customerToRemind, invoiceToRemind, lastEmailedAt } from './reminder-facts-loader.js';
import type { Reminder, ReminderError, ReminderMove, ReminderReason, ReminderStore } from './reminder-store-type.js';
import { companyContact, customerEmailText, replyToOf } from './reminder-texts.js';
import { invoiceInWords, invoiceNoteLine, invoicesInWords, stageOf } from './reminder-words.js';

/** The part of the QBO API a reminder send calls. */
export type ReminderApi = Pick<QboApiClient, 'read' | 'query' | 'batchQuery' | 'sendInvoice' | 'invoicePdf'>;

/**
 * Approved rows read ahead together (one batch request: their invoices, and each customer's payments and credit
 * memos) and then sent one by one: a send follows its read by about a second at QuickBooks' 10 requests a second,
 * and costs one request instead of two to four.
 */
const READ_AHEAD_ROWS = 10;

export interface ReminderExecutorOptions {
  /**
   * A row in `sending` this long was left by a process that died (or by a send whose answer never came): it is
   * reconciled against the invoice's EmailStatus and DeliveryInfo, and sent only when QuickBooks shows no delivery.
   */
  staleAfterMs: number;
  /** Clock difference allowed between Duesense and QuickBooks when a delivery time is compared with a send's start. */
  clockSkewMs: number;
  /** Sends of one email the SMTP server refused (and said so) before its rows fail for a person to look at. */
  emailMaxAttempts: number;
}

export const DEFAULT_REMINDER_EXECUTOR_OPTIONS: ReminderExecutorOptions = {
  staleAfterMs: 10 * 60_000,
  clockSkewMs: 2 * 60_000,
  emailMaxAttempts: 3,
};

/** What one send pass did, row by row. */
export interface SendOutcome {
  reminder: Reminder;
  outcome: 'sent' | 'reconciled' | 'skipped' | 'held' | 'failed' | 'unresolved' | 'review';
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
  /** Email-channel rows that may have gone (an SMTP answer lost, a send interrupted): never sent again, to review. */
  review: number;
  /** Emails sent by the email channel (each lists one or more reminders, counted in `sent`). */
  emails: number;
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
  /** The email channel (SMTP); without it, or without an SMTP server, its rows are never sent. */
  email?: EmailChannelDeps | undefined;
  options?: Partial<ReminderExecutorOptions>;
}

/** What the email channel sends with and records through. */
export interface EmailChannelDeps {
  /** Whether the deployment has an SMTP server (SMTP_URL): without one nothing leaves the machine. */
  smtpConfigured: boolean;
  mail: Pick<MailOutbox, 'sendNow'>;
  /** Each email's trace on its invoices in QuickBooks (PrivateNote), through the write-back outbox. */
  writeback: Pick<WritebackService, 'queueInvoiceNote' | 'drain'>;
  /** The customer as the local copy has it (its name and contact, when a text is written again at send time). */
  localCopy: Pick<LocalCopyReader, 'rawEntities'>;
  /** CompanyInfo as the sync keeps it (qbo_company_settings): the company's name and email (Reply-To). */
  companyInfo(realmId: string): Promise<Record<string, unknown> | undefined>;
  /** The company's policy and templates (its wording and texts, when a text is written again). */
  settings: Pick<ReminderStore, 'policy' | 'templates'>;
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
  /** Invoice notes queued by this pass's emails: drained once at the end. */
  notesQueued: number;
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
      review: 0,
      emails: 0,
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
      notesQueued: 0,
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
      for (const chunk of chunksOf(approved.reverse(), READ_AHEAD_ROWS)) await this.sendChunk(chunk, pass);
      if (this.d.email) await this.sendEmails(pass, this.d.email);
    } catch (err) {
      if (!(err instanceof StopPass)) throw err;
    }
    // The emails' notes go into QuickBooks now, in batches; what is left (a reconnect) the writeback-drain job takes.
    if (this.d.email && pass.notesQueued > 0 && !report.reconnectNeeded) {
      try {
        await this.d.email.writeback.drain(realmId);
      } catch (err) {
        this.d.logger.warn({ err, realmId }, 'reminder notes not drained; the writeback-drain job retries');
      }
    }
    return report;
  }

  /** Whether email-channel rows can be approved and sent: the channel is wired and an SMTP server is set. */
  get emailReady(): boolean {
    return this.d.email?.smtpConfigured === true;
  }

  /**
   * The email channel: first the rows a pass left `sending` (it died, or its SMTP answer never came), which may have
   * gone and are never sent again (to review); then one email per customer with every approved row of that
   * customer, when an SMTP server is set.
   */
  private async sendEmails(pass: Pass, e: EmailChannelDeps): Promise<void> {
    const left = await this.d.store.list(pass.realmId, { status: 'sending', channel: 'email', limit: 10_000 });
    for (const row of left.reverse()) {
      const moved = await this.d.store.move(pass.realmId, row.id, {
        from: ['sending'],
        to: 'needs_review',
        at: this.d.clock.now(),
        ...(row.sendingAt ? { whileSendingAt: row.sendingAt } : {}),
      });
      if (!moved) continue;
      pass.report.review++;
      pass.report.outcomes.push({ reminder: { ...row, status: 'needs_review' }, outcome: 'review' });
      await this.d.activity.record(pass.realmId, {
        actor: 'Duesense',
        kind: 'email',
        customerId: row.customerId,
        summary:
          `Reminder email for ${invoiceInWords(row)} may have been sent (its send was interrupted): ` +
          'not sent again; to review',
        detail: { reminderId: row.id, invoiceId: row.invoiceId, channel: 'email' },
      });
    }
    if (!e.smtpConfigured) return;
    const approved = await this.d.store.list(pass.realmId, { status: 'approved', channel: 'email', limit: 10_000 });
    const byCustomer = new Map<string, Reminder[]>();
    for (const row of approved.reverse())
      byCustomer.set(row.customerId, [...(byCustomer.get(row.customerId) ?? []), row]);
    for (const rows of byCustomer.values()) await this.sendCustomerEmail(pass, e, rows);
  }

  /** One customer's email: take the rows, read each invoice fresh, check, fetch the PDFs, send once, record. */
  private async sendCustomerEmail(pass: Pass, e: EmailChannelDeps, rows: readonly Reminder[]): Promise<void> {
    const at = this.d.clock.now();
    // All together, in one statement: two runners at once never split a customer's email between them.
    const taken = new Set(
      await this.d.store.moveAll(
        pass.realmId,
        rows.map((r) => r.id),
        { from: ['approved'], to: 'sending', at, sendingAt: at, attempts: 1 },
      ),
    );
    const open = rows
      .filter((r) => taken.has(r.id))
      .map((r) => ({ ...r, status: 'sending' as const, sendingAt: at, attempts: r.attempts + 1 }));
    if (open.length === 0) return;
    // Until the message is handed to SMTP nothing has gone: every way out below gives the rows back or closes them.
    const kept: Array<{ row: Reminder; invoice: QboEntity }> = [];
    for (const [i, row] of open.entries()) {
      let fresh: QboEntity | undefined;
      let waiting: MoneyWaiting;
      try {
        fresh = await this.d.qbo(pass.realmId, (api) => api.read('Invoice', row.invoiceId));
        if (fresh) await this.d.localCopyWriter.apply(pass.realmId, 'Invoice', [fresh]);
        waiting = await this.moneyWaiting(pass, row.customerId);
      } catch (err) {
        // This row and the ones after it, and those already checked: none went.
        return this.giveBack(pass, [...kept.map((k) => k.row), ...open.slice(i)], err);
      }
      if (!fresh || fresh.Voided === true || fresh.void === true) {
        await this.close(row, 'skipped', { code: 'invoice-gone' }, pass, at);
        continue;
      }
      const invoice = invoiceToRemind(fresh, pass.controls.get(row.invoiceId), pass.homeCurrency);
      const customer = customerToRemind(row.customerId, {
        entity: undefined,
        strategy: null,
        excluded: pass.excluded.has(row.customerId),
        paused: pass.paused.has(row.customerId),
        waiting,
        lastEmailAt: null,
      });
      const blocked = safetyBlock(invoice, customer, pass.today) ?? holdBlock(invoice, customer);
      // Never after payment: that invoice is left out of the email for good; anything else waits for a person.
      if (blocked?.code === 'balance-zero') await this.close(row, 'skipped', blocked, pass, at);
      else if (blocked) await this.close(row, 'awaiting_approval', blocked, pass, at);
      else kept.push({ row, invoice: fresh });
    }
    if (kept.length === 0) return;
    const to = [...new Set(kept.flatMap((k) => k.row.to))];
    if (to.length === 0) {
      for (const k of kept) await this.close(k.row, 'awaiting_approval', { code: 'no-email' }, pass, at);
      return;
    }
    let message: ReminderMessage;
    let contact: { name: string; email: string | null };
    const attachments: MailAttachment[] = [];
    try {
      contact = companyContact(await e.companyInfo(pass.realmId), '');
      // Written for exactly the invoices that go, as QuickBooks has them now: the text queued listed the invoices of
      // its run, and some may be left out (paid, held), sent in another email, or queued on another day.
      message = await this.rewrite(pass, e, kept, contact);
      for (const k of kept) {
        const pdf = await this.d.qbo(pass.realmId, (api) => api.invoicePdf(k.row.invoiceId));
        const number =
          typeof k.invoice.DocNumber === 'string' && k.invoice.DocNumber !== '' ? k.invoice.DocNumber : k.row.invoiceId;
        attachments.push({ filename: `Invoice ${number}.pdf`, content: pdf, contentType: 'application/pdf' });
      }
    } catch (err) {
      return this.giveBack(
        pass,
        kept.map((k) => k.row),
        err,
      );
    }
    const replyTo = replyToOf(contact);
    let sent: SentMessage;
    try {
      sent = await e.mail.sendNow({
        to: to.join(', '),
        subject: message.subject,
        text: message.text,
        replyTo,
        attachments,
      });
    } catch (err) {
      return this.emailFailed(
        pass,
        kept.map((k) => k.row),
        err,
      );
    }
    const rowsOf = kept.map((k) => k.row);
    if (sent.status !== 'sent') {
      // No SMTP server: nothing left the machine, and it is never called sent.
      const error: ReminderError = {
        errorClass: 'permanent',
        code: null,
        message: 'Not sent: no SMTP server is set (SMTP_URL), so the email was kept in the app',
        intuitTid: null,
      };
      for (const row of rowsOf) await this.fail(row, error, pass, at);
      return;
    }
    // The email went: its line goes on each invoice in QuickBooks, then the rows are marked sent.
    for (const row of rowsOf)
      if (await this.queueNote(e, pass.realmId, row, { day: pass.today, to, actor: row.actor })) pass.notesQueued++;
    const sentAt = this.d.clock.now();
    for (const row of rowsOf)
      await this.d.store.move(pass.realmId, row.id, {
        from: ['sending', 'needs_review'],
        whileSendingAt: at,
        to: 'sent',
        at: sentAt,
        sentAt,
        sentTo: to,
        reason: null,
        lastError: null,
        ...(sent.messageId ? { messageId: sent.messageId } : {}),
        ...(row.subject !== message.subject || row.text !== message.text
          ? { message: { subject: message.subject, text: message.text } }
          : {}),
      });
    pass.report.sent += rowsOf.length;
    pass.report.emails++;
    for (const row of rowsOf)
      pass.report.outcomes.push({
        reminder: { ...row, to, status: 'sent', sentAt, messageId: sent.messageId },
        outcome: 'sent',
      });
    await this.d.activity.record(pass.realmId, {
      actor: rowsOf[0]!.actor,
      kind: 'email',
      customerId: rowsOf[0]!.customerId,
      summary:
        `Reminder emailed to ${to.join(', ')} for ${invoicesInWords(rowsOf)}, ${rowsOf[0]!.tone} tone, ` +
        `with ${attachments.length === 1 ? 'the invoice' : `${attachments.length} invoices`} attached` +
        (replyTo ? '' : ' (no Reply-To: QuickBooks has no company email)'),
      detail: {
        reminderIds: rowsOf.map((r) => r.id),
        invoiceIds: rowsOf.map((r) => r.invoiceId),
        channel: 'email',
        messageId: sent.messageId,
      },
    });
  }

  /**
   * A person checked that an email-channel reminder left to review did go: the row is marked sent (only from
   * `needs_review`), with who confirmed it, and its invoice gets the line every emailed reminder leaves in
   * QuickBooks (dated the day its send started; once per row, so a note queued before the send was interrupted is not
   * queued again). The `writeback-drain` job writes it. False when the row was not to review.
   */
  async confirmSent(realmId: string, row: Reminder, actor: string, timeZone: string): Promise<boolean> {
    const now = this.d.clock.now();
    const sentAt = row.sendingAt ?? now;
    const moved = await this.d.store.move(realmId, row.id, {
      from: ['needs_review'],
      to: 'sent',
      at: now,
      sentAt,
      decidedBy: actor,
      reason: null,
    });
    if (!moved) return false;
    if (this.d.email)
      await this.queueNote(this.d.email, realmId, row, { day: localDate(sentAt, timeZone), to: row.to, actor });
    await this.d.activity.record(realmId, {
      actor,
      kind: 'email',
      customerId: row.customerId,
      summary:
        `Confirmed that the reminder email for ${invoiceInWords(row)} to ${row.to.join(', ')} was sent ` +
        '(it was to review after an interrupted send)',
      detail: { reminderId: row.id, invoiceId: row.invoiceId, channel: row.channel, action: 'confirm_sent' },
    });
    return true;
  }

  /** Queues the line an emailed reminder leaves on its invoice in QuickBooks; true when it was new. */
  private async queueNote(
    e: EmailChannelDeps,
    realmId: string,
    row: Reminder,
    n: { day: string; to: readonly string[]; actor: string },
  ): Promise<boolean> {
    try {
      const queued = await e.writeback.queueInvoiceNote(realmId, {
        invoiceId: row.invoiceId,
        customerId: row.customerId,
        targetName: invoiceInWords(row).replace(/^i/, 'I'),
        line: invoiceNoteLine(n.day, row, n.to),
        key: String(row.id),
        actor: n.actor,
      });
      return queued !== undefined;
    } catch (err) {
      this.d.logger.error({ err, reminderId: row.id }, 'reminder note not queued');
      return false;
    }
  }

  /** The customer's email written again for the invoices that go, as they are in QuickBooks now. */
  private async rewrite(
    pass: Pass,
    e: EmailChannelDeps,
    kept: ReadonlyArray<{ row: Reminder; invoice: QboEntity }>,
    contact: { name: string; email: string | null },
  ): Promise<ReminderMessage> {
    const customerId = kept[0]!.row.customerId;
    const [customer] = await e.localCopy.rawEntities(pass.realmId, 'Customer', [customerId]);
    const [{ policy }, { templates }] = await Promise.all([
      e.settings.policy(pass.realmId),
      e.settings.templates(pass.realmId),
    ]);
    const name = typeof customer?.DisplayName === 'string' ? customer.DisplayName : customerId;
    return customerEmailText({
      policy,
      templates,
      tone: kept[kept.length - 1]!.row.tone,
      customer,
      customerName: name,
      companyName: contact.name,
      companyEmail: contact.email,
      homeCurrency: pass.homeCurrency,
      invoices: kept.map((k) => k.invoice),
      today: pass.today,
    });
  }

  /** Nothing was sent (a read or a PDF failed before the SMTP transaction): the rows go back to approved. */
  private async giveBack(pass: Pass, rows: readonly Reminder[], err: unknown): Promise<void> {
    const error = errorOf(err);
    for (const row of rows)
      await this.d.store.move(pass.realmId, row.id, {
        from: ['sending', 'needs_review'],
        whileSendingAt: row.sendingAt!,
        to: 'approved',
        at: this.d.clock.now(),
        sendingAt: null,
        attempts: -1,
        lastError: error,
      });
    if (err instanceof QboReauthRequired) {
      pass.report.reconnectNeeded = true;
      throw new StopPass();
    }
    pass.report.unresolved += rows.length;
    for (const row of rows) pass.report.outcomes.push({ reminder: row, outcome: 'unresolved', error: error.message });
    if (!(err instanceof QboError)) this.d.logger.error({ err, realmId: pass.realmId }, 'reminder email not sent');
  }

  /**
   * The SMTP send failed. Refused, and said so ('not-sent'): back to approved for the next pass, or failed when the
   * refusal is for good or the attempts are used up. Anything else may have gone: to review, never sent again.
   */
  private async emailFailed(pass: Pass, rows: readonly Reminder[], err: unknown): Promise<void> {
    const mail = err instanceof MailSendError ? err : undefined;
    const error: ReminderError = {
      errorClass: mail ? (mail.permanent ? 'permanent' : 'transient') : 'unknown',
      code: mail?.responseCode === null || mail?.responseCode === undefined ? null : String(mail.responseCode),
      message: (err as Error)?.message ?? String(err),
      intuitTid: null,
    };
    const sendingAt = rows[0]!.sendingAt!;
    if (mail?.delivery === 'not-sent') {
      for (const row of rows) {
        if (mail.permanent || row.attempts >= this.o.emailMaxAttempts) await this.fail(row, error, pass, sendingAt);
        else {
          await this.d.store.move(pass.realmId, row.id, {
            from: ['sending', 'needs_review'],
            whileSendingAt: sendingAt,
            to: 'approved',
            at: this.d.clock.now(),
            sendingAt: null,
            lastError: error,
          });
          pass.report.unresolved++;
          pass.report.outcomes.push({ reminder: row, outcome: 'unresolved', error: error.message });
        }
      }
      return;
    }
    if (!mail) this.d.logger.error({ err, realmId: pass.realmId }, 'reminder email send failed');
    for (const row of rows) {
      await this.d.store.move(pass.realmId, row.id, {
        from: ['sending', 'needs_review'],
        whileSendingAt: sendingAt,
        to: 'needs_review',
        at: this.d.clock.now(),
        lastError: error,
      });
      pass.report.review++;
      pass.report.outcomes.push({
        reminder: { ...row, status: 'needs_review' },
        outcome: 'review',
        error: error.message,
      });
    }
    await this.d.activity.record(pass.realmId, {
      actor: rows[0]!.actor,
      kind: 'email',
      customerId: rows[0]!.customerId,
      summary:
        `Reminder email for ${invoicesInWords(rows)} may have been sent (${error.message}): ` +
        'not sent again; to review',
      detail: { reminderIds: rows.map((r) => r.id), channel: 'email', error: { ...error } },
    });
  }

  /**
   * A few approved rows: their invoices and their customers' unapplied money read fresh in one batch request, then
   * each row taken and sent. A read that fails leaves the rows to the next pass, with the error.
   */
  private async sendChunk(rows: readonly Reminder[], pass: Pass): Promise<void> {
    let invoices: Map<string, QboEntity | undefined> | undefined;
    let readError: unknown;
    try {
      invoices = await this.readAhead(rows, pass);
    } catch (err) {
      if (err instanceof QboReauthRequired) {
        // Nothing taken, nothing counted: the rows stay approved for after the reconnect.
        pass.report.reconnectNeeded = true;
        throw new StopPass();
      }
      readError = err;
    }
    for (const row of rows) {
      const at = this.d.clock.now();
      const sending = await this.take(pass, row, at);
      if (!sending) continue;
      if (invoices) await this.attempt(sending, at, pass, false, { invoice: invoices.get(row.invoiceId) });
      else await this.notSent(sending, readError, pass);
    }
  }

  /** Takes an approved row for this pass (approved → sending, one attempt more); undefined when another pass has. */
  private async take(pass: Pass, row: Reminder, at: Date): Promise<Reminder | undefined> {
    const taken = await this.d.store.move(pass.realmId, row.id, {
      from: ['approved'],
      to: 'sending',
      at,
      sendingAt: at,
      attempts: 1,
    });
    return taken ? { ...row, status: 'sending', sendingAt: at, attempts: row.attempts + 1 } : undefined;
  }

  /**
   * One batch request: the rows' invoices (`Id in (...)`) and each of their customers' payments and credit memos.
   * Returns the invoices by Id (undefined: gone) and keeps the money in the pass; a customer whose money query failed
   * is read again on its own at its send.
   */
  private async readAhead(rows: readonly Reminder[], pass: Pass): Promise<Map<string, QboEntity | undefined>> {
    const ids = [...new Set(rows.map((r) => r.invoiceId))];
    const customers = [...new Set(rows.map((r) => r.customerId))];
    const answers = await this.d.qbo(pass.realmId, (api) =>
      api.batchQuery([
        { bId: 'invoices', query: `select * from Invoice where Id in ${quotedList(ids)} maxresults 1000` },
        ...customers.flatMap((customerId, i) => [
          { bId: `p${i}`, query: `select * from Payment ${moneyWhere(customerId)}` },
          { bId: `c${i}`, query: `select * from CreditMemo ${moneyWhere(customerId)}` },
        ]),
      ]),
    );
    const found = answers.get('invoices');
    if (!found?.rows) throw found?.error ?? new Error('QuickBooks answered the batch without the invoices');
    customers.forEach((customerId, i) => {
      const payments = answers.get(`p${i}`)?.rows;
      const credits = answers.get(`c${i}`)?.rows;
      if (payments && credits) pass.waiting.set(customerId, moneyOf(payments, credits));
      else pass.waiting.delete(customerId);
    });
    if (found.rows.length > 0) await this.d.localCopyWriter.apply(pass.realmId, 'Invoice', found.rows);
    const byId = new Map(found.rows.map((invoice) => [invoice.Id, invoice]));
    return new Map(ids.map((id) => [id, byId.get(id)]));
  }

  /**
   * One row, taken: read fresh (unless `known` holds what was just read), check, and send unless QuickBooks already
   * delivered it since `since`.
   */
  private async attempt(
    row: Reminder,
    since: Date,
    pass: Pass,
    reclaimed: boolean,
    known?: { invoice: QboEntity | undefined },
  ): Promise<void> {
    let fresh: QboEntity | undefined = known?.invoice;
    if (!known) {
      try {
        fresh = await this.d.qbo(pass.realmId, (api) => api.read('Invoice', row.invoiceId));
      } catch (err) {
        return reclaimed ? this.stillUnknown(row, since, err, pass) : this.notSent(row, err, pass);
      }
      if (fresh) await this.d.localCopyWriter.apply(pass.realmId, 'Invoice', [fresh]);
    }
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

  /** The customer's unapplied payments and unused credit: as the pass last read them, else read fresh now. */
  private async moneyWaiting(pass: Pass, customerId: string): Promise<MoneyWaiting> {
    const known = pass.waiting.get(customerId);
    if (known) return known;
    const payments = await this.d.qbo(pass.realmId, (api) => api.query('Payment', moneyWhere(customerId)));
    const credits = await this.d.qbo(pass.realmId, (api) => api.query('CreditMemo', moneyWhere(customerId)));
    const waiting = moneyOf(payments.rows, credits.rows);
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
    /** An email-channel row: taken by this pass at this instant (a row another pass marked to review is still ours). */
    takenAt?: Date,
  ): Promise<void> {
    await this.d.store.move(pass.realmId, row.id, {
      ...(takenAt ? { from: ['sending', 'needs_review'], whileSendingAt: takenAt } : { from: ['sending'] }),
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

  private async fail(row: Reminder, error: ReminderError, pass: Pass, takenAt?: Date): Promise<void> {
    await this.d.store.move(pass.realmId, row.id, {
      ...(takenAt ? { from: ['sending', 'needs_review'], whileSendingAt: takenAt } : { from: ['sending'] }),
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
      summary:
        row.channel === 'email'
          ? `Reminder email for ${invoiceInWords(row)} not sent (${error.message})`
          : `Reminder for ${invoiceInWords(row)} not sent: QuickBooks refused it (${error.message})`,
      detail: { reminderId: row.id, invoiceId: row.invoiceId, error: { ...error } },
    });
  }
}

/** The customer's payments or credit memos, all of them (a customer with more than 1,000 is not a small business). */
function moneyWhere(customerId: string): string {
  return `where CustomerRef = ${quoted(customerId)} maxresults 1000`;
}

/** Payments' UnappliedAmt and credit memos' RemainingCredit, in cents. */
function moneyOf(payments: readonly QboEntity[], credits: readonly QboEntity[]): MoneyWaiting {
  const sum = (rows: readonly QboEntity[], field: string) =>
    rows.reduce((s, r) => s + toCents(Number(r[field] ?? 0)), 0);
  return { unappliedPaymentCents: sum(payments, 'UnappliedAmt'), unusedCreditCents: sum(credits, 'RemainingCredit') };
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
