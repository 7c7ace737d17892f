import { latenessOf, nameClusters } from './cluster-names.js';
import { fitStandardisation, fromZ, toZ, type Features } from './feature-space.js';
import { distinctCount, kmeans, nearest, sqDist } from './kmeans.js';
import { seededRandom } from '../../../random.js';

/**
 * Behavioural clusters of customers: k-means over standardised features (money and volume on a log
 * scale), k-means++ seeded from `seed`, warm-started from the previous run's centres so that cluster ids
 * and names stay put from one run to the next. Pure and deterministic; input order does not matter.
 */
export interface ClusterInput {
  customerId: string;
  features: Features;
  /** The customer's open invoices' forward-looking chances, for the profile only (not clustered on). */
  openInvoices?: OpenInvoiceOutlooks;
}
/** Per open invoice: the late probability of each one not yet due, the chance of each past-due one staying unpaid. */
export interface OpenInvoiceOutlooks {
  notYetDueLateProbabilities: number[];
  /** 1 − the cash forecast's chance of collection within 30 days. */
  pastDueNotCollectedWithin30Days: number[];
}
export interface ClusterCentre {
  id: number;
  name: string;
  centre: Record<string, number>;
}
export interface ClusterProfile {
  id: number;
  name: string;
  customers: number;
  /** Invoices per month, summed over the cluster's customers. */
  invoiceVolume: number;
  /** Open invoices not yet due at as-of, and the mean of their late-payment probabilities (null: none). */
  notYetDueInvoices: number;
  notYetDueLateProbability: number | null;
  /** Open invoices already past due, and the mean chance that each is not collected within 30 days (null: none). */
  pastDueInvoices: number;
  pastDueNotCollectedWithin30Days: number | null;
  /**
   * Mean over the cluster's customers of each one's late-probability feature: the mean late probability of its
   * open invoices not yet due, or its recent late share when nothing is coming due. The risk level follows it.
   */
  customerLateProbability: number;
  /**
   * Runs before the figures above: the mean over customers of their open invoices' late probabilities, past-due
   * ones included (those are late already, which is why it was replaced). Absent in newer runs.
   */
  avgLateProbability?: number;
  /** Share of all invoiced money; shares sum to 1 (by customer count when nothing was invoiced). */
  shareOfInvoiced: number;
  riskLevel: 'low' | 'medium' | 'high';
}
export interface ClusterResult {
  assignments: Map<string, number>;
  centres: ClusterCentre[];
  profiles: ClusterProfile[];
}

/**
 * Risk level of a cluster from its customers' mean forward-looking late probability (customerLateProbability):
 * absolute, so it means the same everywhere; per customer, so a few customers with many invoices do not decide it.
 */
export const CLUSTER_RISK_THRESHOLDS = { medium: 0.25, high: 0.5 } as const;

/** `k` and `seed` come from the policy (`clusters.count`, `clusters.seed`). */
export function clusterCustomers(
  inputs: readonly ClusterInput[],
  o: { k: number; seed: number; previous?: ClusterCentre[] },
): ClusterResult {
  // Canonical order first: the PRNG draws and float sums then do not depend on how the caller ordered rows.
  const rows = [...inputs].sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));
  if (rows.length === 0) return { assignments: new Map(), centres: [], profiles: [] };
  const st = fitStandardisation(rows.map((r) => r.features));
  const points = rows.map((r) => toZ(r.features, st));
  const k = Math.min(Math.max(1, Math.floor(o.k)), distinctCount(points));

  const previous = [...(o.previous ?? [])].sort((a, b) => a.id - b.id);
  const previousZ = previous.map((c) => toZ(c.centre, st));
  const initial = warmStart(points, previousZ, k);
  const { centres: centresZ, labels } = kmeans(points, k, { rand: seededRandom(o.seed), initial });

  const identities = identify(centresZ, previous, previousZ);
  const assignments = new Map<string, number>();
  rows.forEach((r, i) => assignments.set(r.customerId, identities[labels[i]!]!.id));

  const centres: ClusterCentre[] = centresZ
    .map((z, c) => ({ ...identities[c]!, centre: fromZ(z, st) as Record<string, number> }))
    .sort((a, b) => a.id - b.id);
  return { assignments, centres, profiles: profilesOf(rows, assignments, centres) };
}

