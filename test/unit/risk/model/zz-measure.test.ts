import { it } from 'vitest';
import { generateCompanyWithTruth } from '../../../../server/emulator/generator/generate-company.js';
import { trainLatePaymentModel } from '../../../../server/features/risk/model/late-payment-model.js';
import { companyToInvoiceFacts } from '../../../../test/unit/risk/model/company-to-facts.js';
it('measure', () => {
  for (const [seed, customers, months] of [[1, 300, 24], [2, 300, 24], [3, 300, 24], [4, 100, 12], [5, 60, 24], [6, 30, 12]] as const) {
    const asOf = '2026-03-15';
    const t0 = performance.now();
    const { company } = generateCompanyWithTruth({ seed, customers, months, asOf });
    const facts = companyToInvoiceFacts(company);
    const t1 = performance.now();
    const m = trainLatePaymentModel(facts, { asOf });
    const t2 = performance.now();
    const lateShare = m.card.calibration.reduce((s, b) => s + b.observed * b.count, 0) / m.card.holdoutSize;
    console.log(seed, customers, months, facts.length, m.card.trainedOn, m.card.holdoutSize, 'auc', m.card.auc?.toFixed(4), 'brier', m.card.brier?.toFixed(4), 'late', lateShare.toFixed(3), m.card.fallback, `gen ${(t1-t0).toFixed(0)}ms train ${(t2-t1).toFixed(0)}ms`);
    if (seed === 1) console.log(JSON.stringify(m.card.calibration.map(b => [b.bin, b.predicted.toFixed(3), b.observed.toFixed(3), b.count])));
  }
}, 120000);
