import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, createReadDb, type Db } from '../../../server/db/knex.js';

/**
 * A transaction that reads before it writes (the sync's LastUpdatedTime guard does) while other work writes
 * (a session touch, a run's progress): on a file database with more than one connection SQLite refused the
 * upgrade with SQLITE_BUSY at once and the first sync of the demo failed. Both must succeed.
 */
describe('SQLite file database under concurrent writes', () => {
  let db: Db;
  let readDb: Db;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duesense-sqlite-'));
    const config = { client: 'sqlite' as const, filename: path.join(dir, 'test.sqlite') };
    db = createDb(config);
    readDb = createReadDb(config, db);
    await db.schema.createTable('pages', (t) => {
      t.integer('id').primary();
      t.string('v');
    });
    await db.schema.createTable('touches', (t) => {
      t.increments('id');
      t.string('v');
    });
  });
  afterAll(async () => {
    await readDb.destroy();
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lets a read-then-write transaction commit while other writes arrive', async () => {
    const transaction = db.transaction(async (trx) => {
      await trx('pages').select('id');
      await new Promise((r) => setTimeout(r, 30));
      await trx('pages').insert({ id: 1, v: 'page' });
    });
    const touches = Array.from({ length: 5 }, (_, i) => db('touches').insert({ v: `touch ${i}` }));
    await expect(Promise.all([transaction, ...touches])).resolves.toBeDefined();
    expect(await db('pages').count({ n: '*' })).toEqual([{ n: 1 }]);
    expect(await db('touches').count({ n: '*' })).toEqual([{ n: 5 }]);
  });

  it('reads side by side on the query-only pool while the writer writes, and that pool refuses to write', async () => {
    const reads = Promise.all(Array.from({ length: 6 }, () => readDb('touches').count({ n: '*' })));
    await db('touches').insert({ v: 'during reads' });
    expect((await reads).every(([r]) => Number((r as { n: number }).n) >= 5)).toBe(true);
    await expect(readDb('touches').insert({ v: 'not allowed' })).rejects.toThrow(/readonly|read-only|query_only/i);
  });
});
