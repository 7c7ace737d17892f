import { describe, expect, it } from 'vitest';
import type { RunDetails, RunDistribution } from '../../../server/features/risk/score-run-store-type.js';
import {
  buildDashboard,
  collectionTrendSentence,
  monthLabel,
  runInWords,
} from '../../../server/http/dashboard-view.js';

const months = (rates: Array<number | null>) =>
  rates.map((rate, i) => ({ month: `2026-${String(i + 1).padStart(2, '0')}`, rate }));
const noDecline = { consecutiveDeclines: 0, totalDropPoints: 0 };

describe('monthLabel', () => {
  it('names a month, long or short, and leaves anything else as it is', () => {
    expect(monthLabel('2026-10')).toBe('October 2026');
    expect(monthLabel('2026-01', 'short')).toBe('Jan 2026');
    expect(monthLabel('2026-13')).toBe('2026-13');
    expect(monthLabel('2026-00')).toBe('2026-00');
    expect(monthLabel('soon')).toBe('soon');
  });

  it('names every month of the year, and the month of a full date', () => {
    const names = [
      'January',
      'February',
      'March',
      'April',
      'May',
      'June',
      'July',
      'August',
      'September',
      'October',
      'November',
      'December',
    ];
    names.forEach((name, i) => {
      const key = `2025-${String(i + 1).padStart(2, '0')}`;
      expect(monthLabel(key)).toBe(`${name} 2025`);
      expect(monthLabel(key, 'short')).toBe(`${name.slice(0, 3)} 2025`);
    });
    expect(monthLabel('2025-12-31')).toBe('December 2025');
  });
});

describe('collectionTrendSentence', () => {
  it('says how long and how far the rate has fallen, from the engine’s trend', () => {
    expect(
      collectionTrendSentence(months([80, 78, 75, 72.2]), { consecutiveDeclines: 3, totalDropPoints: 5.8 }),
    ).toEqual({
      direction: 'down',
      text: 'Collection rate has fallen 3 months in a row, down 5.8 points to 72.2% in April 2026.',
    });
    expect(collectionTrendSentence(months([80, 82, 79.9]), { consecutiveDeclines: 1, totalDropPoints: 2.1 })).toEqual({
      direction: 'down',
      text: 'Collection rate fell in March 2026, down 2.1 points to 79.9%.',
    });
  });

  it('counts rises the same way: consecutive month-over-month rises ending at the latest month', () => {
    expect(collectionTrendSentence(months([75, 70, 71.5, 74.6]), noDecline)).toEqual({
      direction: 'up',
      text: 'Collection rate has risen 2 months in a row, up 4.6 points to 74.6% in April 2026.',
    });
    expect(collectionTrendSentence(months([75, 70, 71.25]), noDecline)).toEqual({
      direction: 'up',
      text: 'Collection rate rose in March 2026, up 1.3 points to 71.3%.',
    });
    // A month with nothing collectable ends the run.
    expect(collectionTrendSentence(months([60, null, 65, 70]), noDecline).text).toBe(
      'Collection rate rose in April 2026, up 5.0 points to 70.0%.',
    );
  });

  it('says when the rate held, when the latest month has none, and when there is nothing to measure', () => {
    expect(collectionTrendSentence(months([70, 72, 72]), noDecline)).toEqual({
      direction: 'flat',
      text: 'Collection rate held steady at 72.0% in March 2026.',
    });
    expect(collectionTrendSentence(months([null, 70]), noDecline)).toEqual({
      direction: 'none',
      text:
        'Collection rate was 70.0% in February 2026; ' +
        'the month before had nothing collectable, so there is no trend yet.',
    });
    expect(collectionTrendSentence(months([68.5, 70, null]), noDecline)).toEqual({
      direction: 'none',
      text: 'Nothing was collectable in March 2026, so it has no collection rate; it was 70.0% in February 2026.',
    });
    expect(collectionTrendSentence(months([null, null]), noDecline).text).toBe(
      'Not enough billing in the last 12 months to measure the collection rate.',
    );
    expect(collectionTrendSentence([], noDecline).direction).toBe('none');
  });
});

