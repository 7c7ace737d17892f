import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STRATEGIES } from '../../../server/features/risk/domain/risk-policy.js';
import { addDaysToDate, daysBetween, WEEKDAYS } from '../../../server/features/reminders/domain/calendar.js';
import type { CustomerToRemind, InvoiceToRemind, ReminderFacts, ReminderRecord } from './reminder-builders.js';
import { planReminders, type ReminderPlan } from '../../../server/features/reminders/domain/reminder-plan.js';
import {
  DEFAULT_REMINDER_POLICY,
  REMINDER_CHANNELS,
  parseReminderPolicy,
  type ReminderPolicy,
} from '../../../server/features/reminders/domain/reminder-policy.js';
import { RECORD_STATUSES } from '../../../server/features/reminders/domain/reminder-reasons.js';
import { localDate } from '../../../server/time-zone.js';

const ZONES = ['UTC', 'Australia/Sydney', 'America/Los_Angeles', 'Asia/Kolkata'];
const BASE = '2026-03-10';
const STAGES = DEFAULT_REMINDER_POLICY.stages;

/** Mostly false: the interesting plans have most invoices eligible. */
const rarely = fc.oneof({ arbitrary: fc.constant(false), weight: 15 }, { arbitrary: fc.constant(true), weight: 1 });
const rareAmount = fc.oneof({ arbitrary: fc.constant(0), weight: 15 }, fc.integer({ min: 1, max: 5000 }));
const dateNear = (before: number, after = before) =>
  fc.integer({ min: -before, max: after }).map((d) => addDaysToDate(BASE, d));
const instantNear = (before: number, after = before) =>
  fc
    .integer({ min: -before * 24, max: after * 24 })
    .map((h) => new Date(Date.parse(`${BASE}T00:00:00Z`) + h * 3_600_000));
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ arbitrary: fc.constant(null), weight: 6 }, arb);

const customerArb = (customerId: string): fc.Arbitrary<CustomerToRemind> =>
  fc.record({
    customerId: fc.constant(customerId),
    strategy: fc.constantFrom(...STRATEGIES, null),
    email: fc.constantFrom('owner@c.test', 'owner@c.test', null, 'n/a'),
    excluded: rarely,
    remindersPaused: rarely,
    unappliedPaymentCents: rareAmount,
    unusedCreditCents: rareAmount,
    lastEmailAt: maybe(instantNear(15, 0)),
  });

const invoiceArb = (invoiceId: string, customers: number): fc.Arbitrary<InvoiceToRemind> =>
  fc.record({
    invoiceId: fc.constant(invoiceId),
    docNumber: maybe(fc.constant(`D${invoiceId}`)),
    customerId: fc.integer({ min: 0, max: customers - 1 }).map((k) => `c${k}`),
    dueDate: dateNear(45, 5),
    openBalanceCents: fc.oneof(
      { arbitrary: fc.constant(0), weight: 1 },
      { arbitrary: fc.integer({ min: 1, max: 500_000 }), weight: 15 },
    ),
    currency: fc.constantFrom('USD', 'EUR'),
    exchangeRate: fc.constantFrom(1, 1.1, 0.5),
    billEmail: fc.constantFrom('ap@c.test', 'ap@c.test, boss@c.test', 'ap@c.test', null),
    lastEmailedAt: maybe(instantNear(15, 0)),
    snoozedUntil: maybe(dateNear(10)),
    disputed: rarely,
  });

const recordArb = (invoices: number): fc.Arbitrary<ReminderRecord> =>
  fc.record({
    invoiceId: fc.integer({ min: 0, max: Math.max(0, invoices - 1) }).map((k) => `i${k}`),
    stageDays: fc.constantFrom(...STAGES, null),
    status: fc.constantFrom(...RECORD_STATUSES),
    at: instantNear(30, 0),
  });

const factsArb: fc.Arbitrary<ReminderFacts> = fc
  .record({ customers: fc.integer({ min: 1, max: 5 }), invoices: fc.integer({ min: 0, max: 16 }) })
  .chain(({ customers, invoices }) =>
    fc.record({
      homeCurrency: fc.constant('USD'),
      customers: fc.tuple(...Array.from({ length: customers }, (_, k) => customerArb(`c${k}`))),
      invoices: fc.tuple(...Array.from({ length: invoices }, (_, k) => invoiceArb(`i${k}`, customers))),
      records: fc.array(recordArb(invoices), { maxLength: invoices === 0 ? 0 : 8 }),
    }),
  );

const policyArb: fc.Arbitrary<ReminderPolicy> = fc
  .record({
    dailyCap: fc.integer({ min: 1, max: 6 }),
    minGapDays: fc.integer({ min: 0, max: 5 }),
    maxPerInvoice: fc.integer({ min: 1, max: 6 }),
    businessDays: fc.oneof(
      { arbitrary: fc.constant(DEFAULT_REMINDER_POLICY.businessDays), weight: 3 },
      fc.subarray([...WEEKDAYS], { minLength: 1 }),
    ),
    channels: fc.array(fc.constantFrom(...REMINDER_CHANNELS), { minLength: STRATEGIES.length, maxLength: 5 }),
    minimumAmountCents: fc.constantFrom(0, 1000, 1000, 100_000),
  })
  .map(({ channels, ...limits }) => {
    const strategies = structuredClone(DEFAULT_REMINDER_POLICY.strategies);
    STRATEGIES.forEach((s, k) => (strategies[s].channel = channels[k]!));
    return parseReminderPolicy({ ...structuredClone(DEFAULT_REMINDER_POLICY), ...limits, strategies });
  });

