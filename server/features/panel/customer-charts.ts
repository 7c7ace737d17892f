import type { BehaviourMonth } from '../risk/domain/payment-behaviour.js';
import type { ScorePoint } from '../risk/score-run-store-type.js';

/**
 * Chart.js configurations for a customer's page, as plain JSON (public/js/charts.js draws them; number formats
 * are named, never functions, because the CSP allows no inline script). Each comes with the sentence its
 * canvas carries as aria-label, so a screen reader hears the point before the table.
 */
export interface ChartSpec {
  config: Record<string, unknown>;
  label: string;
}

const dollars = (cents: number) => Math.round(cents) / 100;
const GREEN = '#2ca01c';
const AMBER = '#e8a317';
const RED = '#d52b1e';
const BLUE = '#0077c5';
const GREY = '#8d9096';

export function scoreHistoryChart(points: readonly ScorePoint[], name: string): ChartSpec {
  const scored = points.filter((p) => p.smoothed !== null);
  const first = scored[0];
  const last = scored.at(-1);
  const label = !last
    ? `${name} has no risk score yet.`
    : scored.length === 1
      ? `${name}'s risk score is ${Math.round(last.smoothed!)} of 100 (one run so far).`
      : `${name}'s risk score went from ${Math.round(first!.smoothed!)} on ${first!.asOf} ` +
        `to ${Math.round(last.smoothed!)} on ${last.asOf} over ${scored.length} runs (0 is safest, 100 riskiest).`;
  return {
    label,
    config: {
      type: 'line',
      data: {
        labels: points.map((p) => p.asOf),
        datasets: [
          {
            label: 'Risk score (stabilised)',
            data: points.map((p) => p.smoothed),
            borderColor: BLUE,
            backgroundColor: BLUE,
            tension: 0.2,
            spanGaps: true,
          },
          {
            label: 'This run alone',
            data: points.map((p) => p.score),
            borderColor: GREY,
            backgroundColor: GREY,
            borderDash: [4, 4],
            pointRadius: 2,
            spanGaps: true,
          },
        ],
      },
      options: {
        scales: { y: { min: 0, max: 100, title: { display: true, text: 'Risk score (higher is riskier)' } } },
      },
      format: { y: 'score', tooltip: 'score' },
    },
  };
}

export function behaviourChart(months: readonly BehaviourMonth[], name: string): ChartSpec {
  const due = months.reduce((s, m) => s + m.dueCents, 0);
  const onTime = months.reduce((s, m) => s + m.paidOnTimeCents, 0);
  const late = months.reduce((s, m) => s + m.paidLateCents, 0);
  const open = months.reduce((s, m) => s + m.openCents, 0);
  const pct = (n: number) => `${Math.round((100 * n) / due)}%`;
  const label =
    due === 0
      ? `Nothing fell due for ${name} in the last ${months.length} months.`
      : `Of what fell due for ${name} in the last ${months.length} months, ` +
        `${pct(onTime)} was paid on time, ${pct(late)} late and ${pct(open)} is still open.`;
  return {
    label,
    config: {
      type: 'bar',
      data: {
        labels: months.map((m) => m.month),
        datasets: [
          {
            type: 'line',
            label: 'Invoiced',
            data: months.map((m) => dollars(m.invoicedCents)),
            borderColor: BLUE,
            backgroundColor: BLUE,
            tension: 0.2,
            order: 0,
          },
          {
            label: 'Paid on time',
            data: months.map((m) => dollars(m.paidOnTimeCents)),
            backgroundColor: GREEN,
            stack: 'due',
            order: 1,
          },
          {
            label: 'Paid late',
            data: months.map((m) => dollars(m.paidLateCents)),
            backgroundColor: AMBER,
            stack: 'due',
            order: 1,
          },
          {
            label: 'Still open',
            data: months.map((m) => dollars(m.openCents)),
            backgroundColor: RED,
            stack: 'due',
            order: 1,
          },
        ],
      },
      options: {
        scales: {
          x: { stacked: true },
          y: { stacked: true, beginAtZero: true, title: { display: true, text: 'Amount' } },
        },
      },
      format: { y: 'moneyCompact', tooltip: 'money' },
    },
  };
}

