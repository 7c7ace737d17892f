import { generateCompany } from '../server/emulator/generator/generate-company.js';
import { trainLatePaymentModel } from '../server/features/risk/model/late-payment-model.js';
import { companyToInvoiceFacts } from '../test/unit/risk/model/company-to-facts.js';
import { LARGE_COMPANY } from './emulator.bench.js';

/**
 * Late-payment model quality on the demo company (what `npm start` generates: 300 customers, 24 months,
 * seed 42; as-of fixed here so the figures reproduce) and on the 5,000-customer benchmark company:
 * holdout AUC, ECE, Brier, the calibration table and training time. Run: npx tsx bench/model-quality.ts
 */
const DEMO_COMPANY = { seed: 42, customers: 300, months: 24, asOf: process.argv[2] ?? '2026-10-31' } as const;

for (const [name, spec] of [['demo', DEMO_COMPANY], ['large', LARGE_COMPANY]] as const) {
  const invoices = companyToInvoiceFacts(generateCompany(spec));
  const times: number[] = [];
  let card = trainLatePaymentModel(invoices, { asOf: spec.asOf }).card;
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    card = trainLatePaymentModel(invoices, { asOf: spec.asOf }).card;
    times.push(performance.now() - started);
  }
  const median = times.sort((a, b) => a - b)[1]!;
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  process.stdout.write(`${name}: ${invoices.length} invoices, trained on ${card.trainedOn}, holdout ${card.holdoutSize}, `
    + `AUC ${card.auc?.toFixed(3)}, ECE ${card.ece?.toFixed(3)}, Brier ${card.brier?.toFixed(3)}, train ${median.toFixed(0)} ms\n`);
  for (const b of card.calibration) process.stdout.write(`  ${b.bin}  n=${String(b.count).padStart(5)}  predicted ${pct(b.predicted)}  observed ${pct(b.observed)}\n`);
}
