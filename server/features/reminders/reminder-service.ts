import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import type { ActivityLog } from '../activity/activity-log-type.js';
import type { Company } from '../connections/connection-store-type.js';
import type { ReminderForAPerson, RemindersForAPerson, RemindersForAPersonSource } from '../risk/digest-service.js';
import type { FieldError } from './domain/field-errors.js';
import { checkSendNow } from './domain/reminder-guards.js';
import { planReminders, type DueReminder, type ReminderPlan } from './domain/reminder-plan.js';
import type { InvoiceToRemind } from './domain/reminder-facts.js';
import type { ReminderMessage } from './domain/reminder-message.js';
import {
  checkReminderPolicy,
  remindersFor,
  type ReminderChannel,
  type ReminderPolicy,
  type ReminderTone,
} from './domain/reminder-policy.js';
import { checkReminderTemplates, templateChanges, type ReminderTemplates } from './domain/reminder-templates.js';
import type { ReminderExecutor, SendReport } from './reminder-executor.js';
import { loadReminderFacts, type KnownCustomer, type ReminderFactsDeps } from './reminder-facts-loader.js';
import { companyContact, customerEmailText, emailTexts } from './reminder-texts.js';
import { failedInWords, invoiceInWords, reminderReasonInWords, toReviewInWords } from './reminder-words.js';
import { localDate } from '../../time-zone.js';
import type {
  InvoiceControls,
  NewReminder,
  Reminder,
  ReminderOrigin,
  ReminderQuery,
  ReminderReason,
  ReminderStatus,
  ReminderStore,
  StoredReminderPolicy,
  StoredReminderTemplates,
} from './reminder-store-type.js';

export interface ReminderServiceDeps extends ReminderFactsDeps {
  store: ReminderStore;
  executor: Pick<ReminderExecutor, 'sendApproved' | 'staleBefore' | 'emailReady' | 'confirmSent'>;
  /** CompanyInfo as the sync keeps it: the company's email in the email channel's texts. */
  companyInfo?: ((realmId: string) => Promise<Record<string, unknown> | undefined>) | undefined;
  companies: { getCompany(realmId: string): Promise<Company | undefined> };
  clock: Clock;
  logger: Logger;
  activity: Pick<ActivityLog, 'record'>;
  /** The zone of a company QuickBooks has not given one for. */
  defaultTimeZone: string;
}

/** A plan and what it was made from. */
export interface ReminderPreview {
  plan: ReminderPlan;
  policy: ReminderPolicy;
  /** Customers' display names by id. */
  names: Map<string, string>;
  timeZone: string;
  homeCurrency: string;
  /** The email channel's text of each reminder due by that channel, by invoice id. */
  texts: Map<string, ReminderMessage>;
  /** The open invoices the plan read, by id (their open balance and due date, for the pages). */
  invoices: Map<string, InvoiceToRemind>;
  /** Whether email-channel reminders can be approved and sent (an SMTP server is set). */
  emailReady: boolean;
}

/**
 * What a customer's page has already read: the company (its time zone, home currency, name), the customer's strategy
 * in the latest run and their controls. The preview then reads only the reminders' own facts.
 */
export interface CustomerContext extends KnownCustomer {
  company: Pick<Company, 'timeZone' | 'homeCurrency' | 'companyName'>;
}

/** One customer's preview, with their reminders on record, newest first. */
export interface CustomerPreview extends ReminderPreview {
  rows: Reminder[];
}

/** The reminders due now, and the text one of them would carry (undefined when its invoice could not be read). */
export interface MessagePreview {
  due: DueReminder[];
  names: Map<string, string>;
  mode: ReminderPolicy['mode'];
  chosen?: { reminder: DueReminder; message: ReminderMessage | undefined };
}

/** An open invoice of the company, as the templates' preview offers it: with its customer and the policy's tone. */
export interface InvoiceToPreview {
  invoice: InvoiceToRemind;
  customerName: string;
  /** The tone the policy gives the customer's strategy (Standard's when never scored). */
  tone: ReminderTone;
}

