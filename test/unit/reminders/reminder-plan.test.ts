import { describe, expect, it } from 'vitest';
import { planReminders } from '../../../server/features/reminders/domain/reminder-plan.js';
import { DEFAULT_REMINDER_POLICY } from '../../../server/features/reminders/domain/reminder-policy.js';
import { customer, facts, invoice, noonOf, plan, policyWith, reasonOf, record } from './reminder-builders.js';

describe('the reminder due now', () => {
  it('When an invoice reaches its due date, then it gets the due-date stage in its strategy’s tone and channel', () => {
    const p = plan(facts());
    expect(p.today).toBe('2026-03-10');
    expect(p.due).toEqual([
      {
        invoiceId: 'inv-1',
        docNumber: '1001',
        customerId: 'cus-1',
        stageDays: 0,
        stageOn: '2026-03-10',
        passedOver: [-3],
        tone: 'friendly',
        channel: 'quickbooks',
        to: ['ap@elm.test'],
      },
    ]);
    expect(p.notReminded).toEqual([]);
  });

  it('When customers have different strategies, then each gets its own stages and tone', () => {
    const strategies = ['Loyalty', 'Standard', 'Send reminders', 'AR follow-up', 'Credit restriction', null] as const;
    const f = facts({
      invoices: strategies.map((_, k) => invoice({ invoiceId: `inv-${k}`, customerId: `cus-${k}` })),
      customers: strategies.map((strategy, k) => customer({ customerId: `cus-${k}`, strategy })),
    });
    const p = plan(f);
    const tones = Object.fromEntries(p.due.map((r) => [r.invoiceId, r.tone]));
    expect(tones).toEqual({
      'inv-1': 'friendly',
      'inv-2': 'friendly',
      'inv-3': 'firm',
      'inv-4': 'final',
      'inv-5': 'friendly', // never scored: Standard
    });
    // Loyalty customers hear nothing before a week past the due date.
    expect(reasonOf(p, 'inv-0')).toEqual({ code: 'no-stage-due', nextStageOn: '2026-03-17' });
  });

  it('When the email channel applies, then one email per customer lists every invoice with a reminder due', () => {
    const policy = policyWith({
      strategies: {
        ...DEFAULT_REMINDER_POLICY.strategies,
        Standard: { stages: [-3, 0, 7, 14, 30], channel: 'email', tone: 'friendly' },
      },
    });
    const f = facts({
      invoices: [
        invoice({ invoiceId: 'a', dueDate: '2026-03-10' }),
        invoice({ invoiceId: 'b', dueDate: '2026-02-24' }),
        invoice({ invoiceId: 'c', dueDate: '2026-03-03', billEmail: null }),
        invoice({ invoiceId: 'd', customerId: 'cus-2', dueDate: '2026-03-10' }),
      ],
      customers: [customer(), customer({ customerId: 'cus-2', email: null, strategy: 'AR follow-up' })],
    });
    const p = plan(f, { policy });
    expect(p.emails).toEqual([
      {
        customerId: 'cus-1',
        to: ['owner@elm.test'],
        tone: 'friendly',
        reminders: [
          expect.objectContaining({ invoiceId: 'b', stageDays: 14 }),
          expect.objectContaining({ invoiceId: 'c', stageDays: 7 }),
          expect.objectContaining({ invoiceId: 'a', stageDays: 0 }),
        ],
      },
    ]);
    // AR follow-up stays on QuickBooks' own email, which needs no grouping: QuickBooks sends each invoice.
    expect(p.due.find((r) => r.invoiceId === 'd')).toMatchObject({ channel: 'quickbooks', to: ['ap@elm.test'] });
  });

  it('When an address field holds several addresses or no valid one, then each is read as QuickBooks does', () => {
    const f = facts({
      invoices: [
        invoice({ invoiceId: 'a', billEmail: 'ap@elm.test, boss@elm.test' }),
        invoice({ invoiceId: 'b', billEmail: 'n/a' }),
      ],
    });
    const p = plan(f);
    expect(p.due.map((r) => [r.invoiceId, r.to])).toEqual([
      ['a', ['ap@elm.test', 'boss@elm.test']],
      ['b', ['owner@elm.test']], // no valid BillEmail: the customer's email
    ]);
  });
});

