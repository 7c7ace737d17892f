import { LRUCache } from 'lru-cache';
import type { Db } from '../../db/knex.js';
import { toDate, toNumberOrNull } from '../../db/row-values.js';
import type { ActivityEntry, ActivityKind } from '../activity/activity-log.js';
import type { ProfitabilityTier } from '../risk/domain/assess-company.js';
import type { CustomerMetrics } from '../risk/domain/customer-metrics.js';
import { monthlyPaymentBehaviour, type BehaviourMonth } from '../risk/domain/payment-behaviour.js';
import { loadCompanyFacts } from '../risk/risk-facts-loader.js';
import { DEFAULT_RISK_POLICY } from '../risk/domain/risk-policy.js';
import type { Reason, RiskBand } from '../risk/domain/risk-score.js';
import type { CreditLimit, HighRiskSegment, Strategy } from '../risk/domain/strategies.js';
import { openInvoiceChances } from '../risk/forecast/open-invoice-chances.js';
import { escapeLike } from './customer-list-store.js';

export type { BehaviourMonth };

type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
/** Ids per IN (…) list: well under every database's limit on bound parameters. */
const CHUNK = 500;
const SNAPSHOTS = 200;

/** One customer as the latest run scored it, with what the bookkeeper set on them. */
export interface CustomerDetail {
  customerId: string;
  name: string;
  email: string | null;
  active: boolean;
  /** Stabilised (smoothed) score and stable band: what the panel shows. */
  score: number | null;
  band: RiskBand | null;
  /** This run's own score and band, before smoothing. */
  rawScore: number | null;
  rawBand: RiskBand | null;
  highRisk: boolean;
  reasons: Reason[];
  metrics: CustomerMetrics;
  strategy: Strategy;
  segment: HighRiskSegment | null;
  profitabilityTier: ProfitabilityTier;
  clusterId: number | null;
  creditLimit: CreditLimit;
  creditScore: { score: number; source: string; updatedAt: Date } | null;
  controls: CustomerControls;
}

export type ScoredCustomer = Omit<CustomerDetail, 'creditScore' | 'controls'>;

/** The parts of a customer's page that a run fixes (see `snapshot`). */
export interface CustomerSnapshot {
  customer: ScoredCustomer;
  policy: RunPolicy;
  history: ScorePoint[];
  invoices: OpenInvoiceRow[];
  /** The customer and the jobs whose invoices its page covers (depth 0 is the customer). */
  covered: Array<{ id: string; name: string; depth: number }>;
  months: BehaviourMonth[];
}

export interface CustomerControls {
  remindersPaused: boolean;
  excluded: boolean;
  updatedAt: Date | null;
  updatedBy: string | null;
}

export interface ScorePoint {
  runId: number;
  asOf: string;
  score: number | null;
  smoothed: number | null;
  band: RiskBand | null;
}

export interface OpenInvoiceRow {
  invoiceId: string;
  docNumber: string | null;
  txnDate: string | null;
  dueDate: string;
  totalCents: number | null;
  openCents: number;
  daysPastDue: number;
  /** Not yet due: the chance it is paid late. Past due: null, and the two chances below apply (openInvoiceChances). */
  lateProbability: number | null;
  collectedWithin30Days: number | null;
  neverCollected: number | null;
  strategy: Strategy;
  topFeatures: Array<{ feature: string; contribution: number }>;
}

/** What the run's policy says about windows, grace and jobs (the policy version the run used). */
export interface RunPolicy {
  windowMonths: number;
  graceDays: number;
  rollUpJobs: boolean;
}

/**
 * Everything a customer's page reads, one small query each, all scoped by realm and by the run: the scored
 * row, the score history, open invoices, monthly payment behaviour from the local copy (the customer's own
 * invoices and, when jobs roll up, its jobs'), controls, credit score and the activity about the customer.
 */
