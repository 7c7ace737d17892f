import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

// The boundary rules of eslint.config.js, run through ESLint itself on snippets placed at made-up paths.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const eslint = new ESLint({ cwd: root });
const BOUNDARY_RULES = new Set(['no-restricted-imports', 'no-restricted-syntax']);

const CROSS_FEATURE =
  'A feature uses another feature through its service or store interface (*-service.js, *-store-type.js), ' +
  'not its store, fake, loader or reader.';
const DOMAIN_IO = 'Domain code is pure: no frameworks, databases or I/O.';
const ENTRY_POINT_STORE =
  'Routes and jobs receive services and stores from the container; they do not build stores or use server/db.';
const ENTRY_POINT_DB =
  'Routes and jobs use the services and stores of the container, not its database handles (db, readDb).';
const QBO_LIBRARY = 'Only server/qbo/ may use the QuickBooks libraries; go through its gateway and clients.';

/** The boundary messages ESLint reports for `code` as if it were the file at `filePath`, as "line: message". */
async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${filePath}` });
  return result!.messages.filter((m) => BOUNDARY_RULES.has(m.ruleId ?? '')).map((m) => `${m.line}: ${m.message}`);
}

describe('the import boundaries of eslint.config.js', () => {
  // Loading the config and the TypeScript parser is the slow part; done once here so no test pays for it.
  beforeAll(() => boundaryErrors('server/features/risk/x.ts', 'export {};\n'), 30_000);

  it("When a feature imports another feature's store, then ESLint reports it", async () => {
    const code = "import { createSyncStore } from '../sync/sync-store.js';\nexport const store = createSyncStore;\n";
    expect(await boundaryErrors('server/features/risk/x.ts', code)).toEqual([
      `1: '../sync/sync-store.js' import is restricted from being used by a pattern. ${CROSS_FEATURE}`,
    ]);
  });

  it("When a feature imports another feature's store interface or service, then ESLint accepts it", async () => {
    const code =
      "import type { SyncStore } from '../sync/sync-store-type.js';\n" +
      "import { createSyncService } from '../sync/sync-service.js';\n" +
      'export type Store = SyncStore;\nexport const service = createSyncService;\n';
    expect(await boundaryErrors('server/features/risk/x.ts', code)).toEqual([]);
  });

  it("When a nested feature file imports another feature's fake, loader or reader, then each is reported", async () => {
    const code =
      "export { fakeStore } from '../../sync/fake-sync-store.js';\n" +
      "export { loadFacts } from '../../risk/facts-loader.js';\n" +
      "export { readRows } from '../../risk/sub/rows-reader.js';\n" +
      "export type { RowsReader } from '../../risk/sub/rows-reader-type.js';\n";
    expect(await boundaryErrors('server/features/panel/charts/x.ts', code)).toEqual([
      `1: '../../sync/fake-sync-store.js' import is restricted from being used by a pattern. ${CROSS_FEATURE}`,
      `2: '../../risk/facts-loader.js' import is restricted from being used by a pattern. ${CROSS_FEATURE}`,
      `3: '../../risk/sub/rows-reader.js' import is restricted from being used by a pattern. ${CROSS_FEATURE}`,
    ]);
  });

  it('When domain code imports knex or a store, then ESLint reports it', async () => {
    const code =
      "import type { Knex } from 'knex';\nimport { createRiskStore } from '../risk-store.js';\n" +
      'export type Db = Knex;\nexport const store = createRiskStore;\n';
    expect(await boundaryErrors('server/features/risk/domain/x.ts', code)).toEqual([
      `1: 'knex' import is restricted from being used. ${DOMAIN_IO}`,
      "2: '../risk-store.js' import is restricted from being used by a pattern. Domain code is pure: it does not " +
        'reach stores, server/db, server/qbo or server/http.',
    ]);
  });

  it('When an HTTP route imports a store implementation, then ESLint reports it', async () => {
    const code =
      "import { createRiskStore } from '../features/risk/risk-store.js';\nexport const store = createRiskStore;\n";
    expect(await boundaryErrors('server/http/x.routes.ts', code)).toEqual([
      `1: '../features/risk/risk-store.js' import is restricted from being used by a pattern. ${ENTRY_POINT_STORE}`,
    ]);
  });

  it('When an HTTP route or a job reads the database handles of the container, then ESLint reports it', async () => {
    const code = 'export function route(c: { db: unknown; readDb: unknown }) {\n  return [c.db, c.readDb];\n}\n';
    expect(await boundaryErrors('server/http/x.routes.ts', code)).toEqual([
      `2: ${ENTRY_POINT_DB}`,
      `2: ${ENTRY_POINT_DB}`,
    ]);
    const destructured = 'export function job({ db }: { db: unknown }) {\n  return db;\n}\n';
    expect(await boundaryErrors('jobs/x.job.ts', destructured)).toEqual([`1: ${ENTRY_POINT_DB}`]);
    expect(await boundaryErrors('server/http/session/x-store.ts', code)).toEqual([]);
  });

  it('When code outside server/qbo loads a QuickBooks library, then ESLint reports it', async () => {
    const code = "import OAuthClient from 'intuit-oauth';\nexport const client = OAuthClient;\n";
    const required = "export const qb = require('node-quickbooks');\n";
    expect(await boundaryErrors('server/features/connections/x.ts', code)).toEqual([
      `1: 'intuit-oauth' import is restricted from being used. ${QBO_LIBRARY}`,
    ]);
    expect(await boundaryErrors('server/emulator/x.ts', required)).toEqual([
      '1: Only server/qbo/ may load the QuickBooks libraries; go through its gateway and clients.',
    ]);
    expect(await boundaryErrors('server/qbo/x.ts', code)).toEqual([]);
    expect(await boundaryErrors('test/integration/emulator/x.test.ts', code)).toEqual([]);
  });
});