describe('every invoice not reminded has its reason', () => {
  const cases = [
    ['the customer is not in the local copy', facts({ customers: [] }), { code: 'unknown-customer' }],
    ['the balance is zero', facts({ invoices: [invoice({ openBalanceCents: 0 })] }), { code: 'balance-zero' }],
    ['the customer is excluded', facts({ customers: [customer({ excluded: true })] }), { code: 'excluded' }],
    ['reminders are paused', facts({ customers: [customer({ remindersPaused: true })] }), { code: 'paused' }],
    ['a dispute is recorded', facts({ invoices: [invoice({ disputed: true })] }), { code: 'disputed' }],
    [
      'the invoice is snoozed',
      facts({ invoices: [invoice({ snoozedUntil: '2026-03-11' })] }),
      { code: 'snoozed', until: '2026-03-11' },
    ],
    [
      'the balance is under the minimum',
      facts({ invoices: [invoice({ openBalanceCents: 999 })] }),
      { code: 'under-minimum', minimumCents: 1000, currency: 'USD' },
    ],
    [
      'no stage has fallen due',
      facts({ invoices: [invoice({ dueDate: '2026-03-20' })] }),
      { code: 'no-stage-due', nextStageOn: '2026-03-17' },
    ],
    [
      'the stage was already sent',
      facts({ records: [record({ stageDays: 0 })] }),
      { code: 'stage-already-done', stageDays: 0, status: 'sent', nextStageOn: '2026-03-17' },
    ],
    [
      'a later stage was already skipped by a person',
      facts({ records: [record({ stageDays: 7, status: 'skipped' })] }),
      { code: 'stage-already-done', stageDays: 7, status: 'skipped', nextStageOn: '2026-03-24' },
    ],
    [
      'the customer has an unapplied payment',
      facts({ customers: [customer({ unappliedPaymentCents: 12_000 })] }),
      { code: 'held', unappliedPaymentCents: 12_000, unusedCreditCents: 0, currency: 'USD' },
    ],
    [
      'the customer has an unused credit',
      facts({ customers: [customer({ unusedCreditCents: 500 })] }),
      { code: 'held', unappliedPaymentCents: 0, unusedCreditCents: 500, currency: 'USD' },
    ],
    [
      'there is no email address',
      facts({ invoices: [invoice({ billEmail: null })], customers: [customer({ email: ' ' })] }),
      { code: 'no-email' },
    ],
    [
      'the customer was emailed two days ago',
      facts({ customers: [customer({ lastEmailAt: noonOf('2026-03-08') })] }),
      { code: 'min-gap', lastEmailOn: '2026-03-08', nextAllowedOn: '2026-03-11', minGapDays: 3 },
    ],
  ] as const;

  for (const [when, f, reason] of cases) {
    it(`When ${when}, then the invoice gets no reminder and says so`, () => {
      const p = plan(f);
      expect(p.due).toEqual([]);
      expect(reasonOf(p)).toEqual(reason);
    });
  }

  it('When a snooze ends today, then the reminder goes', () => {
    expect(plan(facts({ invoices: [invoice({ snoozedUntil: '2026-03-10' })] })).due).toHaveLength(1);
  });

  it('When the open balance is in another currency, then the minimum is compared in the home currency', () => {
    const eur = (cents: number) =>
      facts({ invoices: [invoice({ currency: 'EUR', exchangeRate: 1.2, openBalanceCents: cents })] });
    expect(plan(eur(900)).due).toHaveLength(1); // 10.80 USD
    expect(reasonOf(plan(eur(800)))).toMatchObject({ code: 'under-minimum' }); // 9.60 USD
  });

  it('When a strategy has no stages, then its customers get none and the reason names the strategy', () => {
    const policy = policyWith({
      strategies: {
        ...DEFAULT_REMINDER_POLICY.strategies,
        Loyalty: { stages: [], channel: 'email', tone: 'friendly' },
      },
    });
    const p = plan(facts({ customers: [customer({ strategy: 'Loyalty' })] }), { policy });
    expect(reasonOf(p)).toEqual({ code: 'no-stages', strategy: 'Loyalty' });
  });

  it('When the invoice already had its most reminders, then no stage is sent; skipped ones do not count', () => {
    const sent = [-3, null, null, null, null].map((stageDays) => record({ stageDays }));
    expect(reasonOf(plan(facts({ records: sent })))).toEqual({ code: 'max-per-invoice', max: 5 });
    const someSkipped = sent.map((r, k) => (k < 2 ? { ...r, status: 'skipped' as const } : r));
    expect(plan(facts({ records: someSkipped })).due).toHaveLength(1);
  });

  it('When the last stage went out, then the reason says it was the last', () => {
    const f = facts({ invoices: [invoice({ dueDate: '2026-01-01' })], records: [record({ stageDays: 30 })] });
    expect(reasonOf(plan(f))).toEqual({ code: 'stage-already-done', stageDays: 30, status: 'sent', nextStageOn: null });
  });

  it('When several rules apply, then the first in order is the reason: paid, then held, then weekend', () => {
    const saturday = noonOf('2026-03-14');
    const paidAndHeld = facts({
      invoices: [invoice({ openBalanceCents: 0 })],
      customers: [customer({ excluded: true, unappliedPaymentCents: 100 })],
    });
    expect(reasonOf(plan(paidAndHeld, { now: saturday }))).toEqual({ code: 'balance-zero' });
    const heldOnSaturday = facts({ customers: [customer({ unappliedPaymentCents: 100 })] });
    expect(reasonOf(plan(heldOnSaturday, { now: saturday }))).toMatchObject({ code: 'held' });
    const excludedAndNoEmail = facts({
      invoices: [invoice({ billEmail: null })],
      customers: [customer({ excluded: true, email: null })],
    });
    expect(reasonOf(plan(excludedAndNoEmail))).toEqual({ code: 'excluded' });
  });

  it('Then the list of invoices not reminded is in a stable order: customer, due date, invoice', () => {
    const f = facts({
      invoices: [
        invoice({ invoiceId: 'z', customerId: 'cus-2', openBalanceCents: 0 }),
        invoice({ invoiceId: 'y', dueDate: '2026-03-01', openBalanceCents: 0 }),
        invoice({ invoiceId: 'x', dueDate: '2026-03-01', openBalanceCents: 0 }),
        invoice({ invoiceId: 'w', dueDate: '2026-03-05', openBalanceCents: 0 }),
      ],
      customers: [customer(), customer({ customerId: 'cus-2' })],
    });
    expect(plan(f).notReminded.map((n) => n.invoiceId)).toEqual(['x', 'y', 'w', 'z']);
  });
});

