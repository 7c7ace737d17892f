import type { Container } from '../server/container.js';
import { withJobLock } from '../server/features/jobs/with-job-lock.js';

/** Refresh tokens roll over 100 days; refreshing those with under 30 days left keeps idle companies connected. */
export const KEEPALIVE_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;

export const tokenKeepaliveJob = {
  name: 'token-keepalive',
  description: 'Refresh the OAuth tokens of connected companies whose refresh token expires within 30 days.',
  async run(c: Pick<Container, 'vault' | 'logger' | 'locks' | 'clock'>): Promise<string> {
    // Once per UTC day across all processes.
    const day = c.clock.now().toISOString().slice(0, 10);
    const lock = { job: 'token-keepalive', bucket: day, staleAfterMs: 3600_000, rerunFinished: false };
    const locked = await withJobLock(c.locks, c.clock, lock, async () => {
      return { value: await c.vault.keepAlive(KEEPALIVE_WINDOW_MS), status: 'succeeded' };
    });
    if (!locked.acquired) return `already done for ${day}`;
    const results = locked.value;
    const counts = results.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.outcome]: (acc[r.outcome] ?? 0) + 1 }), {});
    c.logger.info({ job: 'token-keepalive', ...counts }, 'token keep-alive finished');
    return results.length === 0 ? 'no connected companies' : Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ');
  },
};
