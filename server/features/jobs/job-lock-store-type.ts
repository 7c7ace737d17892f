export type JobLockStatus = 'running' | 'succeeded' | 'failed';

export interface LockTerms {
  /** A lock still running after this long is taken to be abandoned and may be taken over. */
  staleAfterMs: number;
  /** Whether a bucket that finished (succeeded or failed) may run again, or only one that failed. */
  rerunFinished: boolean;
}

/**
 * Single-instance locks for jobs (job_locks), by (job, bucket): a bucket like `<realm>:<date>` runs once ever;
 * a bucket like `<realm>` runs once at a time.
 */
export interface JobLockStore {
  /**
   * Takes the lock when nobody holds it, when its holder went stale or died, when it failed, or (with
   * `rerunFinished`) when it finished. Compare-and-set: two owners never both win.
   */
  tryAcquire(job: string, bucket: string, owner: string, now: Date, terms: LockTerms): Promise<boolean>;
  /** Marks the lock finished, only while `owner` still holds it. */
  release(job: string, bucket: string, owner: string, status: 'succeeded' | 'failed', now: Date): Promise<void>;
  /** How a bucket's run stands, if it ever started. */
  status(job: string, bucket: string): Promise<JobLockStatus | undefined>;
}
