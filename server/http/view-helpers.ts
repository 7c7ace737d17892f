/**
 * Formatting shared by every page (app.locals.fmt): one way to show money, percentages and dates, so the
 * dashboard, the list and a customer page never disagree on how a figure looks.
 */
const dollars = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
const dollarsAndCents = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  minimumFractionDigits: 2,
});
const compact = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  notation: 'compact',
  maximumFractionDigits: 1,
});

export const fmt = {
  /** Whole dollars from integer cents: "$12,345". */
  cents: (c: number | null | undefined): string =>
    c === null || c === undefined ? '—' : dollars.format(Math.round(c / 100)),
  /** Exact amount from integer cents: "$12,345.67". */
  centsExact: (c: number | null | undefined): string =>
    c === null || c === undefined ? '—' : dollarsAndCents.format(c / 100),
  /** Short form for tiles: "$12.4K". */
  centsCompact: (c: number | null | undefined): string =>
    c === null || c === undefined ? '—' : compact.format(c / 100),
  /** A percentage already in 0–100: "87.5%". */
  percent: (p: number | null | undefined, digits = 1): string =>
    p === null || p === undefined ? '—' : `${p.toFixed(digits)}%`,
  /** A probability 0–1 as a percentage: "34%". */
  probability: (p: number | null | undefined): string =>
    p === null || p === undefined ? '—' : `${Math.round(p * 100)}%`,
  number: (n: number | null | undefined, digits = 0): string =>
    n === null || n === undefined
      ? '—'
      : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }),
  /** UTC timestamp as "2026-11-25 07:35 UTC". */
  dateTime: (d: Date | null | undefined): string => (d ? `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '—'),
  /**
   * JSON for a <script type="application/json"> block: "<" escaped so no string (a customer's name) can close
   * the tag. Rendered with <%- %>, never with inline script.
   */
  jsonForScript: (value: unknown): string =>
    JSON.stringify(value)
      .replace(/</g, '\\u003c')
      .replace(/\u2028/g, '\\u2028')
      .replace(/\u2029/g, '\\u2029'),
};
