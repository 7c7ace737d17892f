import session from 'express-session';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/knex.js';
import { toDate } from '../../db/row-values.js';

const TABLE = 'sessions';
const DEFAULT_TTL_MS = 8 * 60 * 60 * 1000;
/**
 * A rolling session's expiry is written again only once it has moved this far: otherwise every page view would be a
 * write, and SQLite takes writes one at a time. The row can expire this much before the cookie does.
 */
export const TOUCH_AFTER_MS = 60_000;

/**
 * express-session's store on our own `sessions` table (created by a migration, not at run time), so
 * sessions live in the same database as everything else and survive restarts.
 */
export class KnexSessionStore extends session.Store {
  /** Each recent session's expiry as the table holds it, as this process last read or wrote it. */
  private readonly storedExpiry = new LRUCache<string, number>({ max: 10_000 });

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    super();
  }

  override get(sid: string, cb: (err: unknown, session?: session.SessionData | null) => void): void {
    this.db(TABLE)
      .where({ sid })
      .first()
      .then((row: { data: string; expires_at: unknown } | undefined) => {
        const expires = row ? toDate(row.expires_at)!.getTime() : 0;
        if (!row || expires <= this.clock.now().getTime()) return cb(null, null);
        this.storedExpiry.set(sid, expires);
        cb(null, JSON.parse(row.data) as session.SessionData);
      })
      .catch(cb);
  }

  override set(sid: string, data: session.SessionData, cb?: (err?: unknown) => void): void {
    const row = { sid, data: JSON.stringify(data), expires_at: this.expiry(data) };
    this.db(TABLE)
      .insert(row)
      .onConflict('sid')
      .merge(['data', 'expires_at'])
      .then(() => {
        this.storedExpiry.set(sid, row.expires_at.getTime());
        cb?.();
      })
      .catch((err: unknown) => cb?.(err));
  }

  override destroy(sid: string, cb?: (err?: unknown) => void): void {
    this.db(TABLE)
      .where({ sid })
      .delete()
      .then(() => {
        this.storedExpiry.delete(sid);
        cb?.();
      })
      .catch((err: unknown) => cb?.(err));
  }

  override touch(sid: string, data: session.SessionData, cb?: () => void): void {
    const expires = this.expiry(data);
    const stored = this.storedExpiry.get(sid);
    if (stored !== undefined && expires.getTime() >= stored && expires.getTime() - stored < TOUCH_AFTER_MS)
      return void cb?.();
    this.db(TABLE)
      .where({ sid })
      .update({ expires_at: expires })
      .then(() => {
        this.storedExpiry.set(sid, expires.getTime());
        cb?.();
      })
      .catch(() => cb?.());
  }

  /** Deletes expired sessions; run by the housekeeping job. */
  async purgeExpired(): Promise<number> {
    return this.db(TABLE).where('expires_at', '<=', this.clock.now()).delete();
  }

  private expiry(data: session.SessionData): Date {
    const cookieExpiry = data.cookie?.expires ? new Date(data.cookie.expires) : undefined;
    return cookieExpiry ?? new Date(this.clock.now().getTime() + DEFAULT_TTL_MS);
  }
}
