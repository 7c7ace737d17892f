/** How well a score ranks a binary outcome (1 = late): used by the model's card and the score backtest. Pure. */

/**
 * ROC AUC by the Mann-Whitney U statistic: the probability that a random positive scores above a random
 * negative, ties counted as one half (average ranks). Null when either class is absent: it is undefined.
 */
export function aucMannWhitney(scores: readonly number[], labels: readonly (0 | 1)[]): number | null {
  if (scores.length !== labels.length) throw new Error('scores and labels differ in length');
  const order = scores.map((s, i) => ({ s, y: labels[i]! })).sort((a, b) => a.s - b.s);
  let positives = 0;
  let positiveRankSum = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j < order.length && order[j]!.s === order[i]!.s) j++;
    const averageRank = (i + 1 + j) / 2; // ranks i+1..j share their mean
    for (let k = i; k < j; k++)
      if (order[k]!.y === 1) {
        positives++;
        positiveRankSum += averageRank;
      }
    i = j;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return null;
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
