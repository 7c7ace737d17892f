/**
 * Payment-delay distributions: delay = settlement date − due date in days (negative = paid early).
 * Estimated by Kaplan–Meier, because open invoices are censored (we only know they are unpaid so far);
 * dropping them would make recent, quickly paid invoices look like the whole story.
 *
 * Support: whole days MIN_DELAY..NEVER_AGE plus a "never" mass. An invoice still unpaid NEVER_AGE days
 * past due counts as never collected (the usual write-off age); paid later than that also counts as
 * never, since by then it had been written off in practice.
 */
export const MIN_DELAY = -120;
export const NEVER_AGE = 180;
const SIZE = NEVER_AGE - MIN_DELAY + 1;
const NEVER_INDEX = SIZE - 1;

export interface DelayDistribution {
  /** mass[d - MIN_DELAY] = P(paid exactly d days after due); delays below MIN_DELAY are lumped at MIN_DELAY. */
  mass: Float64Array;
  never: number;
}

/** settled: paid at `delay`; otherwise open and known unpaid through `delay` days past due (censored). */
export interface DelayObservation {
  delay: number;
  settled: boolean;
}

const indexOf = (delay: number) => Math.min(NEVER_INDEX, Math.max(0, Math.round(delay) - MIN_DELAY));

const EVENTS = new Float64Array(SIZE);
const CENSORED = new Float64Array(SIZE);
const AT_RISK_FROM = new Float64Array(SIZE);

/** Kaplan–Meier on whole days; undefined with no informative observation. */
export function kaplanMeier(observations: readonly DelayObservation[]): DelayDistribution | undefined {
  // Counting arrays reused across calls (zeroed here): the forecast fits one curve per customer.
  const events = EVENTS.fill(0);
  const censored = CENSORED.fill(0);
  let last = -1;
  for (const o of observations) {
    if (o.settled && o.delay <= NEVER_AGE) events[indexOf(o.delay)]! += 1;
    else if (o.delay >= MIN_DELAY)
      censored[indexOf(Math.min(o.delay, NEVER_AGE))]! += 1; // unpaid before MIN_DELAY tells nothing
    else continue;
    last = Math.max(last, indexOf(Math.min(o.delay, NEVER_AGE)));
  }
  if (last < 0) return undefined;
  const mass = new Float64Array(SIZE);
  let atRisk = 0;
  const atRiskFrom = AT_RISK_FROM;
  for (let i = NEVER_INDEX; i >= 0; i--) atRiskFrom[i] = atRisk += events[i]! + censored[i]!;
  let survival = 1;
  for (let i = 0; i <= NEVER_INDEX; i++) {
    if (atRiskFrom[i]! === 0) break;
    const m = (survival * events[i]!) / atRiskFrom[i]!;
    mass[i] = m;
    survival = Math.max(0, survival - m);
  }
  if (last === NEVER_INDEX) return { mass, never: survival };
  // Nothing observed beyond `last` (the latest invoices are still open): no evidence for the tail, so the
  // remaining probability is spread evenly over the days up to the write-off age rather than guessed away.
  const share = survival / (NEVER_INDEX - last);
  for (let i = last + 1; i <= NEVER_INDEX; i++) mass[i]! += share;
  return { mass, never: 0 };
}

/** A mixture: weight·own + (1 − weight)·pool (shrinkage towards the company). */
export function blend(own: DelayDistribution | undefined, pool: DelayDistribution, weight: number): DelayDistribution {
  if (own === undefined || weight <= 0) return pool;
  const mass = new Float64Array(SIZE);
  for (let i = 0; i < SIZE; i++) mass[i] = weight * own.mass[i]! + (1 - weight) * pool.mass[i]!;
  return { mass, never: weight * own.never + (1 - weight) * pool.never };
}

/** Terms-based fallback for a company with no history at all: paid on the due date. */
export function onDueDate(): DelayDistribution {
  const mass = new Float64Array(SIZE);
  mass[indexOf(0)] = 1;
  return { mass, never: 0 };
}

/**
 * The distribution given the invoice is unpaid `age` days past due (age may be negative: not yet due).
 * Only delays > age remain, renormalised. When history gives no mass there (older than anything seen),
 * the payment is taken as equally likely on any day up to the write-off age.
 */
export function conditionalOnAge(dist: DelayDistribution, age: number, into?: Float64Array): DelayDistribution {
  // `into`: a buffer to fill instead of a new array (the forecast asks this once per open invoice).
  const mass = into ? into.fill(0) : new Float64Array(SIZE);
  if (age >= NEVER_AGE) return { mass, never: 1 };
  const start = Math.max(0, Math.floor(age) + 1 - MIN_DELAY);
  let tail = dist.never;
  for (let i = start; i < SIZE; i++) tail += dist.mass[i]!;
  if (tail > 1e-12) {
    for (let i = start; i < SIZE; i++) mass[i] = dist.mass[i]! / tail;
    return { mass, never: dist.never / tail };
  }
  for (let i = start; i < SIZE; i++) mass[i] = 1 / (SIZE - start);
  return { mass, never: 0 };
}

/** A buffer for conditionalOnAge. */
export const newMass = () => new Float64Array(SIZE);
