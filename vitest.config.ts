import { defineConfig } from 'vitest/config';

// Tests are layered by speed: unit (pure, no I/O), integration (real SQLite + the emulator over HTTP),
// http (supertest against createApp), browser (Chromium via playwright-core).
export default defineConfig({
  test: {
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'], testTimeout: 30_000 } },
      { extends: true, test: { name: 'http', include: ['test/http/**/*.test.ts'], testTimeout: 30_000 } },
      // One file at a time: each serves the app on the port the OAuth redirect URI names.
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
