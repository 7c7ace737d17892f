import type { CollectionTrend, MonthlyCollectionRate } from '../features/risk/domain/company-metrics.js';
import { MIN_TRAINING_INVOICES } from '../features/risk/model/late-payment-model.js';
import type { RunDetails, RunDistribution } from '../features/risk/score-run-store-type.js';
import type { ProfitabilityTier } from '../features/risk/domain/assess-company.js';
import type { Strategy } from '../features/risk/domain/strategies.js';
import { modelCardView, type ModelCardView } from './model-card-view.js';
import { fmt } from './view-helpers.js';

/**
 * The dashboard as data: tiles, the trend sentence and every chart with its Chart.js config, its accessible
 * label and a table of the same figures. Pure (no I/O): built once per score run and kept while it is the latest.
 */

const COLOR = {
  green: '#2ca01c',
  greenLight: '#7fc36b',
  blue: '#0077c5',
  grey: '#8d9096',
  amber: '#e08a00',
  orange: '#d95f00',
  red: '#d52b1e',
  band: 'rgba(141, 144, 150, 0.18)',
} as const;

// UTC: a month label names the calendar month of its key, whatever the server's zone.
const MONTH_FORMATS = {
  long: new Intl.DateTimeFormat('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' }),
  short: new Intl.DateTimeFormat('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' }),
};

/** "2026-10" → "October 2026" (or "Oct 2026"); text that is not a month comes back unchanged. */
export function monthLabel(month: string, style: 'long' | 'short' = 'long'): string {
  const m = /^(\d{4})-(\d{2})/.exec(month);
  const monthIndex = m ? Number(m[2]) - 1 : -1;
  if (!m || monthIndex < 0 || monthIndex > 11) return month;
  return MONTH_FORMATS[style].format(Date.UTC(Number(m[1]), monthIndex, 1));
}

const points = (p: number) => fmt.number(Math.abs(p), 1);
const plural = (n: number, one: string, many = `${one}s`) => `${fmt.number(n)} ${n === 1 ? one : many}`;

const SCORED_HOW: Readonly<Record<string, string>> = {
  connect: 'scored after connecting',
  manual: 'scored on request',
  nightly: 'scored in the nightly run',
};

/**
 * The dashboard header's account of a score run in words, not codes: when and why it was scored ("scored after
 * connecting, 6 Dec 2026, 07:30 PST") and which policy it used ("using the default policy", "policy saved …").
 * Version 1 is the defaults (never stored); `savedAt` is when the company's current version was saved.
 */
export function runInWords(
  run: { createdAt: Date; trigger: string; policyVersion: number },
  policy: { version: number; savedAt: Date | undefined },
  zone: string | undefined,
): { scored: string; policy: string } {
  const how = SCORED_HOW[run.trigger] ?? 'scored';
  return {
    scored: `${how}, ${fmt.dateTime(run.createdAt, zone)}`,
    policy:
      run.policyVersion === 1
        ? 'using the default policy'
        : run.policyVersion === policy.version && policy.savedAt
          ? `using the policy saved ${fmt.dateTime(policy.savedAt, zone)}`
          : 'using an earlier saved policy (changed since: the next score run uses the current one)',
  };
}

export interface TrendSentence {
  direction: 'down' | 'up' | 'flat' | 'none';
  text: string;
}

/**
 * The collection-rate trend in words. Declines use the engine's trend (metrics.md: consecutive declines ending
 * at the latest complete month and the points lost); rises are counted the same way.
 */
