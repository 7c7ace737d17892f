import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../migrations/index.js';
import {
  createDb,
  MIGRATIONS_DIRECTORY,
  migrateToLatest,
  migrationsAreCurrent,
  rollbackAll,
} from '../../../server/db/knex.js';

describe('migrations', () => {
  it('lists every migration file in the folder, in order', () => {
    const files = fs
      .readdirSync(MIGRATIONS_DIRECTORY)
      .filter((f) => /^\d{14}_.*\.ts$/.test(f))
      .sort();
    expect(MIGRATIONS.map(([name]) => name)).toEqual(files);
  });

  it('migrates up, down and up again on SQLite', async () => {
    const db = createDb({ client: 'sqlite', filename: ':memory:' });
    try {
      expect(await migrateToLatest(db)).toHaveLength(MIGRATIONS.length);
      expect(await migrationsAreCurrent(db)).toBe(true);
      await rollbackAll(db);
      expect(await migrationsAreCurrent(db)).toBe(false);
      expect(await migrateToLatest(db)).toHaveLength(MIGRATIONS.length);
    } finally {
      await db.destroy();
    }
  });
});
