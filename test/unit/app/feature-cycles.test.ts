import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { featureImports, findCycles, importSpecifiers } from '../../support/feature-graph.js';

const FEATURES = path.resolve(import.meta.dirname, '../../../server/features');

const graphOf = (edges: Record<string, string[]>) => new Map(Object.entries(edges).map(([k, v]) => [k, new Set(v)]));

describe('folder cycles between server/features/*', () => {
  it('no feature folder imports, directly or through others, a folder that imports it back', () => {
    const graph = featureImports(FEATURES);
    expect(graph.size).toBeGreaterThan(5);
    expect(findCycles(graph)).toEqual([]);
  });

  it('sees the cross-feature imports that exist, including type-only ones', () => {
    const graph = featureImports(FEATURES);
    expect(graph.get('panel')?.has('risk')).toBe(true);
    expect(graph.get('connections')?.has('users')).toBe(true);
    expect(graph.get('risk')?.has('panel')).toBe(false);
    expect(graph.get('users')?.has('connections')).toBe(false);
  });

  it('reads every form of import statement', () => {
    const source = [
      "import { a } from '../x/a.js';",
      "import type { B } from '../y/b.js';",
      "export { c } from './c.js';",
      'import {\n  d,\n  e,\n} from "../z/d.js";',
      "const m = await import('../w/m.js');",
      "import './side-effect.js';",
    ].join('\n');
    expect(importSpecifiers(source).sort()).toEqual([
      '../w/m.js',
      '../x/a.js',
      '../y/b.js',
      '../z/d.js',
      './c.js',
      './side-effect.js',
    ]);
  });

  it('reports a two-folder cycle and a longer one, and nothing for a graph without cycles', () => {
    expect(findCycles(graphOf({ risk: ['panel', 'mail'], panel: ['risk'], mail: [] }))).toEqual([
      ['panel', 'risk', 'panel'],
    ]);
    expect(findCycles(graphOf({ a: ['b'], b: ['c'], c: ['a'], d: ['a'] }))).toEqual([['a', 'b', 'c', 'a']]);
    expect(findCycles(graphOf({ a: ['b', 'c'], b: ['c'], c: [] }))).toEqual([]);
  });
});
