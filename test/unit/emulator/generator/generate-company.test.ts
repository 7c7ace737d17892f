import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../../server/clock.js';
import { companyFromFile, parseCompanyFile } from '../../../../server/emulator/company/company-file.js';
import { generateCompany, generateCompanyWithTruth } from '../../../../server/emulator/generator/generate-company.js';
import { monthlyCollectionRates } from './collection-rate.js';

const OPTIONS = { seed: 3, customers: 200, months: 24, asOf: '2026-11-15' } as const;
const NOW = fixedClock(new Date('2026-11-15T20:00:00Z'));

describe('the demo company generator', () => {
  const { company, truth } = generateCompanyWithTruth(OPTIONS);

  it('is deterministic: the same seed gives the same bytes, another seed another company', () => {
    expect(JSON.stringify(generateCompany(OPTIONS))).toBe(JSON.stringify(company));
    expect(JSON.stringify(generateCompany({ ...OPTIONS, seed: 4 }))).not.toBe(JSON.stringify(company));
  });

  it('produces a valid company file that the emulator loads with consistent balances', () => {
    const file = parseCompanyFile(JSON.parse(JSON.stringify(company)), 'generated');
    const loaded = companyFromFile(file, NOW);
    expect(company.Customers).toHaveLength(200);
    expect(company.Invoices.length).toBeGreaterThan(200 * 24 * 0.6);
    for (const inv of loaded.table('Invoice').values()) {
      expect(inv.Balance as number).toBeGreaterThanOrEqual(0);
      expect(inv.Balance as number).toBeLessThanOrEqual(inv.TotalAmt as number);
    }
    const openByCustomer = new Map<string, number>();
    for (const inv of loaded.table('Invoice').values()) {
      const c = (inv.CustomerRef as { value: string }).value;
      openByCustomer.set(c, (openByCustomer.get(c) ?? 0) + Math.round((inv.Balance as number) * 100));
    }
    const unapplied = new Map<string, number>();
    for (const p of loaded.table('Payment').values()) {
      const c = (p.CustomerRef as { value: string }).value;
      unapplied.set(c, (unapplied.get(c) ?? 0) + Math.round(((p.UnappliedAmt as number) ?? 0) * 100));
    }
    for (const c of loaded.table('Customer').values()) {
      expect(Math.round((c.Balance as number) * 100)).toBe(
        (openByCustomer.get(c.Id) ?? 0) - (unapplied.get(c.Id) ?? 0),
      );
    }
  });

  it('has jobs, inactive and foreign-currency customers, items without cost, credit memos and voids', () => {
    expect(company.Customers.some((c) => c.ParentRef)).toBe(true);
    expect(company.Customers.some((c) => c.Active === false)).toBe(true);
    expect(generateCompany({ ...OPTIONS, customers: 600 }).Customers.some((c) => c.CurrencyRef)).toBe(true);
    expect(company.Items.some((i) => i.PurchaseCost === undefined)).toBe(true);
    expect(company.CreditMemos.length).toBeGreaterThan(0);
    expect(company.Invoices.some((i) => i.PrivateNote === 'Voided')).toBe(true);
    expect(company.Payments.some((p) => (p.Line as unknown[]).length > 1)).toBe(true);
  });

  it('never dates anything after its today, and leaves overdue invoices open', () => {
    for (const t of [...company.Invoices, ...company.Payments, ...company.CreditMemos])
      expect(String(t.TxnDate) <= OPTIONS.asOf).toBe(true);
    const loaded = companyFromFile(company, NOW);
    const overdue = [...loaded.table('Invoice').values()].filter(
      (i) => (i.Balance as number) > 0 && String(i.DueDate) < '2026-10-01',
    );
    expect(overdue.length).toBeGreaterThan(10);
  });

  it('gives defaulters far more overdue money per customer than prompt payers', () => {
    const loaded = companyFromFile(generateCompany(OPTIONS), NOW);
    const overdueBy = new Map<string, number>();
    for (const i of loaded.table('Invoice').values()) {
      if (String(i.DueDate) >= OPTIONS.asOf) continue;
      const c = (i.CustomerRef as { value: string }).value;
      overdueBy.set(c, (overdueBy.get(c) ?? 0) + (i.Balance as number));
    }
    const average = (kind: string) => {
      const ids = [...truth].filter(([, a]) => a === kind).map(([id]) => id);
      return ids.reduce((s, id) => s + (overdueBy.get(id) ?? 0), 0) / ids.length;
    };
    expect(average('defaulter')).toBeGreaterThan(5 * average('prompt'));
  });

  it('bills the risky accounts more per invoice (a high-risk segment with large balances)', () => {
    const totals = new Map<string, number[]>();
    for (const i of company.Invoices) {
      const kind = truth.get((i.CustomerRef as { value: string }).value)!;
      totals.set(kind, [...(totals.get(kind) ?? []), i.TotalAmt as number]);
    }
    const mean = (k: string) => totals.get(k)!.reduce((s, v) => s + v, 0) / totals.get(k)!.length;
    expect(mean('defaulter')).toBeGreaterThan(1.3 * mean('prompt'));
  });

  it('has seasons: more invoices in early summer than around the new year', () => {
    const count = (prefix: string) => company.Invoices.filter((i) => String(i.TxnDate).startsWith(prefix)).length;
    expect(count('2026-05') + count('2025-05')).toBeGreaterThan(1.2 * (count('2026-01') + count('2025-11')));
  });

  it('tells a story: the collection rate falls in each of the last three complete months', () => {
    for (const seed of [1, 2, 3]) {
      const rates = monthlyCollectionRates(generateCompany({ ...OPTIONS, seed, customers: 600 }), [
        '2026-07',
        '2026-08',
        '2026-09',
        '2026-10',
      ]);
      for (let i = 1; i < rates.length; i++)
        expect(rates[i]!, `seed ${seed}: ${rates.map((r) => r.toFixed(1)).join(' ')}`).toBeLessThan(rates[i - 1]!);
    }
  });
});
