/**
 * Money is integer cents everywhere inside Duesense. QBO sends decimals as JSON numbers; they are converted
 * once at the boundary, rounding half away from zero the way accounting does.
 */
import { numberFormat } from './shared/intl-formats.js';
export type Cents = number;

export function toCents(amount: number | string | null | undefined): Cents {
  if (amount === null || amount === undefined || amount === '') return 0;
  const n = typeof amount === 'number' ? amount : Number(amount);
  if (!Number.isFinite(n)) throw new Error(`Not an amount: ${String(amount)}`);
  // Scale via string-free arithmetic then correct binary drift (e.g. 1.005 * 100 = 100.49999).
  const scaled = n * 100;
  const rounded = Math.round(Math.abs(scaled) + 1e-7) * Math.sign(scaled);
  return rounded === 0 ? 0 : rounded;
}

/** Back to a decimal number with two places, as QBO and the exports write amounts; an absent amount stays absent. */
export function fromCents(cents: Cents): number;
export function fromCents(cents: Cents | null): number | null;
export function fromCents(cents: Cents | null): number | null {
  return cents === null ? null : Math.round(cents) / 100;
}

export function formatMoney(cents: Cents, currency = 'USD', locale = 'en-US'): string {
  return numberFormat(locale, { style: 'currency', currency }).format(cents / 100);
}