/** The open invoices a template can be tried on, and the text given templates write for one of them. */
export interface TemplatePreview {
  /** By customer name, then due date; at most TEMPLATE_PREVIEW_INVOICES of them. */
  invoices: InvoiceToPreview[];
  /** How many open invoices the company has (more than listed when there are many). */
  total: number;
  chosen?: InvoiceToPreview & { message: ReminderMessage };
}

/** The templates' preview lists at most this many open invoices (a select of thousands helps nobody). */
export const TEMPLATE_PREVIEW_INVOICES = 500;

export interface ReminderRunResult extends ReminderPreview {
  dryRun: boolean;
  /** Rows this run added (a rerun adds none for a stage already on record). */
  queued: Reminder[];
  /** Rows approved by this run (automatic mode, `approveAll`), queued now or waiting from earlier runs. */
  approved: number;
  /** What the send pass did; undefined on a dry run. */
  sent: SendReport | undefined;
}

export interface RunOptions {
  origin: ReminderOrigin;
  actor: string;
  dryRun?: boolean | undefined;
  /** The owner's deliberate act: approve and send everything due (through the same guards). */
  approveAll?: boolean | undefined;
}

/** Rows a person can approve: waiting for approval, or failed (sent again only after a person says so). */
const APPROVABLE: readonly ReminderStatus[] = ['awaiting_approval', 'failed'];
const SKIPPABLE: readonly ReminderStatus[] = ['awaiting_approval', 'approved', 'failed', 'needs_review'];
const AUTOMATIC = 'Automatic mode';

/**
 * Reminders of overdue invoices: plans from the local copy and the policy (a preview touches nothing), queues the
 * plan as outbox rows in one transaction (approval mode: awaiting a person; automatic: approved), and sends the
 * approved rows through the executor, exactly once each.
 */
export class ReminderService implements RemindersForAPersonSource {
  constructor(private readonly d: ReminderServiceDeps) {}

  policy(realmId: string): Promise<StoredReminderPolicy> {
    return this.d.store.policy(realmId);
  }

  /** Checks and saves the policy as its next version; every error with its field otherwise. */
  async savePolicy(
    realmId: string,
    input: unknown,
    actor: string,
  ): Promise<{ ok: true; saved: StoredReminderPolicy } | { ok: false; errors: FieldError[] }> {
    const checked = checkReminderPolicy(input);
    if (!checked.ok) return checked;
    const before = await this.d.store.policy(realmId);
    const saved = await this.d.store.savePolicy(realmId, checked.value, actor, this.d.clock.now());
    const mode = before.policy.mode === saved.policy.mode ? '' : `; mode ${saved.policy.mode}`;
    await this.d.activity.record(realmId, {
      actor,
      kind: 'settings',
      section: 'reminders',
      summary: `Reminder policy saved (version ${saved.policy.version}${mode})`,
      detail: { section: 'reminders', before: { ...before.policy }, after: { ...saved.policy } },
    });
    return { ok: true, saved };
  }

  /** The company's templates: its own once saved, else the default texts. */
  templates(realmId: string): Promise<StoredReminderTemplates> {
    return this.d.store.templates(realmId);
  }

  /**
   * Checks and saves the templates as their next version, and records what changed in the activity log; every
   * error with its field otherwise. Templates the same as those in use save nothing (`changed: false`).
   */
  async saveTemplates(
    realmId: string,
    input: unknown,
    actor: string,
  ): Promise<{ ok: true; changed: boolean; saved: StoredReminderTemplates } | { ok: false; errors: FieldError[] }> {
    const checked = checkReminderTemplates(input);
    if (!checked.ok) return checked;
    const before = await this.d.store.templates(realmId);
    const changes = templateChanges(before.templates, checked.value);
    if (changes.length === 0) return { ok: true, changed: false, saved: before };
    const saved = await this.d.store.saveTemplates(realmId, checked.value, actor, this.d.clock.now());
    await this.d.activity.record(realmId, {
      actor,
      kind: 'settings',
      section: 'reminders',
      summary: `Reminder templates saved (version ${saved.templates.version})`,
      detail: { section: 'reminders', templates: 'saved', version: saved.templates.version, changes },
    });
    return { ok: true, changed: true, saved };
  }

