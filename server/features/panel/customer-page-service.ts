import { LRUCache } from 'lru-cache';
import type { ActivityEntry, ActivityLog } from '../activity/activity-log-type.js';
import type { ProfitabilityTier } from '../risk/domain/assess-company.js';
import type { CustomerMetrics } from '../risk/domain/customer-metrics.js';
import { monthlyPaymentBehaviour, type BehaviourMonth } from '../risk/domain/payment-behaviour.js';
import type { Reason, RiskBand } from '../risk/domain/risk-score.js';
import type { CreditLimit, HighRiskSegment, Strategy } from '../risk/domain/strategies.js';
import type { CreditScoreOnFile, CustomerControls, CustomerInputStore } from '../risk/customer-input-store-type.js';
import type { RiskPolicyStore, RunPolicy } from '../risk/risk-policy-store-type.js';
import type { ScoredOpenInvoice, ScorePoint, ScoreRunStore } from '../risk/score-run-store-type.js';
import type { CoveredCustomer, InvoiceOnFile, LocalCopyReader } from '../sync/local-copy-reader-type.js';
import type { WritebackService } from '../writeback/writeback-service.js';
import type { Writeback } from '../writeback/writeback-store-type.js';

export type { BehaviourMonth, CustomerControls, RunPolicy, ScorePoint };

/** Snapshots kept, least recently used dropped first: a run never changes, so a kept one is always right. */
const SNAPSHOTS = 200;
/** The customer's newest writes into QuickBooks; the Write-back page lists them all. */
const WRITES_SHOWN = 5;
const ACTIONS_SHOWN = 10;

/** One customer as a run scored them, with what QBO says of them now (email, active). */
export interface ScoredCustomer {
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
}

/** An open invoice of the run with its date and total from the local copy. */
export type OpenInvoiceRow = ScoredOpenInvoice & InvoiceOnFile;

/** The parts of a customer's page that a run fixes (see `snapshot`). */
export interface CustomerSnapshot {
  customer: ScoredCustomer;
  policy: RunPolicy;
  history: ScorePoint[];
  invoices: OpenInvoiceRow[];
  /** The customer and the jobs whose invoices its page covers (depth 0 is the customer). */
  covered: CoveredCustomer[];
  months: BehaviourMonth[];
}

/**
 * What can change between two views of a customer: what the bookkeeper set, what Duesense wrote (or means to write)
 * into QuickBooks for them, and what was logged about them.
 */
export interface CustomerLiveState {
  creditScore: CreditScoreOnFile | null;
  controls: CustomerControls;
  /** The customer's rows of the write-back outbox (labels, removals, their invoices' tiers), newest first. */
  writes: Writeback[];
  actions: ActivityEntry[];
}

export interface CustomerPageDeps {
  scoreRuns: Pick<ScoreRunStore, 'customerScore' | 'customerHistory' | 'openInvoices'>;
  policies: Pick<RiskPolicyStore, 'runPolicy'>;
  customerInputs: Pick<CustomerInputStore, 'current'>;
  localCopy: Pick<LocalCopyReader, 'companyFacts' | 'customerAndJobs' | 'customerContact' | 'invoicesOnFile'>;
  activity: Pick<ActivityLog, 'list'>;
  writebacks: Pick<WritebackService, 'list'>;
}

/**
 * A customer's page, read from the stores that own each part: the run's score of them (score runs), the run's
 * policy, open invoices with their dates and totals and the monthly payment behaviour (the local copy), and
 * what the bookkeeper set and what was logged (customer inputs, activity).
 */
export class CustomerPageService {
  private readonly snapshots = new LRUCache<string, CustomerSnapshot>({ max: SNAPSHOTS });

  constructor(private readonly d: CustomerPageDeps) {}

