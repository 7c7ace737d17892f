import { generateCompany } from '../server/emulator/generator/generate-company.js';
import { assessCompany } from '../server/features/risk/domain/assess-company.js';
import { DEFAULT_RISK_POLICY } from '../server/features/risk/domain/risk-policy.js';
import type { CompanyFacts, ItemFact } from '../server/features/risk/domain/risk-facts.js';
import { backtestScore } from '../server/features/risk/domain/score-backtest.js';
import { topLevelParent } from '../server/features/risk/facts-helpers.js';
import { forecastWithOutlooks } from '../server/features/risk/forecast/cash-forecast.js';
import { predictOpenInvoices, trainLatePaymentModel } from '../server/features/risk/model/late-payment-model.js';
import { clusterCustomers } from '../server/features/risk/clusters/customer-clusters.js';
import { clusterInputs } from '../server/features/risk/risk-service.js';
import { companyToInvoiceFacts } from '../test/unit/risk/model/company-to-facts.js';
import { LARGE_COMPANY } from './emulator.bench.js';
const file = generateCompany(LARGE_COMPANY);
const rootOf = topLevelParent(new Map(file.Customers.map((c: any) => [String(c.Id), c.ParentRef?.value])));
const facts: CompanyFacts = { realmId: 'r', homeCurrency: 'USD',
  customers: file.Customers.filter((c: any) => rootOf(String(c.Id)) === String(c.Id)).map((c: any) => ({ id: String(c.Id), name: String(c.DisplayName), active: true, creditScore: null })),
  invoices: companyToInvoiceFacts(file), items: new Map<string, ItemFact>() };
const asOf = '2026-10-31'; const p = DEFAULT_RISK_POLICY;
const t = (label: string, f: () => unknown) => { const s = performance.now(); const r = f(); console.log(label, Math.round(performance.now() - s)); return r as any; };
for (let round = 0; round < 3; round++) {
  console.log('--- round', round);
  const model = t('train', () => trainLatePaymentModel(facts.invoices, { asOf }));
  const preds = t('predict', () => new Map(predictOpenInvoices(model, facts.invoices, asOf).map((x) => [x.invoiceId, x])));
  const a = t('assess', () => assessCompany(facts, p, asOf, { lateProbabilities: new Map([...preds].map(([id, x]: any) => [id, x.probability])) }));
  t('backtest', () => backtestScore(facts, p, asOf));
  const fo = t('forecast', () => forecastWithOutlooks(facts.invoices, { asOf, highRiskCustomerIds: new Set() }));
  t('clusters', () => clusterCustomers(clusterInputs(a, fo.outlooks, 24), { seed: 42 }));
}
import { customerMetrics } from '../server/features/risk/domain/customer-metrics.js';
import { monthlyCollectionRates, daysSalesOutstanding } from '../server/features/risk/domain/company-metrics.js';
const by = new Map<string, any[]>(); for (const i of facts.invoices) { const l = by.get(i.customerId) ?? []; l.push(i); by.set(i.customerId, l); }
for (let r = 0; r < 3; r++) {
  t('customerMetrics', () => { for (const c of facts.customers) customerMetrics(by.get(c.id) ?? [], facts.items, p, asOf); });
  t('collectionRates', () => monthlyCollectionRates(facts.invoices, asOf));
  t('dso', () => daysSalesOutstanding(facts.invoices, asOf));
}
