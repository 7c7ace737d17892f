import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCompany } from '../../../server/emulator/generator/generate-company.js';
import { differences, dumpLocalCopy, syncWorld, type SyncWorld } from '../../support/sync-harness.js';

const OPTIONS = { seed: 5, customers: 120, months: 12, asOf: '2026-10-31' } as const;
const control = (w: SyncWorld, path: string, body: unknown) =>
  fetch(`${w.emulator.url}/emulator${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/** Syncs until a run succeeds (at most `max` runs), as the nightly schedule would over several nights. */
async function syncUntilSucceeded(w: SyncWorld, max = 10): Promise<number> {
  for (let i = 1; i <= max; i++) {
    if ((await w.t.container.sync.sync(w.realmId)).status === 'succeeded') return i;
  }
  throw new Error(`no successful run in ${max}`);
}

describe('sync under faults converges to what a clean run produces', () => {
  let clean: SyncWorld;
  let expected: Record<string, unknown[]>;

  beforeAll(async () => {
    clean = await syncWorld({ file: generateCompany(OPTIONS) });
    expect((await clean.t.container.sync.sync(clean.realmId)).status).toBe('succeeded');
    expected = await dumpLocalCopy(clean);
  });
  afterAll(() => clean.close());

  it('with 429 bursts, 500s, dropped connections and latency', async () => {
    const w = await syncWorld({ file: generateCompany(OPTIONS) });
    try {
      await control(w, '/faults', { spec: { kind: 'throttle' }, count: 3 });
      await control(w, '/faults', { spec: { kind: 'status', status: 500 }, count: 2 });
      await control(w, '/faults', { spec: { kind: 'drop' }, count: 2 });
      await control(w, '/faults/random', { rate: 0.15, spec: { kind: 'status', status: 503 } });
      await control(w, '/latency', { minMs: 0, maxMs: 15 });
      await syncUntilSucceeded(w);
      const run = (await w.t.container.syncStore.runs(w.realmId, 1))[0]!;
      expect(run.throttledMs).toBeGreaterThan(0); // it backed off
      expect(await differences(w)).toEqual([]);
      expect(await dumpLocalCopy(w)).toEqual(expected);
    } finally {
      await w.close();
    }
  });

  it('a crash between reading and committing a page: the next run resumes without loss or duplicates', async () => {
    const w = await syncWorld({ file: generateCompany(OPTIONS) });
    try {
      const store = w.t.container.syncStore;
      const original = store.writePage.bind(store);
      let pages = 0;
      store.writePage = async (...args: Parameters<typeof original>) => {
        if (++pages === 6) throw new Error('killed while writing a page'); // the second page of invoices
        return original(...args);
      };
      const crashed = await w.t.container.sync.sync(w.realmId);
      expect(crashed.status).toBe('failed');
      store.writePage = original;
      const states = await store.states(w.realmId);
      // a cursor was kept mid-pass
      expect([...states.values()].some((s) => s.phase === 'full' && s.watermarkRaw !== null)).toBe(true);
      expect(await syncUntilSucceeded(w)).toBe(1);
      expect(await dumpLocalCopy(w)).toEqual(expected);
    } finally {
      await w.close();
    }
  });

  it('a reconnect-needed failure stops the run, marks the company and is not retried', async () => {
    const w = await syncWorld({ file: generateCompany(OPTIONS) });
    try {
      await fetch(`${w.emulator.url}/emulator/realms/${w.realmId}/revoke`, { method: 'POST' });
      const run = await w.t.container.sync.sync(w.realmId);
      expect(run).toMatchObject({ status: 'failed', errorClass: 'reauth' });
      expect(run.apiCalls).toBeLessThanOrEqual(2);
      expect((await w.t.container.connections.getCompany(w.realmId))?.status).toBe('needs_reauth');
    } finally {
      await w.close();
    }
  });

  it('a failure while finishing a run releases the lock, so the next run starts at once', async () => {
    const w = await syncWorld({ customers: 10 });
    try {
      const store = w.t.container.syncStore;
      const original = store.finishRun.bind(store);
      store.finishRun = async () => {
        throw new Error('the database went away while finishing');
      };
      await expect(w.t.container.sync.sync(w.realmId)).rejects.toThrow('the database went away while finishing');
      store.finishRun = original;
      const lock = await w.t.container.db('job_locks').where({ job: 'sync', bucket: w.realmId }).first();
      expect(lock.status).toBe('failed');
      expect((await w.t.container.sync.sync(w.realmId)).status).toBe('succeeded');
    } finally {
      await w.close();
    }
  });
});