  /** The customer as the run scored them; undefined when not in the run. */
  async scored(realmId: string, runId: number, customerId: string): Promise<ScoredCustomer | undefined> {
    const [c, contact] = await Promise.all([
      this.d.scoreRuns.customerScore(realmId, runId, customerId),
      this.d.localCopy.customerContact(realmId, customerId),
    ]);
    if (!c) return undefined;
    return {
      customerId,
      name: c.name,
      email: contact?.email ?? null,
      active: contact?.active ?? true,
      score: c.shown.score,
      band: c.shown.band,
      rawScore: c.risk.score,
      rawBand: c.risk.ownBand,
      highRisk: c.risk.highRisk,
      reasons: c.risk.reasons,
      metrics: c.metrics,
      strategy: c.strategy,
      segment: c.segment,
      profitabilityTier: c.profitabilityTier,
      clusterId: c.clusterId,
      creditLimit: c.creditLimit,
    };
  }

  /**
   * What a run says about a customer and what the page draws from the local copy as of the run's date: the
   * scored row, the run's policy, the score history up to the run, its open invoices, the customer's jobs and
   * payment behaviour. Kept per (company, run, customer): a second view, or the page an action redirects back
   * to, reads no more than the live state.
   */
  async snapshot(
    realmId: string,
    run: { id: number; asOf: string; policyVersion: number },
    customerId: string,
  ): Promise<CustomerSnapshot | undefined> {
    const key = `${realmId}\u0000${run.id}\u0000${customerId}`;
    const hit = this.snapshots.get(key);
    if (hit) return hit;
    const [customer, policy] = await Promise.all([
      this.scored(realmId, run.id, customerId),
      this.d.policies.runPolicy(realmId, run.policyVersion),
    ]);
    if (!customer) return undefined;
    const [history, invoices, covered] = await Promise.all([
      this.d.scoreRuns.customerHistory(realmId, customerId),
      this.openInvoices(realmId, run.id, customerId),
      this.d.localCopy.customerAndJobs(realmId, customerId, policy.rollUpJobs),
    ]);
    const months = await this.paymentBehaviour(
      realmId,
      covered.length > 0 ? covered.map((j) => j.id) : [customerId],
      run.asOf,
      policy,
    );
    const snapshot = { customer, policy, history: history.filter((h) => h.runId <= run.id), invoices, covered, months };
    this.snapshots.set(key, snapshot);
    return snapshot;
  }

  /** The run's open invoices of this customer (jobs' included when they roll up), most overdue first. */
  async openInvoices(realmId: string, runId: number, customerId: string): Promise<OpenInvoiceRow[]> {
    const scored = await this.d.scoreRuns.openInvoices(realmId, runId, customerId);
    const onFile =
      scored.length === 0
        ? new Map<string, InvoiceOnFile>()
        : await this.d.localCopy.invoicesOnFile(
            realmId,
            scored.map((i) => i.invoiceId),
          );
    return scored.map((i) => ({ ...i, ...(onFile.get(i.invoiceId) ?? { txnDate: null, totalCents: null }) }));
  }

  /**
   * The customers' monthly payment behaviour as of A (monthlyPaymentBehaviour), from the same facts the score
   * run reads (limited to these customers: due dates, currencies and credits as the engine has them).
   */
  async paymentBehaviour(
    realmId: string,
    customerIds: readonly string[],
    asOf: string,
    policy: RunPolicy,
  ): Promise<BehaviourMonth[]> {
    const facts =
      customerIds.length === 0
        ? undefined
        : await this.d.localCopy.companyFacts(realmId, { rollUpJobs: false, customerIds });
    return monthlyPaymentBehaviour(facts?.invoices ?? [], {
      asOf,
      windowMonths: policy.windowMonths,
      graceDays: policy.graceDays,
    });
  }

  /** Read fresh on every view: the credit score and controls, the writes into QuickBooks and the customer actions. */
  async liveState(realmId: string, customerId: string): Promise<CustomerLiveState> {
    const [inputs, writes, actions] = await Promise.all([
      this.d.customerInputs.current(realmId, customerId),
      this.d.writebacks.list(realmId, { customerId, limit: WRITES_SHOWN }),
      this.d.activity.list(realmId, { customerId, kind: 'customer', limit: ACTIONS_SHOWN }),
    ]);
    return { ...inputs, writes, actions };
  }
}
