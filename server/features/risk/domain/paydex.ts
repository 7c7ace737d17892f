/**
 * PAYDEX-style points for days beyond terms (scoring-methods.md §2): a piecewise-linear value chart from
 * 100 (30+ days early) through 80 (prompt) and 50 (30 days late) to 20 (120 days late) and 1 beyond.
 */
const CHART: ReadonlyArray<readonly [number, number]> = [
  [-30, 100],
  [-20, 90],
  [0, 80],
  [15, 70],
  [22, 60],
  [30, 50],
  [120, 20],
];

export function paydexPoints(daysBeyondTerms: number): number {
  if (daysBeyondTerms <= CHART[0]![0]) return 100;
  for (let i = 1; i < CHART.length; i++) {
    const [x1, y1] = CHART[i]!;
    const [x0, y0] = CHART[i - 1]!;
    if (daysBeyondTerms <= x1) return y0 + ((daysBeyondTerms - x0) / (x1 - x0)) * (y1 - y0);
  }
  // Beyond 120 days: 19 down to 1 over the following year.
  return Math.max(1, 19 - ((daysBeyondTerms - 120) / 365) * 18);
}
