import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../server/clock.js';
import { withJobLock } from '../../../server/features/jobs/with-job-lock.js';

/** One lock in memory, recording what was acquired and released (the store's own rules are tested against SQLite). */
function recordingLocks(o: { held?: boolean } = {}) {
  const events: string[] = [];
  let holder: string | undefined;
  return {
    events,
    async tryAcquire(job: string, bucket: string, owner: string) {
      if (o.held || holder !== undefined) return false;
      holder = owner;
      events.push(`acquired ${job}/${bucket}`);
      return true;
    },
    async release(job: string, bucket: string, owner: string, status: 'succeeded' | 'failed') {
      if (owner !== holder) throw new Error('released by an owner that does not hold the lock');
      holder = undefined;
      events.push(`released ${job}/${bucket} ${status}`);
    },
  };
}

const clock = fixedClock('2026-11-25T02:30:00Z');
const lock = { job: 'nightly', bucket: 'r1:2026-11-25', staleAfterMs: 60_000, rerunFinished: false };

describe('withJobLock', () => {
  it("runs the work holding the lock and releases it with the work's status", async () => {
    const locks = recordingLocks();
    const outcome = await withJobLock(locks, clock, lock, async () => ({ value: 'done', status: 'failed' }));
    expect(outcome).toEqual({ acquired: true, value: 'done' });
    expect(locks.events).toEqual(['acquired nightly/r1:2026-11-25', 'released nightly/r1:2026-11-25 failed']);
  });

  it('does not run the work when another owner holds the lock', async () => {
    const locks = recordingLocks({ held: true });
    let ran = false;
    const outcome = await withJobLock(locks, clock, lock, async () => {
      ran = true;
      return { value: 1, status: 'succeeded' };
    });
    expect(outcome).toEqual({ acquired: false });
    expect(ran).toBe(false);
    expect(locks.events).toEqual([]);
  });

  it('releases the lock as failed when the work throws, and passes the error on', async () => {
    const locks = recordingLocks();
    const failing = withJobLock(locks, clock, lock, async () => {
      throw new Error('the database went away while finishing');
    });
    await expect(failing).rejects.toThrow('the database went away while finishing');
    expect(locks.events).toEqual(['acquired nightly/r1:2026-11-25', 'released nightly/r1:2026-11-25 failed']);
    // Released, so the next attempt gets the lock at once instead of waiting for it to go stale.
    const again = await withJobLock(locks, clock, lock, async () => ({ value: 'again', status: 'succeeded' }));
    expect(again).toEqual({ acquired: true, value: 'again' });
  });
});
