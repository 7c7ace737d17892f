import { addDaysToDate, addMonths, dayOf, monthBounds, monthOf } from '../domain/dates.js';
import { openCents, settledDate } from '../domain/invoice-metrics.js';
import type { InvoiceFact } from '../domain/risk-facts.js';
import { apportion } from '../domain/apportion.js';
import {
  blend,
  conditionalOnAge,
  kaplanMeier,
  MIN_DELAY,
  newMass,
  onDueDate,
  type DelayDistribution,
  type DelayObservation,
} from './delay-distribution.js';

/**
 * Collections forecast from today's open invoices (metrics.md "Cash-flow forecast", scoring-methods.md §6).
 *
 * Each invoice open at asOf is spread over the next months by P(paid on day d | unpaid at asOf), from its
 * customer's delay history blended with the company's (`shrinkage` pseudo-observations pull customers with
 * few settled invoices towards the company), conditioned on the invoice's current age past due.
 *
 * Months: month 1 is the calendar month containing asOf + 1 day (the rest of asOf's month, or the next full
 * month when asOf is a month end), then `months` − 1 more. Money is conserved to the cent:
 *   Σ months.expectedCents + beyondHorizonCents + neverCollectedCents = openCents.
 * Only data dated on or before asOf is used. Future billings are not included.
 */
export interface ForecastMonth {
  month: string;
  expectedCents: number;
  lowCents: number;
  highCents: number;
}
export interface CashForecast {
  asOf: string;
  months: ForecastMonth[];
  neverCollectedCents: number;
  /** Expected to be paid, but after the last forecast month. */
  beyondHorizonCents: number;
  openCents: number;
  /** Full open exposure of the high-risk customers: what is lost if none of them pays. */
  worstCaseHighRiskLossCents: number;
}

export interface ForecastOptions {
  asOf: string;
  months?: number;
  highRiskCustomerIds?: ReadonlySet<string>;
  /** Pseudo-observations of the company pool in each customer's blend (scoring-methods.md: k = 5). */
  shrinkage?: number;
  /** History used for delays: invoices due in the last N months up to asOf (the metrics window). */
  historyMonths?: number;
}

/**
 * What is still uncertain about one open invoice, from the same conditional distribution the months come from:
 * the chance it is collected within COLLECTION_WINDOW_DAYS after asOf, and the chance it is never collected.
 */
export interface InvoiceOutlook {
  collectedWithin30Days: number;
  neverCollected: number;
}
export const COLLECTION_WINDOW_DAYS = 30;

/** z for the 10th/90th percentiles of a normal approximation to the sum of independent invoices. */
const Z_80 = 1.2816;

export function forecastCollections(invoices: readonly InvoiceFact[], o: ForecastOptions): CashForecast {
  return forecastWithOutlooks(invoices, o).forecast;
}

