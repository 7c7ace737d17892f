import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findProjectRoot, PROJECT_ROOT } from '../../../server/project-root.js';

describe('the project root', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duesense-root-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is the checkout when run from source: it holds package.json, views/, public/ and app-manifest.json', () => {
    for (const entry of ['package.json', 'views', 'public', 'app-manifest.json']) {
      expect(fs.existsSync(path.join(PROJECT_ROOT, entry))).toBe(true);
    }
  });

  it('is the nearest directory above a compiled module that has a package.json, whatever the outDir', () => {
    const compiled = path.join(dir, 'app', 'build', 'out', 'server');
    fs.mkdirSync(compiled, { recursive: true });
    fs.writeFileSync(path.join(dir, 'app', 'package.json'), '{}');
    expect(findProjectRoot(compiled)).toBe(path.join(dir, 'app'));
    expect(findProjectRoot(path.join(dir, 'app'))).toBe(path.join(dir, 'app'));
  });
});
