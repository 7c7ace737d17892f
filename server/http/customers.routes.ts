import { Router, type Request, type Response } from 'express';
import type { Container } from '../container.js';
import { NotFoundError, ValidationError } from '../errors.js';
import type { ProfitabilityTier } from '../features/risk/domain/assess-company.js';
import type { RiskBand } from '../features/risk/domain/risk-score.js';
import { CREDIT_SCORE_RULE, readCreditScore } from '../features/risk/domain/credit-score.js';
import { STRATEGIES, type Strategy } from '../features/risk/domain/strategies.js';
import { clusterName } from '../features/risk/clusters/cluster-names.js';
import { toCsv, type Table } from '../features/risk/exports.js';
import {
  behaviourChart,
  daysBeyondTermsChart,
  featureInWords,
  scoreHistoryChart,
  trimQuietStart,
} from '../features/panel/customer-charts.js';
import type { CustomerSnapshot } from '../features/panel/customer-page-service.js';
import type { ListRun } from '../features/panel/customer-list-service.js';
import {
  LIST_SORTS,
  PAGE_SIZES,
  type CustomerListQuery,
  type CustomerListRow,
  type ListSort,
  type PageSize,
} from '../features/risk/score-run-store-type.js';
import { fromCents as money } from '../money.js';
import { actorOf } from './actor.js';
import { customerReminders } from './reminders-view.js';
import { reminderReasonInWords } from '../features/reminders/reminder-words.js';
import type { SendReport } from '../features/reminders/reminder-executor.js';
import type { ReminderChannel } from '../features/reminders/domain/reminder-policy.js';
import { customerCounts, syncedAt } from './customer-count-view.js';
import { requireCompany } from './middleware/tenant-context.js';
import { paramReader } from './query-params.js';
import { writebackRow } from './writeback-view.js';

const RISKS: readonly RiskBand[] = ['low', 'medium', 'high'];
const TIERS: Record<string, ProfitabilityTier> = { high: 'High', medium: 'Medium', low: 'Low' };
/** Strategies in links as slugs: "AR follow-up" → "ar-follow-up". */
export const strategySlug = (s: Strategy): string => s.toLowerCase().replace(/[^a-z]+/g, '-');
const STRATEGY_BY_SLUG = new Map(STRATEGIES.map((s) => [strategySlug(s), s]));
const SORT_LABELS: Record<ListSort, string> = {
  name: 'Name',
  score: 'Risk score',
  outstanding: 'Outstanding',
  overdue: 'Overdue',
  paymentRate: 'Payment rate',
  grossProfit: 'Gross profit',
};
const MAX_SEARCH = 100;
const CHART_SCRIPTS = ['/assets/vendor/chart.umd.min.js', '/assets/js/charts.js'];
const STYLES = ['/assets/css/customers.css'];
/** A customer's page also shows its writes into QuickBooks. */
const CUSTOMER_STYLES = [...STYLES, '/assets/css/writeback.css', '/assets/css/reminders.css'];

/** The list's state as it appears in links: only what differs from the defaults. */
export interface ListState {
  q: string;
  risk: RiskBand | '';
  strategy: string;
  cluster: string;
  profit: string;
  highRisk: boolean;
  sort: ListSort;
  dir: 'asc' | 'desc';
  page: number;
  size: PageSize;
}

const defaultDir = (sort: ListSort): 'asc' | 'desc' => (sort === 'name' ? 'asc' : 'desc');

export function listHref(base: string, s: ListState, change: Partial<ListState> = {}): string {
  const v = { ...s, ...change };
  const p = new URLSearchParams();
  if (v.q) p.set('q', v.q);
  if (v.risk) p.set('risk', v.risk);
  if (v.strategy) p.set('strategy', v.strategy);
  if (v.cluster) p.set('cluster', v.cluster);
  if (v.profit) p.set('profit', v.profit);
  if (v.highRisk) p.set('highRisk', '1');
  if (v.sort !== 'score' || v.dir !== 'desc') {
    p.set('sort', v.sort);
    p.set('dir', v.dir);
  }
  if (v.size !== 25) p.set('size', String(v.size));
  if (v.page > 1) p.set('page', String(v.page));
  const qs = p.toString();
  return qs ? `${base}?${qs}` : base;
}

