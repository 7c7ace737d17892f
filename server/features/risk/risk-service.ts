import type { Clock } from '../../clock.js';
import type { Db } from '../../db/knex.js';
import type { Logger } from '../../logger.js';
import { localDate } from '../../time-zone.js';
import { assessCompany, type CompanyAssessment } from './domain/assess-company.js';
import type { CompanyFacts } from './domain/risk-facts.js';
import type { RiskPolicy } from './domain/risk-policy.js';
import { loadCompanyFacts } from './risk-facts-loader.js';
import type { RiskStore } from './risk-store.js';

export interface ScoreResult {
  runId: number | null;
  assessment: CompanyAssessment;
  facts: CompanyFacts;
  policy: RiskPolicy;
}

/**
 * Scores a company: facts from the local copy, the company's policy, the pure engine as of a date, and (when
 * persisting) a score run with every customer's score, which is the score history.
 */
export class RiskService {
  constructor(private readonly d: { db: Db; store: RiskStore; clock: Clock; logger: Logger; defaultTimeZone: string }) {}

  /** Today in the company's time zone: the default as-of date. */
  async today(realmId: string): Promise<string> {
    const company = await this.d.db('companies').where({ realm_id: realmId }).first();
    return localDate(this.d.clock.now(), (company?.time_zone as string | null) ?? this.d.defaultTimeZone);
  }

  async score(realmId: string, o: { asOf?: string; persist?: boolean; trigger?: string } = {}): Promise<ScoreResult> {
    const asOf = o.asOf ?? (await this.today(realmId));
    const policy = await this.d.store.policy(realmId);
    const facts = await loadCompanyFacts(this.d.db, realmId, { rollUpJobs: policy.rollUpJobs });
    const assessment = assessCompany(facts, policy, asOf);
    const runId = o.persist === false ? null : await this.d.store.saveRun(realmId, assessment, {}, o.trigger ?? 'manual', this.d.clock.now());
    this.d.logger.info({ realmId, asOf, runId, customers: assessment.customers.length, highRisk: assessment.highRisk.count }, 'company scored');
    return { runId, assessment, facts, policy };
  }
}