  /** Back to the default texts, as the next version (recorded); nothing when the company uses them already. */
  async resetTemplates(realmId: string, actor: string): Promise<{ changed: boolean; saved: StoredReminderTemplates }> {
    const before = await this.d.store.templates(realmId);
    if (!before.own) return { changed: false, saved: before };
    const saved = await this.d.store.saveTemplates(realmId, null, actor, this.d.clock.now());
    await this.d.activity.record(realmId, {
      actor,
      kind: 'settings',
      section: 'reminders',
      summary: `Reminder templates reset to the defaults (version ${saved.templates.version})`,
      detail: { section: 'reminders', templates: 'defaults', version: saved.templates.version },
    });
    return { changed: true, saved };
  }

  /**
   * What `templates` (saved or not) write for one open invoice of the company, alone, in `tone` (the policy's tone
   * for its customer when not given), as of today: the preview beside the templates in Settings. Reads only.
   */
  async templatePreview(
    realmId: string,
    o: { templates: ReminderTemplates; invoiceId?: string | undefined; tone?: ReminderTone | undefined },
  ): Promise<TemplatePreview> {
    const company = await this.d.companies.getCompany(realmId);
    const timeZone = company?.timeZone ?? this.d.defaultTimeZone;
    const homeCurrency = company?.homeCurrency ?? 'USD';
    const { policy } = await this.d.store.policy(realmId);
    const loaded = await loadReminderFacts(this.d, realmId, homeCurrency);
    const strategies = new Map(loaded.facts.customers.map((c) => [c.customerId, c.strategy]));
    const all = loaded.facts.invoices.map((invoice) => ({
      invoice,
      customerName: loaded.names.get(invoice.customerId) ?? invoice.customerId,
      tone: remindersFor(policy, strategies.get(invoice.customerId) ?? null).tone,
    }));
    all.sort(
      (a, b) => a.customerName.localeCompare(b.customerName) || a.invoice.dueDate.localeCompare(b.invoice.dueDate),
    );
    const invoices = all.slice(0, TEMPLATE_PREVIEW_INVOICES);
    const base = { invoices, total: all.length };
    const pick = all.find((x) => x.invoice.invoiceId === o.invoiceId);
    const entity = pick && loaded.invoiceEntities.get(pick.invoice.invoiceId);
    if (!pick || !entity) return base;
    const tone = o.tone ?? pick.tone;
    const contact = companyContact(await this.d.companyInfo?.(realmId), company?.companyName ?? '');
    const message = customerEmailText({
      policy,
      templates: o.templates,
      tone,
      customer: loaded.customerEntities.get(pick.invoice.customerId),
      customerName: pick.customerName,
      companyName: contact.name,
      companyEmail: contact.email,
      homeCurrency,
      invoices: [entity],
      today: localDate(this.d.clock.now(), timeZone),
    });
    return { ...base, chosen: { ...pick, tone, message } };
  }

  /** What a run would do now. Reads only. */
  async preview(realmId: string): Promise<ReminderPreview> {
    return (await this.previewWith(realmId)).preview;
  }

  /**
   * What a run would do now for one customer's invoices, from their facts alone (a customer's page reads this on
   * every view; planning the whole company there took seconds for 5,000 customers). The company's daily cap is not
   * applied: the run decides it. Reads only.
   */
  async customerPreview(realmId: string, customer: string | CustomerContext): Promise<CustomerPreview> {
    const known = typeof customer === 'string' ? undefined : customer;
    const { preview, loaded } = await this.previewWith(realmId, known ?? customer, {
      texts: false,
      company: known?.company,
    });
    // Oldest first as loaded; the timeline shows the newest first.
    return { ...preview, rows: [...loaded.rows].reverse() };
  }

