/**
 * The reminder plan of one company for one run: which invoices get a reminder now, at which stage, in which tone and
 * by which channel, and why every other open invoice gets none. Pure, with time and the company's zone as
 * parameters: the nightly run sends (or queues) the plan, the CLI prints it, the pages show it.
 *
 * Each invoice is checked against an ordered list of rules and the first that applies is its reason (Kill Bill's
 * overdue states, architecture.md §2.4): what a person decided and whether it is paid first, then the schedule,
 * then what would stop a send that is due. The order is the one the reasons are listed in below.
 */
import { localDate } from '../../../time-zone.js';
import { addDaysToDate, isBusinessDay, nextBusinessDay } from './calendar.js';
import {
  reachedCustomer,
  type CustomerToRemind,
  type InvoiceToRemind,
  type ReminderFacts,
  type ReminderRecord,
} from './reminder-facts.js';
import { addressesFor, holdBlock, safetyBlock } from './reminder-guards.js';
import { remindersFor, type ReminderChannel, type ReminderPolicy, type ReminderTone } from './reminder-policy.js';
import { RECORD_STATUSES, type NotRemindedReason } from './reminder-reasons.js';
import { compareText, groupBy } from './collections.js';
import { admitWithinCap, type ReadyReminder } from './daily-cap.js';

export interface DueReminder {
  invoiceId: string;
  docNumber: string | null;
  customerId: string;
  /** The stage this reminder is, in days from the due date. */
  stageDays: number;
  /** The date the stage fell due: before today when it waited for a business day, the gap, the cap or a missed run. */
  stageOn: string;
  /** Earlier stages that fell due and were never sent: this reminder catches up on them; they are never sent. */
  passedOver: number[];
  tone: ReminderTone;
  channel: ReminderChannel;
  to: string[];
}

/** The email channel's one email per customer per run, listing every invoice with a reminder due. */
export interface CustomerEmail {
  customerId: string;
  to: string[];
  tone: ReminderTone;
  reminders: DueReminder[];
}

export interface NotReminded {
  invoiceId: string;
  docNumber: string | null;
  customerId: string;
  /** The stage that would have gone out, once the schedule got that far; null before that. */
  stageDays: number | null;
  reason: NotRemindedReason;
}

export interface ReminderPlan {
  /** The run's date in the company's time zone. */
  today: string;
  businessDay: boolean;
  /** In the order the daily cap admitted them (see admitWithinCap). */
  due: DueReminder[];
  emails: CustomerEmail[];
  /** Every invoice given that is not due, with its reason; by customer, then due date, then invoice. */
  notReminded: NotReminded[];
  dailyCap: { cap: number; usedBefore: number; planned: number };
}

type Outcome = ReadyReminder | { stageDays: number | null; reason: NotRemindedReason };

/** What every invoice of one run is checked against. */
interface Run {
  today: string;
  businessDay: boolean;
  policy: ReminderPolicy;
  homeCurrency: string;
  customers: ReadonlyMap<string, CustomerToRemind>;
  recordsOf: ReadonlyMap<string, ReminderRecord[]>;
  lastEmailOn: ReadonlyMap<string, string>;
}

export function planReminders(facts: ReminderFacts, policy: ReminderPolicy, now: Date, timeZone: string): ReminderPlan {
  const today = localDate(now, timeZone);
  // A company has a few thousand records; formatting each instant once keeps a night's plan fast.
  const days = new Map<number, string>();
  const dayOf = (at: Date) => {
    let day = days.get(at.getTime());
    if (day === undefined) days.set(at.getTime(), (day = localDate(at, timeZone)));
    return day;
  };
  const run: Run = {
    today,
    businessDay: isBusinessDay(today, policy),
    policy,
    homeCurrency: facts.homeCurrency,
    customers: new Map(facts.customers.map((c) => [c.customerId, c])),
    recordsOf: groupBy(facts.records, (r) => r.invoiceId),
    lastEmailOn: lastEmailDates(facts, dayOf),
  };

  const ready: ReadyReminder[] = [];
  const skipped: Array<{ invoice: InvoiceToRemind; entry: NotReminded }> = [];
  const invoiceById = new Map(facts.invoices.map((i) => [i.invoiceId, i]));
  for (const invoice of invoiceById.values()) {
    const outcome = outcomeOf(invoice, run);
    if ('reminder' in outcome) ready.push(outcome);
    else skipped.push({ invoice, entry: notReminded(invoice, outcome.stageDays, outcome.reason) });
  }

  const usedBefore = facts.records.filter((r) => reachedCustomer(r) && dayOf(r.at) === today).length;
  const { admitted, capped } = admitWithinCap(ready, Math.max(0, policy.dailyCap - usedBefore));
  for (const r of capped) {
    const invoice = invoiceById.get(r.invoiceId)!;
    skipped.push({ invoice, entry: notReminded(invoice, r.stageDays, { code: 'daily-cap', cap: policy.dailyCap }) });
  }
  skipped.sort((a, b) => compareInvoices(a.invoice, b.invoice));
  return {
    today,
    businessDay: run.businessDay,
    due: admitted,
    emails: emailsOf(admitted),
    notReminded: skipped.map((s) => s.entry),
    dailyCap: { cap: policy.dailyCap, usedBefore, planned: admitted.length },
  };
}

