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

/** One Intl formatter per zone, made on first use. */
const zoneFormats = new Map<string, Intl.DateTimeFormat>();
function partsIn(zone: string, d: Date): Record<string, string> {
  let f = zoneFormats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    zoneFormats.set(zone, f);
  }
  return Object.fromEntries(f.formatToParts(d).map((p) => [p.type, p.value]));
}
const dateIn = (zone: string, d: Date) => {
  const p = partsIn(zone, d);
  return `${p.day} ${p.month} ${p.year}`;
};
const dateTimeIn = (zone: string, d: Date) => {
  const p = partsIn(zone, d);
  return `${p.day} ${p.month} ${p.year}, ${p.hour}:${p.minute} ${p.timeZoneName}`;
};

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
  /** A count or amount with thousands separators: "12,893". */
  number: (n: number | null | undefined, digits = 0): string =>
    n === null || n === undefined
      ? '—'
      : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }),
  /**
   * An instant in words in a time zone (the company's: res.locals.timeZone on every page): "6 Dec 2026, 07:30 PST".
   * Without a zone it is shown in UTC, and says so.
   */
  dateTime: (d: Date | null | undefined, zone?: string): string => (d ? dateTimeIn(zone ?? 'UTC', d) : '—'),
  /** A calendar date in words: "24 Nov 2026" from "2026-11-24" (an as-of date), or an instant's date in a zone. */
  date: (d: string | Date | null | undefined, zone?: string): string => {
    if (d === null || d === undefined) return '—';
    if (d instanceof Date) return dateIn(zone ?? 'UTC', d);
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
    return m ? dateIn('UTC', new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))) : d;
  },
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