  /**
   * The reminders a run would send now, and for one of them (by invoice) the text it would carry, written with the
   * company's templates in its tone for that invoice alone: the preview in Settings. Reads only.
   */
  async messagePreview(realmId: string, invoiceId: string | undefined): Promise<MessagePreview> {
    const { preview, loaded, write } = await this.previewWith(realmId);
    const reminder = preview.plan.due.find((r) => r.invoiceId === invoiceId);
    const base = { due: preview.plan.due, names: preview.names, mode: preview.policy.mode };
    if (!reminder) return base;
    const one = { customerId: reminder.customerId, to: reminder.to, tone: reminder.tone, reminders: [reminder] };
    const message = write({ ...preview.plan, emails: [one] }, loaded).get(reminder.invoiceId);
    return { ...base, chosen: { reminder, message } };
  }

  /**
   * `texts: false` leaves the email texts out (a customer's page shows the plan, not the messages); `company` is the
   * company as the caller has already read it.
   */
  private async previewWith(
    realmId: string,
    customer?: string | KnownCustomer,
    o: { texts?: boolean; company?: Pick<Company, 'timeZone' | 'homeCurrency' | 'companyName'> } = {},
  ) {
    const company = o.company ?? (await this.d.companies.getCompany(realmId));
    const timeZone = company?.timeZone ?? this.d.defaultTimeZone;
    const homeCurrency = company?.homeCurrency ?? 'USD';
    const [{ policy }, templates] = await Promise.all([
      this.d.store.policy(realmId),
      o.texts === false ? undefined : this.d.store.templates(realmId).then((t) => t.templates),
    ]);
    const loaded = await loadReminderFacts(this.d, realmId, homeCurrency, customer);
    const plan = planReminders(loaded.facts, policy, this.d.clock.now(), timeZone);
    const contact =
      o.texts === false
        ? { name: company?.companyName ?? '', email: null }
        : companyContact(await this.d.companyInfo?.(realmId), company?.companyName ?? '');
    const write = (p: ReminderPlan, l: typeof loaded) => {
      if (!templates) throw new Error('This preview was read without the texts');
      return emailTexts(p, l, {
        policy,
        templates,
        companyName: contact.name,
        companyEmail: contact.email,
        homeCurrency,
      });
    };
    const texts = o.texts === false ? new Map<string, never>() : write(plan, loaded);
    const invoices = new Map(loaded.facts.invoices.map((i) => [i.invoiceId, i]));
    const preview: ReminderPreview = {
      plan,
      policy,
      names: loaded.names,
      timeZone,
      homeCurrency,
      texts,
      invoices,
      emailReady: this.d.executor.emailReady,
    };
    return { preview, loaded, write };
  }

  /**
   * Plans, queues the due reminders (one transaction; a stage already on record is never queued again), then sends
   * what is approved, unless `dryRun`.
   */
  async run(realmId: string, o: RunOptions): Promise<ReminderRunResult> {
    const preview = await this.preview(realmId);
    if (o.dryRun) return { ...preview, dryRun: true, queued: [], approved: 0, sent: undefined };
    const automatic = preview.policy.mode === 'automatic';
    const emailReady = this.d.executor.emailReady;
    const rows: NewReminder[] = preview.plan.due.map((r) => ({
      realmId,
      invoiceId: r.invoiceId,
      docNumber: r.docNumber,
      customerId: r.customerId,
      stageDays: r.stageDays,
      idempotencyKey: `reminder:${r.invoiceId}:stage:${r.stageDays}`,
      channel: r.channel,
      tone: r.tone,
      to: r.to,
      subject: preview.texts.get(r.invoiceId)?.subject ?? null,
      text: preview.texts.get(r.invoiceId)?.text ?? null,
      origin: o.origin,
      actor: o.actor,
      // Without an SMTP server the email channel's rows wait, and say why.
      ...(r.channel === 'email' && !emailReady
        ? { status: 'awaiting_approval' as const, reason: { code: 'email-channel-not-set-up' as const } }
        : automatic || o.approveAll
          ? { status: 'approved' as const, decidedBy: o.approveAll ? o.actor : AUTOMATIC }
          : { status: 'awaiting_approval' as const }),
    }));
    const queued = await this.d.store.enqueue(rows, this.d.clock.now());
    let approved = queued.filter((r) => r.status === 'approved').length;
    if (o.approveAll) {
      const waiting = await this.d.store.list(realmId, { status: 'awaiting_approval', limit: 10_000 });
      approved += await this.approve(
        realmId,
        waiting.map((r) => r.id),
        o.actor,
      );
    }
    const waitingForApproval = queued.filter((r) => r.status === 'awaiting_approval' && !r.reason);
    if (waitingForApproval.length > 0)
      await this.d.activity.record(realmId, {
        actor: o.actor,
        kind: 'email',
        summary: `${count(waitingForApproval.length, 'reminder')} queued for approval`,
        detail: { reminderIds: waitingForApproval.map((r) => r.id) },
      });
    const sent = await this.sendApproved(realmId, preview);
    return { ...preview, dryRun: false, queued, approved, sent };
  }

