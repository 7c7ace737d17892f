import type { Clock } from '../../clock.js';
import type { JobLockStore, LockTerms } from './job-lock-store-type.js';
import { newLockOwner } from './lock-owner.js';

export interface JobLock extends LockTerms {
  job: string;
  bucket: string;
}

export type JobLockOutcome<T> = { acquired: false } | { acquired: true; value: T };

/**
 * Runs `work` holding a single-instance lock, and releases it with the status `work` reports. The release is in a
 * `finally`: when `work` throws, even while finishing, the lock is released as failed instead of staying held until
 * it goes stale. Returns `{ acquired: false }` without running `work` when another owner holds the lock.
 */
export async function withJobLock<T>(
  locks: Pick<JobLockStore, 'tryAcquire' | 'release'>,
  clock: Clock,
  lock: JobLock,
  work: () => Promise<{ value: T; status: 'succeeded' | 'failed' }>,
): Promise<JobLockOutcome<T>> {
  const owner = newLockOwner();
  const { job, bucket, staleAfterMs, rerunFinished } = lock;
  if (!(await locks.tryAcquire(job, bucket, owner, clock.now(), { staleAfterMs, rerunFinished })))
    return { acquired: false };
  let status: 'succeeded' | 'failed' = 'failed';
  try {
    const done = await work();
    status = done.status;
    return { acquired: true, value: done.value };
  } finally {
    await locks.release(job, bucket, owner, status, clock.now());
  }
}
