import type { Db } from '../../db/knex.js';
import type { JobLockStore } from './job-lock-store-type.js';
import { isDeadLocalOwner } from './lock-owner.js';

const TABLE = 'job_locks';

/**
 * job_locks in the database. A lock held past `staleAfterMs` by a process that died is taken over.
 * Insert-or-ignore plus a guarded update: two processes can never both win.
 */
export function createJobLockStore(db: Db): JobLockStore {
  return {
    async tryAcquire(job, bucket, owner, now, o) {
      const inserted = await db(TABLE)
        .insert({ job, bucket, owner, started_at: now, status: 'running' })
        .onConflict(['job', 'bucket'])
        .ignore()
        .returning('owner');
      if (inserted.length > 0) return true;
      // A lock held by a process on this host that was killed is taken over at once, not after staleAfterMs.
      const held = await db(TABLE).where({ job, bucket }).first();
      if (held?.status === 'running' && isDeadLocalOwner(String(held.owner))) {
        const takenOver = await db(TABLE)
          .where({ job, bucket, owner: held.owner })
          .update({ owner, started_at: now, finished_at: null, status: 'running' });
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

    async release(job, bucket, owner, status, now) {
      await db(TABLE).where({ job, bucket, owner }).update({ status, finished_at: now });
    },

    async status(job, bucket) {
      const row = await db(TABLE).where({ job, bucket }).first('status');
      const s = row?.status as string | undefined;
      return s === 'running' || s === 'succeeded' || s === 'failed' ? s : undefined;
    },
  };
}
