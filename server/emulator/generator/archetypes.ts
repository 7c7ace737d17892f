import type { Rng } from '../../random.js';

/**
 * How a customer pays. Lateness is persistent per customer (its own offset) with modest noise, so a
 * customer's history predicts its next invoice — the property a late-payment model needs to learn.
 * `monthsBeforeAsOf` is how long before the company's today an invoice fell due.
 */
export type Archetype = 'prompt' | 'steady_slow' | 'chronic_late' | 'deteriorating' | 'defaulter';

export const ARCHETYPE_MIX: ReadonlyArray<readonly [Archetype, number]> = [
  ['prompt', 0.5],
  ['steady_slow', 0.2],
  ['chronic_late', 0.08],
  ['deteriorating', 0.14],
  ['defaulter', 0.08],
];

export interface PayingHabit {
  archetype: Archetype;
  /** The customer's own shift of the archetype's mean, in days. */
  offsetDays: number;
  /** deteriorating: months before as-of when the drift starts; defaulter: when payments stop. */
  turnMonths: number;
}

export function drawHabit(rng: Rng, archetype: Archetype): PayingHabit {
  const turnMonths = archetype === 'deteriorating' ? rng.int(6, 9) : archetype === 'defaulter' ? rng.int(3, 8) : 0;
  return { archetype, offsetDays: rng.normal(0, 3), turnMonths };
}

/** Days after the due date the customer pays this invoice; undefined = never (a defaulter after its turn). */
export function daysLate(rng: Rng, h: PayingHabit, monthsBeforeAsOf: number): number | undefined {
  // A company-wide slowdown over the last six months, accelerating (so every recent month is worse than the
  // one before, even in a small company's noisy numbers): the trend the dashboard should show.
  const slowdown = Math.max(0, 6 - monthsBeforeAsOf) ** 2 * 1.2;
  const noise = (sd: number) => rng.normal(0, sd);
  switch (h.archetype) {
    case 'prompt':
      return Math.round(-3 + h.offsetDays + noise(3) + slowdown * 0.5);
    case 'steady_slow':
      return Math.round(13 + h.offsetDays + noise(4) + slowdown);
    case 'chronic_late':
      return Math.round(48 + 2 * h.offsetDays + noise(12) + slowdown);
    case 'deteriorating': {
      const drift = monthsBeforeAsOf >= h.turnMonths ? 0 : ((h.turnMonths - monthsBeforeAsOf) / h.turnMonths) * 70;
      return Math.round(1 + h.offsetDays + drift + noise(4) + slowdown);
    }
    case 'defaulter':
      if (monthsBeforeAsOf < h.turnMonths) return undefined;
      return Math.round(22 + h.offsetDays + noise(6) + slowdown);
  }
}

/** Share of invoices settled in two payments. */
export function partialPaymentChance(a: Archetype): number {
  return a === 'chronic_late' ? 0.3 : a === 'defaulter' || a === 'deteriorating' ? 0.15 : 0.04;
}