  /** Sends the company's approved reminders (and settles any send a dead process left unresolved). */
  async sendApproved(realmId: string, p?: Pick<ReminderPreview, 'timeZone' | 'homeCurrency'>): Promise<SendReport> {
    let where = p;
    if (!where) {
      const company = await this.d.companies.getCompany(realmId);
      where = { timeZone: company?.timeZone ?? this.d.defaultTimeZone, homeCurrency: company?.homeCurrency ?? 'USD' };
    }
    return this.d.executor.sendApproved(realmId, where);
  }

  /**
   * Every connected company with reminders to send (approved since the last run, or a send a dead process left
   * unresolved): what the `reminders-send` job runs between nights.
   */
  async sendDue(): Promise<string> {
    const realms = await this.d.store.realmsToSend(this.d.executor.staleBefore(this.d.clock.now()));
    const lines: string[] = [];
    for (const realmId of realms) {
      const company = await this.d.companies.getCompany(realmId);
      if (company?.status !== 'connected') continue;
      const report = await this.sendApproved(realmId);
      lines.push(`${realmId}: ${sendSummary(report).join(', ')}`);
    }
    return lines.length === 0 ? 'nothing to send' : lines.join('\n');
  }

  /** The nightly step after write-back: queues (approval mode) or sends (automatic mode) what is due. */
  async nightly(realmId: string): Promise<string> {
    const result = await this.run(realmId, { origin: 'nightly', actor: 'Nightly schedule' });
    return `reminders: ${runSummary(result)}`;
  }

  /**
   * A person approves rows (awaiting approval, or failed): they go on the next send. Email-channel rows stay while
   * the deployment has no SMTP server. Returns how many were approved.
   */
  async approve(realmId: string, ids: readonly number[], actor: string): Promise<number> {
    let n = 0;
    for (const id of ids) {
      const row = await this.d.store.get(realmId, id);
      if (!row || (row.channel === 'email' && !this.d.executor.emailReady)) continue;
      const moved = await this.d.store.move(realmId, id, {
        from: APPROVABLE,
        to: 'approved',
        at: this.d.clock.now(),
        decidedBy: actor,
        reason: null,
      });
      if (moved) n++;
    }
    return n;
  }

  /** A person skips rows: the stage is taken for good (never proposed again). Returns how many were skipped. */
  async skip(realmId: string, ids: readonly number[], actor: string): Promise<number> {
    let n = 0;
    for (const id of ids) {
      const row = await this.d.store.get(realmId, id);
      const moved = await this.d.store.move(realmId, id, {
        from: SKIPPABLE,
        to: 'skipped',
        at: this.d.clock.now(),
        decidedBy: actor,
      });
      if (!row || !moved) continue;
      n++;
      await this.d.activity.record(realmId, {
        actor,
        kind: 'email',
        customerId: row.customerId,
        summary: `Reminder for invoice ${row.docNumber ?? row.invoiceId} skipped`,
        detail: { reminderId: id },
      });
    }
    return n;
  }

  /**
   * A person checked that email-channel reminders left to review (`needs_review`: their send was interrupted, so they
   * may have gone) did go: each is marked sent by that person, recorded in the activity log, and its line queued for
   * the invoice in QuickBooks. Only rows to review move. Returns how many were confirmed.
   */
  async confirmSent(realmId: string, ids: readonly number[], actor: string): Promise<number> {
    const company = await this.d.companies.getCompany(realmId);
    const timeZone = company?.timeZone ?? this.d.defaultTimeZone;
    let n = 0;
    for (const id of ids) {
      const row = await this.d.store.get(realmId, id);
      if (row?.status === 'needs_review' && (await this.d.executor.confirmSent(realmId, row, actor, timeZone))) n++;
    }
    return n;
  }

