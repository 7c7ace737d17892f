import type { QboObject } from '../entity-registry.js';

export type PathGetter = (row: QboObject) => unknown;

const hasOwn = Object.prototype.hasOwnProperty;

function findKeyIgnoringCase(obj: object, lower: string): string | undefined {
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return k;
  return undefined;
}

/** A Ref ({"value":"1","name":"Amy's…"}) compares by its value, as QBO does for `CustomerRef = '1'`. */
export function unwrapRef(v: unknown): unknown {
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && 'value' in v) return (v as { value: unknown }).value;
  return v;
}

/**
 * Reads a property path from a row. The first segment is already canonical (the parser resolved it against the
 * entity's property list, and stored rows use canonical keys), so a row lacking it costs one own-property check.
 * Nested segments match case-insensitively; the spelling found is remembered so later rows take the fast path.
 */
export function pathGetter(path: readonly string[]): PathGetter {
  const lowers = path.map((s) => s.toLowerCase());
  const known = [...path];
  const n = path.length;
  return (row) => {
    let v: unknown = row;
    for (let i = 0; i < n; i++) {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
      const obj = v as Record<string, unknown>;
      let key = known[i]!;
      if (!hasOwn.call(obj, key)) {
        if (i === 0) return undefined;
        const found = findKeyIgnoringCase(obj, lowers[i]!);
        if (found === undefined) return undefined;
        known[i] = key = found;
      }
      v = obj[key];
    }
    return unwrapRef(v);
  };
}
