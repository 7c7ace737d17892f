import { it } from 'vitest';
import { generateCompanyWithTruth } from '../../../../server/emulator/generator/generate-company.js';
import { aucMannWhitney, brierScore } from '../../../../server/features/risk/model/evaluation.js';
import { lateFeatures } from '../../../../server/features/risk/model/late-features.js';
import { PointInTimeHistory } from '../../../../server/features/risk/model/point-in-time-history.js';
import { labelledInvoices, timeSplit } from '../../../../server/features/risk/model/training-set.js';
import { companyToInvoiceFacts } from './company-to-facts.js';
it('baseline', () => {
  for (const seed of [1, 2, 3]) {
    const asOf = '2026-03-15';
    const facts = companyToInvoiceFacts(generateCompanyWithTruth({ seed, customers: 300, months: 24, asOf }).company);
    const h = new PointInTimeHistory(facts, { asOf, graceDays: 0 });
    const rows = labelledInvoices(facts, asOf, 0);
    const { late: hold } = timeSplit(rows, 0.8);
    const p = hold.map((r) => lateFeatures(h, r.invoice).smoothedLateShare);
    const months = new Map<string, [number, number]>();
    for (const r of rows) { const m = r.invoice.txnDate.slice(0, 7); const v = months.get(m) ?? [0, 0]; v[0] += r.late; v[1]++; months.set(m, v); }
    console.log(seed, 'baseline auc', aucMannWhitney(p, hold.map((r) => r.late))?.toFixed(4), 'brier', brierScore(p, hold.map((r) => r.late))?.toFixed(4), [...months].map(([m, [a, b]]) => `${m}:${(a / b).toFixed(2)}`).join(' '));
  }
}, 60000);
