import type session from 'express-session';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../../server/clock.js';
import { createDb, migrateToLatest, type Db } from '../../../server/db/knex.js';
import { KnexSessionStore, TOUCH_AFTER_MS } from '../../../server/http/session/knex-session-store.js';

const call = <T>(fn: (cb: (err?: unknown, value?: T) => void) => void) =>
  new Promise<T | undefined>((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));

describe('the session store', () => {
  const clock = manualClock('2026-12-07T09:00:00Z');
  let db: Db;
  let store: KnexSessionStore;
  const writes: string[] = [];
  /** A rolling session's data as express-session hands it over: the cookie's expiry 8 hours from now. */
  const data = () =>
    ({ cookie: { expires: new Date(clock.now().getTime() + 8 * 3600_000) } }) as unknown as session.SessionData;
  const storedExpiry = async (sid: string) =>
    new Date((await db('sessions').where({ sid }).first('expires_at')).expires_at).toISOString();

  beforeAll(async () => {
    db = createDb({ client: 'sqlite', filename: ':memory:' });
    await migrateToLatest(db);
    db.on('query', (q: { sql: string }) => {
      if (/^update/i.test(q.sql)) writes.push(q.sql);
    });
    store = new KnexSessionStore(db, clock);
  });
  afterAll(() => db.destroy());

  it('writes a rolling session’s expiry again only once it moved a minute: not on every page view', async () => {
    await call((cb) => store.set('s1', data(), cb));
    const first = await storedExpiry('s1');
    for (let i = 0; i < 5; i++) {
      clock.advance(10_000);
      await call((cb) => store.get('s1', cb));
      await call<void>((cb) => store.touch('s1', data(), () => cb()));
    }
    // 50 seconds of views: the row keeps its expiry, no write.
    expect(writes).toEqual([]);
    expect(await storedExpiry('s1')).toBe(first);
    clock.advance(TOUCH_AFTER_MS - 50_000);
    await call<void>((cb) => store.touch('s1', data(), () => cb()));
    expect(writes).toHaveLength(1);
    expect(await storedExpiry('s1')).toBe(new Date(clock.now().getTime() + 8 * 3600_000).toISOString());
  });

  it('an expired or destroyed session reads as none', async () => {
    await call((cb) => store.set('s2', data(), cb));
    clock.advance(8 * 3600_000);
    expect(await call((cb) => store.get('s2', cb))).toBeNull();
    await call((cb) => store.set('s3', data(), cb));
    await call((cb) => store.destroy('s3', cb));
    expect(await call((cb) => store.get('s3', cb))).toBeNull();
  });
});