  /**
   * "Send a reminder now": the same guards as the nightly plan without the schedule's; queued approved with a key
   * of its own and sent at once (it counts toward the limits afterwards).
   */
  async sendNow(
    realmId: string,
    invoiceId: string,
    actor: string,
  ): Promise<{ ok: true; report: SendReport; channel: ReminderChannel } | { ok: false; reason: ReminderReason }> {
    const company = await this.d.companies.getCompany(realmId);
    const timeZone = company?.timeZone ?? this.d.defaultTimeZone;
    const homeCurrency = company?.homeCurrency ?? 'USD';
    const { policy } = await this.d.store.policy(realmId);
    const loaded = await loadReminderFacts(this.d, realmId, homeCurrency);
    const { facts } = loaded;
    const invoice = facts.invoices.find((i) => i.invoiceId === invoiceId);
    const customer = invoice && facts.customers.find((c) => c.customerId === invoice.customerId);
    if (!invoice) {
      // Not open: paid (or voided) if the copy has it, else not in QuickBooks (as far as the last sync knows).
      const known = await this.d.localCopy.rawEntities(realmId, 'Invoice', [invoiceId]);
      return { ok: false, reason: { code: known.length > 0 ? 'balance-zero' : 'invoice-gone' } };
    }
    if (!customer) return { ok: false, reason: { code: 'unknown-customer' } };
    const check = checkSendNow(invoice, customer, policy, this.d.clock.now(), timeZone);
    if (!check.ok) return check;
    let message: { subject: string; text: string } | undefined;
    if (check.channel === 'email') {
      if (!this.d.executor.emailReady) return { ok: false, reason: { code: 'email-channel-not-set-up' } };
      const entity = loaded.invoiceEntities.get(invoiceId);
      if (!entity) return { ok: false, reason: { code: 'invoice-gone' } };
      const contact = companyContact(await this.d.companyInfo?.(realmId), company?.companyName ?? '');
      const { templates } = await this.d.store.templates(realmId);
      message = customerEmailText({
        policy,
        templates,
        tone: check.tone,
        customer: loaded.customerEntities.get(invoice.customerId),
        customerName: loaded.names.get(invoice.customerId) ?? invoice.customerId,
        companyName: contact.name,
        companyEmail: contact.email,
        homeCurrency,
        invoices: [entity],
        today: localDate(this.d.clock.now(), timeZone),
      });
    }
    await this.d.store.enqueue(
      [
        {
          realmId,
          invoiceId,
          docNumber: invoice.docNumber,
          customerId: invoice.customerId,
          stageDays: null,
          idempotencyKey: `reminder:${invoiceId}:now:${randomUUID()}`,
          channel: check.channel,
          tone: check.tone,
          to: check.to,
          ...(message ? { subject: message.subject, text: message.text } : {}),
          status: 'approved',
          decidedBy: actor,
          origin: 'send-now',
          actor,
        },
      ],
      this.d.clock.now(),
    );
    const report = await this.d.executor.sendApproved(realmId, { timeZone, homeCurrency });
    return { ok: true, report, channel: check.channel };
  }

