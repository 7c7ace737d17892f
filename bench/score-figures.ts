/**
 * Figures of the composite score and the risk tier on a generated company, scored from its file (no sync):
 * how many customers per tier, how many meet the high-risk rule, how many Low customers paid under half of what
 * fell due on time, and the customers that pay late most. `npx tsx bench/score-figures.ts [seed] [customers] [asOf]`.
 */
import { generateCompany } from '../server/emulator/generator/generate-company.js';
import { assessCompany } from '../server/features/risk/domain/assess-company.js';
import { DEFAULT_RISK_POLICY } from '../server/features/risk/domain/risk-policy.js';
import type { CompanyFacts, ItemFact } from '../server/features/risk/domain/risk-facts.js';
import { topLevelParent } from '../server/features/risk/domain/facts-helpers.js';
import { companyToInvoiceFacts } from '../test/unit/risk/model/company-to-facts.js';

const [seed = '42', customers = '300', asOf = '2026-10-31'] = process.argv.slice(2);
const file = generateCompany({ seed: Number(seed), customers: Number(customers), months: 24, asOf });
const rootOf = topLevelParent(
  new Map(file.Customers.map((c) => [String(c.Id), (c as { ParentRef?: { value: string } }).ParentRef?.value])),
);
const facts: CompanyFacts = {
  realmId: file.realmId,
  homeCurrency: 'USD',
  customers: file.Customers.filter((c) => rootOf(String(c.Id)) === String(c.Id)).map((c) => ({
    id: String(c.Id),
    name: String(c.DisplayName),
    active: c.Active !== false,
    creditScore: null,
  })),
  invoices: companyToInvoiceFacts(file),
  items: new Map<string, ItemFact>(
    file.Items.map((i) => [
      String(i.Id),
      { id: String(i.Id), costCents: i.PurchaseCost === undefined ? null : Math.round(Number(i.PurchaseCost) * 100) },
    ]),
  ),
};
const a = assessCompany(facts, DEFAULT_RISK_POLICY, asOf);
const tiers = { low: 0, medium: 0, high: 0, unscored: 0 };
for (const c of a.customers) tiers[c.risk.band ?? 'unscored']++;
const lowLate = a.customers.filter(
  (c) => c.risk.band === 'low' && c.metrics.onTimeRate !== null && c.metrics.onTimeRate < 50,
);
const worst = [...a.customers]
  .filter((c) => c.metrics.avgDaysBeyondTerms !== null)
  .sort((x, y) => y.metrics.avgDaysBeyondTerms! - x.metrics.avgDaysBeyondTerms!)
  .slice(0, 5);
console.log(
  JSON.stringify(
    {
      seed: Number(seed),
      customers: a.customers.length,
      asOf,
      tiers,
      highRiskRule: a.highRisk.count,
      lowTierPayingUnderHalfOnTime: lowLate.length,
      strategies: Object.fromEntries(a.strategies.customers.map((s) => [s.strategy, s.count])),
      latestPayers: worst.map((c) => ({
        name: c.name,
        score: c.risk.score,
        tier: c.risk.band,
        onTime: c.metrics.onTimeRate,
        dbt: c.metrics.avgDaysBeyondTerms,
        paymentScore: c.metrics.paymentScore,
        reasons: c.risk.reasons.map((r) => r.text),
      })),
    },
    null,
    2,
  ),
);
