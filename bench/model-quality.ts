import { generateCompany } from '../server/emulator/generator/generate-company.js';
import type { CompanyFacts } from '../server/features/risk/domain/risk-facts.js';
import { DEFAULT_RISK_POLICY } from '../server/features/risk/domain/risk-policy.js';
import { backtestScore } from '../server/features/risk/domain/score-backtest.js';
import { trainLatePaymentModel } from '../server/features/risk/model/late-payment-model.js';
import { companyToInvoiceFacts } from '../test/unit/risk/model/company-to-facts.js';
import { LARGE_COMPANY } from './emulator.bench.js';

/**
 * Late-payment model quality on the demo company (what `npm start` generates: 300 customers, 24 months,
 * seed 42; the as-of date, today in the demo, is fixed here so the figures reproduce) and on the
 * 5,000-customer benchmark company: holdout AUC, ECE, Brier, the calibration table, training time (median
 * of 3), and the score backtest with its time. Run: npx tsx bench/model-quality.ts [demo as-of date]
 */
const DEMO_COMPANY = { seed: 42, customers: 300, months: 24, asOf: process.argv[2] ?? '2026-10-31' } as const;

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const median = (runs: number, f: () => void) => {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    f();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
};

for (const [name, spec] of [
  ['demo', DEMO_COMPANY],
  ['large', LARGE_COMPANY],
] as const) {
  const company = generateCompany(spec);
  const invoices = companyToInvoiceFacts(company);
  const customerIds = [...new Set(invoices.map((i) => i.customerId))];
  const facts: CompanyFacts = {
    realmId: company.realmId,
    homeCurrency: 'USD',
    invoices,
    items: new Map(),
    customers: customerIds.map((id) => ({ id, name: id, active: true, creditScore: null })),
  };
  const card = trainLatePaymentModel(invoices, { asOf: spec.asOf }).card;
  const trainMs = median(3, () => trainLatePaymentModel(invoices, { asOf: spec.asOf }));
  process.stdout.write(
    `${name} as of ${spec.asOf}: ${invoices.length} invoices, trained on ${card.trainedOn}, ` +
      `holdout ${card.holdoutSize}, AUC ${card.auc?.toFixed(3)}, ` +
      `ECE ${card.ece?.toFixed(3)}, Brier ${card.brier?.toFixed(3)}, ` +
      `training ${trainMs.toFixed(0)} ms\n`,
  );
  for (const b of card.calibration) {
    process.stdout.write(
      `  ${b.bin}  n=${String(b.count).padStart(5)}  predicted ${pct(b.predicted)}  observed ${pct(b.observed)}\n`,
    );
  }
  const backtest = backtestScore(facts, DEFAULT_RISK_POLICY, spec.asOf);
  const backtestMs = median(3, () => backtestScore(facts, DEFAULT_RISK_POLICY, spec.asOf));
  const caught = backtest.highRiskShare === null ? '-' : pct(backtest.highRiskShare);
  const lateDollars = Math.round(backtest.lateCents / 100).toLocaleString('en-US');
  process.stdout.write(
    `  score backtest from ${backtest.scoredAsOf}: ${backtest.customers} customers ranked, ` +
      `${backtest.lateCustomers} went >30 days late, AUC ${backtest.auc?.toFixed(3)}, High tier caught ${caught} of ` +
      `$${lateDollars} (${backtest.highRiskCustomers} High customers), ${backtestMs.toFixed(0)} ms\n`,
  );
}
