import { describe, expect, it } from 'vitest';
import { generateCompany } from '../../../../server/emulator/generator/generate-company.js';
import type { InvoiceFact } from '../../../../server/features/risk/domain/risk-facts.js';
import { packInvoices, unpackInvoices } from '../../../../server/features/risk/model/packed-invoices.js';
import { companyToInvoiceFacts } from './company-to-facts.js';

/** What the late-payment model reads of an invoice: everything packing must carry exactly. */
const modelView = (i: InvoiceFact) => ({ id: i.id, customerId: i.customerId, txnDate: i.txnDate, dueDate: i.dueDate, totalCents: i.totalCents, applications: i.applications });

describe('packed invoices (the late-payment model thread\'s input)', () => {
  it('unpack(pack(x)) reads the same as x for the model, on a generated company', () => {
    const invoices = companyToInvoiceFacts(generateCompany({ seed: 4, customers: 30, months: 12, asOf: '2026-10-31' }));
    expect(invoices.some((i) => i.applications.length > 1)).toBe(true);
    expect(unpackInvoices(packInvoices(invoices)).map(modelView)).toEqual(invoices.map(modelView));
  });

  it('keeps application order, credit (non-cash) applications, unpaid invoices, odd amounts and shared ids', () => {
    const invoices: InvoiceFact[] = [
      { id: '7', docNumber: '1001', customerId: 'A', txnDate: '2026-01-05', dueDate: '2026-02-04', totalCents: 10_001, lines: [], lineProfit: { grossProfitCents: 1, estimatedCents: 0 },
        applications: [{ date: '2026-03-01', cents: 5_000, cash: true }, { date: '2026-02-01', cents: 5_001, cash: false }] },
      { id: '7', docNumber: null, customerId: 'B', txnDate: '2026-02-04', dueDate: '2026-02-04', totalCents: 0.5, lines: [], applications: [] },
      { id: '8', docNumber: null, customerId: 'A', txnDate: '2026-02-01', dueDate: '2026-03-01', totalCents: 2 ** 40, lines: [], applications: [] },
    ];
    const back = unpackInvoices(packInvoices(invoices));
    expect(back.map(modelView)).toEqual(invoices.map(modelView));
    expect(back.every((i) => i.docNumber === null && i.lines.length === 0 && i.lineProfit === undefined)).toBe(true);
  });

  it('packs an empty company', () => {
    expect(unpackInvoices(packInvoices([]))).toEqual([]);
  });
});
