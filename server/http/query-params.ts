/**
 * Reads a page's query string (or a form's return address) value by value, collecting every problem so the
 * page can answer them all at once with one 400 that names what is allowed.
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
  return {
    problems,
    one,
    /** One of `allowed`, or '' when absent or empty. */
    pick<T extends string>(name: string, allowed: readonly T[], what: string): T | '' {
      const v = one(name);
      if (v === '' || (allowed as readonly string[]).includes(v)) return v as T | '';
      problems.push(`Unknown ${what} "${v.slice(0, 40)}": use one of ${allowed.join(', ')}.`);
      return '';
    },
    /** A record id from 1, or undefined when absent or empty. */
    id(name: string, label: string): number | undefined {
      const v = one(name);
      if (v === '') return undefined;
      if (!/^\d{1,15}$/.test(v) || Number(v) < 1 || !Number.isSafeInteger(Number(v))) {
        problems.push(`${label} "${v.slice(0, 40)}" is not an entry number: use a whole number from 1.`);
        return undefined;
      }
      return Number(v);
    },
  };
}
