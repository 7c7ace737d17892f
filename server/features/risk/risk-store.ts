import type { Db } from '../../db/knex.js';
import { toDate } from '../connections/connection-store.js';
import type { CompanyAssessment } from './domain/assess-company.js';
import { DEFAULT_RISK_POLICY, riskPolicySchema, type RiskPolicy } from './domain/risk-policy.js';
import type { ScoreState } from './domain/score-stability.js';
import type { ClusterCentre } from './clusters/customer-clusters.js';

export interface ScoreRunSummary {
  id: number;
  realmId: string;
  asOf: string;
  policyVersion: number;
  trigger: string;
  createdAt: Date;
}

/** What the panel reads per run besides the assessment: cluster ids and each open invoice's strongest features. */
export interface RunPanelFacts {
  clusterOf?: ReadonlyMap<string, number>;
  topFeatures?: ReadonlyMap<string, ReadonlyArray<{ feature: string; contribution: number }>>;
}

/** Score runs, the per-customer score history, credit scores and the versioned policy; all scoped by realm. */
export function createRiskStore(db: Db) {
  return {
    async policy(realmId: string): Promise<RiskPolicy> {
      const row = await db('risk_policies').where({ realm_id: realmId }).orderBy('version', 'desc').first();
      return row ? riskPolicySchema.parse(JSON.parse(row.policy_json)) : DEFAULT_RISK_POLICY;
    },

    /** Saves a new version of the policy (validated); returns it with its version number. */
    async savePolicy(realmId: string, policy: Omit<RiskPolicy, 'version'>, at: Date): Promise<RiskPolicy> {
      const current = await db('risk_policies').where({ realm_id: realmId }).max({ v: 'version' }).first();
      const next = riskPolicySchema.parse({ ...policy, version: Math.max(DEFAULT_RISK_POLICY.version, Number(current?.v ?? 0)) + 1 });
      await db('risk_policies').insert({ realm_id: realmId, version: next.version, policy_json: JSON.stringify(next), created_at: at });
      return next;
    },

    /** The cluster centres of the latest run: the warm start that keeps cluster ids and names stable. */
    async latestClusterCentres(realmId: string): Promise<ClusterCentre[] | undefined> {
      const run = await db('risk_score_runs').where({ realm_id: realmId }).orderBy('id', 'desc').first();
      if (!run) return undefined;
      const centres = (JSON.parse(run.company_json) as { clusters?: { centres?: ClusterCentre[] } }).clusters?.centres;
      return centres && centres.length > 0 ? centres : undefined;
    },

    /** Each customer's hysteresis state after the company's latest run. */
    async latestStates(realmId: string): Promise<Map<string, ScoreState>> {
      const run = await db('risk_score_runs').where({ realm_id: realmId }).orderBy('id', 'desc').first();
      if (!run) return new Map();
      const rows = await db('customer_scores').where({ run_id: run.id });
      return new Map(rows.map((r: Record<string, unknown>) => [String(r.customer_qbo_id), {
        smoothed: r.smoothed_score === null ? null : Number(r.smoothed_score), band: (r.stable_band as ScoreState['band']) ?? null,
        risingRuns: Number(r.rising_runs), saferRuns: Number(r.safer_runs),
      }]));
    },

    async alerts(realmId: string, limit = 50): Promise<Array<{ id: number; customerId: string; kind: string; message: string; createdAt: Date }>> {
      return (await db('risk_alerts').where({ realm_id: realmId }).orderBy('id', 'desc').limit(limit)).map((r: Record<string, unknown>) => ({
        id: Number(r.id), customerId: String(r.customer_qbo_id), kind: String(r.kind), message: String(r.message), createdAt: toDate(r.created_at)!,
      }));
    },

    async saveRun(realmId: string, a: CompanyAssessment, extra: Record<string, unknown>, trigger: string, at: Date, stability: { states: Map<string, ScoreState>; alerts: Array<{ customerId: string; kind: string; message: string }> } = { states: new Map(), alerts: [] }, panel: RunPanelFacts = {}): Promise<number> {
      return db.transaction(async (trx) => {
        const { customers, ...company } = a;
        const [row] = await trx('risk_score_runs').insert({ realm_id: realmId, as_of: a.asOf, policy_version: a.policyVersion, trigger, created_at: at, company_json: JSON.stringify({ ...company, ...extra }) }).returning('id');
        const runId = Number(typeof row === 'object' ? (row as { id: number }).id : row);
        const rows = customers.map((c) => ({
          run_id: runId, realm_id: realmId, customer_qbo_id: c.customerId, score: c.risk.score, band: c.risk.band, high_risk: c.risk.highRisk,
          payment_rate: c.metrics.paymentRate, outstanding_cents: c.metrics.outstandingCents, gross_profit_cents: c.metrics.grossProfitCents,
          profitability_tier: c.profitabilityTier, display_name: c.name, strategy: c.strategy, cluster_id: panel.clusterOf?.get(c.customerId) ?? null,
          overdue_cents: c.metrics.outstandingCents - c.metrics.aging.current, credit_limit_cents: c.creditLimit.cents, metrics_json: JSON.stringify({ ...c.metrics, strategy: c.strategy, segment: c.segment, creditLimit: c.creditLimit }), reasons_json: JSON.stringify(c.risk.reasons),
          smoothed_score: stability.states.get(c.customerId)?.smoothed ?? null, stable_band: stability.states.get(c.customerId)?.band ?? null,
          rising_runs: stability.states.get(c.customerId)?.risingRuns ?? 0, safer_runs: stability.states.get(c.customerId)?.saferRuns ?? 0,
        }));
        for (let i = 0; i < rows.length; i += 300) await trx('customer_scores').insert(rows.slice(i, i + 300));
        const invoices = a.openInvoices.map((inv) => ({
          run_id: runId, realm_id: realmId, invoice_qbo_id: inv.invoiceId, customer_qbo_id: inv.customerId, doc_number: inv.docNumber, due_date: inv.dueDate,
          open_cents: inv.openCents, days_past_due: inv.daysPastDue, late_probability: inv.lateProbability, strategy: inv.strategy,
          top_features_json: panel.topFeatures?.get(inv.invoiceId) ? JSON.stringify(panel.topFeatures.get(inv.invoiceId)) : null,
        }));
        for (let i = 0; i < invoices.length; i += 500) await trx('invoice_scores').insert(invoices.slice(i, i + 500));
        const alerts = stability.alerts.map((al) => ({ realm_id: realmId, customer_qbo_id: al.customerId, run_id: runId, kind: al.kind, message: al.message, created_at: at }));
        for (let i = 0; i < alerts.length; i += 300) await trx('risk_alerts').insert(alerts.slice(i, i + 300));
        return runId;
      });
    },

    /** The latest run with its company figures (model card, clusters, forecast, strategies) for the panel. */
    async latestRunDetails(realmId: string): Promise<(ScoreRunSummary & { company: Record<string, any> }) | undefined> { // eslint-disable-line @typescript-eslint/no-explicit-any
      const r = await db('risk_score_runs').where({ realm_id: realmId }).orderBy('id', 'desc').first();
      if (!r) return undefined;
      return { id: Number(r.id), realmId, asOf: String(r.as_of), policyVersion: Number(r.policy_version), trigger: String(r.trigger), createdAt: toDate(r.created_at)!, company: JSON.parse(r.company_json) };
    },

    async latestRun(realmId: string): Promise<ScoreRunSummary | undefined> {
      const r = await db('risk_score_runs').where({ realm_id: realmId }).orderBy('id', 'desc').first();
      return r ? { id: Number(r.id), realmId, asOf: String(r.as_of), policyVersion: Number(r.policy_version), trigger: String(r.trigger), createdAt: toDate(r.created_at)! } : undefined;
    },

    /** A customer's score over the runs, oldest first. */
    async history(realmId: string, customerId: string): Promise<Array<{ runId: number; asOf: string; score: number | null; band: string | null }>> {
      const rows = await db('customer_scores').join('risk_score_runs', 'risk_score_runs.id', 'customer_scores.run_id')
        .where({ 'customer_scores.realm_id': realmId, 'customer_scores.customer_qbo_id': customerId })
        .orderBy('risk_score_runs.id').select('risk_score_runs.id as run_id', 'risk_score_runs.as_of', 'customer_scores.score', 'customer_scores.band');
      return rows.map((r: Record<string, unknown>) => ({ runId: Number(r.run_id), asOf: String(r.as_of), score: r.score === null ? null : Number(r.score), band: (r.band as string | null) ?? null }));
    },

    /** All or nothing: every row is written in one transaction. */
    async importCreditScores(realmId: string, rows: ReadonlyArray<{ customerId: string; score: number }>, at: Date): Promise<void> {
      await db.transaction(async (trx) => {
        for (const r of rows) {
          await trx('customer_credit_scores').insert({ realm_id: realmId, customer_qbo_id: r.customerId, score: r.score, source: 'import', updated_at: at }).onConflict(['realm_id', 'customer_qbo_id']).merge();
        }
      });
    },

    async customerNames(realmId: string): Promise<Map<string, string>> {
      return new Map((await db('qbo_customers').where({ realm_id: realmId }).whereNull('deleted_at').select('qbo_id', 'display_name')).map((r: { qbo_id: string; display_name: string }) => [String(r.qbo_id), r.display_name]));
    },

    async setCreditScore(realmId: string, customerId: string, score: number, source: 'manual' | 'import', at: Date): Promise<void> {
      await db('customer_credit_scores').insert({ realm_id: realmId, customer_qbo_id: customerId, score, source, updated_at: at }).onConflict(['realm_id', 'customer_qbo_id']).merge();
    },
  };
}

export type RiskStore = ReturnType<typeof createRiskStore>;
