import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../../server/clock.js';
import { companyFromFile } from '../../../../server/emulator/company/company-file.js';
import { generateCompanyWithTruth } from '../../../../server/emulator/generator/generate-company.js';
import { parseQboDateTime } from '../../../../server/emulator/qbo-time.js';

const OPTIONS = { seed: 11, customers: 200, months: 24, asOf: '2026-11-15' } as const;
const { company, truth } = generateCompanyWithTruth(OPTIONS);
const DAY = 86_400_000;
const day = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY;
type Line = { Amount: number; DetailType?: string; LinkedTxn?: Array<{ TxnId: string; TxnType: string }> };

describe('generated company shapes', () => {
  it('stamps MetaData in the company zone, updated no earlier than created and no later than its today', () => {
    const endOfToday = parseQboDateTime('2026-11-16', 'America/Los_Angeles')!.getTime();
    for (const o of [
      ...company.Customers,
      ...company.Invoices,
      ...company.Payments,
      ...company.CreditMemos,
      ...company.Items,
    ]) {
      const m = o.MetaData as { CreateTime: string; LastUpdatedTime: string };
      expect(m.CreateTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-0[78]:00$/);
      const created = parseQboDateTime(m.CreateTime, 'UTC')!.getTime();
      const updated = parseQboDateTime(m.LastUpdatedTime, 'UTC')!.getTime();
      expect(updated).toBeGreaterThanOrEqual(created);
      expect(updated).toBeLessThan(endOfToday);
    }
  });

  it('writes invoices the way QBO returns them: item lines, a SubTotal line, the PO Number field, a due date', () => {
    for (const inv of company.Invoices) {
      const lines = inv.Line as Line[];
      expect(lines.at(-1)!.DetailType).toBe('SubTotalLineDetail');
      const itemCents = lines.slice(0, -1).reduce((s, l) => s + Math.round(l.Amount * 100), 0);
      expect(itemCents).toBe(Math.round((inv.TotalAmt as number) * 100));
      expect((inv.CustomField as Array<{ Name: string }>)[0]!.Name).toBe('PO Number');
      expect(String(inv.DueDate) >= String(inv.TxnDate)).toBe(true);
    }
    const voided = company.Invoices.filter((i) => i.PrivateNote === 'Voided');
    expect(voided.length).toBeGreaterThan(0);
    for (const v of voided) expect([v.TotalAmt, v.SyncToken]).toEqual([0, '1']);
  });

  it('carries the exchange rate on foreign-currency transactions and keeps closed accounts settled', () => {
    const foreign = new Set(company.Customers.filter((c) => c.CurrencyRef).map((c) => c.Id));
    for (const inv of company.Invoices) {
      const isForeign = foreign.has((inv.CustomerRef as { value: string }).value);
      expect(inv.ExchangeRate !== undefined).toBe(isForeign);
    }
    const loaded = companyFromFile(company, fixedClock('2026-11-15T20:00:00Z'));
    for (const c of loaded.table('Customer').values()) if (c.Active === false) expect(c.Balance).toBe(0);
    expect([...loaded.table('Payment').values()].some((p) => (p.UnappliedAmt as number) > 0)).toBe(true);
  });

  it('makes lateness predictable from a customer’s own history (AUC of a one-feature model ≥ 0.85)', () => {
    const paidOn = new Map<string, number>(); // invoice Id → day its last payment arrived
    for (const p of company.Payments) {
      for (const l of p.Line as Line[])
        for (const t of l.LinkedTxn ?? []) {
          if (t.TxnType === 'Invoice') paidOn.set(t.TxnId, Math.max(paidOn.get(t.TxnId) ?? 0, day(String(p.TxnDate))));
        }
    }
    const loaded = companyFromFile(company, fixedClock('2026-11-15T20:00:00Z'));
    const asOf = day(OPTIONS.asOf);
    const byCustomer = new Map<string, Array<{ issued: number; due: number; settled: number }>>();
    for (const inv of loaded.table('Invoice').values()) {
      if (inv.TotalAmt === 0) continue;
      const settled = inv.Balance === 0 ? (paidOn.get(inv.Id) ?? day(String(inv.TxnDate))) : Infinity;
      const list = byCustomer.get((inv.CustomerRef as { value: string }).value) ?? [];
      list.push({ issued: day(String(inv.TxnDate)), due: day(String(inv.DueDate)), settled });
      byCustomer.set((inv.CustomerRef as { value: string }).value, list);
    }
    // Feature known at issue: mean days beyond terms of the customer's last four invoices settled or overdue by then.
    const scored: Array<{ score: number; late: boolean }> = [];
    for (const list of byCustomer.values()) {
      list.sort((a, b) => a.issued - b.issued);
      list.forEach((inv, i) => {
        if (inv.due + 15 > asOf) return;
        const history = list
          .slice(0, i)
          .flatMap((h) =>
            h.settled <= inv.issued ? [h.settled - h.due] : h.due < inv.issued ? [inv.issued - h.due] : [],
          );
        if (history.length === 0) return;
        const recent = history.slice(-4);
        scored.push({ score: recent.reduce((s, x) => s + x, 0) / recent.length, late: inv.settled - inv.due > 15 });
      });
    }
    scored.sort((a, b) => a.score - b.score);
    let rankSum = 0;
    scored.forEach((s, i) => {
      if (s.late) rankSum += i + 1;
    });
    const positives = scored.filter((s) => s.late).length;
    const auc = (rankSum - (positives * (positives + 1)) / 2) / (positives * (scored.length - positives));
    expect(auc).toBeGreaterThanOrEqual(0.85);
  });

  it('mixes all five paying habits', () => {
    expect(new Set(truth.values())).toEqual(
      new Set(['prompt', 'steady_slow', 'chronic_late', 'deteriorating', 'defaulter']),
    );
  });
});
