import type { ScoreBacktest } from '../features/risk/domain/score-backtest.js';
import type { LatePaymentModelCard } from '../features/risk/model/late-payment-model.js';
import { fmt } from './view-helpers.js';

/**
 * The late-payment model card and the score backtest in plain words for an owner: what the percentages
 * mean and how far to trust them first, the statistics (method, AUC, Brier, ECE) folded away below. Pure.
 */
export interface ModelCardView {
  fallback: boolean;
  /** What the model was trained and checked on. */
  summary: string;
  /** AUC in words; null when the holdout had only one outcome. */
  ranking: string | null;
  /** ECE in words. */
  calibration: string | null;
  /** "Of the 68 invoices we predicted 70–80% likely to be late, 87% were." for bins with enough invoices. */
  bins: string[];
  details: { method: string; features: string; figures: Array<{ label: string; value: string }> };
  backtest: BacktestView | null;
}

export interface BacktestView {
  sentences: string[];
  figures: Array<{ label: string; value: string }>;
}

/** A bin with fewer invoices says more about chance than about the model: it stays in the details only. */
export const MIN_BIN_INVOICES = 20;

/** ECE from the calibration table: runs saved before the card carried `ece` have the table it is made of. */
export function eceOf(card: Pick<LatePaymentModelCard, 'ece' | 'calibration'>): number | null {
  if (card.ece !== undefined) return card.ece;
  const count = card.calibration.reduce((s, b) => s + b.count, 0);
  return count === 0
    ? null
    : card.calibration.reduce((s, b) => s + b.count * Math.abs(b.predicted - b.observed), 0) / count;
}

export function rankingInWords(auc: number | null): string | null {
  if (auc === null) return null;
  const grade =
    auc >= 0.9
      ? 'Ranks invoices very well'
      : auc >= 0.8
        ? 'Ranks invoices well'
        : auc >= 0.7
          ? 'Ranks invoices fairly well'
          : auc >= 0.6
            ? 'Ranks invoices weakly'
            : 'Ranks invoices hardly better than chance';
  return (
    `${grade}: given one invoice that was paid late and one that was not, it gave the late one the higher chance ` +
    `${Math.round(auc * 100)} times in 100.`
  );
}

export function calibrationInWords(ece: number | null): string | null {
  if (ece === null) return null;
  const off = `${fmt.number(ece * 100, 0)} percentage point${Math.round(ece * 100) === 1 ? '' : 's'}`;
  if (ece <= 0.05) return `Its percentages can be read as they are: on average they were ${off} from what happened.`;
  if (ece <= 0.1) return `Its percentages are close: on average they were ${off} from what happened.`;
  return `Its percentages were ${off} from what happened on average: use them to compare invoices, not as odds.`;
}

const binRange = (bin: string) =>
  bin
    .split('-')
    .map((v) => `${Math.round(Number(v) * 100)}`)
    .join('–');

export function modelCardView(card: LatePaymentModelCard, backtest: ScoreBacktest | undefined): ModelCardView {
  const ece = eceOf(card);
  return {
    fallback: card.fallback,
    summary:
      `Learned from ${fmt.number(card.trainedOn)} invoices whose outcome was known by ${fmt.date(card.asOf)}, ` +
      'then checked on the latest ' +
      `${fmt.number(card.holdoutSize)} of them, which it had not seen.`,
    ranking: rankingInWords(card.auc),
    calibration: calibrationInWords(ece),
    bins: card.calibration
      .filter((b) => b.count >= MIN_BIN_INVOICES)
      .map(
        (b) =>
          `Of the ${fmt.number(b.count)} invoices we predicted ${binRange(b.bin)}% likely to be late, ` +
          `${fmt.probability(b.observed)} were.`,
      ),
    details: {
      // The method text is saved with the run; its counts ("all 6554 … at most 30000") get separators here.
      method: card.method.replace(/\d{4,}/g, (n) => fmt.number(Number(n))),
      features: card.features.join(', '),
      figures: [
        { label: 'Training invoices', value: fmt.number(card.trainedOn) },
        { label: 'Holdout invoices (latest, in time order)', value: fmt.number(card.holdoutSize) },
        { label: 'AUC', value: card.auc === null ? '—' : card.auc.toFixed(3) },
        { label: 'Brier score', value: card.brier === null ? '—' : card.brier.toFixed(3) },
        { label: 'Expected calibration error (10 bins)', value: ece === null ? '—' : ece.toFixed(3) },
      ],
    },
    backtest: backtest ? backtestView(backtest) : null,
  };
}

export function backtestView(b: ScoreBacktest): BacktestView {
  const sentences = [
    `Scored as of ${fmt.date(b.scoredAsOf)}, ${fmt.number(b.customers)} customers had invoices that could go more ` +
      `than 30 days past their terms by ${fmt.date(b.asOf)}; ${fmt.number(b.lateCustomers)} of them let one do so.`,
  ];
  if (b.auc !== null) {
    sentences.push(
      `The risk score then put such a customer above one who paid in time ${Math.round(b.auc * 100)} times in 100.`,
    );
  }
  sentences.push(
    b.highRiskShare === null
      ? 'No invoice went that late in the period.'
      : `Customers in the High risk tier then owed ${fmt.probability(b.highRiskShare)} ` +
          `of the ${fmt.cents(b.lateCents)} that went that late.`,
  );
  return {
    sentences,
    figures: [
      { label: 'Scored as of', value: b.scoredAsOf },
      { label: 'Customers ranked', value: fmt.number(b.customers) },
      { label: 'Of them, more than 30 days late', value: fmt.number(b.lateCustomers) },
      { label: 'AUC of the score', value: b.auc === null ? '—' : b.auc.toFixed(3) },
      { label: 'High risk tier then (customers)', value: fmt.number(b.highRiskCustomers) },
      {
        label: 'Late dollars owed by the High risk tier',
        value: `${fmt.cents(b.highRiskLateCents)} of ${fmt.cents(b.lateCents)}`,
      },
    ],
  };
}
