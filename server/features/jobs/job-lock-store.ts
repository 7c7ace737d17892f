import type { Db } from '../../db/knex.js';
import { isDeadLocalOwner } from './lock-owner.js';

const TABLE = 'job_locks';

/**
 * Single-instance locks for jobs, by (job, bucket): a bucket like `nightly:<realm>:<date>` runs once ever;
 * a bucket like `sync:<realm>` runs once at a time. A lock held past `staleAfterMs` by a process that died is
 * taken over. Insert-or-ignore plus a guarded update: two processes can never both win.
 */
export function createJobLockStore(db: Db) {
  return {
    async tryAcquire(job: string, bucket: string, owner: string, now: Date, o: { staleAfterMs: number; rerunFinished: boolean }): Promise<boolean> {
      const inserted = await db(TABLE).insert({ job, bucket, owner, started_at: now, status: 'running' }).onConflict(['job', 'bucket']).ignore().returning('owner');
      if (inserted.length > 0) return true;
      // A lock held by a process on this host that was killed is taken over at once, not after staleAfterMs.
      const held = await db(TABLE).where({ job, bucket }).first();
      if (held?.status === 'running' && isDeadLocalOwner(String(held.owner))) {
        const takenOver = await db(TABLE).where({ job, bucket, owner: held.owner }).update({ owner, started_at: now, finished_at: null, status: 'running' });
        if (takenOver === 1) return true;
      }
      const taken = await db(TABLE)
        .where({ job, bucket })
        .andWhere((q) => {
          q.where('started_at', '<', new Date(now.getTime() - o.staleAfterMs)).andWhere('status', 'running');
          if (o.rerunFinished) q.orWhereNot('status', 'running');
          else q.orWhere('status', 'failed');
        })
        .update({ owner, started_at: now, finished_at: null, status: 'running' });
      return taken === 1;
    },

    async release(job: string, bucket: string, owner: string, status: 'succeeded' | 'failed', now: Date): Promise<void> {
      await db(TABLE).where({ job, bucket, owner }).update({ status, finished_at: now });
    },

    /** How the nightly run of a company's local date stands (jobs/nightly.job.ts locks it), if it started. */
    async nightlyStatus(realmId: string, date: string): Promise<'running' | 'succeeded' | 'failed' | undefined> {
      const row = await db(TABLE).where({ job: 'nightly', bucket: `${realmId}:${date}` }).first('status');
      const s = row?.status as string | undefined;
      return s === 'running' || s === 'succeeded' || s === 'failed' ? s : undefined;
    },
  };
}

export type JobLockStore = ReturnType<typeof createJobLockStore>;
