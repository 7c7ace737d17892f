import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import type { JobLockStore } from '../jobs/job-lock-store-type.js';
import { withJobLock } from '../jobs/with-job-lock.js';
import type { TokenVault } from './token-vault.js';

/** Refresh tokens roll over 100 days; refreshing those with under 30 days left keeps idle companies connected. */
export const KEEPALIVE_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;
const KEEPALIVE_STALE_AFTER_MS = 3600_000;

export interface TokenKeepaliveDeps {
  vault: Pick<TokenVault, 'keepAlive'>;
  locks: JobLockStore;
  clock: Clock;
  logger: Logger;
}

/** The daily token keep-alive, once per UTC day across all processes. */
export class TokenKeepaliveService {
  constructor(private readonly d: TokenKeepaliveDeps) {}

  /** Refreshes refresh tokens that expire within the window; returns a summary line ("2 fresh, 1 refreshed"). */
  async runToday(): Promise<string> {
    const day = this.d.clock.now().toISOString().slice(0, 10);
    const lock = { job: 'token-keepalive', bucket: day, staleAfterMs: KEEPALIVE_STALE_AFTER_MS, rerunFinished: false };
    const locked = await withJobLock(this.d.locks, this.d.clock, lock, async () => {
      return { value: await this.d.vault.keepAlive(KEEPALIVE_WINDOW_MS), status: 'succeeded' };
    });
    if (!locked.acquired) return `already done for ${day}`;
    const results = locked.value;
    const counts = results.reduce<Record<string, number>>(
      (acc, r) => ({ ...acc, [r.outcome]: (acc[r.outcome] ?? 0) + 1 }),
      {},
    );
    this.d.logger.info({ job: 'token-keepalive', ...counts }, 'token keep-alive finished');
    if (results.length === 0) return 'no connected companies';
    return Object.entries(counts)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ');
  }
}
