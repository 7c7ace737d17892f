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
import { reachedCustomer, type InvoiceToRemind, type ReminderFacts, type ReminderRecord } from './reminder-facts.js';
import { addressesFor, holdBlock, safetyBlock } from './reminder-guards.js';
import { remindersFor, type ReminderChannel, type ReminderPolicy, type ReminderTone } from './reminder-policy.js';
import { RECORD_STATUSES, type NotRemindedReason } from './reminder-reasons.js';

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

/** A reminder that passed every rule but the daily cap, with what orders it in the queue for the cap. */
interface Ready {
  reminder: DueReminder;
  /** The date of the earliest stage it owes: how long it has been waiting. */
  owedSince: string;
  homeOpenBalanceCents: number;
}

type Outcome = Ready | { stageDays: number | null; reason: NotRemindedReason };

export function planReminders(facts: ReminderFacts, policy: ReminderPolicy, now: Date, timeZone: string): ReminderPlan {
  const today = localDate(now, timeZone);
  const dayOf = (at: Date) => localDate(at, timeZone);
  const customers = new Map(facts.customers.map((c) => [c.customerId, c]));
  const recordsOf = groupBy(facts.records, (r) => r.invoiceId);
  const lastEmailOn = lastEmailDates(facts, dayOf);
  const businessDay = isBusinessDay(today, policy);

  function outcomeOf(invoice: InvoiceToRemind): Outcome {
    const customer = customers.get(invoice.customerId);
    if (customer === undefined) return { stageDays: null, reason: { code: 'unknown-customer' } };
    const blocked = safetyBlock(invoice, customer, today);
    if (blocked) return { stageDays: null, reason: blocked };
    const homeOpenBalanceCents = Math.round(invoice.openBalanceCents * invoice.exchangeRate);
    if (homeOpenBalanceCents < policy.minimumAmountCents) {
      const minimum = { minimumCents: policy.minimumAmountCents, currency: facts.homeCurrency };
      return { stageDays: null, reason: { code: 'under-minimum', ...minimum } };
    }
    const rule = remindersFor(policy, customer.strategy);
    if (rule.stages.length === 0)
      return { stageDays: null, reason: { code: 'no-stages', strategy: customer.strategy ?? 'Standard' } };

    const stageOn = (days: number) => addDaysToDate(invoice.dueDate, days);
    const records = recordsOf.get(invoice.invoiceId) ?? [];
    const furthest = furthestStage(records);
    const nextAfter = (days: number) => {
      const next = rule.stages.find((s) => s > days && stageOn(s) > today);
      return next === undefined ? null : stageOn(next);
    };
    const fallenDue = rule.stages.filter((s) => stageOn(s) <= today);
    if (fallenDue.length === 0)
      return { stageDays: null, reason: { code: 'no-stage-due', nextStageOn: nextAfter(-Infinity)! } };
    // Catching up sends the latest stage that fell due, never the ones it missed, and never one at or before a
    // stage already on record: at most one reminder per (invoice, stage), and the tone never steps back.
    const latest = fallenDue.at(-1)!;
    const skip = (reason: NotRemindedReason): Outcome => ({ stageDays: latest, reason });
    if (furthest !== undefined && furthest.stageDays >= latest) {
      const { stageDays, status } = furthest;
      return skip({ code: 'stage-already-done', stageDays, status, nextStageOn: nextAfter(stageDays) });
    }
    if (records.filter(reachedCustomer).length >= policy.maxPerInvoice)
      return skip({ code: 'max-per-invoice', max: policy.maxPerInvoice });
    const held = holdBlock(invoice, customer);
    if (held) return skip(held);
    const to = addressesFor(rule.channel, invoice, customer);
    if (to.length === 0) return skip({ code: 'no-email' });
    if (!businessDay) return skip({ code: 'not-business-day', nextBusinessDay: nextBusinessDay(today, policy) });
    const last = lastEmailOn.get(customer.customerId);
    const nextAllowedOn = last === undefined ? today : addDaysToDate(last, policy.minGapDays);
    if (last !== undefined && today < nextAllowedOn)
      return skip({ code: 'min-gap', lastEmailOn: last, nextAllowedOn, minGapDays: policy.minGapDays });

    const owed = fallenDue.filter((s) => furthest === undefined || s > furthest.stageDays);
    const { invoiceId, docNumber, customerId } = invoice;
    return {
      reminder: {
        ...{ invoiceId, docNumber, customerId, stageDays: latest, stageOn: stageOn(latest) },
        ...{ passedOver: owed.slice(0, -1), tone: rule.tone, channel: rule.channel, to },
      },
      owedSince: stageOn(owed[0]!),
      homeOpenBalanceCents,
    };
  }

  const ready: Ready[] = [];
  const skipped: Array<{ invoice: InvoiceToRemind; entry: NotReminded }> = [];
  const invoiceById = new Map(facts.invoices.map((i) => [i.invoiceId, i]));
  for (const invoice of invoiceById.values()) {
    const outcome = outcomeOf(invoice);
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
    businessDay,
    due: admitted,
    emails: emailsOf(admitted),
    notReminded: skipped.map((s) => s.entry),
    dailyCap: { cap: policy.dailyCap, usedBefore, planned: admitted.length },
  };
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

/**
 * The daily cap, applied customer by customer so a customer's reminders go out together. Customers are taken in
 * this order, which favours:
 * 1. the customer whose reminder has waited longest (the earliest stage date it owes): a reminder the cap holds
 *    back moves ahead of everything that falls due after it, so none waits for ever;
 * 2. then the larger open balance of the invoices due (in the home currency): among equal waits, the one that
 *    matters more to the company's cash;
 * 3. then the customer id, so the same facts always give the same plan.
 * Within a customer, the latest stage first. The first customer that does not fit whole gets what room is left
 * (its latest stages); everyone after waits for the next run, with the reason 'daily-cap'.
 */
function admitWithinCap(ready: readonly Ready[], room: number): { admitted: DueReminder[]; capped: DueReminder[] } {
  const batches = [...groupBy(ready, (r) => r.reminder.customerId).values()].map((batch) => ({
    customerId: batch[0]!.reminder.customerId,
    owedSince: batch.map((r) => r.owedSince).sort()[0]!,
    balance: batch.reduce((sum, r) => sum + r.homeOpenBalanceCents, 0),
    reminders: batch.map((r) => r.reminder).sort(byStageThenInvoice),
  }));
  batches.sort(
    (a, b) => compareText(a.owedSince, b.owedSince) || b.balance - a.balance || compareText(a.customerId, b.customerId),
  );
  const admitted: DueReminder[] = [];
  const capped: DueReminder[] = [];
  for (const batch of batches) {
    const take = Math.min(room - admitted.length, batch.reminders.length);
    admitted.push(...batch.reminders.slice(0, take));
    capped.push(...batch.reminders.slice(take));
  }
  return { admitted, capped };
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

function byStageThenInvoice(a: DueReminder, b: DueReminder): number {
  return b.stageDays - a.stageDays || compareText(a.stageOn, b.stageOn) || compareText(a.invoiceId, b.invoiceId);
}

function compareInvoices(a: InvoiceToRemind, b: InvoiceToRemind): number {
  return (
    compareText(a.customerId, b.customerId) ||
    compareText(a.dueDate, b.dueDate) ||
    compareText(a.invoiceId, b.invoiceId)
  );
}

/** Code-unit order, not the locale's: the same on every machine. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
