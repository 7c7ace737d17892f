import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The directory holding package.json, views/, public/ and app-manifest.json. This module is in server/ when run
 * from source and in <outDir>/server/ when compiled, and the build's outDir may be anywhere, so the root is the
 * nearest directory above with a package.json rather than a fixed number of '..'.
 */
export const PROJECT_ROOT = findProjectRoot(path.dirname(fileURLToPath(import.meta.url)));

export function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No package.json in ${start} or above it: no views/ or public/`);
  }
}