const runArb = fc.record({
  facts: factsArb,
  policy: policyArb,
  now: instantNear(3),
  zone: fc.constantFrom(...ZONES),
});

const key = (invoiceId: string, stageDays: number | null) => `${invoiceId}|${stageDays}`;

function planOf(run: { facts: ReminderFacts; policy: ReminderPolicy; now: Date; zone: string }): ReminderPlan {
  return planReminders(run.facts, run.policy, run.now, run.zone);
}

describe('what every reminder plan guarantees', () => {
  it('never two reminders for one (invoice, stage), never one already on record, never a step back', () => {
    fc.assert(
      fc.property(runArb, (run) => {
        const p = planOf(run);
        const due = p.due.map((r) => key(r.invoiceId, r.stageDays));
        expect(new Set(due).size).toBe(due.length);
        expect(new Set(p.due.map((r) => r.invoiceId)).size).toBe(due.length);
        for (const r of p.due) {
          const onRecord = run.facts.records.filter((x) => x.invoiceId === r.invoiceId && x.stageDays !== null);
          for (const x of onRecord) expect(r.stageDays).toBeGreaterThan(x.stageDays!);
        }
      }),
    );
  });

  it('never a reminder for a zero balance, an excluded, paused or held customer, a disputed or snoozed invoice', () => {
    fc.assert(
      fc.property(runArb, (run) => {
        const p = planOf(run);
        const today = localDate(run.now, run.zone);
        for (const r of p.due) {
          const invoice = run.facts.invoices.find((i) => i.invoiceId === r.invoiceId)!;
          const customer = run.facts.customers.find((c) => c.customerId === r.customerId)!;
          expect(invoice.openBalanceCents).toBeGreaterThan(0);
          expect([customer.excluded, customer.remindersPaused, invoice.disputed]).toEqual([false, false, false]);
          expect(customer.unappliedPaymentCents + customer.unusedCreditCents).toBe(0);
          expect(invoice.snoozedUntil === null || invoice.snoozedUntil <= today).toBe(true);
          expect(r.to.length).toBeGreaterThan(0);
        }
      }),
    );
  });

  it('never more due than the daily cap leaves, and every invoice is either due or has its reason', () => {
    fc.assert(
      fc.property(runArb, (run) => {
        const p = planOf(run);
        expect(p.due.length).toBeLessThanOrEqual(Math.max(0, run.policy.dailyCap - p.dailyCap.usedBefore));
        const seen = [...p.due.map((r) => r.invoiceId), ...p.notReminded.map((n) => n.invoiceId)].sort();
        expect(seen).toEqual(run.facts.invoices.map((i) => i.invoiceId).sort());
        const emailed = p.emails.flatMap((e) => e.reminders);
        expect(emailed).toEqual(p.due.filter((r) => r.channel === 'email'));
        expect(new Set(p.emails.map((e) => e.customerId)).size).toBe(p.emails.length);
      }),
    );
  });

  it('is the same plan whatever order the facts come in', () => {
    fc.assert(
      fc.property(runArb, (run) => {
        const f = run.facts;
        const reordered = {
          ...f,
          invoices: [...f.invoices].reverse(),
          customers: [...f.customers].reverse(),
          records: [...f.records].reverse(),
        };
        expect(planOf({ ...run, facts: reordered })).toEqual(planOf(run));
      }),
    );
  });

  it('night after night: each (invoice, stage) once, the cap each night, the gap between emails to a customer', () => {
    fc.assert(
      fc.property(runArb, fc.integer({ min: 10, max: 40 }), (run, nights) => {
        let records = [...run.facts.records];
        const emailedOn = new Map<string, string[]>();
        const sentKeys = new Set(records.filter((r) => r.stageDays !== null).map((r) => key(r.invoiceId, r.stageDays)));
        for (let night = 0; night < nights; night++) {
          const now = new Date(run.now.getTime() + night * 86_400_000);
          const p = planReminders({ ...run.facts, records }, run.policy, now, run.zone);
          expect(p.dailyCap.usedBefore + p.due.length).toBeLessThanOrEqual(
            Math.max(run.policy.dailyCap, p.dailyCap.usedBefore),
          );
          for (const r of p.due) {
            const k = key(r.invoiceId, r.stageDays);
            expect(sentKeys.has(k)).toBe(false);
            sentKeys.add(k);
            records = [...records, { invoiceId: r.invoiceId, stageDays: r.stageDays, status: 'sent', at: now }];
          }
          for (const customerId of new Set(p.due.map((r) => r.customerId)))
            emailedOn.set(customerId, [...(emailedOn.get(customerId) ?? []), p.today]);
        }
        for (const days of emailedOn.values())
          for (let k = 1; k < days.length; k++)
            expect(daysBetween(days[k - 1]!, days[k]!)).toBeGreaterThanOrEqual(run.policy.minGapDays);
      }),
      { numRuns: 50 },
    );
  }, 60_000);
});