/**
 * Reads the list's query string. Empty values mean "any" (what a GET form sends); anything else that is not
 * allowed is collected, and all of it is answered at once with a 400 that names what is allowed.
 */
export function parseListQuery(
  query: Request['query'],
  run: Pick<ListRun, 'clusters'> | undefined,
): { state: ListState; query: CustomerListQuery } {
  const params = paramReader(query as Record<string, unknown>);
  const { problems, one, pick } = params;
  const q = one('q');
  if (q.length > MAX_SEARCH) problems.push(`The search is ${q.length} characters long: use at most ${MAX_SEARCH}.`);
  const risk = pick('risk', RISKS, 'risk tier');
  const strategy = pick('strategy', [...STRATEGY_BY_SLUG.keys()], 'strategy');
  const profit = pick('profit', Object.keys(TIERS), 'profitability tier');
  const cluster = one('cluster');
  // Before the first run there are no clusters to check a cluster against: the page only offers to score.
  if (cluster !== '' && run && !run.clusters.some((c) => String(c.id) === cluster)) {
    problems.push(
      run.clusters.length === 0
        ? `Unknown cluster "${cluster}": the latest score run has no clusters.`
        : `Unknown cluster "${cluster}": use one of ${run.clusters.map((c) => `${c.id} (${c.name})`).join(', ')}.`,
    );
  }
  const highRiskRaw = one('highRisk');
  if (!['', '1', 'true', 'on', '0', 'false'].includes(highRiskRaw))
    problems.push(`"highRisk" is "${highRiskRaw}": use 1 for high-risk customers only, or leave it out.`);
  const sort = pick('sort', LIST_SORTS, 'sort') || 'score';
  const dir = pick('dir', ['asc', 'desc'] as const, 'sort direction') || defaultDir(sort);
  const page = params.page('page', 'Page') ?? 1;
  const sizeRaw = one('size');
  if (sizeRaw !== '' && !PAGE_SIZES.map(String).includes(sizeRaw))
    problems.push(`Page size "${sizeRaw}" is not offered: use ${PAGE_SIZES.join(', ')}.`);
  if (problems.length > 0) {
    throw new ValidationError(`The customer list cannot show that. ${problems.join(' ')}`, problems, {
      help: 'Correct the address, or open Customers from the menu to start again without filters.',
    });
  }
  const size = (sizeRaw === '' ? 25 : Number(sizeRaw)) as PageSize;
  const highRisk = ['1', 'true', 'on'].includes(highRiskRaw);
  const state: ListState = { q, risk, strategy, cluster, profit, highRisk, sort, dir, page, size };
  return {
    state,
    query: {
      ...(q ? { search: q } : {}),
      ...(risk ? { risk } : {}),
      ...(strategy ? { strategy: STRATEGY_BY_SLUG.get(strategy)! } : {}),
      ...(cluster ? { clusterId: Number(cluster) } : {}),
      ...(profit ? { profitability: TIERS[profit]! } : {}),
      ...(highRisk ? { highRiskOnly: true } : {}),
      sort,
      dir,
      page,
      pageSize: size,
    },
  };
}

function csvTable(rows: readonly CustomerListRow[], clusterName: (id: number | null) => string | null): Table {
  return {
    columns: [
      'customer_id',
      'name',
      'risk_score',
      'raw_risk_score',
      'risk_tier',
      'meets_high_risk_rule',
      'outstanding',
      'overdue',
      'payment_rate_pct',
      'gross_profit',
      'profitability_tier',
      'strategy',
      'cluster',
      'recommended_credit_limit',
    ],
    rows: rows.map((r) => [
      r.customerId,
      r.name,
      r.score,
      r.rawScore,
      r.band,
      r.highRisk,
      money(r.outstandingCents),
      money(r.overdueCents),
      r.paymentRate,
      money(r.grossProfitCents),
      r.profitabilityTier,
      r.strategy,
      clusterName(r.clusterId),
      money(r.creditLimitCents),
    ]),
  };
}