export function daysBeyondTermsChart(months: readonly BehaviourMonth[], name: string): ChartSpec {
  const known = months.filter((m) => m.avgDaysBeyondTerms !== null);
  const recent = known.slice(-3);
  const avg = (list: readonly BehaviourMonth[]) => {
    const w = list.reduce((s, m) => s + m.dueCents, 0);
    return w === 0 ? 0 : list.reduce((s, m) => s + m.avgDaysBeyondTerms! * m.dueCents, 0) / w;
  };
  const label =
    known.length === 0
      ? `No invoice of ${name}'s fell due in the last ${months.length} months, ` +
        'so there are no days beyond terms to show.'
      : `${name} paid ${Math.round(avg(known))} days beyond terms on average over the last ${months.length} months, ` +
        `${Math.round(avg(recent))} in the last ${recent.length} months with invoices due (negative is early).`;
  return {
    label,
    config: {
      type: 'bar',
      data: {
        labels: months.map((m) => m.month),
        datasets: [
          {
            label: 'Average days beyond terms',
            data: months.map((m) => m.avgDaysBeyondTerms),
            backgroundColor: months.map((m) => ((m.avgDaysBeyondTerms ?? 0) > 0 ? AMBER : GREEN)),
          },
        ],
      },
      options: {
        plugins: { legend: { display: false } },
        scales: { y: { title: { display: true, text: 'Days beyond terms' } } },
      },
      format: { y: 'count', tooltip: 'count' },
    },
  };
}

/** Months before the customer's first invoice say nothing: leave them out, but keep at least `keep` months. */
export function trimQuietStart(months: readonly BehaviourMonth[], keep = 12): BehaviourMonth[] {
  const firstActive = months.findIndex((m) => m.invoicedCents > 0 || m.dueCents > 0);
  const start = Math.max(0, Math.min(firstActive === -1 ? months.length : firstActive, months.length - keep));
  return months.slice(start);
}

/** The late-payment model's features in words (server/features/risk/model/late-features.ts). */
const FEATURE_WORDS: Record<string, string> = {
  priorLateShare: 'How often earlier invoices were paid late',
  averageDaysBeyondTerms: 'Usual days beyond terms',
  recentDaysBeyondTerms: 'Days beyond terms on the last 3 invoices',
  daysSinceLastLate: 'Time since the last late payment',
  openBalance: 'Balance already open when it was issued',
  overdueBalance: 'Amount overdue when it was issued',
  oldestOverdueDays: 'Age of the oldest overdue invoice when it was issued',
  priorInvoiceCount: 'Number of earlier invoices',
  customerTenure: 'How long the customer has been billed',
  invoiceAmount: 'Invoice amount',
  amountVsCustomerAverage: "Amount against the customer's usual invoice",
  termsDays: 'Payment terms',
  seasonSine: 'Time of year',
  seasonCosine: 'Time of year',
  companyLateRate: 'How late customers were paying overall at the time',
  recentLateShare: 'How often invoices were paid late in the 90 days before',
  latestDaysBeyondTerms: 'Days beyond terms on the invoice due most recently',
  companyLateTrend: 'Whether customers overall were paying later and later',
};

/** "Usual days beyond terms (raises the risk)": a feature and which way it pushed this invoice's probability. */
export function featureInWords(f: { feature: string; contribution: number }): string {
  const words = FEATURE_WORDS[f.feature] ?? f.feature.replace(/([A-Z])/g, ' $1').toLowerCase();
  return `${words} (${f.contribution >= 0 ? 'raises' : 'lowers'} the risk)`;
}
