import { actorFor, type ActivityLog } from '../activity/activity-log.js';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import type { ConnectionStore } from '../connections/connection-store-type.js';
import { ValidationError } from '../../errors.js';
import { localDate } from '../../time-zone.js';
import { assessCompany, type CompanyAssessment } from './domain/assess-company.js';
import type { CompanyFacts } from './domain/risk-facts.js';
import { backtestScore } from './domain/score-backtest.js';
import type { RiskPolicy } from './domain/risk-policy.js';
import {
  clusterCustomers,
  type ClusterInput,
  type ClusterResult,
  type OpenInvoiceOutlooks,
} from './clusters/customer-clusters.js';
import { forecastWithOutlooks, type CashForecast, type InvoiceOutlook } from './forecast/cash-forecast.js';
import { openInvoiceChances } from './forecast/open-invoice-chances.js';
import {
  predictOpenInvoices,
  trainLatePaymentModel,
  type InvoiceLateProbability,
  type LatePaymentModelCard,
} from './model/late-payment-model.js';
import { panelSummary } from './panel-summary.js';
import type { CustomerInputStore } from './customer-input-store-type.js';
import type { RiskPolicyStore } from './risk-policy-store-type.js';
import type { NewRunAlert, ScoreRunKeeping } from './score-run-store-type.js';

/**
 * The facts of a company from its local copy (the sync feature's LocalCopyReader): declared here, by the risk
 * feature that reads them, so that risk does not import sync (sync builds the facts from the risk domain's types).
 */
export interface CompanyFactsReader {
  companyFacts(realmId: string, o: { rollUpJobs: boolean }): Promise<CompanyFacts>;
}

export interface RiskServiceDeps {
  /** The company's time zone decides what "today" is. */
  companies: Pick<ConnectionStore, 'getCompany'>;
  localCopy: CompanyFactsReader;
  scoreRuns: ScoreRunKeeping;
  policies: Pick<RiskPolicyStore, 'policy'>;
  customerInputs: Pick<CustomerInputStore, 'creditScores'>;
  clock: Clock;
  logger: Logger;
  defaultTimeZone: string;
  activity?: Pick<ActivityLog, 'record'>;
  /** The newest runs kept whole (ScoreRunStore.trimRunDetail; SCORE_RUNS_KEPT_WHOLE). */
  runsKeptWhole: number;
}

export interface ScoreResult {
  /** Null when not saved: a what-if, or a run asked not to persist. */
  runId: number | null;
  /** Scored as of a date other than today: never saved, never smoothed, raises no alerts. */
  whatIf: boolean;
  assessment: CompanyAssessment;
  model: LatePaymentModelCard;
  predictions: Map<string, InvoiceLateProbability>;
  clusters: ClusterResult;
  forecast: CashForecast;
  /** Each open invoice's chances of collection within 30 days and of never, from the forecast. */
  outlooks: Map<string, InvoiceOutlook>;
  facts: CompanyFacts;
  policy: RiskPolicy;
}

/**
 * Scores a company: facts from the local copy, the company's policy, the pure engine as of a date, and (when
 * persisting) a score run with every customer's score, which is the score history. Only a run as of today is
 * saved: a run as of an earlier date is a what-if (docs/risk.md), and a later date is refused.
 */
export class RiskService {
  constructor(private readonly d: RiskServiceDeps) {}

  /** Today in the company's time zone: the default as-of date. */
  async today(realmId: string): Promise<string> {
    const company = await this.d.companies.getCompany(realmId);
    return localDate(this.d.clock.now(), company?.timeZone ?? this.d.defaultTimeZone);
  }