export function createCustomerDetailStore(db: Db) {
  const snapshots = new LRUCache<string, CustomerSnapshot>({ max: SNAPSHOTS });
  const store = {
    /** The customer as the run scored them (name, scores, metrics, reasons, strategy, limit); undefined when not in the run. */
    async scored(realmId: string, runId: number, customerId: string): Promise<ScoredCustomer | undefined> {
      const [r, qbo] = await Promise.all([
        db('customer_scores').where({ run_id: runId, realm_id: realmId, customer_qbo_id: customerId }).first(),
        db('qbo_customers').where({ realm_id: realmId, qbo_id: customerId }).first('email', 'active'),
      ]);
      if (!r) return undefined;
      const metrics = JSON.parse(String(r.metrics_json)) as CustomerMetrics & { strategy: Strategy; segment: HighRiskSegment | null; creditLimit: CreditLimit };
      return {
        customerId, name: String(r.display_name), email: qbo?.email ?? null, active: qbo ? Boolean(qbo.active) : true,
        score: toNumberOrNull(r.smoothed_score), band: (r.stable_band ?? r.band ?? null) as RiskBand | null,
        rawScore: toNumberOrNull(r.score), rawBand: (r.band ?? null) as RiskBand | null,
        highRisk: Boolean(r.high_risk), reasons: JSON.parse(String(r.reasons_json)) as Reason[], metrics, strategy: r.strategy as Strategy,
        segment: metrics.segment ?? null, profitabilityTier: r.profitability_tier as ProfitabilityTier,
        clusterId: toNumberOrNull(r.cluster_id),
        creditLimit: metrics.creditLimit ?? { cents: Number(r.credit_limit_cents ?? 0), basis: '' },
      };
    },

    /** The scored customer with what the bookkeeper set on them now (credit score, controls). */
    async customer(realmId: string, runId: number, customerId: string): Promise<CustomerDetail | undefined> {
      const [scored, creditScore, controls] = await Promise.all([store.scored(realmId, runId, customerId), store.creditScore(realmId, customerId), store.controls(realmId, customerId)]);
      return scored ? { ...scored, creditScore, controls } : undefined;
    },

    async creditScore(realmId: string, customerId: string): Promise<CustomerDetail['creditScore']> {
      const r = await db('customer_credit_scores').where({ realm_id: realmId, customer_qbo_id: customerId }).first('score', 'source', 'updated_at');
      return r ? { score: Number(r.score), source: String(r.source), updatedAt: toDate(r.updated_at)! } : null;
    },

    /**
     * What a run says about a customer and what the page draws from the local copy as of the run's date: the
     * scored row, the run's policy, the score history up to the run, its open invoices, the customer's jobs and
     * payment behaviour. Kept per (company, run, customer), newest 200: a run never changes, so a second view, or
     * the page an action redirects back to, reads no more than the controls and the activity.
     */
    async snapshot(realmId: string, run: { id: number; asOf: string; policyVersion: number }, customerId: string): Promise<CustomerSnapshot | undefined> {
      const key = `${realmId}\u0000${run.id}\u0000${customerId}`;
      const hit = snapshots.get(key);
      if (hit) return hit;
      const [customer, policy] = await Promise.all([store.scored(realmId, run.id, customerId), store.runPolicy(realmId, run.policyVersion)]);
      if (!customer) return undefined;
      const [history, invoices, covered] = await Promise.all([
        store.history(realmId, customerId), store.openInvoices(realmId, run.id, customerId), store.customerAndJobs(realmId, customerId, policy.rollUpJobs),
      ]);
      const months = await store.paymentBehaviour(realmId, covered.length > 0 ? covered.map((j) => j.id) : [customerId], run.asOf, policy);
      const snapshot = { customer, policy, history: history.filter((h) => h.runId <= run.id), invoices, covered, months };
      snapshots.set(key, snapshot);
      return snapshot;
    },

    /** The policy a run used: the saved version, else the defaults (version 1 is never stored). */
    async runPolicy(realmId: string, version: number): Promise<RunPolicy> {
      const row = await db('risk_policies').where({ realm_id: realmId, version }).first('policy_json');
      const p = row ? (JSON.parse(String(row.policy_json)) as Partial<RunPolicy>) : {};
      return {
        windowMonths: p.windowMonths ?? DEFAULT_RISK_POLICY.windowMonths, graceDays: p.graceDays ?? DEFAULT_RISK_POLICY.graceDays,
        rollUpJobs: p.rollUpJobs ?? DEFAULT_RISK_POLICY.rollUpJobs,
      };
    },

    /** The customer's score over the last `limit` runs, oldest first. */
    async history(realmId: string, customerId: string, limit = 120): Promise<ScorePoint[]> {
      const rows = await db('customer_scores as s').join('risk_score_runs as r', 'r.id', 's.run_id')
        .where({ 's.realm_id': realmId, 's.customer_qbo_id': customerId, 'r.realm_id': realmId, 'r.what_if': false })
        .orderBy('s.run_id', 'desc').limit(limit)
        .select('s.run_id', 'r.as_of', 's.score', 's.smoothed_score', 's.stable_band', 's.band');
      return rows.reverse().map((r: Row) => ({
        runId: Number(r.run_id), asOf: String(r.as_of), score: toNumberOrNull(r.score), smoothed: toNumberOrNull(r.smoothed_score),
        band: (r.stable_band ?? r.band ?? null) as RiskBand | null,
      }));
    },

    /** The run's open invoices of this customer (jobs' included when they roll up), most overdue first. */
    async openInvoices(realmId: string, runId: number, customerId: string): Promise<OpenInvoiceRow[]> {
      const rows = await db('invoice_scores as s')
        .leftJoin('qbo_invoices as i', (j) => j.on('i.realm_id', 's.realm_id').andOn('i.qbo_id', 's.invoice_qbo_id'))
        .where({ 's.run_id': runId, 's.realm_id': realmId, 's.customer_qbo_id': customerId })
        .orderBy([{ column: 's.days_past_due', order: 'desc' }, { column: 's.due_date', order: 'asc' }, { column: 's.invoice_qbo_id', order: 'asc' }])
        .select('s.invoice_qbo_id', 's.doc_number', 's.due_date', 's.open_cents', 's.days_past_due', 's.late_probability', 's.strategy',
          's.top_features_json', 'i.txn_date', 'i.total_cents', 'i.exchange_rate', 's.chance_collected_within_30_days', 's.chance_never_collected');
      return rows.map((r: Row) => {
        const daysPastDue = Number(r.days_past_due);
        const outlook = r.chance_collected_within_30_days === null || r.chance_collected_within_30_days === undefined ? undefined
          : { collectedWithin30Days: Number(r.chance_collected_within_30_days), neverCollected: Number(r.chance_never_collected) };
        return {
          invoiceId: String(r.invoice_qbo_id), docNumber: r.doc_number ?? null, txnDate: r.txn_date ? String(r.txn_date) : null, dueDate: String(r.due_date),
          totalCents: r.total_cents === null || r.total_cents === undefined ? null : Math.round(Number(r.total_cents) * (r.exchange_rate === null || r.exchange_rate === undefined ? 1 : Number(r.exchange_rate))),
          openCents: Number(r.open_cents), daysPastDue, ...openInvoiceChances(daysPastDue, toNumberOrNull(r.late_probability), outlook),
          strategy: r.strategy as Strategy,
          topFeatures: r.top_features_json ? (JSON.parse(String(r.top_features_json)) as OpenInvoiceRow['topFeatures']) : [],
        };
      });
    },

    /** The customer and, when jobs roll up, every job below it (jobs of jobs too), with names: whose invoices the page covers. */
    async customerAndJobs(realmId: string, customerId: string, rollUpJobs: boolean): Promise<Array<{ id: string; name: string; depth: number }>> {
      if (!rollUpJobs) {
        const self = await db('qbo_customers').where({ realm_id: realmId, qbo_id: customerId }).first('qbo_id', 'display_name');
        return self ? [{ id: String(self.qbo_id), name: String(self.display_name), depth: 0 }] : [];
      }
      // Level by level (jobs of jobs too, eight deep at most, as the engine's roll-up): one indexed read per level.
      const self = await db('qbo_customers').where({ realm_id: realmId, qbo_id: customerId }).whereNull('deleted_at').first('qbo_id', 'display_name');
      if (!self) return [];
      const all = [{ id: String(self.qbo_id), name: String(self.display_name), depth: 0 }];
      let frontier = [all[0]!.id];
      for (let depth = 1; depth <= 8 && frontier.length > 0; depth++) {
        const children: Row[] = [];
        for (let i = 0; i < frontier.length; i += CHUNK) {
          children.push(...(await db('qbo_customers').where({ realm_id: realmId }).whereIn('parent_qbo_id', frontier.slice(i, i + CHUNK)).whereNull('deleted_at').select('qbo_id', 'display_name')));
        }
        const seen = new Set(all.map((c) => c.id));
        const next = children.filter((c) => !seen.has(String(c.qbo_id))).map((c) => ({ id: String(c.qbo_id), name: String(c.display_name), depth }));
        next.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        all.push(...next);
        frontier = next.map((c) => c.id);
      }
      return all;
    },

    /**
     * The customers' monthly payment behaviour as of A (monthlyPaymentBehaviour), from the same facts the score
     * run reads (loadCompanyFacts, limited to these customers: due dates, currencies and credits as the engine has them).
     */
    async paymentBehaviour(realmId: string, customerIds: readonly string[], asOf: string, policy: RunPolicy): Promise<BehaviourMonth[]> {
      const facts = customerIds.length === 0
        ? undefined
        : await loadCompanyFacts(db, realmId, { rollUpJobs: false, customerIds });
      return monthlyPaymentBehaviour(facts?.invoices ?? [], { asOf, windowMonths: policy.windowMonths, graceDays: policy.graceDays });
    },

    async controls(realmId: string, customerId: string): Promise<CustomerControls> {
      const r = await db('customer_controls').where({ realm_id: realmId, customer_qbo_id: customerId }).first();
      return r
        ? { remindersPaused: Boolean(r.reminders_paused), excluded: Boolean(r.excluded), updatedAt: toDate(r.updated_at) ?? null, updatedBy: String(r.updated_by) }
        : { remindersPaused: false, excluded: false, updatedAt: null, updatedBy: null };
    },

    async setControls(realmId: string, customerId: string, change: Partial<Pick<CustomerControls, 'remindersPaused' | 'excluded'>>, by: string, at: Date): Promise<CustomerControls> {
      const current = await store.controls(realmId, customerId);
      const next = { remindersPaused: change.remindersPaused ?? current.remindersPaused, excluded: change.excluded ?? current.excluded };
      await db('customer_controls')
        .insert({ realm_id: realmId, customer_qbo_id: customerId, reminders_paused: next.remindersPaused, excluded: next.excluded, updated_at: at, updated_by: by.slice(0, 200) })
        .onConflict(['realm_id', 'customer_qbo_id']).merge();
      return { ...next, updatedAt: at, updatedBy: by };
    },

    async clearCreditScore(realmId: string, customerId: string): Promise<boolean> {
      return (await db('customer_credit_scores').where({ realm_id: realmId, customer_qbo_id: customerId }).delete()) > 0;
    },

    /**
     * What can change between two views of a customer, in two statements instead of four: the credit score and
     * controls (one row, LEFT JOINs from the key), and the writes and the customer actions logged about them.
     */
    async liveState(realmId: string, customerId: string): Promise<Pick<CustomerDetail, 'creditScore' | 'controls'> & { writes: ActivityEntry[]; actions: ActivityEntry[] }> {
      const about = `%${escapeLike(`"customerId":${JSON.stringify(customerId)}`)}%`;
      const entries = (kind: ActivityKind, limit: number) => db('activity_log').where({ realm_id: realmId, kind }).andWhereRaw(`detail_json LIKE ? ESCAPE '!'`, [about])
        .orderBy('id', 'desc').limit(limit).select('id', 'at', 'actor', 'kind', 'summary', 'customer_qbo_id', 'section', 'detail_json');
      const [state, activity] = await Promise.all([
        db.select('cc.reminders_paused', 'cc.excluded', 'cc.updated_at as controls_at', 'cc.updated_by', 'cs.score', 'cs.source', 'cs.updated_at as credit_at')
          .from(db.raw('(SELECT CAST(? AS VARCHAR(32)) AS realm_id, CAST(? AS VARCHAR(32)) AS customer_qbo_id) k', [realmId, customerId]))
          .leftJoin('customer_controls as cc', (j) => j.on('cc.realm_id', 'k.realm_id').andOn('cc.customer_qbo_id', 'k.customer_qbo_id'))
          .leftJoin('customer_credit_scores as cs', (j) => j.on('cs.realm_id', 'k.realm_id').andOn('cs.customer_qbo_id', 'k.customer_qbo_id'))
          .first(),
        db.select('*').from(entries('write', 20).as('w')).unionAll(db.select('*').from(entries('customer', 10).as('c'))),
      ]);
      const log = (activity as Row[]).map(toEntry).sort((x, y) => y.id - x.id);
      return {
        creditScore: state?.score === null || state?.score === undefined ? null : { score: Number(state.score), source: String(state.source), updatedAt: toDate(state.credit_at)! },
        controls: state?.controls_at === null || state?.controls_at === undefined
          ? { remindersPaused: false, excluded: false, updatedAt: null, updatedBy: null }
          : { remindersPaused: Boolean(state.reminders_paused), excluded: Boolean(state.excluded), updatedAt: toDate(state.controls_at) ?? null, updatedBy: String(state.updated_by) },
        writes: log.filter((e) => e.kind === 'write'),
        actions: log.filter((e) => e.kind === 'customer'),
      };
    },
  };
  return store;
}

export type CustomerDetailStore = ReturnType<typeof createCustomerDetailStore>;

function toEntry(r: Row): ActivityEntry {
  return {
    id: Number(r.id), at: toDate(r.at)!, actor: String(r.actor), kind: r.kind as ActivityKind, summary: String(r.summary),
    customerId: r.customer_qbo_id ?? null, section: r.section ?? null,
    detail: r.detail_json ? (JSON.parse(String(r.detail_json)) as Record<string, unknown>) : null,
  };
}