export function collectionTrendSentence(
  rates: readonly MonthlyCollectionRate[],
  trend: CollectionTrend,
): TrendSentence {
  const last = rates[rates.length - 1];
  if (!last || last.rate === null) {
    const known = [...rates].reverse().find((r) => r.rate !== null);
    if (!last || !known)
      return { direction: 'none', text: 'Not enough billing in the last 12 months to measure the collection rate.' };
    return {
      direction: 'none',
      text:
        `Nothing was collectable in ${monthLabel(last.month)}, so it has no collection rate; ` +
        `it was ${fmt.percent(known.rate)} in ${monthLabel(known.month)}.`,
    };
  }
  const at = `${fmt.percent(last.rate)} in ${monthLabel(last.month)}`;
  if (trend.consecutiveDeclines > 0) {
    return {
      direction: 'down',
      text:
        trend.consecutiveDeclines === 1
          ? `Collection rate fell in ${monthLabel(last.month)}, ` +
            `down ${points(trend.totalDropPoints)} points to ${fmt.percent(last.rate)}.`
          : `Collection rate has fallen ${trend.consecutiveDeclines} months in a row, ` +
            `down ${points(trend.totalDropPoints)} points to ${at}.`,
    };
  }
  let rises = 0;
  for (let i = rates.length - 1; i > 0; i--) {
    const now = rates[i]!.rate;
    const before = rates[i - 1]!.rate;
    if (now === null || before === null || now <= before) break;
    rises++;
  }
  if (rises > 0) {
    const gain = Math.round((last.rate - rates[rates.length - 1 - rises]!.rate!) * 100) / 100;
    return {
      direction: 'up',
      text:
        rises === 1
          ? `Collection rate rose in ${monthLabel(last.month)}, up ${points(gain)} points to ${fmt.percent(last.rate)}.`
          : `Collection rate has risen ${rises} months in a row, up ${points(gain)} points to ${at}.`,
    };
  }
  const before = rates[rates.length - 2];
  if (before && before.rate !== null) return { direction: 'flat', text: `Collection rate held steady at ${at}.` };
  return {
    direction: 'none',
    text: `Collection rate was ${at}; the month before had nothing collectable, so there is no trend yet.`,
  };
}

export interface FiguresTable {
  caption: string;
  columns: string[];
  rows: string[][];
}

export interface ChartView {
  /** Stable ids: canvas `chart-<id>`, its data `chart-<id>-data`, its table `table-<id>`. */
  id: string;
  title: string;
  /** The canvas's aria-label: what the chart says, in a sentence. */
  label: string;
  /** Chart.js config for public/js/charts.js (with its `format` key); null when there is nothing to draw. */
  config: Record<string, unknown> | null;
  /** Shown instead of the chart when there is nothing to draw: why, and what to do. */
  empty?: string;
  note?: string;
  table: FiguresTable;
}

export interface Tile {
  id: string;
  label: string;
  value: string;
  detail: string;
}

export interface DashboardModel {
  tiles: Tile[];
  trend: TrendSentence;
  charts: {
    collection: ChartView;
    aging: ChartView;
    bands: ChartView;
    scores: ChartView;
    tiers: ChartView;
    forecast: ChartView;
  };
  /** The strategy of a High risk tier customer by profitability tier (the dashboard names them). */
  highRiskStrategies: Readonly<Record<ProfitabilityTier, Strategy>>;
  openInvoiceCount: number;
  /** Decided invoices the late-payment model needs before it trains (below, it falls back). */
  minTrainingInvoices: number;
  modelCard: ModelCardView;
}

const dollars = (cents: number | null) => (cents === null ? null : Math.round(cents) / 100);

