import { describe, expect, it } from 'vitest';
import { generateCompanyWithTruth } from '../../../../server/emulator/generator/generate-company.js';
import { addDaysToDate, dateOf, dayOf } from '../../../../server/features/risk/domain/dates.js';
import { openCents } from '../../../../server/features/risk/domain/invoice-metrics.js';
import type { InvoiceFact } from '../../../../server/features/risk/domain/risk-facts.js';
import { lateFeatures } from '../../../../server/features/risk/model/late-features.js';
import {
  predictOpenInvoices,
  trainLatePaymentModel,
} from '../../../../server/features/risk/model/late-payment-model.js';
import { PointInTimeHistory } from '../../../../server/features/risk/model/point-in-time-history.js';
import { companyToInvoiceFacts } from './company-to-facts.js';
import { prng } from './seeded.js';

const AS_OF = '2026-03-15';

/** Customers with a fixed habit: payment `habit` days after due (± noise), on monthly invoices. */
function habitCompany(seed: number, customers: number, months: number, allOnTime = false): InvoiceFact[] {
  const r = prng(seed);
  const out: InvoiceFact[] = [];
  for (let c = 0; c < customers; c++) {
    const habit = allOnTime ? -10 : [-5, 2, 20, 45][c % 4]!;
    for (let m = 0; m < months; m++) {
      const txn = dateOf(dayOf(AS_OF) - 30 * (months - m) + r.int(0, 20));
      const due = addDaysToDate(txn, 30);
      const paid = dayOf(due) + habit + r.int(-4, 4);
      const total = r.int(5, 200) * 1000;
      out.push({
        id: `${c}-${m}`,
        docNumber: null,
        customerId: `C${c}`,
        txnDate: txn,
        dueDate: due,
        totalCents: total,
        lines: [],
        applications: paid <= dayOf(AS_OF) ? [{ date: dateOf(paid), cents: total, cash: true }] : [],
      });
    }
  }
  return out;
}

/**
 * 300 customers of five habits, with noise, and a company-wide slowdown: invoices due in the last 180 days before
 * as-of are paid up to `slowdownDays` later, growing with the square of time (as the demo generator's slowdown does).
 */
function slowingCompany(seed: number, slowdownDays: number): InvoiceFact[] {
  const r = prng(seed);
  const out: InvoiceFact[] = [];
  for (let c = 0; c < 300; c++) {
    const habit = [-8, -4, -1, 6, 25][c % 5]! + 3 * r.normal();
    for (let m = 0; m < 24; m++) {
      const txn = dateOf(dayOf(AS_OF) - 30 * (24 - m) + r.int(0, 20));
      const due = addDaysToDate(txn, 30);
      const daysBefore = dayOf(AS_OF) - dayOf(due);
      const slowdown = daysBefore >= 180 ? 0 : ((180 - daysBefore) / 180) ** 2 * slowdownDays;
      const paid = dayOf(due) + Math.round(habit + slowdown + 6 * r.normal());
      const total = r.int(5, 200) * 1000;
      out.push({
        id: `${c}-${m}`,
        docNumber: null,
        customerId: `C${c}`,
        txnDate: txn,
        dueDate: due,
        totalCents: total,
        lines: [],
        applications: paid <= dayOf(AS_OF) ? [{ date: dateOf(paid), cents: total, cash: true }] : [],
      });
    }
  }
  return out;
}

