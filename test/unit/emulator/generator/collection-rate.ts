import type { CompanyFile } from '../../../../server/emulator/company-file-format.js';
import { toCents } from '../../../../server/money.js';

/**
 * Monthly collection effectiveness (metrics.md): 100·(AR_begin + Billed − AR_end) / (AR_begin + Billed −
 * AR_end_current), computed straight from a company file, for the generator's own tests.
 */
export function monthlyCollectionRates(file: CompanyFile, months: string[]): number[] {
  const applied = new Map<string, Array<{ date: string; cents: number }>>();
  for (const p of file.Payments) {
    for (const line of (p.Line as Array<{ Amount: number; LinkedTxn: Array<{ TxnId: string; TxnType: string }> }>) ??
      []) {
      for (const l of line.LinkedTxn) {
        if (l.TxnType !== 'Invoice') continue;
        applied.set(l.TxnId, [
          ...(applied.get(l.TxnId) ?? []),
          { date: String(p.TxnDate), cents: toCents(line.Amount) },
        ]);
      }
    }
  }
  const invoices = file.Invoices.filter((i) => i.PrivateNote !== 'Voided').map((i) => ({
    date: String(i.TxnDate),
    due: String(i.DueDate),
    total: toCents(i.TotalAmt as number),
    pays: applied.get(i.Id) ?? [],
  }));
  const open = (inv: (typeof invoices)[number], day: string) =>
    inv.date > day ? 0 : inv.total - inv.pays.filter((p) => p.date <= day).reduce((s, p) => s + p.cents, 0);
  return months.map((month) => {
    const first = `${month}-01`;
    const before = new Date(Date.parse(`${first}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const last = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);
    const arBegin = invoices.reduce((s, i) => s + open(i, before), 0);
    const billed = invoices.filter((i) => i.date.startsWith(month)).reduce((s, i) => s + i.total, 0);
    const arEnd = invoices.reduce((s, i) => s + open(i, last), 0);
    const arEndCurrent = invoices.filter((i) => i.due > last).reduce((s, i) => s + open(i, last), 0);
    return (100 * (arBegin + billed - arEnd)) / (arBegin + billed - arEndCurrent);
  });
}
