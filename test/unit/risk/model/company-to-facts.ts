import type { CompanyFile } from '../../../../server/emulator/company-file-format.js';
import type { ApplicationFact, InvoiceFact } from '../../../../server/features/risk/domain/risk-facts.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const cents = (amount: unknown) => Math.round(Number(amount ?? 0) * 100);

/**
 * A generated company file as the engine's InvoiceFacts, mirroring risk-facts-loader.ts: jobs rolled up to
 * their top-level parent, home-currency amounts, voids (zero totals) dropped, and a payment's credit-memo
 * links funding its invoice links first (cash = false for that part; a zero-total payment is all credit).
 */
export function companyToInvoiceFacts(company: CompanyFile): InvoiceFact[] {
  const parentOf = new Map<string, string | undefined>(company.Customers.map((c: Obj) => [String(c.Id), c.ParentRef?.value]));
  const rootOf = (id: string): string => {
    let current = id;
    for (let depth = 0; depth < 8; depth++) {
      const parent = parentOf.get(current);
      if (!parent || !parentOf.has(parent)) return current;
      current = parent;
    }
    return current;
  };
  const rateOf = new Map<string, number>(company.Invoices.map((i: Obj) => [String(i.Id), i.ExchangeRate === undefined ? 1 : Number(i.ExchangeRate)]));
  const applications = new Map<string, ApplicationFact[]>();
  for (const p of company.Payments as Obj[]) {
    const links: Array<{ type: string; id: string; amount: number }> = (p.Line ?? []).flatMap((l: Obj) =>
      (l.LinkedTxn ?? []).map((t: Obj) => ({ type: String(t.TxnType), id: String(t.TxnId), amount: cents(l.Amount) })));
    let credits = links.filter((l) => l.type === 'CreditMemo').reduce((s, l) => s + l.amount, 0);
    for (const l of links.filter((x) => x.type === 'Invoice')) {
      const fromCredit = Math.min(l.amount, credits);
      credits -= fromCredit;
      const rate = rateOf.get(l.id) ?? 1;
      const list = applications.get(l.id) ?? [];
      if (fromCredit > 0) list.push({ date: String(p.TxnDate), cents: Math.round(fromCredit * rate), cash: false });
      if (l.amount - fromCredit > 0) list.push({ date: String(p.TxnDate), cents: Math.round((l.amount - fromCredit) * rate), cash: true });
      applications.set(l.id, list);
    }
  }
  return (company.Invoices as Obj[])
    .filter((i) => cents(i.TotalAmt) > 0)
    .map((i) => {
      const rate = rateOf.get(String(i.Id)) ?? 1;
      return {
        id: String(i.Id), docNumber: i.DocNumber ?? null, customerId: rootOf(String(i.CustomerRef.value)),
        txnDate: String(i.TxnDate), dueDate: String(i.DueDate ?? i.TxnDate), totalCents: Math.round(cents(i.TotalAmt) * rate),
        applications: applications.get(String(i.Id)) ?? [],
        lines: (i.Line ?? []).map((l: Obj) => ({ itemId: l.SalesItemLineDetail?.ItemRef?.value ?? null, qty: l.SalesItemLineDetail?.Qty ?? null, amountCents: Math.round(cents(l.Amount) * rate) })),
      };
    });
}
