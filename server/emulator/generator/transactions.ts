import { daysLate, partialPaymentChance } from './archetypes.js';
import { ITEMS } from './catalog.js';
import { monthStart } from './calendar.js';
import type { GeneratedCustomer } from './customers.js';
import type { Rng } from '../../random.js';

export interface GenLine {
  itemId: string;
  qty: number;
  unitCents: number;
  amountCents: number;
}
export interface GenInvoice {
  key: number;
  customer: GeneratedCustomer;
  day: number;
  second: number;
  dueDay: number;
  lines: GenLine[];
  totalCents: number;
  voided: boolean;
  emailed: boolean;
  poNumber: string | undefined;
  lastChangeDay: number;
}
/** A credit against one invoice, for the item it billed (a return or a price adjustment). */
export interface GenCreditMemo {
  key: number;
  customer: GeneratedCustomer;
  day: number;
  second: number;
  amountCents: number;
  invoiceKey: number;
  itemId: string;
}
export interface GenPaymentLine {
  kind: 'Invoice' | 'CreditMemo';
  key: number;
  amountCents: number;
}
export interface GenPayment {
  key: number;
  customer: GeneratedCustomer;
  day: number;
  second: number;
  lines: GenPaymentLine[];
  totalCents: number;
  unappliedCents: number;
  checkNumber?: string;
}

interface Application {
  invoiceKey: number;
  amountCents: number;
  day: number;
}

const ITEM_BY_ID = new Map(ITEMS.map((i) => [i.id, i]));

/** Busier in spring and summer, quieter around the new year (a ±25% swing in invoice volume). */
function seasonality(monthStartDay: number): number {
  const month = new Date(monthStartDay * 86_400_000).getUTCMonth(); // 0 = January
  return 1 + 0.25 * Math.sin((2 * Math.PI * (month - 2)) / 12);
}
const AVERAGE_MONTH_DAYS = 30.44;

/** Everything one customer bought and paid over the history, dated, before Ids are assigned. */
export function customerTransactions(rng: Rng, c: GeneratedCustomer, o: { asOfDay: number; nextKey: () => number }) {
  const invoices: GenInvoice[] = [];
  const creditMemos: GenCreditMemo[] = [];
  const applications: Application[] = [];
  const zeroPayments: GenPayment[] = [];

  for (let m = 0; ; m++) {
    const start = monthStart(c.firstDay, -m);
    if (start > Math.min(c.lastDay, o.asOfDay)) break;
    const end = monthStart(c.firstDay, -(m + 1)) - 1;
    for (let n = rng.poisson(c.monthlyRate * seasonality(start)); n > 0; n--) {
      const day = rng.int(start, end);
      if (day < c.firstDay || day > c.lastDay || day > o.asOfDay) continue;
      const invoice = makeInvoice(rng, c, day, o.nextKey(), o.asOfDay);
      invoices.push(invoice);
      if (invoice.voided) continue;

      let open = invoice.totalCents;
      if (rng.chance(0.03)) {
        // A credit memo for part of the invoice, applied through a zero-total payment (how QBO links them).
        const cmDay = day + rng.int(2, 20);
        if (cmDay <= o.asOfDay) {
          const amount = Math.max(100, Math.round((invoice.totalCents * rng.int(5, 25)) / 100 / 100) * 100);
          const cm: GenCreditMemo = {
            key: o.nextKey(),
            customer: c,
            day: cmDay,
            second: rng.int(32_400, 61_200),
            amountCents: Math.min(amount, open),
            invoiceKey: invoice.key,
            itemId: invoice.lines[0]!.itemId,
          };
          creditMemos.push(cm);
          zeroPayments.push({
            key: o.nextKey(),
            customer: c,
            day: cmDay,
            second: cm.second + 60,
            totalCents: 0,
            unappliedCents: 0,
            lines: [
              { kind: 'Invoice', key: invoice.key, amountCents: cm.amountCents },
              { kind: 'CreditMemo', key: cm.key, amountCents: cm.amountCents },
            ],
          });
          open -= cm.amountCents;
          invoice.lastChangeDay = cmDay;
        }
      }
      const late = daysLate(rng, c.habit, (o.asOfDay - invoice.dueDay) / AVERAGE_MONTH_DAYS);
      if (late === undefined || open <= 0) continue;
      // A closed (inactive) account settled everything before it was closed.
      const payDay = c.active
        ? Math.max(day, invoice.dueDay + late)
        : Math.min(Math.max(day, invoice.dueDay + late), c.lastDay + 120);
      if (c.active && rng.chance(partialPaymentChance(c.habit.archetype))) {
        const first = Math.round((open * rng.int(40, 70)) / 100);
        applications.push({ invoiceKey: invoice.key, amountCents: first, day: payDay });
        applications.push({ invoiceKey: invoice.key, amountCents: open - first, day: payDay + rng.int(15, 45) });
      } else {
        applications.push({ invoiceKey: invoice.key, amountCents: open, day: payDay });
      }
    }
  }

  const paid = applications.filter((a) => a.day <= o.asOfDay).sort((a, b) => a.day - b.day);
  const byKey = new Map(invoices.map((i) => [i.key, i]));
  for (const a of paid)
    byKey.get(a.invoiceKey)!.lastChangeDay = Math.max(byKey.get(a.invoiceKey)!.lastChangeDay, a.day);
  return { invoices, creditMemos, payments: [...zeroPayments, ...groupIntoPayments(rng, c, paid, o.nextKey)] };
}