describe('business days in the company’s time zone', () => {
  it('When the run falls on a weekend, then nothing goes and the reminder waits for Monday', () => {
    const f = facts({ invoices: [invoice({ dueDate: '2026-03-14' })] });
    const saturday = plan(f, { now: noonOf('2026-03-14') });
    expect(saturday.businessDay).toBe(false);
    expect(reasonOf(saturday)).toEqual({ code: 'not-business-day', nextBusinessDay: '2026-03-16' });
    const monday = plan(f, { now: noonOf('2026-03-16') });
    expect(monday.due).toEqual([expect.objectContaining({ stageDays: 0, stageOn: '2026-03-14', passedOver: [-3] })]);
  });

  it('When a date is a holiday or a day the policy leaves out, then it is not a business day', () => {
    const holiday = policyWith({ holidays: ['2026-03-10'] });
    expect(reasonOf(plan(facts(), { policy: holiday }))).toEqual({
      code: 'not-business-day',
      nextBusinessDay: '2026-03-11',
    });
    const sixDays = policyWith({ businessDays: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] });
    expect(plan(facts(), { policy: sixDays, now: noonOf('2026-03-14') }).due).toHaveLength(1);
  });

  it('When the due date is today in Sydney but yesterday in UTC, then Sydney sends the due-date stage', () => {
    // 20:00 UTC on Monday 9 March is 07:00 on Tuesday 10 March in Sydney (UTC+11 in March).
    const now = new Date('2026-03-09T20:00:00Z');
    const f = facts();
    const sydney = plan(f, { now, timeZone: 'Australia/Sydney' });
    expect(sydney.today).toBe('2026-03-10');
    expect(sydney.due).toEqual([expect.objectContaining({ stageDays: 0, stageOn: '2026-03-10' })]);
    const utc = plan(f, { now, timeZone: 'UTC' });
    expect(utc.today).toBe('2026-03-09');
    expect(utc.due).toEqual([expect.objectContaining({ stageDays: -3, stageOn: '2026-03-07' })]);
  });

  it('When it is Sunday evening in UTC and Monday morning in Sydney, then only Sydney’s run sends', () => {
    const now = new Date('2026-03-15T21:00:00Z');
    const f = facts({ invoices: [invoice({ dueDate: '2026-03-16' })] });
    expect(plan(f, { now, timeZone: 'Australia/Sydney' }).due).toHaveLength(1);
    expect(reasonOf(plan(f, { now, timeZone: 'UTC' }))).toEqual({
      code: 'not-business-day',
      nextBusinessDay: '2026-03-16',
    });
  });

  it('When the last email was late in the evening, then the gap counts the day in the company’s zone', () => {
    // 23:30 on 6 March in Los Angeles is 7 March in UTC; three days after 6 March is 9 March.
    const f = facts({ customers: [customer({ lastEmailAt: new Date('2026-03-07T07:30:00Z') })] });
    const now = new Date('2026-03-09T18:00:00Z');
    expect(plan(f, { now, timeZone: 'America/Los_Angeles' }).due).toHaveLength(1);
    expect(reasonOf(plan(f, { now, timeZone: 'UTC' }))).toMatchObject({ code: 'min-gap', nextAllowedOn: '2026-03-10' });
  });
});

