import type { InvoiceOutlook } from './cash-forecast.js';

/**
 * Which probabilities describe an open invoice, by whether it is past due at as-of (days past due ≥ 1):
 * - not yet due: the late-payment model's chance that it is paid late;
 * - past due: it is late already, so that chance says nothing; what is still uncertain is whether it is
 *   collected soon or at all (the cash forecast's chances of collection within 30 days and of never).
 * Every place that shows or stores these goes through here, so they all agree.
 */
export interface OpenInvoiceChances {
  lateProbability: number | null;
  collectedWithin30Days: number | null;
  neverCollected: number | null;
}

const isPastDue = (daysPastDue: number) => daysPastDue >= 1;

export function openInvoiceChances(
  daysPastDue: number,
  lateProbability: number | null,
  outlook: InvoiceOutlook | undefined,
): OpenInvoiceChances {
  if (!isPastDue(daysPastDue)) return { lateProbability, collectedWithin30Days: null, neverCollected: null };
  return {
    lateProbability: null,
    collectedWithin30Days: outlook?.collectedWithin30Days ?? null,
    neverCollected: outlook?.neverCollected ?? null,
  };
}