function makeInvoice(rng: Rng, c: GeneratedCustomer, day: number, key: number, asOfDay: number): GenInvoice {
  const lines: GenLine[] = [];
  const lineCount = rng.weighted([
    [1, 5],
    [2, 3],
    [3, 2],
  ] as const);
  const target = c.typicalCents * Math.exp(rng.normal(0, 0.25));
  for (let i = 0; i < lineCount; i++) {
    const item = ITEM_BY_ID.get(rng.pick(c.itemIds))!;
    const qty = Math.max(1, Math.round(target / lineCount / item.unitPriceCents));
    lines.push({ itemId: item.id, qty, unitCents: item.unitPriceCents, amountCents: qty * item.unitPriceCents });
  }
  const voided = rng.chance(0.005);
  if (voided) for (const l of lines) l.amountCents = 0;
  // Voiding is an update a little after the invoice was raised (SyncToken 1, later LastUpdatedTime).
  const lastChangeDay = voided ? Math.min(asOfDay, day + rng.int(1, 20)) : day;
  return {
    key,
    customer: c,
    day,
    second: rng.int(28_800, 64_800),
    dueDay: day + c.dueDays,
    lines,
    totalCents: lines.reduce((s, l) => s + l.amountCents, 0),
    voided,
    emailed: rng.chance(0.7),
    poNumber: rng.chance(0.3) ? `PO-${rng.int(1000, 99999)}` : undefined,
    lastChangeDay,
  };
}

/** Cash arriving within a few days of each other usually comes as one payment covering several invoices. */
function groupIntoPayments(rng: Rng, c: GeneratedCustomer, paid: Application[], nextKey: () => number): GenPayment[] {
  const payments: GenPayment[] = [];
  for (const a of paid) {
    const last = payments[payments.length - 1];
    if (
      last &&
      a.day - last.day <= 5 &&
      last.lines.length < 6 &&
      !last.lines.some((l) => l.key === a.invoiceKey) &&
      rng.chance(0.8)
    ) {
      last.lines.push({ kind: 'Invoice', key: a.invoiceKey, amountCents: a.amountCents });
      last.totalCents += a.amountCents;
      last.day = a.day;
      continue;
    }
    payments.push({
      key: nextKey(),
      customer: c,
      day: a.day,
      second: rng.int(32_400, 68_400),
      lines: [{ kind: 'Invoice', key: a.invoiceKey, amountCents: a.amountCents }],
      totalCents: a.amountCents,
      unappliedCents: 0,
    });
  }
  for (const p of payments) {
    if (rng.chance(0.35)) p.checkNumber = String(rng.int(1001, 9999));
    if (c.active && rng.chance(0.01)) {
      // An overpayment left unapplied on the customer's account.
      p.unappliedCents = Math.round((p.totalCents * rng.int(1, 5)) / 100);
      p.totalCents += p.unappliedCents;
    }
  }
  return payments;
}