function collectionChart(rates: readonly MonthlyCollectionRate[], trend: TrendSentence): ChartView {
  const labels = rates.map((r) => monthLabel(r.month, 'short'));
  const changes = rates.map((r, i) => {
    const before = i > 0 ? rates[i - 1]!.rate : null;
    return r.rate === null || before === null ? null : Math.round((r.rate - before) * 100) / 100;
  });
  const drawable = rates.some((r) => r.rate !== null);
  return {
    id: 'collection-rate',
    title: 'Collection rate, last 12 months',
    label: drawable
      ? `Monthly collection rate from ${labels[0]} to ${labels[labels.length - 1]}, ` +
        `with the change from each month before. ${trend.text}`
      : trend.text,
    config: drawable
      ? {
          type: 'bar',
          data: {
            labels,
            datasets: [
              {
                type: 'line',
                label: 'Collection rate (%)',
                data: rates.map((r) => r.rate),
                yAxisID: 'y',
                borderColor: COLOR.green,
                backgroundColor: COLOR.green,
                pointRadius: 3,
                tension: 0.25,
                order: 1,
              },
              {
                type: 'bar',
                label: 'Change from the month before (points)',
                data: changes,
                yAxisID: 'y1',
                backgroundColor: changes.map((c) => (c !== null && c < 0 ? COLOR.red : COLOR.blue)),
                order: 2,
              },
            ],
          },
          options: {
            interaction: { mode: 'index', intersect: false },
            plugins: { legend: { position: 'bottom' } },
            // Two panels on one time axis: the rate above, the month-over-month change below.
            scales: {
              y1: { position: 'left', stack: 'collection', stackWeight: 1, title: { display: true, text: 'Change' } },
              y: {
                position: 'left',
                stack: 'collection',
                stackWeight: 2.5,
                offset: true,
                min: 0,
                max: 100,
                ticks: { stepSize: 25 },
                title: { display: true, text: 'Rate' },
              },
            },
          },
          format: { y: 'percent', y1: 'points' },
        }
      : null,
    ...(drawable
      ? {}
      : {
          empty:
            'Not enough billing in the last 12 months to measure a collection rate. ' +
            'It appears once invoices fall due and are paid.',
        }),
    note: 'Collection rate (CEI): the share of what could be collected in a month that was collected.',
    table: {
      caption: 'Collection rate by month',
      columns: ['Month', 'Collection rate', 'Change from the month before'],
      rows: rates.map((r, i) => [
        monthLabel(r.month),
        r.rate === null ? 'nothing collectable' : fmt.percent(r.rate),
        changes[i] === null
          ? '—'
          : `${changes[i]! > 0 ? '+' : changes[i]! < 0 ? '−' : ''}${points(changes[i]!)} points`,
      ]),
    },
  };
}

function agingChart(run: RunDetails): ChartView {
  const a = run.company.totals.aging;
  const buckets: Array<[string, number, string]> = [
    ['Current', a.current, COLOR.green],
    ['1–30 days past due', a.d1to30, COLOR.greenLight],
    ['31–60 days past due', a.d31to60, COLOR.amber],
    ['61–90 days past due', a.d61to90, COLOR.orange],
    ['91+ days past due', a.d91plus, COLOR.red],
  ];
  const total = run.company.totals.outstandingCents;
  const overdueShare = total === 0 ? 0 : (100 * run.company.totals.overdueCents) / total;
  return {
    id: 'aging',
    title: 'Aging',
    label:
      total === 0
        ? 'No open receivables.'
        : `Open receivables by days past due: ${fmt.cents(total)} in all, ${fmt.percent(overdueShare)} past due; ` +
          `${fmt.cents(a.d91plus)} is more than 90 days past due.`,
    config:
      total === 0
        ? null
        : {
            type: 'bar',
            data: {
              labels: ['Current', '1–30', '31–60', '61–90', '91+'],
              datasets: [
                {
                  label: 'Open receivables',
                  data: buckets.map((b) => dollars(b[1])),
                  backgroundColor: buckets.map((b) => b[2]),
                },
              ],
            },
            options: {
              plugins: { legend: { display: false } },
              scales: { x: { title: { display: true, text: 'Days past due' } }, y: { beginAtZero: true } },
            },
            format: { y: 'moneyCompact', tooltip: 'money' },
          },
    ...(total === 0 ? { empty: 'Nothing is outstanding: there are no open invoices.' } : {}),
    table: {
      caption: 'Open receivables by days past due',
      columns: ['Age', 'Open', 'Share'],
      rows: buckets.map(([name, cents]) => [
        name,
        fmt.cents(cents),
        total === 0 ? '—' : fmt.percent((100 * cents) / total),
      ]),
    },
  };
}

