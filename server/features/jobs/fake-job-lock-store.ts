import type { JobLockStatus, JobLockStore } from './job-lock-store-type.js';

interface HeldLock {
  owner: string;
  startedAt: Date;
  finishedAt: Date | null;
  status: JobLockStatus;
}

/**
 * JobLockStore in memory, for unit tests: the same rules for taking a lock (free, stale while running, failed, or
 * finished with `rerunFinished`) and releasing it (only by its owner). It does not look for dead local processes.
 */
export function createFakeJobLockStore(): JobLockStore & { held(job: string, bucket: string): HeldLock | undefined } {
  const locks = new Map<string, HeldLock>();
  const key = (job: string, bucket: string) => `${job}\u0000${bucket}`;
  return {
    async tryAcquire(job, bucket, owner, now, o) {
      const held = locks.get(key(job, bucket));
      const stale = held?.status === 'running' && held.startedAt.getTime() < now.getTime() - o.staleAfterMs;
      const rerunnable = held !== undefined && (o.rerunFinished ? held.status !== 'running' : held.status === 'failed');
      if (held && !stale && !rerunnable) return false;
      locks.set(key(job, bucket), { owner, startedAt: now, finishedAt: null, status: 'running' });
      return true;
    },
    async release(job, bucket, owner, status, now) {
      const held = locks.get(key(job, bucket));
      if (held?.owner === owner) locks.set(key(job, bucket), { ...held, status, finishedAt: now });
    },
    async status(job, bucket) {
      return locks.get(key(job, bucket))?.status;
    },
    held(job, bucket) {
      const held = locks.get(key(job, bucket));
      return held && { ...held };
    },
  };
}
