import { actorFor, type ActivityLog } from '../activity/activity-log.js';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/knex.js';
import type { Logger } from '../../logger.js';
import { localDate } from '../../time-zone.js';
import { assessCompany, type CompanyAssessment } from './domain/assess-company.js';
import type { CompanyFacts } from './domain/risk-facts.js';
import { backtestScore } from './domain/score-backtest.js';
import type { RiskPolicy } from './domain/risk-policy.js';
import { loadCompanyFacts } from './risk-facts-loader.js';
import { clusterCustomers, type ClusterInput, type ClusterResult } from './clusters/customer-clusters.js';
import { forecastCollections, type CashForecast } from './forecast/cash-forecast.js';
import { predictOpenInvoices, trainLatePaymentModel, type InvoiceLateProbability, type LatePaymentModelCard } from './model/late-payment-model.js';
import type { RiskStore } from './risk-store.js';
import { panelSummary } from './panel-summary.js';
import { DEFAULT_STABILITY, stabilise, type ScoreState } from './domain/score-stability.js';

export interface ScoreResult {
  runId: number | null;
  assessment: CompanyAssessment;
  model: LatePaymentModelCard;
  predictions: Map<string, InvoiceLateProbability>;
  clusters: ClusterResult;
  forecast: CashForecast;
  facts: CompanyFacts;
  policy: RiskPolicy;
}

/**
 * Scores a company: facts from the local copy, the company's policy, the pure engine as of a date, and (when
 * persisting) a score run with every customer's score, which is the score history.
 */
export class RiskService {
  constructor(private readonly d: {
    db: Db; /** Large reads (the facts) that may run side by side; defaults to db. */ readDb?: Db; store: RiskStore; clock: Clock; logger: Logger; defaultTimeZone: string;
    activity?: Pick<ActivityLog, 'record'>;
    /** The newest runs kept whole (RiskStore.trimRunDetail; SCORE_RUNS_KEPT_WHOLE). */
    runsKeptWhole: number;
  }) {}

  /** Today in the company's time zone: the default as-of date. */
  async today(realmId: string): Promise<string> {
    const company = await this.d.db('companies').where({ realm_id: realmId }).first();
    return localDate(this.d.clock.now(), (company?.time_zone as string | null) ?? this.d.defaultTimeZone);
  }