const strategy = (strategy: string, count: number) => ({ strategy, count, valueCents: 0, valueShare: 0 });

function run(o: { outstanding?: number; dso?: number | null; panel?: boolean } = {}): RunDetails {
  const outstanding = o.outstanding ?? 1_000_000;
  const scale = outstanding / 1_000_000;
  return {
    id: 7,
    realmId: 'r',
    asOf: '2026-10-31',
    policyVersion: 1,
    trigger: 'nightly',
    createdAt: new Date('2026-10-31T20:00:00Z'),
    company: {
      asOf: '2026-10-31',
      policyVersion: 1,
      totals: {
        outstandingCents: outstanding,
        overdueCents: 400_000 * scale,
        grossProfitCents: 0,
        aging: {
          current: 600_000 * scale,
          d1to30: 100_000 * scale,
          d31to60: 100_000 * scale,
          d61to90: 50_000 * scale,
          d91plus: 150_000 * scale,
        },
      },
      highRisk: {
        count: 2,
        exposureCents: 300_000,
        grossProfitShare: 12.5,
        worstCaseLossCents: 300_000,
        segments: { 'Strategic retention': 1, 'Close monitoring': 0, 'Active collection': 1 },
        strategyByProfitability: { High: 'Loyalty', Medium: 'Send reminders', Low: 'Credit restriction' },
      },
      strategies: {
        customers: [
          strategy('Standard', 4),
          strategy('Loyalty', 1),
          strategy('Send reminders', 3),
          strategy('AR follow-up', 2),
          strategy('Credit restriction', 1),
        ] as never,
        invoices: [
          strategy('Standard', 3),
          strategy('Loyalty', 0),
          strategy('Send reminders', 2),
          strategy('AR follow-up', 1),
          strategy('Credit restriction', 4),
        ] as never,
      },
      collectionRates: months([90, 88, 91.5]),
      collectionTrend: noDecline,
      dso: o.dso === undefined ? 45.3 : o.dso,
      bestPossibleDso: 27.2,
      averageDaysDelinquent: 18.1,
      modelCard: {
        trainedOn: 10,
        holdoutSize: 0,
        auc: null,
        brier: null,
        calibration: [],
        method: 'fallback',
        fallback: true,
        features: [],
        asOf: '2026-10-31',
      },
      clusters: { centres: [], profiles: [] },
      forecast: {
        asOf: '2026-10-31',
        neverCollectedCents: 50_000 * scale,
        beyondHorizonCents: 20_000 * scale,
        openCents: outstanding,
        worstCaseHighRiskLossCents: 300_000,
        months: [
          ['2026-11', 500_000, 400_000, 600_000],
          ['2026-12', 300_000, 200_000, 350_000],
          ['2027-01', 130_000, 100_000, 160_000],
        ].map(([month, e, l, h]) => ({
          month: month as string,
          expectedCents: (e as number) * scale,
          lowCents: (l as number) * scale,
          highCents: (h as number) * scale,
        })),
      },
      ...(o.panel === false
        ? {}
        : {
            panel: {
              avgInvoiceByTier: [
                {
                  tier: 'High',
                  highRisk: { customers: 1, invoices: 4, avgInvoiceCents: 250_000 },
                  other: { customers: 2, invoices: 10, avgInvoiceCents: 120_050 },
                },
                {
                  tier: 'Medium',
                  highRisk: { customers: 0, invoices: 0, avgInvoiceCents: null },
                  other: { customers: 3, invoices: 9, avgInvoiceCents: 80_000 },
                },
                {
                  tier: 'Low',
                  highRisk: { customers: 1, invoices: 2, avgInvoiceCents: 30_000 },
                  other: { customers: 4, invoices: 8, avgInvoiceCents: 45_000 },
                },
              ],
            },
          }),
    },
  };
}

const distribution: RunDistribution = {
  bands: { low: 5, medium: 3, high: 2, unscored: 1 },
  scoreBins: [0, 1, 4, 2, 1, 1, 0, 1, 0, 0],
  topHighRisk: [],
  alertCount: 0,
};