  /**
   * The reminders waiting for a person, for the alert digest: held (rows put back by a guard at send time, and the
   * invoices the plan holds for money waiting or cannot send to for want of an address, as the Reminders page lists
   * them), awaiting approval, failed, and to review; each with the first `listed` in words. Reads only.
   */
  async forAPerson(realmId: string, listed = 10): Promise<RemindersForAPerson> {
    const [{ preview }, counts, queue, failed, toReview] = await Promise.all([
      this.previewWith(realmId, undefined, { texts: false }),
      this.d.store.counts(realmId),
      this.d.store.list(realmId, { status: 'awaiting_approval', limit: 10_000 }),
      this.d.store.list(realmId, { status: 'failed', limit: listed }),
      this.d.store.list(realmId, { status: 'needs_review', limit: listed }),
    ]);
    const words = (r: { customerId: string; docNumber: string | null; invoiceId: string }, why: string) =>
      ({
        customerName: preview.names.get(r.customerId) ?? `Customer ${r.customerId}`,
        invoice: invoiceInWords(r),
        why,
      }) satisfies ReminderForAPerson;
    // Oldest first: the order they were put back in.
    const heldRows = queue.filter((r) => r.reason !== null).reverse();
    const heldByPlan = preview.plan.notReminded.filter((n) => n.reason.code === 'held' || n.reason.code === 'no-email');
    const held = [
      ...heldRows.map((r) => words(r, reminderReasonInWords(r.reason!))),
      ...heldByPlan.map((n) => words(n, reminderReasonInWords(n.reason))),
    ];
    return {
      held: { count: held.length, listed: held.slice(0, listed) },
      awaitingApproval: queue.length - heldRows.length,
      failed: { count: counts.failed, listed: failed.map((r) => words(r, failedInWords(r))) },
      toReview: { count: counts.needs_review, listed: toReview.map((r) => words(r, toReviewInWords(r))) },
    };
  }

  /** One row of the company; undefined for another company's id. */
  get(realmId: string, id: number): Promise<Reminder | undefined> {
    return this.d.store.get(realmId, id);
  }

  list(realmId: string, q?: ReminderQuery): Promise<Reminder[]> {
    return this.d.store.list(realmId, q);
  }

  counts(realmId: string): Promise<Record<ReminderStatus, number>> {
    return this.d.store.counts(realmId);
  }

  setInvoiceControls(
    realmId: string,
    invoiceId: string,
    change: Partial<Pick<InvoiceControls, 'snoozedUntil' | 'disputed' | 'disputeNote'>>,
    actor: string,
  ): Promise<InvoiceControls> {
    return this.d.store.setInvoiceControls(realmId, invoiceId, change, actor, this.d.clock.now());
  }
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** What a send pass did, in parts of a line (how many were held is the caller's to add). */
export function sendSummary(s: SendReport): string[] {
  const parts = [`${s.sent} sent`];
  if (s.emails) parts.push(`${count(s.emails, 'email')} by the email channel`);
  if (s.review) parts.push(`${s.review} to review (may have been sent, never sent again)`);
  if (s.reconciled) parts.push(`${s.reconciled} found already sent`);
  if (s.skipped) parts.push(`${s.skipped} skipped (paid or gone)`);
  if (s.failed) parts.push(`${s.failed} failed`);
  if (s.unresolved) parts.push(`${s.unresolved} unresolved`);
  if (s.reconnectNeeded) parts.push('stopped: reconnect to QuickBooks');
  if (s.dailyLimitReached) parts.push('stopped: QuickBooks’ daily email limit reached, the rest go next run');
  return parts;
}

/** A run in one line: what was queued, sent, held and skipped. */
export function runSummary(r: ReminderRunResult): string {
  const parts: string[] = [];
  const awaiting = r.queued.filter((q) => q.status === 'awaiting_approval' && !q.reason).length;
  const emailWaiting = r.queued.filter((q) => q.reason?.code === 'email-channel-not-set-up').length;
  const heldByPlan = r.plan.notReminded.filter((n) => n.reason.code === 'held').length;
  const cannot = r.plan.notReminded.filter((n) => n.reason.code === 'no-email').length;
  if (r.dryRun) parts.push(`${r.plan.due.length} due (dry run, nothing queued or sent)`);
  else {
    parts.push(`${awaiting} queued for approval`);
    if (r.sent) parts.push(...sendSummary(r.sent));
  }
  const held = heldByPlan + (r.sent?.held ?? 0);
  if (held) parts.push(`${held} held`);
  if (cannot) parts.push(`${cannot} cannot send: no email`);
  if (emailWaiting) parts.push(`${emailWaiting} waiting: email reminders need SMTP_URL`);
  return parts.join(', ');
}