/** Messages after an action (a fixed set: nothing from the address is echoed). */
const NOTICES: Record<string, (name: string) => string> = {
  'reminders-paused': (n) => `Reminders paused for ${n}.`,
  'reminders-resumed': (n) => `Reminders resumed for ${n}.`,
  excluded: (n) => `${n} is excluded from automatic actions.`,
  included: (n) => `${n} is included in automatic actions again.`,
  'credit-score-set': (n) => `Credit score saved for ${n}. It counts from the next score run.`,
  'credit-score-cleared': (n) => `Credit score removed for ${n}. It counts from the next score run.`,
  'reminder-sent': () => 'Reminder sent: QuickBooks emailed the invoice to the customer. It is in the timeline below.',
  'reminder-held': () =>
    'Not sent: the fresh read from QuickBooks held it. It waits in the queue with its reason, in the timeline below.',
  'reminder-skipped': () => 'Not sent: the fresh read from QuickBooks found the invoice paid or gone.',
  'reminder-failed': () => 'Not sent: QuickBooks refused it. The error is in the timeline below.',
  'reminder-emailed': () =>
    'Reminder emailed by Duesense, with the invoice attached; its line goes on the invoice in QuickBooks. ' +
    'It is in the timeline below.',
  'reminder-email-failed': () => 'Not sent: the mail server refused it. The error is in the timeline below.',
  'reminder-email-review': () =>
    'The mail server’s answer was lost, so the email may have gone. It is to review in the timeline below and is ' +
    'never sent again on its own.',
  'reminder-email-waiting': () =>
    'Not sent yet: the mail server could not be reached (or QuickBooks could not give the invoice). The reminder ' +
    'stays approved and goes with the next send, within five minutes; the timeline below shows where it is.',
  'reminder-waiting': () =>
    'The reminder is approved but QuickBooks has not confirmed it yet (no answer, a reconnect or its daily limit). ' +
    'Duesense checks QuickBooks before sending it again; the timeline below shows where it is.',
  'reminder-confirmed': () =>
    'Marked sent, by you: the reminder to review did go. Its line goes on the invoice in QuickBooks with the next ' +
    'write-back (within a minute).',
  'reminder-review-skipped': () => 'Skipped: that reminder to review will not be sent.',
  'reminder-unchanged': () =>
    'Nothing changed: that reminder was no longer to review (someone may have decided already).',
  snoozed: () => 'Snoozed: no reminder goes for that invoice before the date.',
  unsnoozed: () => 'Snooze removed: the invoice gets reminders on its schedule again.',
  disputed: () => 'Dispute recorded: no reminder goes for that invoice while it stands.',
  undisputed: () => 'Dispute cleared: the invoice gets reminders on its schedule again.',
};

/** What "Send a reminder now" did to the invoice's new row, as a notice of the customer's page. */
function sendNowNotice(report: SendReport, channel: ReminderChannel, invoiceId: string): keyof typeof NOTICES {
  const mine = report.outcomes.find((o) => o.reminder.invoiceId === invoiceId);
  const outcome = mine?.outcome === 'reconciled' ? 'sent' : mine?.outcome;
  if (outcome === 'held' || outcome === 'skipped') return `reminder-${outcome}`;
  if (channel === 'email') {
    if (outcome === 'sent') return 'reminder-emailed';
    if (outcome === 'failed') return 'reminder-email-failed';
    return outcome === 'review' ? 'reminder-email-review' : 'reminder-email-waiting';
  }
  return outcome === 'sent' || outcome === 'failed' ? `reminder-${outcome}` : 'reminder-waiting';
}