function bandsChart(d: RunDistribution): ChartView {
  const rows: Array<[string, number, string]> = [
    ['Low', d.bands.low, COLOR.green],
    ['Medium', d.bands.medium, COLOR.amber],
    ['High', d.bands.high, COLOR.red],
  ];
  if (d.bands.unscored > 0) rows.push(['Not scored', d.bands.unscored, COLOR.grey]);
  const total = rows.reduce((s, r) => s + r[1], 0);
  return {
    id: 'risk-bands',
    title: 'Customers by risk tier',
    label:
      total === 0
        ? 'No customers were scored.'
        : `${plural(total, 'customer')} by risk tier: ` +
          `${rows.map(([name, n]) => `${fmt.number(n)} ${name.toLowerCase()}`).join(', ')}.`,
    config:
      total === 0
        ? null
        : {
            type: 'bar',
            data: {
              labels: rows.map((r) => r[0]),
              datasets: [{ label: 'Customers', data: rows.map((r) => r[1]), backgroundColor: rows.map((r) => r[2]) }],
            },
            options: {
              plugins: { legend: { display: false } },
              scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
            },
            format: { y: 'count', tooltip: 'count' },
          },
    ...(total === 0 ? { empty: 'No customers were scored. Sync the company, then score again.' } : {}),
    note:
      'The stable band: a customer moves to a riskier band at once, ' +
      'to a safer one only after staying clearly below it for two runs.',
    table: {
      caption: 'Customers by risk tier',
      columns: ['Risk tier', 'Customers', 'Share'],
      rows: rows.map(([name, n]) => [name, fmt.number(n), total === 0 ? '—' : fmt.percent((100 * n) / total)]),
    },
  };
}

function scoresChart(d: RunDistribution): ChartView {
  const labels = d.scoreBins.map((_, i) => (i === 9 ? '90–100' : `${i * 10}–${i * 10 + 9}`));
  const total = d.scoreBins.reduce((s, n) => s + n, 0);
  const top = d.scoreBins.reduce((best, n, i) => (n > d.scoreBins[best]! ? i : best), 0);
  return {
    id: 'score-histogram',
    title: 'Risk scores',
    label:
      total === 0
        ? 'No customer has a risk score yet.'
        : `Smoothed risk scores of ${plural(total, 'customer')} in 10-point ranges (higher is riskier); ` +
          `the most common range is ${labels[top]} with ${plural(d.scoreBins[top]!, 'customer')}.`,
    config:
      total === 0
        ? null
        : {
            type: 'bar',
            data: { labels, datasets: [{ label: 'Customers', data: d.scoreBins, backgroundColor: COLOR.blue }] },
            options: {
              plugins: { legend: { display: false } },
              scales: {
                x: { title: { display: true, text: 'Risk score (0 safest, 100 riskiest)' } },
                y: { beginAtZero: true, ticks: { precision: 0 } },
              },
            },
            format: { y: 'count', tooltip: 'count' },
          },
    ...(total === 0
      ? { empty: 'No customer has a risk score yet: scores need payment history or a credit score.' }
      : {}),
    table: {
      caption: 'Customers by smoothed risk score',
      columns: ['Score', 'Customers'],
      rows: labels.map((l, i) => [l, fmt.number(d.scoreBins[i]!)]),
    },
  };
}