/** The rules in order: the first that applies is the invoice's reason; one that passes them all is ready. */
function outcomeOf(invoice: InvoiceToRemind, run: Run): Outcome {
  const customer = run.customers.get(invoice.customerId);
  if (customer === undefined) return { stageDays: null, reason: { code: 'unknown-customer' } };
  const early = reasonBeforeSchedule(invoice, customer, run);
  if (early) return { stageDays: null, reason: early };
  const rule = remindersFor(run.policy, customer.strategy);
  const records = run.recordsOf.get(invoice.invoiceId) ?? [];
  const stage = stageDue(invoice, rule.stages, records, run.today);
  if ('reason' in stage) return stage;
  const skip = (reason: NotRemindedReason): Outcome => ({ stageDays: stage.latest, reason });
  if (records.filter(reachedCustomer).length >= run.policy.maxPerInvoice)
    return skip({ code: 'max-per-invoice', max: run.policy.maxPerInvoice });
  const held = holdBlock(invoice, customer);
  if (held) return skip(held);
  const to = addressesFor(rule.channel, invoice, customer);
  if (to.length === 0) return skip({ code: 'no-email' });
  if (!run.businessDay)
    return skip({ code: 'not-business-day', nextBusinessDay: nextBusinessDay(run.today, run.policy) });
  const tooSoon = gapReason(customer.customerId, run);
  if (tooSoon) return skip(tooSoon);

  const { invoiceId, docNumber, customerId } = invoice;
  const stageOn = (days: number) => addDaysToDate(invoice.dueDate, days);
  return {
    reminder: {
      ...{ invoiceId, docNumber, customerId, stageDays: stage.latest, stageOn: stageOn(stage.latest) },
      ...{ passedOver: stage.owed.slice(0, -1), tone: rule.tone, channel: rule.channel, to },
    },
    owedSince: stageOn(stage.owed[0]!),
    homeOpenBalanceCents: homeCents(invoice),
  };
}

function homeCents(invoice: InvoiceToRemind): number {
  return Math.round(invoice.openBalanceCents * invoice.exchangeRate);
}

/** What a person decided, whether it is paid, and whether it is worth a reminder at all. */
function reasonBeforeSchedule(
  invoice: InvoiceToRemind,
  customer: CustomerToRemind,
  run: Run,
): NotRemindedReason | null {
  const blocked = safetyBlock(invoice, customer, run.today);
  if (blocked) return blocked;
  if (homeCents(invoice) < run.policy.minimumAmountCents)
    return { code: 'under-minimum', minimumCents: run.policy.minimumAmountCents, currency: run.homeCurrency };
  if (remindersFor(run.policy, customer.strategy).stages.length === 0)
    return { code: 'no-stages', strategy: customer.strategy ?? 'Standard' };
  return null;
}

/**
 * The stage due now: the latest that fell due, with the stages it owes (fallen due, later than any on record).
 * Catching up sends that latest stage, never the ones it missed, and never one at or before a stage already on
 * record: at most one reminder per (invoice, stage), and the tone never steps back.
 */