describe('buildDashboard', () => {
  it('fills the tiles from the run’s company figures', () => {
    expect(buildDashboard(run(), distribution).tiles).toEqual([
      { id: 'total-ar', label: 'Total receivables', value: '$10,000', detail: '10 open invoices' },
      { id: 'overdue', label: 'Overdue', value: '$4,000', detail: '40.0% of receivables; $1,500 over 90 days' },
      { id: 'high-risk', label: 'High-risk exposure', value: '$3,000', detail: '2 customers; 12.5% of gross profit' },
      {
        id: 'dso',
        label: 'DSO (days sales outstanding)',
        value: '45.3 days',
        detail: 'Best possible 27.2 days; 18.1 days delinquent (ADD)',
      },
    ]);
    expect(buildDashboard(run({ dso: null }), distribution).tiles[3]).toMatchObject({
      value: '—',
      detail: 'Not measurable: receivables exceed three years of billing',
    });
  });

  it("names the High tier's strategies the run was scored with", () => {
    const { highRiskStrategies } = buildDashboard(run(), distribution);
    expect(highRiskStrategies).toEqual({ High: 'Loyalty', Medium: 'Send reminders', Low: 'Credit restriction' });
  });

  it('draws the collection rate with its month-over-month change', () => {
    const c = buildDashboard(run(), distribution).charts.collection;
    const data = (c.config as { data: { labels: string[]; datasets: Array<{ data: unknown[] }> } }).data;
    expect(data.labels).toEqual(['Jan 2026', 'Feb 2026', 'Mar 2026']);
    expect(data.datasets[0]!.data).toEqual([90, 88, 91.5]);
    expect(data.datasets[1]!.data).toEqual([null, -2, 3.5]);
    expect(c.label).toBe(
      'Monthly collection rate from Jan 2026 to Mar 2026, with the change from each month before. ' +
        'Collection rate rose in March 2026, up 3.5 points to 91.5%.',
    );
    expect(c.table.rows).toEqual([
      ['January 2026', '90.0%', '—'],
      ['February 2026', '88.0%', '−2.0 points'],
      ['March 2026', '91.5%', '+3.5 points'],
    ]);
  });

  it('draws aging, bands, scores, the tier averages and the forecast, each with a sentence and a table', () => {
    const { charts } = buildDashboard(run(), distribution);
    const series = (v: { config: unknown }, i = 0) =>
      (v.config as { data: { datasets: Array<{ data: unknown[] }> } }).data.datasets[i]!.data;
    expect(series(charts.aging)).toEqual([6_000, 1_000, 1_000, 500, 1_500]);
    expect(charts.aging.label).toBe(
      'Open receivables by days past due: $10,000 in all, 40.0% past due; $1,500 is more than 90 days past due.',
    );
    expect(charts.aging.table.rows[4]).toEqual(['91+ days past due', '$1,500', '15.0%']);

    expect(series(charts.bands)).toEqual([5, 3, 2, 1]);
    expect(charts.bands.label).toBe('11 customers by risk tier: 5 low, 3 medium, 2 high, 1 not scored.');
    expect(charts.scores.label).toBe(
      'Smoothed risk scores of 10 customers in 10-point ranges (higher is riskier); ' +
        'the most common range is 20–29 with 4 customers.',
    );
    expect(charts.scores.table.rows[9]).toEqual(['90–100', '0']);

    expect(series(charts.tiers, 0)).toEqual([2_500, null, 300]);
    expect(series(charts.tiers, 1)).toEqual([1_200.5, 800, 450]);
    expect(charts.tiers.label).toBe(
      'Average invoice amount by profitability tier, high-risk customers against the others: ' +
        'High tier $2,500 against $1,201; Medium tier none against $800; Low tier $300 against $450.',
    );

    expect(series(charts.forecast, 0)).toEqual([5_000, 3_000, 1_300]);
    expect(series(charts.forecast, 1)).toEqual([4_000, 2_000, 1_000]);
    expect(series(charts.forecast, 2)).toEqual([6_000, 3_500, 1_600]);
    expect(charts.forecast.title).toBe('Cash forecast, next 3 months');
    expect(charts.forecast.label).toBe(
      "Expected collections from today's open invoices over the next 3 months: " +
        '$9,300, the most in November 2026 ($5,000); $500 is expected never to be collected.',
    );
    expect(charts.forecast.table.rows.slice(-3)).toEqual([
      ['Later than 3 months', '$200', '—', '—'],
      ['Never collected', '$500', '—', '—'],
      ['All open invoices', '$10,000', '—', '—'],
    ]);
    for (const chart of Object.values(charts)) expect(JSON.parse(JSON.stringify(chart.config))).toEqual(chart.config);
  });

  it('says why a chart is empty instead of drawing nothing', () => {
    const empty = buildDashboard(run({ outstanding: 0, panel: false }), {
      bands: { low: 0, medium: 0, high: 0, unscored: 0 },
      scoreBins: Array(10).fill(0),
      topHighRisk: [],
      alertCount: 0,
    });
    expect(empty.tiles[1]!.detail).toBe('Nothing outstanding');
    for (const key of ['aging', 'bands', 'scores', 'tiers', 'forecast'] as const) {
      expect(empty.charts[key].config, key).toBeNull();
      expect(empty.charts[key].empty, key).toBeTruthy();
    }
    expect(empty.charts.tiers.empty).toBe(
      'This score run was made before this chart existed. Choose Score again now to see it.',
    );
    expect(
      buildDashboard(run(), { ...distribution, bands: { low: 1, medium: 0, high: 0, unscored: 0 } }).charts.bands.label,
    ).toBe('1 customer by risk tier: 1 low, 0 medium, 0 high.');
  });

  it('carries the model card in words and, on runs that have one, the score backtest', () => {
    const old = buildDashboard(run(), distribution).modelCard;
    expect(old).toMatchObject({ fallback: true, ranking: null, backtest: null });
    const backtest = {
      scoredAsOf: '2026-04-30',
      asOf: '2026-10-31',
      customers: 4,
      lateCustomers: 1,
      auc: 1,
      lateCents: 50_000,
      highRiskLateCents: 50_000,
      highRiskShare: 1,
      highRiskCustomers: 1,
    };
    const withBacktest = run();
    withBacktest.company.scoreBacktest = backtest;
    expect(buildDashboard(withBacktest, distribution).modelCard.backtest!.sentences[2]).toBe(
      'Customers in the High risk tier then owed 100% of the $500 that went that late.',
    );
  });
});

