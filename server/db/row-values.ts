/**
 * Coercions for values read back from a row, where the driver decides the JavaScript type: SQLite returns
 * timestamps as epoch numbers and some numbers as strings, PostgreSQL returns Dates and numerics as strings.
 */

/** A timestamp column as a Date, or null when the column is empty or not a valid time. */
export function toDate(v: unknown): Date | null {
  if (v === null || v === undefined) return null;
  const d =
    v instanceof Date ? v : new Date(typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : (v as string | number));
  return Number.isNaN(d.getTime()) ? null : d;
}

/** A nullable numeric column as a number, keeping SQL NULL as null rather than 0. */
export function toNumberOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}