  async score(
    realmId: string,
    o: { asOf?: string; persist?: boolean; trigger?: string; actor?: string } = {},
  ): Promise<ScoreResult> {
    const today = await this.today(realmId);
    const asOf = o.asOf ?? today;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf))
      throw new ValidationError(`Cannot score as of "${asOf}": write the date YYYY-MM-DD.`);
    if (asOf > today)
      throw new ValidationError(`Cannot score as of ${asOf}: it is after today (${today}) in the company's time zone.`);
    const whatIf = asOf !== today;
    const policy = await this.d.policies.policy(realmId);
    const persist = o.persist !== false && !whatIf;
    // The credit scores and the previous run's cluster centres and score states are read while the facts load.
    const [copy, creditScores, previousCentres, previousStates] = await Promise.all([
      this.d.localCopy.companyFacts(realmId, { rollUpJobs: policy.rollUpJobs }),
      this.d.customerInputs.creditScores(realmId),
      persist ? this.d.scoreRuns.latestClusterCentres(realmId) : undefined,
      persist ? this.d.scoreRuns.latestStates(realmId) : undefined,
    ]);
    const facts = withCreditScores(copy, creditScores);
    // The late-payment model is trained per company on its own invoices decided by A, then scores the open ones.
    // Between steps the run lets other work in (web requests): a large company's run is over a second of
    // computing, and without the pauses a page asked for meanwhile waited for all of it.
    await letOthersIn();
    const model = trainLatePaymentModel(facts.invoices, { asOf, graceDays: policy.graceDays });
    await letOthersIn();
    const predictions = new Map(predictOpenInvoices(model, facts.invoices, asOf).map((p) => [p.invoiceId, p]));
    const assessment = assessCompany(facts, policy, asOf, {
      lateProbabilities: new Map([...predictions].map(([id, p]) => [id, p.probability])),
      ...(previousStates ? { previousStates } : {}),
    });
    await letOthersIn();
    const highRiskIds = new Set(assessment.customers.filter((c) => c.risk.highRisk).map((c) => c.customerId));
    const { forecast, outlooks } = forecastWithOutlooks(facts.invoices, { asOf, highRiskCustomerIds: highRiskIds });
    const clusters = clusterCustomers(clusterInputs(assessment, outlooks, policy.windowMonths), {
      k: policy.clusters.count,
      seed: policy.clusters.seed,
      ...(previousCentres ? { previous: previousCentres } : {}),
    });
    await letOthersIn();
    let runId: number | null = null;
    if (persist) {
      // How the same score would have ranked the last six months: kept with the run, next to the model card.
      const scoreBacktest = backtestScore(facts, policy, asOf);
      // The assessment smoothed each customer against the previous run (assessCompany): its states and alerts are kept.
      const states = new Map(assessment.customers.map((c) => [c.customerId, c.scoreState]));
      const alerts = assessment.customers.flatMap((c) =>
        c.alerts.map((a): NewRunAlert => ({
          customerId: c.customerId,
          kind: a.kind,
          message:
            a.kind === 'band_up'
              ? `${c.name} moved from ${a.from ?? 'unscored'} to ${a.to} risk`
              : `${c.name}'s risk score has risen ${a.runs} runs in a row`,
        })),
      );
      // Each customer's cluster is kept in customer_scores (clusterOf below), not in the run's company figures.
      runId = await this.d.scoreRuns.saveRun({
        realmId,
        assessment,
        trigger: o.trigger ?? 'manual',
        at: this.d.clock.now(),
        states,
        alerts,
        figures: {
          modelCard: model.card,
          scoreBacktest,
          clusters: { centres: clusters.centres, profiles: clusters.profiles },
          forecast,
          panel: panelSummary(assessment.customers),
        },
        clusterOf: clusters.assignments,
        topFeatures: new Map([...predictions].map(([id, p]) => [id, p.topFeatures])),
        outlooks,
      });
    }
    // The run that replaces older ones trims their detail, most of a run's size
    // (docs/risk.md, "Stability across runs").
    // The run is saved by then: a failed trim is only logged, and the next run tries again.
    const trimmedRuns =
      runId === null
        ? []
        : await this.d.scoreRuns
            .trimRunDetail(realmId, this.d.runsKeptWhole, this.d.clock.now())
            .catch((err: unknown) => {
              this.d.logger.warn({ err, realmId }, 'trimming older score runs failed; the next run retries');
              return [];
            });
    if (runId !== null) {
      await this.d.activity?.record(realmId, {
        actor: actorFor(o.trigger, o.actor),
        kind: 'score',
        summary:
          `Scored ${assessment.customers.length.toLocaleString('en-US')} customers as of ${asOf}: ` +
          `${assessment.highRisk.count} high risk`,
        detail: { runId, asOf, policyVersion: policy.version, highRisk: assessment.highRisk.count },
      });
    }
    this.d.logger.info(
      {
        realmId,
        asOf,
        whatIf,
        runId,
        customers: assessment.customers.length,
        highRisk: assessment.highRisk.count,
        trimmedRuns: trimmedRuns.length,
      },
      'company scored',
    );
    return { runId, whatIf, assessment, facts, policy, model: model.card, predictions, clusters, forecast, outlooks };
  }
}

