import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Recorded Intuit sandbox responses live in ../shared (outside the project); tests skip where it is absent. */
export const CAPTURES_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../shared/reference/qbo-captures',
);
export const capturesAvailable = fs.existsSync(CAPTURES_DIR);
export const CAPTURES_SKIP_MESSAGE =
  `golden tests need Intuit's recorded responses in ${CAPTURES_DIR} ` + "(not part of a user's clone); skipped";

export interface Interaction {
  request: { method: string; uri: string; body: unknown };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  response: { status: number; headers: Record<string, string>; body: any };
}

export function capture(name: string): Interaction[] {
  return JSON.parse(fs.readFileSync(path.join(CAPTURES_DIR, `${name}.json`), 'utf8')) as Interaction[];
}

/**
 * Differences in structure between a recorded body and the emulator's: every key the recording has must be
 * there with the same JSON type (numbers are numbers, int or float), recursively; arrays compare their
 * first elements. Values are data and are not compared. `optional` lists dotted paths that depend on data.
 */
export function shapeDifferences(
  recorded: unknown,
  emulated: unknown,
  optional: readonly string[] = [],
  at = '',
): string[] {
  if (optional.includes(at)) return [];
  const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  if (kind(recorded) !== kind(emulated))
    return [`${at || '(root)'}: recorded ${kind(recorded)}, emulator ${kind(emulated)}`];
  if (Array.isArray(recorded) && Array.isArray(emulated)) {
    if (recorded.length === 0 || emulated.length === 0) return [];
    return shapeDifferences(recorded[0], emulated[0], optional, `${at}[]`);
  }
  if (kind(recorded) !== 'object') return [];
  const r = recorded as Record<string, unknown>;
  const e = emulated as Record<string, unknown>;
  return Object.keys(r).flatMap((k) => {
    const p = at ? `${at}.${k}` : k;
    if (optional.includes(p)) return [];
    if (!(k in e)) return [`${p}: missing in the emulator's response`];
    return shapeDifferences(r[k], e[k], optional, p);
  });
}
