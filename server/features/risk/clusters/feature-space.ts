/**
 * The space k-means works in: each behavioural feature, log-transformed when it is a skewed money or
 * volume figure (one big customer must not flatten everyone else), then standardised to a z-score over
 * the customers of the current run. Centres are stored in raw units so they can be re-mapped into the
 * next run's standardisation (warm start) and read by people.
 */
export const FEATURE_KEYS = [
  'invoicesPerMonth',
  'avgInvoiceCents',
  'avgDaysBeyondTerms',
  'paymentRate',
  'lateShare',
  'avgLateProbability',
  'invoicedCents',
] as const;
export type FeatureKey = (typeof FEATURE_KEYS)[number];
export type Features = Record<FeatureKey, number>;

/** Skewed, non-negative features: compared on a log scale. */
const LOG_FEATURES: ReadonlySet<FeatureKey> = new Set(['invoicesPerMonth', 'avgInvoiceCents', 'invoicedCents']);

const finite = (x: number) => (Number.isFinite(x) ? x : 0);

function forward(key: FeatureKey, raw: number): number {
  const x = finite(raw);
  return LOG_FEATURES.has(key) ? Math.log1p(Math.max(0, x)) : x;
}

function backward(key: FeatureKey, t: number): number {
  return LOG_FEATURES.has(key) ? Math.expm1(t) : t;
}

export interface Standardisation {
  mean: number[];
  /** 1 where the feature does not vary, so every z is 0 there instead of NaN. */
  sd: number[];
}

export function fitStandardisation(rows: readonly Features[]): Standardisation {
  const mean = FEATURE_KEYS.map(() => 0);
  const sd = FEATURE_KEYS.map(() => 0);
  if (rows.length === 0) return { mean, sd: sd.map(() => 1) };
  FEATURE_KEYS.forEach((key, j) => {
    const values = rows.map((r) => forward(key, r[key]));
    const m = values.reduce((s, v) => s + v, 0) / values.length;
    const variance = values.reduce((s, v) => s + (v - m) ** 2, 0) / values.length;
    mean[j] = m;
    sd[j] = variance > 1e-12 ? Math.sqrt(variance) : 1;
  });
  return { mean, sd };
}

export function toZ(features: Partial<Record<string, number>>, st: Standardisation): number[] {
  return FEATURE_KEYS.map((key, j) => {
    const raw = features[key];
    const mean = st.mean[j] ?? 0;
    // A key missing from an old centre sits at the current mean rather than breaking the run.
    if (raw === undefined || !Number.isFinite(raw)) return 0;
    return (forward(key, raw) - mean) / (st.sd[j] ?? 1);
  });
}

/** A centre in z-space back to raw units (log features back-transformed, so a geometric-style mean). */
export function fromZ(z: readonly number[], st: Standardisation): Record<FeatureKey, number> {
  const out = {} as Record<FeatureKey, number>;
  FEATURE_KEYS.forEach((key, j) => {
    out[key] = backward(key, (z[j] ?? 0) * (st.sd[j] ?? 1) + (st.mean[j] ?? 0));
  });
  return out;
}

export function featureIndex(key: FeatureKey): number {
  return FEATURE_KEYS.indexOf(key);
}
