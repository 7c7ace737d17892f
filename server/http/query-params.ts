import { z } from 'zod';

/** A whole number from 1 written with at most `digits` digits, so it stays a safe integer (and a sane offset). */
const wholeFromOne = (digits: number) =>
  z
    .string()
    .regex(new RegExp(`^\\d{1,${digits}}$`))
    .transform(Number)
    .pipe(z.number().min(1));
const PAGE_NUMBER = wholeFromOne(9);
const ENTRY_NUMBER = wholeFromOne(15);

/** A value as it appears in a message: long ones cut, so a 400 never echoes a whole pasted address. */
const shown = (v: string) => v.slice(0, 40);

/**
 * Reads a page's query string (or a form's return address) value by value, collecting every problem so the
 * page can answer them all at once with one 400 that names what is allowed. Every route reads its
 * parameters through this one reader, so a repeated parameter or an unknown value gets the same answer.
 */
export function paramReader(source: Record<string, unknown> | undefined) {
  const problems: string[] = [];
  const one = (name: string): string => {
    const v = source?.[name];
    if (v === undefined) return '';
    if (typeof v !== 'string') {
      problems.push(`Give "${name}" once.`);
      return '';
    }
    return v.trim();
  };
  const number = (
    name: string,
    schema: z.ZodType<number, string>,
    problem: (v: string) => string,
  ): number | undefined => {
    const v = one(name);
    if (v === '') return undefined;
    const parsed = schema.safeParse(v);
    if (parsed.success) return parsed.data;
    problems.push(problem(shown(v)));
    return undefined;
  };
  return {
    problems,
    one,
    /** One of `allowed`, or '' when absent or empty. */
    pick<T extends string>(name: string, allowed: readonly T[], what: string): T | '' {
      const v = one(name);
      if (v === '') return '';
      const parsed = z.enum(allowed as readonly [T, ...T[]]).safeParse(v);
      if (parsed.success) return parsed.data;
      problems.push(`Unknown ${what} "${shown(v)}": use one of ${allowed.join(', ')}.`);
      return '';
    },
    /** A record id from 1, or undefined when absent or empty. */
    id(name: string, label: string): number | undefined {
      return number(name, ENTRY_NUMBER, (v) => `${label} "${v}" is not an entry number: use a whole number from 1.`);
    },
    /** A page number from 1, or undefined when absent or empty. */
    page(name: string, label: string): number | undefined {
      return number(name, PAGE_NUMBER, (v) => `${label} "${v}" is not a page number: use a whole number from 1.`);
    },
  };
}

/** A page's address with only the parameters that have a value, in the order given. */
export function hrefWith(path: string, params: Record<string, string | number | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') p.set(k, String(v));
  const qs = p.toString();
  return qs ? `${path}?${qs}` : path;
}
