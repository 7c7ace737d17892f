import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../../server/config.js';
import { createContainer } from '../../../server/container.js';
import { createDb, startWalCheckpoints, type Db, type WalCheckpoints } from '../../../server/db/knex.js';
import { silentLogger } from '../../../server/logger.js';
import { insertRows } from '../../../server/db/insert-rows.js';

/** About 8 MB in one transaction: well past the 1,000 WAL pages at which SQLite checkpoints on its own. */
const largeWrite = (db: Db) =>
  db.transaction((trx) =>
    insertRows(
      trx,
      'pages',
      ['id', 'body'],
      Array.from({ length: 2_000 }, (_, i) => [i, 'x'.repeat(4_000)]),
    ),
  );

describe('WAL checkpoints off the writer connection', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function open(o: {
    background: boolean;
    everyMs?: number;
  }): Promise<{ db: Db; file: string; checkpoints?: WalCheckpoints }> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duesense-wal-'));
    cleanup.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'app.sqlite');
    const db = createDb({ client: 'sqlite', filename: file }, { backgroundCheckpoints: o.background });
    cleanup.push(() => db.destroy());
    await db.schema.createTable('pages', (t) => {
      t.integer('id');
      t.text('body');
    });
    if (!o.background) return { db, file };
    const checkpoints = startWalCheckpoints(file, { everyMs: o.everyMs ?? 3_600_000 });
    cleanup.push(() => checkpoints.stop());
    await checkpoints.checkpoint();
    return { db, file, checkpoints };
  }

  it('a large commit leaves its pages in the WAL; a checkpoint moves every one into the database file', async () => {
    const { db, file, checkpoints } = await open({ background: true });
    const before = fs.statSync(file).size;
    await largeWrite(db);
    expect(fs.statSync(file).size).toBe(before);
    const result = await checkpoints!.checkpoint();
    expect(result).toMatchObject({ busy: false });
    expect(result.walFrames).toBeGreaterThan(1_000);
    expect(result.checkpointedFrames).toBe(result.walFrames);
    expect(fs.statSync(file).size).toBeGreaterThan(before + 7_000_000);
    expect(await db('pages').count({ n: '*' }).first()).toEqual({ n: 2_000 });
  });

  it('without them, the writer copies pages inside its own commit (what background checkpoints avoid)', async () => {
    const { db, file } = await open({ background: false });
    const before = fs.statSync(file).size;
    await largeWrite(db);
    expect(fs.statSync(file).size).toBeGreaterThan(before + 7_000_000);
  });

  it('checkpoints on its timer, and stops', async () => {
    const { db, file, checkpoints } = await open({ background: true, everyMs: 20 });
    const before = fs.statSync(file).size;
    await largeWrite(db);
    await vi.waitFor(() => expect(fs.statSync(file).size).toBeGreaterThan(before + 7_000_000), { timeout: 5_000 });
    await checkpoints!.stop();
    const stopped = fs.statSync(file).size;
    await db('pages').insert(Array.from({ length: 100 }, (_, i) => ({ id: 10_000 + i, body: 'y'.repeat(4_000) })));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fs.statSync(file).size).toBe(stopped);
  });

  it('the app container wires them: its writer never checkpoints, its checkpointer does within seconds', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duesense-wal-'));
    cleanup.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'app.sqlite');
    const c = createContainer(
      loadConfig({ DATABASE_FILE: file, INTUIT_ENVIRONMENT: 'emulator', EMULATOR_URL: 'http://127.0.0.1:9' }),
      { logger: silentLogger },
    );
    cleanup.push(() => c.close());
    expect(await c.db.raw('PRAGMA wal_autocheckpoint')).toEqual([{ wal_autocheckpoint: 0 }]);
    await c.db.schema.createTable('pages', (t) => {
      t.integer('id');
      t.text('body');
    });
    await vi.waitFor(() => expect(fs.statSync(file).size).toBeGreaterThan(0), { timeout: 5_000 });
    const before = fs.statSync(file).size;
    await largeWrite(c.db);
    await vi.waitFor(() => expect(fs.statSync(file).size).toBeGreaterThan(before + 7_000_000), { timeout: 5_000 });
  });
});
