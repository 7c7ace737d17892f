/**
 * Largest-remainder rounding: whole cents for each bucket that add up to exactly `total`, so the
 * forecast conserves money to the cent. Ties go to the earlier bucket.
 */
export function apportion(fractions: readonly number[], total: number): number[] {
  if (fractions.length === 0) return [];
  const sum = fractions.reduce((s, f) => s + Math.max(0, f), 0);
  // Rescale first: float sums drift a little from the integer total they came from.
  const exact = fractions.map((f) => (sum > 0 ? (Math.max(0, f) * total) / sum : 0));
  const out = exact.map(Math.floor);
  let left = total - out.reduce((s, c) => s + c, 0);
  if (sum <= 0) {
    out[0]! += left;
    return out;
  }
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let j = 0; left > 0; j = (j + 1) % order.length, left--) out[order[j]!.i]! += 1;
  return out;
}
