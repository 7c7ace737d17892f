#!/usr/bin/env node
// The operator's CLI. The code is TypeScript, run through tsx's loader so no build step is needed. It never runs
// dist/: a build left behind by an earlier `npm run build` would silently run old code (and an old migration list)
// after a pull. A deployment runs the compiled CLI itself: `node dist/server/cli/main.js` (docs/configuration.md).
import { register } from 'tsx/esm/api';

register();
await import('../server/cli/main.ts');