describe('exactly once, and catching up', () => {
  it('When the app missed three nights, then the next run sends only the latest stage, the one after none', () => {
    const f = facts();
    const before = plan(f, { now: noonOf('2026-03-06') });
    expect(reasonOf(before)).toEqual({ code: 'no-stage-due', nextStageOn: '2026-03-07' });
    // Down on 7, 8 and 9 March: the -3 stage fell due on the 7th and the due-date stage on the 10th.
    const back = plan(f, { now: noonOf('2026-03-10') });
    expect(back.due.map((r) => [r.stageDays, r.passedOver])).toEqual([[0, [-3]]]);
    const sent = facts({ records: back.due.map((r) => record({ stageDays: r.stageDays, at: noonOf('2026-03-10') })) });
    expect(reasonOf(plan(sent, { now: noonOf('2026-03-11') }))).toMatchObject({ code: 'stage-already-done' });
  });

  it('When a stage is queued, sending or failed, then the plan never proposes it again', () => {
    for (const status of ['queued', 'sending', 'failed'] as const) {
      const p = plan(facts({ records: [record({ stageDays: 0, status })] }));
      expect(p.due).toEqual([]);
      expect(reasonOf(p)).toMatchObject({ code: 'stage-already-done', status });
    }
  });

  it('When the nightly run goes night after night, then each stage goes once, on business days, with the gap', () => {
    let records: ReturnType<typeof record>[] = [];
    const sentOn: Array<[string, number]> = [];
    for (let day = 0; day < 60; day++) {
      const now = new Date(Date.UTC(2026, 2, 1 + day, 12));
      const p = plan(facts({ records }), { now });
      for (const r of p.due) {
        sentOn.push([p.today, r.stageDays]);
        records = [...records, record({ stageDays: r.stageDays, at: now })];
      }
    }
    expect(sentOn).toEqual([
      ['2026-03-09', -3], // the 7th is a Saturday: Monday
      ['2026-03-12', 0], // due on the 10th, three days after the last email
      ['2026-03-17', 7],
      ['2026-03-24', 14],
      ['2026-04-09', 30],
    ]);
  });
});

