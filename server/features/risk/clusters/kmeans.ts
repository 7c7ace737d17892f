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
  for (let j = 0; j < a.length; j++) {
    const d = (a[j] ?? 0) - (b[j] ?? 0);
    s += d * d; // the same value as d ** 2, without a call into pow()
  }
  return s;
}

export function nearest(p: Point, centres: readonly Point[]): { index: number; d2: number } {
  let index = 0;
  let d2 = Infinity;
  for (let i = 0; i < centres.length; i++) {
    const d = sqDist(p, centres[i]!);
    if (d < d2) {
      index = i;
      d2 = d;
    } // strict: ties go to the lowest index, which keeps runs reproducible
  }
  return { index, d2 };
}

export function distinctCount(points: readonly Point[]): number {
  return new Set(points.map((p) => p.join(','))).size;
}

/** k-means++: each new centre drawn with probability proportional to D², after any given starting centres. */
export function kmeansPlusPlus(
  points: readonly Point[],
  k: number,
  rand: () => number,
  initial: readonly Point[] = [],
): number[][] {
  const centres = initial.map((c) => [...c]);
  if (points.length === 0) return centres;
  if (centres.length === 0 && k > 0) centres.push([...points[Math.floor(rand() * points.length)]!]);
  while (centres.length < k) {
    const d2 = points.map((p) => nearest(p, centres).d2);
    const total = d2.reduce((s, d) => s + d, 0);
    if (total <= 1e-18) break; // every point already sits on a centre: no more distinct seeds
    let r = rand() * total;
    let pick = d2.length - 1;
    for (let i = 0; i < d2.length; i++)
      if ((r -= d2[i]!) < 0) {
        pick = i;
        break;
      }
    centres.push([...points[pick]!]);
  }
  return centres;
}

/**
 * Lloyd iterations from the given centres. An emptied cluster is re-seeded at the worst-fitted point.
 * Points and centres are flat Float64Arrays inside (point i at i·dims): thousands of customers × a few
 * dozen iterations × every restart, so the distance loop must not chase an array per point. The sums and
 * distances are the same values, in the same order, as over the arrays.
 */
export function lloyd(points: readonly Point[], init: readonly Point[], maxIter = 100): KMeansResult {
  const dims = points[0]?.length ?? 0;
  const k = init.length;
  const flat = new Float64Array(points.length * dims);
  points.forEach((p, i) => {
    for (let j = 0; j < dims; j++) flat[i * dims + j] = p[j] ?? 0;
  });
  const centres = new Float64Array(k * dims);
  init.forEach((c, l) => {
    for (let j = 0; j < dims; j++) centres[l * dims + j] = c[j] ?? 0;
  });
  const space: Space = { flat, n: points.length, dims, k };
  let labels = labelsFor(space, centres);
  for (let iter = 0; iter < maxIter; iter++) {
    const { sums, counts } = means(space, labels);
    for (let l = 0; l < k; l++)
      if (counts[l]! > 0) for (let j = 0; j < dims; j++) centres[l * dims + j] = sums[l * dims + j]! / counts[l]!;
    for (let l = 0; l < k; l++) {
      if (counts[l]! > 0) continue;
      let worst = -1;
      let worstD = 0;
      for (let i = 0; i < space.n; i++) {
        const d = distance(space, i, centres, labels[i]!);
        if (d > worstD) [worst, worstD] = [i, d];
      }
      if (worst >= 0) {
        for (let j = 0; j < dims; j++) centres[l * dims + j] = flat[worst * dims + j]!;
        labels[worst] = l;
      }
    }
    const next = labelsFor(space, centres);
    let changed = false;
    for (let i = 0; i < next.length && !changed; i++) changed = next[i] !== labels[i];
    labels = next;
    if (!changed) break;
  }
  // Drop clusters that stayed empty (only possible with duplicate points) and compact the labels.
  const used = [...new Set(labels)].sort((a, b) => a - b);
  const remap = new Map(used.map((l, i) => [l, i]));
  const { sums, counts } = means(space, labels);
  const finalCentres = used.map((l) => Array.from(sums.subarray(l * dims, (l + 1) * dims), (s) => s / counts[l]!));
  const finalLabels = Array.from(labels, (l) => remap.get(l)!);
  let inertia = 0;
  for (let i = 0; i < points.length; i++) inertia += sqDist(points[i]!, finalCentres[finalLabels[i]!]!);
  return { centres: finalCentres, labels: finalLabels, inertia };
}

interface Space {
  flat: Float64Array;
  n: number;
  dims: number;
  k: number;
}

/** Squared distance from point i to centre l (sqDist's arithmetic). */
function distance(s: Space, i: number, centres: Float64Array, l: number): number {
  let sum = 0;
  for (let j = 0; j < s.dims; j++) {
    const d = s.flat[i * s.dims + j]! - centres[l * s.dims + j]!;
    sum += d * d;
  }
  return sum;
}

/** Each point's nearest centre (strictly nearer wins: ties go to the lowest index). */
function labelsFor({ flat, n, dims, k }: Space, centres: Float64Array): Int32Array {
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const base = i * dims;
    let index = 0;
    let d2 = Infinity;
    for (let l = 0; l < k; l++) {
      let sum = 0;
      for (let j = 0; j < dims; j++) {
        const d = flat[base + j]! - centres[l * dims + j]!;
        sum += d * d;
      }
      if (sum < d2) {
        index = l;
        d2 = sum;
      }
    }
    labels[i] = index;
  }
  return labels;
}

function means(s: Space, labels: Int32Array): { sums: Float64Array; counts: Float64Array } {
  const sums = new Float64Array(s.k * s.dims);
  const counts = new Float64Array(s.k);
  for (let i = 0; i < s.n; i++) {
    const l = labels[i]!;
    counts[l]!++;
    for (let j = 0; j < s.dims; j++) sums[l * s.dims + j]! += s.flat[i * s.dims + j]!;
  }
  return { sums, counts };
}

/** Best of `restarts` k-means++ runs (lowest inertia; first wins ties). A warm start gets a single run. */
export function kmeans(
  points: readonly Point[],
  k: number,
  o: { rand: () => number; initial?: readonly Point[]; restarts?: number },
): KMeansResult {
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