function stageDue(
  invoice: InvoiceToRemind,
  stages: readonly number[],
  records: readonly ReminderRecord[],
  today: string,
): { latest: number; owed: number[] } | { stageDays: number | null; reason: NotRemindedReason } {
  const stageOn = (days: number) => addDaysToDate(invoice.dueDate, days);
  const nextAfter = (days: number) => {
    const next = stages.find((s) => s > days && stageOn(s) > today);
    return next === undefined ? null : stageOn(next);
  };
  const fallenDue = stages.filter((s) => stageOn(s) <= today);
  if (fallenDue.length === 0)
    return { stageDays: null, reason: { code: 'no-stage-due', nextStageOn: stageOn(stages[0]!) } };
  const latest = fallenDue.at(-1)!;
  const furthest = furthestStage(records);
  if (furthest !== undefined && furthest.stageDays >= latest) {
    const { stageDays, status } = furthest;
    return {
      stageDays: latest,
      reason: { code: 'stage-already-done', stageDays, status, nextStageOn: nextAfter(stageDays) },
    };
  }
  return { latest, owed: fallenDue.filter((s) => furthest === undefined || s > furthest.stageDays) };
}

/** Too soon after the customer's last email: it can go `minGapDays` after the day of that email. */
function gapReason(customerId: string, run: Run): NotRemindedReason | null {
  const last = run.lastEmailOn.get(customerId);
  if (last === undefined) return null;
  const nextAllowedOn = addDaysToDate(last, run.policy.minGapDays);
  return run.today < nextAllowedOn
    ? { code: 'min-gap', lastEmailOn: last, nextAllowedOn, minGapDays: run.policy.minGapDays }
    : null;
}

function notReminded(invoice: InvoiceToRemind, stageDays: number | null, reason: NotRemindedReason): NotReminded {
  const { invoiceId, docNumber, customerId } = invoice;
  return { invoiceId, docNumber, customerId, stageDays, reason };
}

/**
 * The record of the latest stage an invoice reached, whatever its status. The store keeps one per (invoice, stage);
 * should two ever come, the later one speaks, so the answer never depends on the order rows were read in.
 */
function furthestStage(records: readonly ReminderRecord[]) {
  let furthest: (ReminderRecord & { stageDays: number }) | undefined;
  for (const r of records) {
    if (r.stageDays === null) continue;
    const later =
      furthest === undefined ||
      r.stageDays > furthest.stageDays ||
      (r.stageDays === furthest.stageDays &&
        (r.at.getTime() > furthest.at.getTime() ||
          (r.at.getTime() === furthest.at.getTime() &&
            RECORD_STATUSES.indexOf(r.status) > RECORD_STATUSES.indexOf(furthest.status))));
    if (later) furthest = { ...r, stageDays: r.stageDays };
  }
  return furthest;
}

/**
 * The date of each customer's last email, in the company's zone: the later of the customer's own, the reminders
 * on record for its invoices, and QuickBooks' last delivery of any of its invoices.
 */
function lastEmailDates(facts: ReminderFacts, dayOf: (at: Date) => string): Map<string, string> {
  const last = new Map<string, string>();
  const note = (customerId: string, at: Date | null) => {
    if (at === null) return;
    const day = dayOf(at);
    const known = last.get(customerId);
    if (known === undefined || day > known) last.set(customerId, day);
  };
  for (const c of facts.customers) note(c.customerId, c.lastEmailAt);
  const customerOf = new Map(facts.invoices.map((i) => [i.invoiceId, i.customerId]));
  for (const i of facts.invoices) note(i.customerId, i.lastEmailedAt);
  for (const r of facts.records) {
    const customerId = customerOf.get(r.invoiceId);
    if (customerId !== undefined && reachedCustomer(r)) note(customerId, r.at);
  }
  return last;
}

function emailsOf(due: readonly DueReminder[]): CustomerEmail[] {
  const emails = new Map<string, CustomerEmail>();
  for (const r of due) {
    if (r.channel !== 'email') continue;
    const email = emails.get(r.customerId) ?? { customerId: r.customerId, to: [], tone: r.tone, reminders: [] };
    email.reminders.push(r);
    for (const address of r.to) if (!email.to.includes(address)) email.to.push(address);
    emails.set(r.customerId, email);
  }
  return [...emails.values()];
}

function compareInvoices(a: InvoiceToRemind, b: InvoiceToRemind): number {
  return (
    compareText(a.customerId, b.customerId) ||
    compareText(a.dueDate, b.dueDate) ||
    compareText(a.invoiceId, b.invoiceId)
  );
}