describe('late-payment model', () => {
  it('falls back to the smoothed late share on a tiny history, and says so', () => {
    const invoices = habitCompany(1, 2, 8);
    const model = trainLatePaymentModel(invoices, { asOf: AS_OF });
    expect(model.card.fallback).toBe(true);
    expect(model.card.features).toEqual(['priorLateShare']);
    expect(model.card.trainedOn).toBeLessThan(50);
    const history = new PointInTimeHistory(invoices, { asOf: AS_OF, graceDays: 0 });
    for (const inv of invoices) {
      const p = model.predict(inv);
      expect(p.probability).toBeCloseTo(lateFeatures(history, inv).smoothedLateShare, 12);
      expect(p.topFeatures).toHaveLength(1);
    }
  });

  it('falls back when every decided invoice has the same outcome', () => {
    const model = trainLatePaymentModel(habitCompany(2, 10, 12, true), { asOf: AS_OF });
    expect(model.card.fallback).toBe(true);
    expect(model.card.auc).toBeNull(); // one class: AUC is undefined, never made up
  });

  it('fits, and measures itself on the holdout, when history suffices', () => {
    const invoices = habitCompany(3, 20, 18);
    const model = trainLatePaymentModel(invoices, { asOf: AS_OF });
    expect(model.card.fallback).toBe(false);
    expect(model.card.holdoutSize).toBe(Math.round(model.card.trainedOn * 0.2));
    expect(model.card.auc!).toBeGreaterThan(0.9);
    expect(model.card.calibration.reduce((s, b) => s + b.count, 0)).toBe(model.card.holdoutSize);
    const open = predictOpenInvoices(model, invoices, AS_OF);
    // Open and not yet past due: a past-due invoice is late for certain, its open questions are the forecast's.
    expect(open.map((p) => p.invoiceId)).toEqual(
      invoices.filter((i) => openCents(i, AS_OF) > 0 && i.dueDate >= AS_OF).map((i) => i.id),
    );
    expect(open.length).toBeGreaterThan(0);
    expect(invoices.some((i) => openCents(i, AS_OF) > 0 && i.dueDate < AS_OF)).toBe(true);
    for (const p of open) {
      expect(p.probability).toBeGreaterThan(0);
      expect(p.probability).toBeLessThan(1);
      expect(p.topFeatures).toHaveLength(3);
      expect(Math.abs(p.topFeatures[0]!.contribution)).toBeGreaterThanOrEqual(Math.abs(p.topFeatures[2]!.contribution));
    }
  });

  it('is deterministic and does not depend on input order', () => {
    const invoices = habitCompany(4, 12, 15);
    const a = trainLatePaymentModel(invoices, { asOf: AS_OF });
    const b = trainLatePaymentModel([...invoices].reverse(), { asOf: AS_OF });
    expect(b.card).toEqual(a.card);
    expect(invoices.map((i) => b.predict(i))).toEqual(invoices.map((i) => a.predict(i)));
  });

  it("ranks a generated company's late payers well on the time-ordered holdout", () => {
    const { company, truth } = generateCompanyWithTruth({ seed: 7, customers: 150, months: 24, asOf: AS_OF });
    const invoices = companyToInvoiceFacts(company);
    const model = trainLatePaymentModel(invoices, { asOf: AS_OF });
    expect(model.card.fallback).toBe(false);
    expect(model.card.auc!).toBeGreaterThanOrEqual(0.85);
    expect(model.card.brier!).toBeLessThan(0.2);
    // Open invoices of chronic late payers look riskier than those of prompt payers (whose recent invoices
    // are often late too: the generator slows every customer down over the last four months).
    const byHabit = new Map<string, number[]>();
    const customerOf = new Map(invoices.map((i) => [i.id, i.customerId]));
    for (const p of predictOpenInvoices(model, invoices, AS_OF)) {
      const habit = truth.get(customerOf.get(p.invoiceId)!)!;
      byHabit.set(habit, [...(byHabit.get(habit) ?? []), p.probability]);
    }
    const mean = (xs: number[] | undefined) => (xs ?? []).reduce((s, x) => s + x, 0) / (xs?.length || 1);
    expect(mean(byHabit.get('chronic_late'))).toBeGreaterThan(mean(byHabit.get('prompt')));
  });

  it('stays closer to what happens when the whole company slows down, and costs nothing when it does not', () => {
    for (const seed of [1, 2]) {
      const slowing = slowingCompany(seed, 30);
      const following = trainLatePaymentModel(slowing, { asOf: AS_OF }).card;
      const pastOnly = trainLatePaymentModel(slowing, { asOf: AS_OF, followCompanyTrend: false }).card;
      // A model of the past alone is far off on the latest invoices; following the trend brings it close.
      expect(pastOnly.ece!, `seed ${seed}`).toBeGreaterThan(0.2);
      expect(following.ece!, `seed ${seed}`).toBeLessThan(0.1);
      expect(following.auc!, `seed ${seed}`).toBeGreaterThan(0.85);
      const steady = slowingCompany(seed, 0);
      const steadyFollowing = trainLatePaymentModel(steady, { asOf: AS_OF }).card;
      const steadyPastOnly = trainLatePaymentModel(steady, { asOf: AS_OF, followCompanyTrend: false }).card;
      expect(steadyFollowing.ece!, `seed ${seed}`).toBeLessThan(steadyPastOnly.ece! + 0.015);
      expect(steadyFollowing.ece!, `seed ${seed}`).toBeLessThan(0.05);
    }
  });
});