/**
 * Yields to the event loop so timers, I/O and requests that arrived during a step run before the next one.
 * Two hops: an immediate queued from an I/O callback runs in the same turn of the loop, before any new I/O;
 * one queued from an immediate waits for the next turn, after its timers and I/O.
 */
/** The facts with each customer's credit score, which Duesense keeps rather than QBO (customer_credit_scores). */
function withCreditScores(facts: CompanyFacts, scores: ReadonlyMap<string, number>): CompanyFacts {
  if (scores.size === 0) return facts;
  return {
    ...facts,
    customers: facts.customers.map((c) => ({ ...c, creditScore: scores.get(c.id) ?? c.creditScore })),
  };
}

const letOthersIn = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));

/**
 * Behaviour per customer for clustering: customers with invoices in the window only. The late-probability
 * feature is forward-looking: the mean over the customer's open invoices not yet due (a past-due invoice is
 * late already, so its late probability says nothing). Each customer's open-invoice chances go along for the
 * cluster profile.
 */
export function clusterInputs(
  a: CompanyAssessment,
  outlooks: ReadonlyMap<string, InvoiceOutlook>,
  windowMonths: number,
): ClusterInput[] {
  const byCustomer = new Map<string, OpenInvoiceOutlooks>();
  for (const inv of a.openInvoices) {
    const chances = openInvoiceChances(inv.daysPastDue, inv.lateProbability, outlooks.get(inv.invoiceId));
    let mine = byCustomer.get(inv.customerId);
    if (!mine)
      byCustomer.set(inv.customerId, (mine = { notYetDueLateProbabilities: [], pastDueNotCollectedWithin30Days: [] }));
    if (chances.lateProbability !== null) mine.notYetDueLateProbabilities.push(chances.lateProbability);
    if (chances.collectedWithin30Days !== null)
      mine.pastDueNotCollectedWithin30Days.push(1 - chances.collectedWithin30Days);
  }
  return a.customers
    .filter((c) => c.metrics.invoiceCount > 0)
    .map((c) => {
      const lateShare = c.metrics.lateOfLast10.of === 0 ? 0 : c.metrics.lateOfLast10.late / c.metrics.lateOfLast10.of;
      const open = byCustomer.get(c.customerId) ?? {
        notYetDueLateProbabilities: [],
        pastDueNotCollectedWithin30Days: [],
      };
      const ahead = open.notYetDueLateProbabilities;
      return {
        customerId: c.customerId,
        features: {
          invoicesPerMonth: c.metrics.invoiceCount / windowMonths,
          avgInvoiceCents: c.metrics.avgInvoiceCents ?? 0,
          avgDaysBeyondTerms: c.metrics.avgDaysBeyondTerms ?? 0,
          paymentRate: c.metrics.paymentRate ?? 100,
          lateShare,
          // Customers with nothing coming due: their recent late share stands in for a predicted probability.
          avgLateProbability: ahead.length > 0 ? ahead.reduce((s, p) => s + p, 0) / ahead.length : lateShare,
          invoicedCents: (c.metrics.avgInvoiceCents ?? 0) * c.metrics.invoiceCount,
        },
        openInvoices: open,
      };
    });
}