function tiersChart(run: RunDetails): ChartView {
  const tiers = run.company.panel?.avgInvoiceByTier;
  const base = { id: 'invoice-by-tier', title: 'Average invoice by profitability tier' };
  if (!tiers) {
    return {
      ...base,
      label: 'Not available for this score run.',
      config: null,
      empty: 'This score run was made before this chart existed. Choose Score again now to see it.',
      table: { caption: 'Average invoice amount by profitability tier', columns: [], rows: [] },
    };
  }
  const drawable = tiers.some((t) => t.highRisk.avgInvoiceCents !== null || t.other.avgInvoiceCents !== null);
  const said = (c: number | null) => (c === null ? 'none' : fmt.cents(c));
  const byTier = tiers
    .map((t) => `${t.tier} tier ${said(t.highRisk.avgInvoiceCents)} against ${said(t.other.avgInvoiceCents)}`)
    .join('; ');
  return {
    ...base,
    label: drawable
      ? 'Average invoice amount by profitability tier, high-risk customers against the others: ' + `${byTier}.`
      : 'No invoices in the metrics window.',
    config: drawable
      ? {
          type: 'bar',
          data: {
            labels: tiers.map((t) => `${t.tier} profitability`),
            datasets: [
              {
                label: 'High-risk customers',
                data: tiers.map((t) => dollars(t.highRisk.avgInvoiceCents)),
                backgroundColor: COLOR.red,
              },
              {
                label: 'Other customers',
                data: tiers.map((t) => dollars(t.other.avgInvoiceCents)),
                backgroundColor: COLOR.blue,
              },
            ],
          },
          options: { plugins: { legend: { position: 'bottom' } }, scales: { y: { beginAtZero: true } } },
          format: { y: 'moneyCompact', tooltip: 'money' },
        }
      : null,
    ...(drawable ? {} : { empty: 'No invoices in the metrics window, so there is no average to show.' }),
    note:
      'Over each group’s invoices in the metrics window. Tiers rank customers by gross profit: ' +
      'the top share High, the next Medium, the rest (and anyone without profit) Low.',
    table: {
      caption: 'Average invoice amount by profitability tier',
      columns: [
        'Tier',
        'High-risk: average invoice',
        'High-risk: customers / invoices',
        'Others: average invoice',
        'Others: customers / invoices',
      ],
      rows: tiers.map((t) => [
        t.tier,
        said(t.highRisk.avgInvoiceCents),
        `${fmt.number(t.highRisk.customers)} / ${fmt.number(t.highRisk.invoices)}`,
        said(t.other.avgInvoiceCents),
        `${fmt.number(t.other.customers)} / ${fmt.number(t.other.invoices)}`,
      ]),
    },
  };
}

function forecastChart(run: RunDetails): ChartView {
  const f = run.company.forecast;
  const expected = f.months.reduce((s, m) => s + m.expectedCents, 0);
  const best = f.months.reduce<(typeof f.months)[number] | undefined>(
    (b, m) => (!b || m.expectedCents > b.expectedCents ? m : b),
    undefined,
  );
  const drawable = f.openCents > 0 && f.months.length > 0;
  return {
    id: 'cash-forecast',
    title: `Cash forecast, next ${f.months.length} months`,
    label: drawable
      ? `Expected collections from today's open invoices over the next ${f.months.length} months: ` +
        `${fmt.cents(expected)}, the most in ${monthLabel(best!.month)} (${fmt.cents(best!.expectedCents)}); ` +
        `${fmt.cents(f.neverCollectedCents)} is expected never to be collected.`
      : 'Nothing is open, so no collections are expected.',
    config: drawable
      ? {
          type: 'bar',
          data: {
            labels: f.months.map((m) => monthLabel(m.month, 'short')),
            datasets: [
              {
                type: 'bar',
                label: 'Expected',
                data: f.months.map((m) => dollars(m.expectedCents)),
                backgroundColor: COLOR.green,
                order: 2,
              },
              {
                type: 'line',
                label: 'Low (10th percentile)',
                data: f.months.map((m) => dollars(m.lowCents)),
                borderColor: COLOR.grey,
                backgroundColor: COLOR.grey,
                borderDash: [4, 4],
                pointRadius: 2,
                fill: false,
                order: 1,
              },
              {
                type: 'line',
                label: 'High (90th percentile)',
                data: f.months.map((m) => dollars(m.highCents)),
                borderColor: COLOR.grey,
                backgroundColor: COLOR.band,
                borderDash: [4, 4],
                pointRadius: 2,
                fill: '-1',
                order: 1,
              },
            ],
          },
          options: {
            interaction: { mode: 'index', intersect: false },
            plugins: { legend: { position: 'bottom' } },
            scales: { y: { beginAtZero: true } },
          },
          format: { y: 'moneyCompact', tooltip: 'money' },
        }
      : null,
    ...(drawable ? {} : { empty: 'Nothing is open, so no collections are expected.' }),
    note:
      `Expected never to be collected: ${fmt.cents(f.neverCollectedCents)}. ` +
      `Expected later than ${f.months.length} months: ${fmt.cents(f.beyondHorizonCents)}. ` +
      `Worst case for high-risk customers (nothing paid): ${fmt.cents(f.worstCaseHighRiskLossCents)}.`,
    table: {
      caption: 'Expected collections from open invoices',
      columns: ['Month', 'Expected', 'Low (10th percentile)', 'High (90th percentile)'],
      rows: [
        ...f.months.map((m) => [
          monthLabel(m.month),
          fmt.cents(m.expectedCents),
          fmt.cents(m.lowCents),
          fmt.cents(m.highCents),
        ]),
        [`Later than ${f.months.length} months`, fmt.cents(f.beyondHorizonCents), '—', '—'],
        ['Never collected', fmt.cents(f.neverCollectedCents), '—', '—'],
        ['All open invoices', fmt.cents(f.openCents), '—', '—'],
      ],
    },
  };
}

