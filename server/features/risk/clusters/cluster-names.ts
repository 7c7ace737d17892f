import { featureIndex } from './feature-space.js';

/**
 * Human names for cluster centres, picked by the centre's dominant deviations from the average customer
 * (in z-scores). Three readable axes: lateness (slow/late vs prompt), invoice size and billing frequency.
 * Names are unique within a run: the strongest (cluster, name) fits are taken first.
 */
interface Axes {
  late: number;
  size: number;
  freq: number;
}

function axes(z: readonly number[]): Axes {
  const at = (k: Parameters<typeof featureIndex>[0]) => z[featureIndex(k)] ?? 0;
  // Lateness blends every payment-behaviour feature; payment rate counts the other way round.
  const late = (at('avgDaysBeyondTerms') + at('lateShare') + at('avgLateProbability') - at('paymentRate')) / 4;
  return { late, size: at('avgInvoiceCents'), freq: at('invoicesPerMonth') };
}

/** A two-axis name wins when the centre clearly deviates on both axes; otherwise it is discounted. */
const CLEAR = 0.25;
const pair = (a: number, b: number) => (Math.min(a, b) >= CLEAR ? 0.9 : 0.7) * (a + b);
/** "Chronic" is for strongly late clusters (a standard deviation or more), where it beats any pair. */
const chronic = (late: number) => (late >= 1 ? 1.25 : 1) * late;
const CANDIDATES: ReadonlyArray<readonly [string, (a: Axes) => number]> = [
  ['Chronic late payers', (a) => chronic(a.late)],
  ['Large, slow payers', (a) => pair(a.size, a.late)],
  ['Small, slow payers', (a) => pair(-a.size, a.late)],
  ['Occasional, slow payers', (a) => pair(-a.freq, a.late)],
  ['Frequent, reliable', (a) => pair(a.freq, -a.late)],
  ['Large, prompt payers', (a) => pair(a.size, -a.late)],
  ['Small, prompt payers', (a) => pair(-a.size, -a.late)],
  ['Prompt payers', (a) => -a.late],
  ['Large accounts', (a) => a.size],
  ['Small accounts', (a) => -a.size],
  ['Frequent buyers', (a) => a.freq],
  ['Occasional buyers', (a) => -a.freq],
  ['Typical customers', (a) => 0.3 - Math.max(Math.abs(a.late), Math.abs(a.size), Math.abs(a.freq))],
];

/** Names for centres (z-space), none of which may reuse a name in `taken`. */
export function nameClusters(
  centresZ: ReadonlyArray<readonly number[]>,
  taken: ReadonlySet<string> = new Set(),
): string[] {
  const names = centresZ.map(() => '');
  const pairs: Array<{ cluster: number; name: string; order: number; fit: number }> = [];
  centresZ.forEach((z, cluster) => {
    const a = axes(z);
    CANDIDATES.forEach(([name, fit], order) => {
      if (!taken.has(name)) pairs.push({ cluster, name, order, fit: fit(a) });
    });
  });
  pairs.sort((p, q) => q.fit - p.fit || p.cluster - q.cluster || p.order - q.order);
  const used = new Set(taken);
  for (const p of pairs) {
    if (names[p.cluster] !== '' || used.has(p.name)) continue;
    names[p.cluster] = p.name;
    used.add(p.name);
  }
  // More clusters than candidate names: numbered fallbacks, still unique.
  let n = 1;
  return names.map((name) => {
    if (name !== '') return name;
    while (used.has(`Group ${n}`)) n++;
    used.add(`Group ${n}`);
    return `Group ${n}`;
  });
}

/** A centre's lateness axis, used to order fresh cluster ids from least to most risky. */
export function latenessOf(z: readonly number[]): number {
  return axes(z).late;
}

/**
 * A customer's cluster by the names a run gave its clusters: "Cluster <id>" when the run names none; null without one.
 */
export function clusterName(clusters: ReadonlyArray<{ id: number; name: string }>, id: number | null): string | null {
  return id === null ? null : (clusters.find((c) => c.id === id)?.name ?? `Cluster ${id}`);
}