/** Previous centres (already in current z-space) to start from; with more than k, keep the most used. */
function warmStart(points: readonly number[][], previousZ: readonly number[][], k: number): number[][] {
  if (previousZ.length <= k) return previousZ.map((c) => [...c]);
  const uses = previousZ.map(() => 0);
  for (const p of points) uses[nearest(p, previousZ).index]!++;
  return previousZ
    .map((c, i) => ({ c, i, n: uses[i]! }))
    .sort((a, b) => b.n - a.n || a.i - b.i)
    .slice(0, k)
    .sort((a, b) => a.i - b.i)
    .map((x) => [...x.c]);
}

/**
 * Ids and names for the new clusters: each is matched to the nearest unclaimed previous centre (greedy by
 * distance) and inherits its id and name. Clusters left over get fresh ids (least late first) and names.
 */
function identify(
  centresZ: readonly number[][],
  previous: readonly ClusterCentre[],
  previousZ: readonly number[][],
): Array<{ id: number; name: string }> {
  const out: Array<{ id: number; name: string } | undefined> = centresZ.map(() => undefined);
  const pairs: Array<{ c: number; p: number; d: number }> = [];
  centresZ.forEach((z, c) => previousZ.forEach((pz, p) => pairs.push({ c, p, d: sqDist(z, pz) })));
  pairs.sort((a, b) => a.d - b.d || a.c - b.c || a.p - b.p);
  const claimed = new Set<number>();
  const taken = new Set<string>();
  for (const { c, p } of pairs) {
    const prev = previous[p]!;
    if (out[c] !== undefined || claimed.has(p) || taken.has(prev.name)) continue;
    out[c] = { id: prev.id, name: prev.name };
    claimed.add(p);
    taken.add(prev.name);
  }
  const fresh = centresZ
    .map((z, c) => ({ z, c }))
    .filter(({ c }) => out[c] === undefined)
    .sort((a, b) => latenessOf(a.z) - latenessOf(b.z) || compareVectors(a.z, b.z));
  const names = nameClusters(
    fresh.map((f) => f.z),
    taken,
  );
  let nextId = previous.reduce((m, p) => Math.max(m, p.id + 1), 0);
  const usedIds = new Set(previous.map((p) => p.id));
  fresh.forEach((f, i) => {
    while (usedIds.has(nextId)) nextId++;
    out[f.c] = { id: nextId, name: names[i]! };
    usedIds.add(nextId);
  });
  return out.map((x) => x!);
}

function compareVectors(a: readonly number[], b: readonly number[]): number {
  for (let j = 0; j < a.length; j++) if ((a[j] ?? 0) !== (b[j] ?? 0)) return (a[j] ?? 0) - (b[j] ?? 0);
  return 0;
}

function profilesOf(
  rows: readonly ClusterInput[],
  assignments: ReadonlyMap<string, number>,
  centres: readonly ClusterCentre[],
): ClusterProfile[] {
  const invoiced = (r: ClusterInput) =>
    Math.max(0, Number.isFinite(r.features.invoicedCents) ? r.features.invoicedCents : 0);
  const totalInvoiced = rows.reduce((s, r) => s + invoiced(r), 0);
  return centres.map(({ id, name }) => {
    const members = rows.filter((r) => assignments.get(r.customerId) === id);
    const clusterInvoiced = members.reduce((s, r) => s + invoiced(r), 0);
    const ahead = members.flatMap((r) => r.openInvoices?.notYetDueLateProbabilities ?? []);
    const pastDue = members.flatMap((r) => r.openInvoices?.pastDueNotCollectedWithin30Days ?? []);
    const level = mean(members.map((r) => r.features.avgLateProbability)) ?? 0;
    return {
      id,
      name,
      customers: members.length,
      invoiceVolume: members.reduce((s, r) => s + r.features.invoicesPerMonth, 0),
      notYetDueInvoices: ahead.length,
      notYetDueLateProbability: mean(ahead),
      pastDueInvoices: pastDue.length,
      pastDueNotCollectedWithin30Days: mean(pastDue),
      customerLateProbability: level,
      shareOfInvoiced: totalInvoiced > 0 ? clusterInvoiced / totalInvoiced : members.length / rows.length,
      riskLevel:
        level >= CLUSTER_RISK_THRESHOLDS.high ? 'high' : level >= CLUSTER_RISK_THRESHOLDS.medium ? 'medium' : 'low',
    };
  });
}

const mean = (xs: readonly number[]): number | null =>
  xs.length === 0 ? null : xs.reduce((s, x) => s + x, 0) / xs.length;