export function buildDashboard(run: RunDetails, distribution: RunDistribution): DashboardModel {
  const co = run.company;
  const total = co.totals.outstandingCents;
  const trend = collectionTrendSentence(co.collectionRates, co.collectionTrend);
  const openInvoiceCount = co.strategies.invoices.reduce((s, i) => s + i.count, 0);
  const share = co.highRisk.grossProfitShare;
  return {
    tiles: [
      {
        id: 'total-ar',
        label: 'Total receivables',
        value: fmt.cents(total),
        detail: `${plural(openInvoiceCount, 'open invoice')}`,
      },
      {
        id: 'overdue',
        label: 'Overdue',
        value: fmt.cents(co.totals.overdueCents),
        detail:
          total === 0
            ? 'Nothing outstanding'
            : `${fmt.percent((100 * co.totals.overdueCents) / total)} of receivables; ` +
              `${fmt.cents(co.totals.aging.d91plus)} over 90 days`,
      },
      {
        id: 'high-risk',
        label: 'High-risk exposure',
        value: fmt.cents(co.highRisk.exposureCents),
        detail:
          `${plural(co.highRisk.count, 'customer')}; ` +
          `${share === null ? 'no customer has positive gross profit' : `${fmt.percent(share)} of gross profit`}`,
      },
      {
        id: 'dso',
        label: 'DSO (days sales outstanding)',
        value: co.dso === null ? '—' : `${fmt.number(co.dso, 1)} days`,
        detail:
          co.dso === null
            ? 'Not measurable: receivables exceed three years of billing'
            : `Best possible ${fmt.number(co.bestPossibleDso, 1)} days; ` +
              `${fmt.number(co.averageDaysDelinquent, 1)} days delinquent (ADD)`,
      },
    ],
    trend,
    charts: {
      collection: collectionChart(co.collectionRates, trend),
      aging: agingChart(run),
      bands: bandsChart(distribution),
      scores: scoresChart(distribution),
      tiers: tiersChart(run),
      forecast: forecastChart(run),
    },
    openInvoiceCount,
    minTrainingInvoices: MIN_TRAINING_INVOICES,
    highRiskStrategies: co.highRisk.strategyByProfitability,
    modelCard: modelCardView(co.modelCard, co.scoreBacktest),
  };
}