/** The forecast and each open invoice's outlook (keyed by invoice id), computed in one pass. */
export function forecastWithOutlooks(
  invoices: readonly InvoiceFact[],
  o: ForecastOptions,
): {
  forecast: CashForecast;
  outlooks: Map<string, InvoiceOutlook>;
} {
  const { asOf } = o;
  const horizon = Math.max(1, Math.floor(o.months ?? 6));
  const shrinkage = Math.max(0, o.shrinkage ?? 5);
  const existing = invoices.filter((i) => i.totalCents > 0 && i.txnDate <= asOf);
  const models = delayModels(existing, asOf, addMonths(asOf, -(o.historyMonths ?? 24)), shrinkage);

  const firstMonth = monthOf(addDaysToDate(asOf, 1));
  const labels = Array.from({ length: horizon }, (_, j) => monthOf(addMonths(`${firstMonth}-01`, j)));
  const monthEnds = labels.map((m) => dayOf(monthBounds(m).last));
  const asOfDay = dayOf(asOf);

  // Buckets 0..horizon-1 are months, then beyond the horizon, then never.
  const BEYOND = horizon;
  const NEVER = horizon + 1;
  const expected = new Array<number>(horizon + 2).fill(0);
  const variance = new Array<number>(horizon).fill(0);
  const reachable = new Array<number>(horizon).fill(0);
  let open = 0;
  let highRisk = 0;
  const outlooks = new Map<string, InvoiceOutlook>();
  const windowEnd = asOfDay + COLLECTION_WINDOW_DAYS;

  const buffer = newMass();
  for (const inv of existing) {
    const balance = openCents(inv, asOf);
    if (balance <= 0) continue;
    open += balance;
    if (o.highRiskCustomerIds?.has(inv.customerId)) highRisk += balance;
    const dueDay = dayOf(inv.dueDate);
    const dist = conditionalOnAge(models.forCustomer(inv.customerId), asOfDay - dueDay, buffer);
    const p = new Array<number>(horizon + 2).fill(0);
    p[NEVER] = dist.never;
    let withinWindow = 0;
    // Each paid delay into the first month whose end it reaches (delays ascend, so months only move on).
    for (let i = 0, j = 0; i < dist.mass.length; i++) {
      const prob = dist.mass[i]!;
      if (!(prob > 0)) continue;
      const payDay = dueDay + (i + MIN_DELAY);
      if (payDay <= windowEnd) withinWindow += prob;
      while (j < horizon && payDay > monthEnds[j]!) j++;
      p[j < horizon ? j : BEYOND]! += prob;
    }
    outlooks.set(inv.id, { collectedWithin30Days: Math.min(1, withinWindow), neverCollected: dist.never });
    p.forEach((pj, j) => {
      expected[j]! += balance * pj;
    });
    for (let j = 0; j < horizon; j++) {
      const pj = p[j]!;
      // each invoice paid in month j or not: a Bernoulli
      variance[j]! += balance * balance * Math.max(0, pj * (1 - pj));
      if (pj > 0) reachable[j]! += balance;
    }
  }

  const cents = apportion(expected, open);
  const months = labels.map((month, j): ForecastMonth => {
    const expectedCents = cents[j]!;
    const spread = Z_80 * Math.sqrt(variance[j]!);
    return {
      month,
      expectedCents,
      lowCents: Math.min(expectedCents, Math.max(0, Math.round(expected[j]! - spread))),
      highCents: Math.max(expectedCents, Math.min(reachable[j]!, Math.round(expected[j]! + spread))),
    };
  });
  const forecast: CashForecast = {
    asOf,
    months,
    neverCollectedCents: cents[NEVER]!,
    beyondHorizonCents: cents[BEYOND]!,
    openCents: open,
    worstCaseHighRiskLossCents: highRisk,
  };
  return { forecast, outlooks };
}

/** The company pool and each customer's own Kaplan–Meier curve, from invoices due in the history window. */
function delayModels(existing: readonly InvoiceFact[], asOf: string, historyStart: string, shrinkage: number) {
  const pooled: DelayObservation[] = [];
  const byCustomer = new Map<string, DelayObservation[]>();
  const asOfDay = dayOf(asOf);
  for (const inv of existing) {
    if (inv.dueDate <= historyStart) continue;
    const settled = settledDate(inv, asOf); // payments after asOf are invisible here
    const obs: DelayObservation =
      settled !== undefined
        ? { delay: dayOf(settled) - dayOf(inv.dueDate), settled: true }
        : { delay: asOfDay - dayOf(inv.dueDate), settled: false };
    pooled.push(obs);
    const own = byCustomer.get(inv.customerId) ?? [];
    own.push(obs);
    byCustomer.set(inv.customerId, own);
  }
  const pool = kaplanMeier(pooled) ?? onDueDate();
  const cache = new Map<string, DelayDistribution>();
  return {
    forCustomer(customerId: string): DelayDistribution {
      const hit = cache.get(customerId);
      if (hit) return hit;
      const own = byCustomer.get(customerId) ?? [];
      const settledCount = own.filter((x) => x.settled).length;
      const weight = settledCount + shrinkage > 0 ? settledCount / (settledCount + shrinkage) : 0;
      const dist = blend(settledCount > 0 ? kaplanMeier(own) : undefined, pool, weight);
      cache.set(customerId, dist);
      return dist;
    },
  };
}
