import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../../server/db/knex.js';
import { insertRows } from '../../../server/db/insert-rows.js';

describe('insertRows', () => {
  let db: Db;
  beforeAll(async () => {
    db = createDb({ client: 'sqlite', filename: ':memory:' });
    await db.schema.createTable('samples', (t) => {
      t.integer('id').primary();
      t.string('label');
      t.boolean('flag');
      t.float('ratio');
      t.timestamp('at');
    });
  });
  afterAll(() => db.destroy());

  it('stores what knex insert stores, value for value', async () => {
    const at = new Date('2026-11-25T10:00:00.000Z');
    await db('samples').insert({ id: 1, label: 'knex', flag: true, ratio: 0.1 + 0.2, at });
    await insertRows(
      db,
      'samples',
      ['id', 'label', 'flag', 'ratio', 'at'],
      [
        [2, 'knex', true, 0.1 + 0.2, at],
        [3, null, false, undefined, null],
      ],
    );
    const rows = await db('samples').orderBy('id');
    expect(rows[1]).toEqual({ ...rows[0], id: 2 });
    expect(rows[2]).toEqual({ id: 3, label: null, flag: 0, ratio: null, at: null });
  });

  it('splits rows across statements under the bind-parameter limit, losing none', async () => {
    await db('samples').delete();
    const rows = Array.from({ length: 7_001 }, (_, i) => [i + 1, `row ${i + 1}`, i % 2 === 0, i / 7, null]);
    await insertRows(db, 'samples', ['id', 'label', 'flag', 'ratio', 'at'], rows);
    const stored = await db('samples').count({ n: '*' }).sum({ ids: 'id' }).first();
    expect(Number(stored?.n)).toBe(7_001);
    expect(Number(stored?.ids)).toBe((7_001 * 7_002) / 2);
    expect(await db('samples').where({ id: 7_001 }).first()).toMatchObject({
      label: 'row 7001',
      flag: 1,
      ratio: 1_000,
    });
  });

  it('writes inside the transaction it is given: a rollback takes its rows with it, a commit keeps them', async () => {
    await db('samples').delete();
    await expect(
      db.transaction(async (trx) => {
        await insertRows(
          trx,
          'samples',
          ['id', 'label'],
          [
            [1, 'kept?'],
            [2, 'kept?'],
          ],
        );
        expect(Number((await trx('samples').count({ n: '*' }).first())?.n)).toBe(2);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(Number((await db('samples').count({ n: '*' }).first())?.n)).toBe(0);
    await db.transaction((trx) => insertRows(trx, 'samples', ['id', 'label'], [[3, 'kept']]));
    expect(await db('samples').select('id', 'label')).toEqual([{ id: 3, label: 'kept' }]);
  });

  it('refuses a row of the wrong length and a name that is not a plain identifier', async () => {
    await expect(insertRows(db, 'samples', ['id', 'label'], [[1]])).rejects.toThrow(/a row has 1 values for 2 columns/);
    await expect(insertRows(db, 'samples; drop table samples', ['id'], [[1]])).rejects.toThrow(/unexpected identifier/);
  });
});