describe('the score run in the dashboard header, in words', () => {
  const createdAt = new Date('2026-12-06T15:30:00Z');
  const zone = 'America/Los_Angeles';
  it('says why and when a run was scored, in the company zone, and that it used the default policy', () => {
    expect(
      runInWords({ createdAt, trigger: 'connect', policyVersion: 1 }, { version: 1, savedAt: undefined }, zone),
    ).toEqual({ scored: 'scored after connecting, 6 Dec 2026, 07:30 PST', policy: 'using the default policy' });
    expect(
      runInWords({ createdAt, trigger: 'nightly', policyVersion: 1 }, { version: 1, savedAt: undefined }, zone).scored,
    ).toBe('scored in the nightly run, 6 Dec 2026, 07:30 PST');
  });

  it("names a saved policy by when it was saved, and says when the run's policy has been changed since", () => {
    const savedAt = new Date('2026-11-20T18:00:00Z');
    expect(runInWords({ createdAt, trigger: 'manual', policyVersion: 3 }, { version: 3, savedAt }, zone)).toEqual({
      scored: 'scored on request, 6 Dec 2026, 07:30 PST',
      policy: 'using the policy saved 20 Nov 2026, 10:00 PST',
    });
    expect(runInWords({ createdAt, trigger: 'manual', policyVersion: 2 }, { version: 3, savedAt }, zone).policy).toBe(
      'using an earlier saved policy (changed since: the next score run uses the current one)',
    );
  });
});
