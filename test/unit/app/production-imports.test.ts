import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');

/**
 * Relative modules a file loads when it is loaded: static value imports and re-exports (not `import type`, not
 * import()).
 */
function staticImports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of source.matchAll(/^\s*(import|export)\s+(type\s+)?[^'"]*?\bfrom\s*['"](\.[^'"]+)['"]/gm))
    if (!m[2]) found.push(m[3]!);
  for (const m of source.matchAll(/^\s*import\s*['"](\.[^'"]+)['"]/gm)) found.push(m[1]!);
  return found.map((spec) => {
    const resolved = path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts'));
    return existsSync(resolved) ? resolved : path.join(resolved, 'index.ts');
  });
}

/** Every file loaded, statically, by loading `entry`. */
function loadedBy(entry: string): Set<string> {
  const seen = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    pending.push(...staticImports(file));
  }
  return seen;
}

describe('what a start loads', () => {
  it('loads the QBO emulator only in demo mode: no static import of the server entry is in server/emulator', () => {
    const loaded = [...loadedBy(path.join(ROOT, 'server/main.ts'))].map((f) => path.relative(ROOT, f));
    expect(loaded).toContain('server/container.ts');
    expect(loaded.filter((f) => f.startsWith(`server${path.sep}emulator${path.sep}`))).toEqual([]);
    // The demo's own module does load it (through import() in main.ts, in demo mode only).
    const demo = [...loadedBy(path.join(ROOT, 'server/demo-emulator.ts'))].map((f) => path.relative(ROOT, f));
    expect(demo).toContain(path.join('server', 'emulator', 'emulator.ts'));
  });
});
