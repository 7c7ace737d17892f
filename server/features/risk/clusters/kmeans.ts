/** Plain k-means (Lloyd) with k-means++ seeding, deterministic for a given point order and PRNG. */
export type Point = readonly number[];

export interface KMeansResult {
  centres: number[][];
  /** labels[i] is the index into centres of point i. */
  labels: number[];
  inertia: number;
}

export function sqDist(a: Point, b: Point): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += ((a[j] ?? 0) - (b[j] ?? 0)) ** 2;
  return s;
}

export function nearest(p: Point, centres: readonly Point[]): { index: number; d2: number } {
  let index = 0;
  let d2 = Infinity;
  centres.forEach((c, i) => {
    const d = sqDist(p, c);
    if (d < d2) [index, d2] = [i, d]; // strict: ties go to the lowest index, which keeps runs reproducible
  });
  return { index, d2 };
}

export function distinctCount(points: readonly Point[]): number {
  return new Set(points.map((p) => p.join(','))).size;
}

/** k-means++: each new centre drawn with probability proportional to D², after any given starting centres. */
export function kmeansPlusPlus(points: readonly Point[], k: number, rand: () => number, initial: readonly Point[] = []): number[][] {
  const centres = initial.map((c) => [...c]);
  if (points.length === 0) return centres;
  if (centres.length === 0 && k > 0) centres.push([...points[Math.floor(rand() * points.length)]!]);
  while (centres.length < k) {
    const d2 = points.map((p) => nearest(p, centres).d2);
    const total = d2.reduce((s, d) => s + d, 0);
    if (total <= 1e-18) break; // every point already sits on a centre: no more distinct seeds
    let r = rand() * total;
    let pick = d2.length - 1;
    for (let i = 0; i < d2.length; i++) if ((r -= d2[i]!) < 0) { pick = i; break; }
    centres.push([...points[pick]!]);
  }
  return centres;
}

function means(points: readonly Point[], labels: readonly number[], k: number, dims: number): { sums: number[][]; counts: number[] } {
  const sums = Array.from({ length: k }, () => new Array<number>(dims).fill(0));
  const counts = new Array<number>(k).fill(0);
  points.forEach((p, i) => {
    const l = labels[i]!;
    counts[l]!++;
    for (let j = 0; j < dims; j++) sums[l]![j]! += p[j] ?? 0;
  });
  return { sums, counts };
}

/** Lloyd iterations from the given centres. An emptied cluster is re-seeded at the worst-fitted point. */
export function lloyd(points: readonly Point[], init: readonly Point[], maxIter = 100): KMeansResult {
  const dims = points[0]?.length ?? 0;
  let centres = init.map((c) => [...c]);
  let labels = points.map((p) => nearest(p, centres).index);
  for (let iter = 0; iter < maxIter; iter++) {
    const { sums, counts } = means(points, labels, centres.length, dims);
    centres = centres.map((c, l) => (counts[l]! > 0 ? sums[l]!.map((s) => s / counts[l]!) : c));
    for (let l = 0; l < centres.length; l++) {
      if (counts[l]! > 0) continue;
      let worst = -1;
      let worstD = 0;
      points.forEach((p, i) => {
        const d = sqDist(p, centres[labels[i]!]!);
        if (d > worstD) [worst, worstD] = [i, d];
      });
      if (worst >= 0) { centres[l] = [...points[worst]!]; labels[worst] = l; }
    }
    const next = points.map((p) => nearest(p, centres).index);
    const changed = next.some((l, i) => l !== labels[i]);
    labels = next;
    if (!changed) break;
  }
  // Drop clusters that stayed empty (only possible with duplicate points) and compact the labels.
  const used = [...new Set(labels)].sort((a, b) => a - b);
  const remap = new Map(used.map((l, i) => [l, i]));
  const { sums, counts } = means(points, labels, centres.length, dims);
  const finalCentres = used.map((l) => sums[l]!.map((s) => s / counts[l]!));
  const finalLabels = labels.map((l) => remap.get(l)!);
  const inertia = points.reduce((s, p, i) => s + sqDist(p, finalCentres[finalLabels[i]!]!), 0);
  return { centres: finalCentres, labels: finalLabels, inertia };
}

/** Best of `restarts` k-means++ runs (lowest inertia; first wins ties). A warm start gets a single run. */
export function kmeans(points: readonly Point[], k: number, o: { rand: () => number; initial?: readonly Point[]; restarts?: number }): KMeansResult {
  if (points.length === 0 || k <= 0) return { centres: [], labels: points.map(() => 0), inertia: 0 };
  const warm = (o.initial?.length ?? 0) > 0;
  const restarts = warm ? 1 : Math.max(1, o.restarts ?? 5);
  let best: KMeansResult | undefined;
  for (let r = 0; r < restarts; r++) {
    const result = lloyd(points, kmeansPlusPlus(points, k, o.rand, o.initial ?? []));
    if (best === undefined || result.inertia < best.inertia - 1e-9) best = result;
  }
  return best!;
}