const CUSTOMER_ID = /^[A-Za-z0-9._-]{1,32}$/;
const isRealDate = (d: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(d) &&
  !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) &&
  new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);

type Deps = Pick<
  Container,
  'customerList' | 'customerPage' | 'customerInputs' | 'activity' | 'clock' | 'localCopy' | 'riskPolicies' | 'reminders'
>;

/** The customer list (filters, sort, pages, CSV) and each customer's page with its controls. */
export function customerRoutes(c: Deps): Router {
  const router = Router();

  router.get('/customers', requireCompany, async (req, res) => {
    const realmId = res.locals.company!.realmId;
    const run = await c.customerList.latestRun(realmId);
    const page = { title: 'Customers', nav: 'customers', stylesheets: STYLES };
    const { state, query } = parseListQuery(req.query, run);
    if (!run) return res.render('pages/customers', { ...page, run: undefined });
    const [{ rows, total }, counts] = await Promise.all([
      c.customerList.page(realmId, run.id, query),
      customerCounts(c, realmId, { syncedAt: syncedAt(res), policyVersion: run.policyVersion }),
    ]);
    const pages = Math.max(1, Math.ceil(total / state.size));
    const filtered = Boolean(
      state.q || state.risk || state.strategy || state.cluster || state.profit || state.highRisk,
    );
    res.render('pages/customers', {
      ...page,
      run,
      rows,
      total,
      counted: counts.text,
      pages,
      state,
      filtered,
      pastEnd: total > 0 && state.page > pages,
      href: (change: Partial<ListState> = {}) => listHref('/customers', state, change),
      csvHref: listHref('/customers.csv', { ...state, page: 1, size: 25 }),
      sortLink: (sort: ListSort) => {
        const current = state.sort === sort;
        const dir = current ? (state.dir === 'asc' ? 'desc' : 'asc') : defaultDir(sort);
        return {
          href: listHref('/customers', state, { sort, dir, page: 1 }),
          ariaSort: current ? (state.dir === 'asc' ? 'ascending' : 'descending') : undefined,
          label: SORT_LABELS[sort],
        };
      },
      clusterName: (id: number | null) => clusterName(run.clusters, id),
      strategies: STRATEGIES.map((s) => ({ slug: strategySlug(s), name: s })),
      strategySlug,
      pageSizes: PAGE_SIZES,
    });
  });

  router.get('/customers.csv', requireCompany, async (req, res) => {
    const realmId = res.locals.company!.realmId;
    const run = await c.customerList.latestRun(realmId);
    if (!run)
      throw new NotFoundError(
        'No scores yet, so there is no customer list to download. Score the company from the dashboard first.',
      );
    const { query } = parseListQuery(req.query, run);
    const rows = await c.customerList.all(realmId, run.id, query);
    res.attachment(`duesense-customers-${run.asOf}.csv`);
    res.type('text/csv').send(toCsv(csvTable(rows, (id) => clusterName(run.clusters, id))));
  });

  /**
   * The latest run and this customer in it (the run's snapshot of them), or a 404 that never says whether another
   * company has the id.
   */
  async function scoredCustomer(res: Response, id: string) {
    const realmId = res.locals.company!.realmId;
    if (!CUSTOMER_ID.test(id)) throw new NotFoundError('There is no such customer.');
    const run = await c.customerList.latestRun(realmId);
    if (!run)
      throw new NotFoundError(
        'No scores yet: score the company from the dashboard, then open a customer from the list.',
      );
    const snapshot = await c.customerPage.snapshot(realmId, run, id);
    if (!snapshot) throw new NotFoundError('There is no such customer in the latest score run.');
    return { realmId, run, snapshot, customer: snapshot.customer };
  }

  /**
   * The sections a run fixes (reasons, credit limit, score history, payment behaviour, open invoices) rendered
   * to HTML once per snapshot: the snapshot is kept per run and customer, and a run never changes.
   */
  const runSections = new WeakMap<CustomerSnapshot, Promise<string>>();
  function renderRunSections(res: Response, run: ListRun, snapshot: CustomerSnapshot): Promise<string> {
    let html = runSections.get(snapshot);
    if (!html) {
      const { customer, policy, history } = snapshot;
      const months = trimQuietStart(snapshot.months);
      html = new Promise<string>((resolve, reject) =>
        res.app.render(
          'partials/customers/run-sections',
          {
            run,
            policy,
            customer,
            history,
            months,
            invoices: snapshot.invoices.map((inv) => ({
              ...inv,
              reasons: [...new Set(inv.topFeatures.map(featureInWords))],
            })),
            charts: {
              history: scoreHistoryChart(history, customer.name),
              behaviour: behaviourChart(months, customer.name),
              dbt: daysBeyondTermsChart(months, customer.name),
            },
          },
          (err, out) => (err ? reject(err) : resolve(out)),
        ),
      );
      html.catch(() => runSections.delete(snapshot));
      runSections.set(snapshot, html);
    }
    return html;
  }

  async function renderCustomer(
    res: Response,
    id: string,
    o: {
      status?: number;
      notice?: keyof typeof NOTICES;
      creditScoreError?: string;
      creditScoreValue?: string;
      /** Why "Send a reminder now" was refused, in words. */
      reminderRefusal?: string;
    } = {},
  ) {
    if (!CUSTOMER_ID.test(id)) throw new NotFoundError('There is no such customer.');
    // What the bookkeeper set and what was logged can change at any time: read fresh on every view, while the run
    // and its snapshot of the customer are found.
    const live = c.customerPage.liveState(res.locals.company!.realmId, id);
    live.catch(() => undefined); // awaited below; a 404 from scoredCustomer must not leave it unhandled
    const { run, snapshot } = await scoredCustomer(res, id);
    const sectionsRendered = renderRunSections(res, run, snapshot);
    sectionsRendered.catch(() => undefined); // awaited below, after the reminders that need the live controls
    const { creditScore, controls, writes, actions } = await live;
    // The reminders plan from what this page has read: the company, the customer's strategy and controls.
    const reminders = await customerReminders(c.reminders, res.locals.company!.realmId, {
      customerId: id,
      company: res.locals.company!,
      strategy: snapshot.customer.band === null ? null : snapshot.customer.strategy,
      excluded: controls.excluded,
      paused: controls.remindersPaused,
    });
    const sections = await sectionsRendered;
    const customer = { ...snapshot.customer, creditScore, controls };
    res.status(o.status ?? 200).render('pages/customer', {
      title: customer.name,
      nav: 'customers',
      stylesheets: CUSTOMER_STYLES,
      scripts: CHART_SCRIPTS,
      run,
      customer,
      clusterName: clusterName(run.clusters, customer.clusterId),
      writes: writes.map(writebackRow),
      reminders,
      reminderRefusal: o.reminderRefusal,
      actions,
      runSections: sections,
      jobs: snapshot.covered.filter((j) => j.depth > 0),
      notice: o.notice ? NOTICES[o.notice]!(customer.name) : undefined,
      creditScoreError: o.creditScoreError,
      creditScoreValue: o.creditScoreValue ?? (customer.creditScore ? String(customer.creditScore.score) : ''),
    });
  }

  router.get('/customers/:id', requireCompany, async (req, res) => {
    const done = typeof req.query.done === 'string' ? req.query.done : '';
    const id = String(req.params.id);
    // The notice needs the name: rendered inside the page from a fixed message, never from the address.
    await renderCustomer(res, id, { ...(NOTICES[done] ? { notice: done } : {}) });
  });

  const action = (body: unknown): string => {
    const a = (body as Record<string, unknown> | undefined)?.action;
    return typeof a === 'string' ? a : '';
  };
  const back = (res: Response, id: string, done: keyof typeof NOTICES) =>
    res.redirect(303, `/customers/${encodeURIComponent(id)}?done=${done}#controls`);

  /** The two switches on a customer: each route sets one control on or off, logs it and goes back with a notice. */
  const SWITCHES = [
    {
      path: 'reminders',
      field: 'remindersPaused',
      on: 'pause',
      off: 'resume',
      what: 'reminder',
      summary: (on: boolean, name: string) => `${on ? 'Paused' : 'Resumed'} reminders for ${name}`,
      action: (on: boolean) => (on ? 'pause_reminders' : 'resume_reminders'),
      done: (on: boolean) => (on ? 'reminders-paused' : 'reminders-resumed'),
    },
    {
      path: 'exclusion',
      field: 'excluded',
      on: 'exclude',
      off: 'include',
      what: 'exclusion',
      summary: (on: boolean, name: string) =>
        `${on ? 'Excluded' : 'Included'} ${name} ${on ? 'from' : 'in'} automatic actions`,
      action: (on: boolean) => (on ? 'exclude' : 'include'),
      done: (on: boolean) => (on ? 'excluded' : 'included'),
    },
  ] as const;
  for (const sw of SWITCHES) {
    router.post(`/customers/:id/${sw.path}`, requireCompany, async (req, res) => {
      const id = String(req.params.id);
      const { realmId, customer } = await scoredCustomer(res, id);
      const a = action(req.body);
      if (a !== sw.on && a !== sw.off)
        throw new ValidationError(`Unknown ${sw.what} action "${a}": use ${sw.on} or ${sw.off}.`);
      const on = a === sw.on;
      const actor = actorOf(res);
      await c.customerInputs.setControls(realmId, id, { [sw.field]: on }, actor, c.clock.now());
      await c.activity.record(realmId, {
        actor,
        kind: 'customer',
        summary: sw.summary(on, customer.name),
        customerId: id,
        detail: { action: sw.action(on) },
      });
      back(res, id, sw.done(on));
    });
  }

  /** An open invoice of this customer in the local copy (of this company), or a 404 like one that does not exist. */
  const customersInvoice = async (realmId: string, customerId: string, body: unknown) => {
    const raw = (body as Record<string, unknown> | undefined)?.invoiceId;
    const invoiceId = typeof raw === 'string' && CUSTOMER_ID.test(raw) ? raw : '';
    const [invoice] = invoiceId ? await c.localCopy.rawEntities(realmId, 'Invoice', [invoiceId]) : [];
    const owner = (invoice?.CustomerRef as { value?: unknown } | undefined)?.value;
    if (!invoice || String(owner) !== customerId)
      throw new NotFoundError('There is no such invoice for this customer.');
    const number = typeof invoice.DocNumber === 'string' && invoice.DocNumber ? invoice.DocNumber : invoiceId;
    return { invoiceId, number };
  };
  const backToReminders = (res: Response, id: string, done: keyof typeof NOTICES) =>
    res.redirect(303, `/customers/${encodeURIComponent(id)}?done=${done}#customer-reminders`);

  /** "Send a reminder now": through the service's guards; a refusal is shown on the page with its reason. */
  router.post('/customers/:id/reminders/send', requireCompany, async (req, res) => {
    const id = String(req.params.id);
    const { realmId, customer } = await scoredCustomer(res, id);
    const { invoiceId, number } = await customersInvoice(realmId, id, req.body);
    const actor = actorOf(res);
    const result = await c.reminders.sendNow(realmId, invoiceId, actor);
    if (!result.ok) {
      const why = reminderReasonInWords(result.reason);
      await c.activity.record(realmId, {
        actor,
        kind: 'email',
        customerId: id,
        summary: `Chose Send a reminder now for invoice ${number} of ${customer.name}: not sent. ${why}`,
        detail: { action: 'send_reminder_now', invoiceId, reason: { ...result.reason } },
      });
      return renderCustomer(res, id, { status: 409, reminderRefusal: why });
    }
    backToReminders(res, id, sendNowNotice(result.report, result.channel, invoiceId));
  });

  router.post('/customers/:id/reminders/snooze', requireCompany, async (req, res) => {
    const id = String(req.params.id);
    const { realmId, customer } = await scoredCustomer(res, id);
    const { invoiceId, number } = await customersInvoice(realmId, id, req.body);
    const raw = (req.body as Record<string, unknown>).until;
    const until = typeof raw === 'string' ? raw.trim() : '';
    const today = c.clock.now().toISOString().slice(0, 10);
    if (until !== '' && (!isRealDate(until) || until <= today))
      throw new ValidationError(`"${until.slice(0, 20)}" is not a date after today: give a date written YYYY-MM-DD.`);
    const actor = actorOf(res);
    await c.reminders.setInvoiceControls(realmId, invoiceId, { snoozedUntil: until || null }, actor);
    await c.activity.record(realmId, {
      actor,
      kind: 'customer',
      customerId: id,
      summary: until
        ? `Snoozed reminders for invoice ${number} of ${customer.name} until ${until}`
        : `Removed the snooze on invoice ${number} of ${customer.name}`,
      detail: { action: until ? 'snooze_invoice' : 'unsnooze_invoice', invoiceId, until: until || null },
    });
    backToReminders(res, id, until ? 'snoozed' : 'unsnoozed');
  });

  router.post('/customers/:id/reminders/dispute', requireCompany, async (req, res) => {
    const id = String(req.params.id);
    const { realmId, customer } = await scoredCustomer(res, id);
    const { invoiceId, number } = await customersInvoice(realmId, id, req.body);
    const a = action(req.body);
    if (a !== 'record' && a !== 'clear') throw new ValidationError(`Unknown dispute action "${a.slice(0, 20)}".`);
    const rawNote = (req.body as Record<string, unknown>).note;
    const note = typeof rawNote === 'string' ? rawNote.trim().slice(0, 500) : '';
    const on = a === 'record';
    const actor = actorOf(res);
    await c.reminders.setInvoiceControls(
      realmId,
      invoiceId,
      { disputed: on, disputeNote: on && note ? note : null },
      actor,
    );
    await c.activity.record(realmId, {
      actor,
      kind: 'customer',
      customerId: id,
      summary: on
        ? `Recorded a dispute on invoice ${number} of ${customer.name}${note ? `: ${note}` : ''}`
        : `Cleared the dispute on invoice ${number} of ${customer.name}`,
      detail: { action: on ? 'record_dispute' : 'clear_dispute', invoiceId },
    });
    backToReminders(res, id, on ? 'disputed' : 'undisputed');
  });

  router.post('/customers/:id/credit-score', requireCompany, async (req, res) => {
    const id = String(req.params.id);
    const { realmId, customer } = await scoredCustomer(res, id);
    const actor = actorOf(res);
    if (action(req.body) === 'clear') {
      if (await c.customerInputs.clearCreditScore(realmId, id)) {
        await c.activity.record(realmId, {
          actor,
          kind: 'customer',
          summary: `Removed the credit score of ${customer.name}`,
          customerId: id,
          detail: { action: 'clear_credit_score' },
        });
      }
      return back(res, id, 'credit-score-cleared');
    }
    const raw = (req.body as Record<string, unknown> | undefined)?.score;
    const value = typeof raw === 'string' ? raw.trim() : '';
    const score = readCreditScore(value);
    if (score === undefined) {
      const kept = value.slice(0, 20);
      return renderCustomer(res, id, {
        status: 400,
        creditScoreValue: kept,
        creditScoreError:
          value === ''
            ? `Enter a credit score: ${CREDIT_SCORE_RULE}.`
            : `"${kept}" is not a credit score: enter ${CREDIT_SCORE_RULE}.`,
      });
    }
    await c.customerInputs.setCreditScore(realmId, id, score, 'manual', c.clock.now());
    await c.activity.record(realmId, {
      actor,
      kind: 'customer',
      summary: `Set the credit score of ${customer.name} to ${score}`,
      customerId: id,
      detail: { action: 'set_credit_score', score },
    });
    back(res, id, 'credit-score-set');
  });

  return router;
}