describe('the daily cap', () => {
  /** Three customers with two invoices each, each invoice at a stage due today. */
  function threeCustomers(o: { dueDates?: [string, string, string]; balances?: [number, number, number] } = {}) {
    const ids = ['cus-a', 'cus-b', 'cus-c'];
    return facts({
      invoices: ids.flatMap((customerId, k) =>
        [1, 2].map((n) =>
          invoice({
            invoiceId: `${customerId}-${n}`,
            customerId,
            dueDate: o.dueDates?.[k] ?? '2026-03-10',
            openBalanceCents: o.balances?.[k] ?? 50_000,
          }),
        ),
      ),
      customers: ids.map((customerId) => customer({ customerId })),
    });
  }

  it('When more is due than the cap allows, then the plan stops at the cap and says why for the rest', () => {
    const p = plan(threeCustomers(), { policy: policyWith({ dailyCap: 3 }) });
    expect(p.due.map((r) => r.invoiceId)).toEqual(['cus-a-1', 'cus-a-2', 'cus-b-1']);
    expect(p.dailyCap).toEqual({ cap: 3, usedBefore: 0, planned: 3 });
    const capped = p.notReminded.filter((n) => n.reason.code === 'daily-cap').map((n) => n.invoiceId);
    expect(capped).toEqual(['cus-b-2', 'cus-c-1', 'cus-c-2']);
  });

  it('When reminders already went out today, then they count toward the cap', () => {
    const f = { ...threeCustomers(), records: [record({ invoiceId: 'elsewhere', at: noonOf('2026-03-10') })] };
    const p = plan(f, { policy: policyWith({ dailyCap: 3 }) });
    expect(p.dailyCap).toEqual({ cap: 3, usedBefore: 1, planned: 2 });
  });

  it('Then it favours the customer waiting longest, then the larger balance, then the customer id', () => {
    const policy = policyWith({ dailyCap: 2 });
    const waited = plan(threeCustomers({ dueDates: ['2026-03-10', '2026-03-03', '2026-03-10'] }), { policy });
    expect(waited.due.map((r) => r.customerId)).toEqual(['cus-b', 'cus-b']);
    const larger = plan(threeCustomers({ balances: [10_000, 10_000, 90_000] }), { policy });
    expect(larger.due.map((r) => r.customerId)).toEqual(['cus-c', 'cus-c']);
    const tie = plan(threeCustomers(), { policy });
    expect(tie.due.map((r) => r.customerId)).toEqual(['cus-a', 'cus-a']);
  });

  it('When a customer’s turn comes, then its latest stages go first', () => {
    const f = facts({
      invoices: [
        invoice({ invoiceId: 'new', dueDate: '2026-03-10' }),
        invoice({ invoiceId: 'old', dueDate: '2026-02-08' }),
      ],
    });
    const p = plan(f, { policy: policyWith({ dailyCap: 1 }) });
    expect(p.due.map((r) => [r.invoiceId, r.stageDays])).toEqual([['old', 30]]);
  });

  it('When the facts come in another order, then the plan is the same', () => {
    const f = threeCustomers({ balances: [10_000, 20_000, 30_000] });
    const shuffled = { ...f, invoices: [...f.invoices].reverse(), customers: [...f.customers].reverse() };
    const policy = policyWith({ dailyCap: 3 });
    expect(planReminders(shuffled, policy, noonOf('2026-03-10'), 'UTC')).toEqual(
      planReminders(f, policy, noonOf('2026-03-10'), 'UTC'),
    );
  });
});

describe('the gap between two emails to one customer', () => {
  it('When QuickBooks emailed another of the customer’s invoices yesterday, then the reminder waits', () => {
    const f = facts({
      invoices: [
        invoice(),
        invoice({ invoiceId: 'inv-2', dueDate: '2026-04-30', lastEmailedAt: noonOf('2026-03-09') }),
      ],
    });
    expect(reasonOf(plan(f))).toEqual({
      code: 'min-gap',
      lastEmailOn: '2026-03-09',
      nextAllowedOn: '2026-03-12',
      minGapDays: 3,
    });
  });

  it('When a reminder for another invoice of the customer is on record today, then this one waits', () => {
    const f = facts({
      invoices: [invoice(), invoice({ invoiceId: 'inv-2', dueDate: '2026-04-30' })],
      records: [record({ invoiceId: 'inv-2', stageDays: null, at: noonOf('2026-03-10') })],
    });
    expect(reasonOf(plan(f))).toMatchObject({ code: 'min-gap', lastEmailOn: '2026-03-10' });
  });

  it('When the gap is 0 or the last email is old enough, then the reminder goes', () => {
    const f = facts({ customers: [customer({ lastEmailAt: noonOf('2026-03-10') })] });
    expect(plan(f, { policy: policyWith({ minGapDays: 0 }) }).due).toHaveLength(1);
    const old = facts({ customers: [customer({ lastEmailAt: noonOf('2026-03-07') })] });
    expect(plan(old).due).toHaveLength(1);
  });

  it('When the skipped reminder is the last on record, then it does not count as an email', () => {
    const f = facts({
      invoices: [invoice(), invoice({ invoiceId: 'inv-2', dueDate: '2026-04-30' })],
      records: [record({ invoiceId: 'inv-2', stageDays: -3, status: 'skipped', at: noonOf('2026-03-10') })],
    });
    expect(plan(f).due).toHaveLength(1);
  });
});
