import { generateCompany } from '../server/emulator/generator/generate-company.js';
import { assessCompany } from '../server/features/risk/domain/assess-company.js';
import { DEFAULT_RISK_POLICY } from '../server/features/risk/domain/risk-policy.js';
import type { CompanyFacts, ItemFact } from '../server/features/risk/domain/risk-facts.js';
import { topLevelParent } from '../server/features/risk/facts-helpers.js';
import { backtestScore } from '../server/features/risk/domain/score-backtest.js';
import { companyToInvoiceFacts } from '../test/unit/risk/model/company-to-facts.js';
import { LARGE_COMPANY } from './emulator.bench.js';
const file = generateCompany(LARGE_COMPANY);
const rootOf = topLevelParent(new Map(file.Customers.map((c: any) => [String(c.Id), c.ParentRef?.value])));
const facts: CompanyFacts = { realmId: 'r', homeCurrency: 'USD',
  customers: file.Customers.filter((c: any) => rootOf(String(c.Id)) === String(c.Id)).map((c: any) => ({ id: String(c.Id), name: String(c.DisplayName), active: true, creditScore: null })),
  invoices: companyToInvoiceFacts(file).map((i) => ({ ...i, lines: [] })), items: new Map<string, ItemFact>() };
for (let r = 0; r < 4; r++) { const s = performance.now(); assessCompany(facts, DEFAULT_RISK_POLICY, '2026-10-31'); const m = performance.now(); backtestScore(facts, DEFAULT_RISK_POLICY, '2026-10-31'); console.log('assess', Math.round(m - s), 'backtest', Math.round(performance.now() - m)); }