  async score(realmId: string, o: { asOf?: string; persist?: boolean; trigger?: string; actor?: string } = {}): Promise<ScoreResult> {
    const asOf = o.asOf ?? (await this.today(realmId));
    const policy = await this.d.store.policy(realmId);
    const persist = o.persist !== false;
    // The previous run's cluster centres and score states are read while the facts load.
    const [facts, previousCentres, previousStates] = await Promise.all([
      loadCompanyFacts(this.d.readDb ?? this.d.db, realmId, { rollUpJobs: policy.rollUpJobs }),
      persist ? this.d.store.latestClusterCentres(realmId) : undefined,
      persist ? this.d.store.latestStates(realmId) : undefined,
    ]);
    // The late-payment model is trained per company on its own invoices decided by A, then scores the open ones.
    // Between steps the run lets other work in (web requests): a large company's run is over a second of
    // computing, and without the pauses a page asked for meanwhile waited for all of it.
    await letOthersIn();
    const model = trainLatePaymentModel(facts.invoices, { asOf, graceDays: policy.graceDays });
    await letOthersIn();
    const predictions = new Map(predictOpenInvoices(model, facts.invoices, asOf).map((p) => [p.invoiceId, p]));
    const assessment = assessCompany(facts, policy, asOf, { lateProbabilities: new Map([...predictions].map(([id, p]) => [id, p.probability])) });
    await letOthersIn();
    const clusters = clusterCustomers(clusterInputs(assessment, predictions, policy.windowMonths), { seed: 42, ...(previousCentres ? { previous: previousCentres } : {}) });
    // How the same score would have ranked the last six months: shown next to the model card.
    const scoreBacktest = backtestScore(facts, policy, asOf);
    const forecast = forecastCollections(facts.invoices, { asOf, highRiskCustomerIds: new Set(assessment.customers.filter((c) => c.risk.highRisk).map((c) => c.customerId)) });
    await letOthersIn();
    let runId: number | null = null;
    if (persist) {
      // Smoothing and hysteresis across runs: the stable band is what the panel shows and alerts follow.
      const previous = previousStates ?? new Map<string, ScoreState>();
      const states = new Map<string, ScoreState>();
      const alerts: Array<{ customerId: string; kind: string; message: string }> = [];
      for (const c of assessment.customers) {
        const step = stabilise(previous.get(c.customerId), c.risk.score, { ...DEFAULT_STABILITY, bands: policy.bands });
        states.set(c.customerId, step.state);
        for (const a of step.alerts) {
          alerts.push({ customerId: c.customerId, kind: a.kind, message: a.kind === 'band_up' ? `${c.name} moved from ${a.from ?? 'unscored'} to ${a.to} risk` : `${c.name}'s risk score has risen ${a.runs} runs in a row` });
        }
      }
      // Each customer's cluster is kept in customer_scores (clusterOf below), not in the run's company figures.
      runId = await this.d.store.saveRun(realmId, assessment, { modelCard: model.card, scoreBacktest, clusters: { centres: clusters.centres, profiles: clusters.profiles }, forecast, panel: panelSummary(assessment.customers) }, o.trigger ?? 'manual', this.d.clock.now(), { states, alerts }, {
        clusterOf: clusters.assignments, topFeatures: new Map([...predictions].map(([id, p]) => [id, p.topFeatures])),
      });
    }
    // The run that replaces older ones trims their detail (a 5,000-customer company's run is about 9 MB whole).
    // The run is saved by then: a failed trim is only logged, and the next run tries again.
    const trimmedRuns = runId === null ? [] : await this.d.store.trimRunDetail(realmId, this.d.runsKeptWhole, this.d.clock.now())
      .catch((err: unknown) => { this.d.logger.warn({ err, realmId }, 'trimming older score runs failed; the next run retries'); return []; });
    if (runId !== null) {
      await this.d.activity?.record(realmId, {
        actor: actorFor(o.trigger, o.actor), kind: 'score',
        summary: `Scored ${assessment.customers.length.toLocaleString('en-US')} customers as of ${asOf}: ${assessment.highRisk.count} high risk`,
        detail: { runId, asOf, policyVersion: policy.version, highRisk: assessment.highRisk.count },
      });
    }
    this.d.logger.info({ realmId, asOf, runId, customers: assessment.customers.length, highRisk: assessment.highRisk.count, trimmedRuns: trimmedRuns.length }, 'company scored');
    return { runId, assessment, facts, policy, model: model.card, predictions, clusters, forecast };
  }
}

/**
 * Yields to the event loop so timers, I/O and requests that arrived during a step run before the next one.
 * Two hops: an immediate queued from an I/O callback runs in the same turn of the loop, before any new I/O;
 * one queued from an immediate waits for the next turn, after its timers and I/O.
 */
const letOthersIn = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));

/** Behaviour per customer for clustering: customers with invoices in the window only. */
export function clusterInputs(a: CompanyAssessment, predictions: ReadonlyMap<string, InvoiceLateProbability>, windowMonths: number): ClusterInput[] {
  const byCustomer = new Map<string, number[]>();
  for (const inv of a.openInvoices) {
    const p = predictions.get(inv.invoiceId);
    if (p) byCustomer.set(inv.customerId, [...(byCustomer.get(inv.customerId) ?? []), p.probability]);
  }
  return a.customers.filter((c) => c.metrics.invoiceCount > 0).map((c) => {
    const lateShare = c.metrics.lateOfLast10.of === 0 ? 0 : c.metrics.lateOfLast10.late / c.metrics.lateOfLast10.of;
    const open = byCustomer.get(c.customerId);
    return {
      customerId: c.customerId,
      features: {
        invoicesPerMonth: c.metrics.invoiceCount / windowMonths,
        avgInvoiceCents: c.metrics.avgInvoiceCents ?? 0,
        avgDaysBeyondTerms: c.metrics.avgDaysBeyondTerms ?? 0,
        paymentRate: c.metrics.paymentRate ?? 100,
        lateShare,
        // Customers with nothing open: their recent late share stands in for a predicted probability.
        avgLateProbability: open ? open.reduce((s, p) => s + p, 0) / open.length : lateShare,
        invoicedCents: (c.metrics.avgInvoiceCents ?? 0) * c.metrics.invoiceCount,
      },
    };
  });
}
