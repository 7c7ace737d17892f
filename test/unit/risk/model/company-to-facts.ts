import type { CompanyFile } from '../../../../server/emulator/company-file-format.js';
import type { ApplicationFact, InvoiceFact } from '../../../../server/features/risk/domain/risk-facts.js';
import { splitPaymentLinks, topLevelParent } from '../../../../server/features/risk/domain/facts-helpers.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const cents = (amount: unknown) => Math.round(Number(amount ?? 0) * 100);

/**
 * A generated company file as the engine's InvoiceFacts, mirroring sync/company-facts-loader.ts: jobs rolled up to
 * their top-level parent, home-currency amounts, voids (zero totals) dropped, and a payment's credit-memo
 * links funding its invoice links first (cash = false for that part; a zero-total payment is all credit).
 */
export function companyToInvoiceFacts(company: CompanyFile): InvoiceFact[] {
  const parentOf = new Map<string, string | undefined>(
    company.Customers.map((c: Obj) => [String(c.Id), c.ParentRef?.value]),
  );
  const rootOf = topLevelParent(parentOf);
  const rateOf = new Map<string, number>(
    company.Invoices.map((i: Obj) => [String(i.Id), i.ExchangeRate === undefined ? 1 : Number(i.ExchangeRate)]),
  );
  const applications = new Map<string, ApplicationFact[]>();
  for (const p of company.Payments as Obj[]) {
    const links: Array<{ type: string; id: string; amount: number }> = (p.Line ?? []).flatMap((l: Obj) =>
      (l.LinkedTxn ?? []).map((t: Obj) => ({ type: String(t.TxnType), id: String(t.TxnId), amount: cents(l.Amount) })),
    );
    for (const part of splitPaymentLinks(links.map((l) => ({ type: l.type, id: l.id, cents: l.amount })))) {
      const rate = rateOf.get(part.invoiceId) ?? 1;
      const list = applications.get(part.invoiceId) ?? [];
      if (part.creditCents > 0)
        list.push({ date: String(p.TxnDate), cents: Math.round(part.creditCents * rate), cash: false });
      if (part.cashCents > 0)
        list.push({ date: String(p.TxnDate), cents: Math.round(part.cashCents * rate), cash: true });
      applications.set(part.invoiceId, list);
    }
  }
  return (company.Invoices as Obj[])
    .filter((i) => cents(i.TotalAmt) > 0)
    .map((i) => {
      const rate = rateOf.get(String(i.Id)) ?? 1;
      return {
        id: String(i.Id),
        docNumber: i.DocNumber ?? null,
        customerId: rootOf(String(i.CustomerRef.value)),
        txnDate: String(i.TxnDate),
        dueDate: String(i.DueDate ?? i.TxnDate),
        totalCents: Math.round(cents(i.TotalAmt) * rate),
        applications: applications.get(String(i.Id)) ?? [],
        lines: (i.Line ?? []).map((l: Obj) => ({
          itemId: l.SalesItemLineDetail?.ItemRef?.value ?? null,
          qty: l.SalesItemLineDetail?.Qty ?? null,
          amountCents: Math.round(cents(l.Amount) * rate),
        })),
      };
    });
}
