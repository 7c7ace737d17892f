import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, migrateToLatest, type Db } from '../../../server/db/knex.js';
import { createConnectionStore } from '../../../server/features/connections/connection-store.js';
import type { ConnectionStore, SealedConnection } from '../../../server/features/connections/connection-store-type.js';
import { createFakeConnectionStore } from '../../../server/features/connections/fake-connection-store.js';
import { createFakeJobLockStore } from '../../../server/features/jobs/fake-job-lock-store.js';
import { createJobLockStore } from '../../../server/features/jobs/job-lock-store.js';
import type { JobLockStore } from '../../../server/features/jobs/job-lock-store-type.js';
import { createFakeSyncStore } from '../../../server/features/sync/fake-sync-store.js';
import { createFakeWebhookEventStore } from '../../../server/features/sync/fake-webhook-event-store.js';
import { syncEntity } from '../../../server/features/sync/sync-entities.js';
import { createSyncStore } from '../../../server/features/sync/sync-store.js';
import type { SyncStore } from '../../../server/features/sync/sync-store-type.js';
import { createWebhookEventStore } from '../../../server/features/sync/webhook-event-store.js';
import type { WebhookEventStore } from '../../../server/features/sync/webhook-event-store-type.js';

/** The in-memory fakes keep the rules of the knex stores that services rely on: the same steps, the same answers. */
let db: Db;
beforeAll(async () => {
  db = createDb({ client: 'sqlite', filename: ':memory:' });
  await migrateToLatest(db);
});
afterAll(() => db.destroy());

const T0 = new Date('2026-11-25T09:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
let realm = 0;
/** Each case gets a company of its own, so the knex stores can share one database. */
async function nextRealm(): Promise<string> {
  const realmId = String(++realm);
  await db('companies').insert({
    realm_id: realmId,
    company_name: 'Fixture',
    environment: 'sandbox',
    status: 'connected',
    created_at: T0,
    updated_at: T0,
  });
  return realmId;
}

const stores = <T>(knex: () => T, fake: () => T) => [
  { name: 'knex', make: knex },
  { name: 'fake', make: fake },
];

describe.each(stores<JobLockStore>(() => createJobLockStore(db), createFakeJobLockStore))(
  'JobLockStore ($name)',
  ({ make }) => {
    const terms = { staleAfterMs: 60_000, rerunFinished: false };

    it('lets one owner hold a running lock until it goes stale', async () => {
      const locks = make();
      const bucket = await nextRealm();
      expect(await locks.status('nightly', bucket)).toBeUndefined();
      expect(await locks.tryAcquire('nightly', bucket, 'a', at(0), terms)).toBe(true);
      expect(await locks.status('nightly', bucket)).toBe('running');
      expect(await locks.tryAcquire('nightly', bucket, 'b', at(59), terms)).toBe(false);
      await locks.release('nightly', bucket, 'b', 'succeeded', at(59)); // not b's to release
      expect(await locks.tryAcquire('nightly', bucket, 'c', at(59), terms)).toBe(false);
      expect(await locks.tryAcquire('nightly', bucket, 'c', at(61), terms)).toBe(true);
    });

    it('runs a finished bucket again only when asked to, and a failed one always', async () => {
      const locks = make();
      const bucket = await nextRealm();
      await locks.tryAcquire('nightly', bucket, 'a', at(0), terms);
      await locks.release('nightly', bucket, 'a', 'succeeded', at(1));
      expect(await locks.status('nightly', bucket)).toBe('succeeded');
      expect(await locks.tryAcquire('nightly', bucket, 'b', at(2), terms)).toBe(false);
      expect(await locks.tryAcquire('nightly', bucket, 'b', at(2), { ...terms, rerunFinished: true })).toBe(true);
      await locks.release('nightly', bucket, 'b', 'failed', at(3));
      expect(await locks.tryAcquire('nightly', bucket, 'c', at(4), terms)).toBe(true);
    });
  },
);

describe.each(stores<ConnectionStore>(() => createConnectionStore(db), createFakeConnectionStore))(
  'ConnectionStore refresh lease ($name)',
  ({ make }) => {
    const sealed = (realmId: string, token: string): SealedConnection => ({
      realmId,
      accessTokenEnc: token,
      accessExpiresAt: at(3600),
      refreshTokenEnc: token,
      refreshExpiresAt: at(86_400),
      refreshHardExpiresAt: null,
      scopes: 'accounting',
      lastRefreshAt: null,
      lastIntuitTid: null,
    });

    it('takes the lease by compare-and-set, saves tokens only for its holder and bumps the token version', async () => {
      const store = make();
      const realmId = await nextRealm();
      const company = {
        realmId,
        companyName: 'Fixture',
        environment: 'sandbox',
        status: 'connected' as const,
        timeZone: null,
        homeCurrency: null,
        connectedAt: T0,
      };
      await store.saveConnected(company, sealed(realmId, 'v1'), T0);
      const version = (await store.getConnection(realmId))!.tokenVersion!;
      expect(await store.acquireRefreshLease(realmId, 'a', at(30), at(0))).toBe(true);
      expect(await store.acquireRefreshLease(realmId, 'b', at(40), at(10))).toBe(false);
      await store.releaseRefreshLease(realmId, 'b');
      expect(await store.saveRefreshed(sealed(realmId, 'from-b'), 'b', at(11))).toBe(false);
      expect(await store.saveRefreshed(sealed(realmId, 'from-a'), 'a', at(12))).toBe(true);
      expect(await store.getConnection(realmId)).toMatchObject({ accessTokenEnc: 'from-a', tokenVersion: version + 1 });
      // Saving cleared the lease; an expired lease is taken over too.
      expect(await store.acquireRefreshLease(realmId, 'b', at(43), at(13))).toBe(true);
      expect(await store.acquireRefreshLease(realmId, 'c', at(80), at(43))).toBe(true);
      expect(await store.saveRefreshed(sealed(realmId, 'late-b'), 'b', at(44))).toBe(false);
    });
  },
);

describe.each(stores<WebhookEventStore>(() => createWebhookEventStore(db), createFakeWebhookEventStore))(
  'WebhookEventStore ($name)',
  ({ make }) => {
    it('queues one event per waiting object, a Delete wins, in order, until processed', async () => {
      const events = make();
      const realmId = await nextRealm();
      const event = (qboId: string, operation: string) => ({
        realmId,
        entity: 'Invoice',
        qboId,
        operation,
        lastUpdated: null,
      });
      expect(await events.enqueue(event('1', 'Update'), T0)).toBe(true);
      expect(await events.enqueue(event('2', 'Create'), T0)).toBe(true);
      expect(await events.enqueue(event('1', 'Update'), T0)).toBe(false);
      expect(await events.enqueue(event('1', 'Delete'), T0)).toBe(false);
      const pending = (await events.pending(10)).filter((e) => e.realmId === realmId);
      expect(pending.map((e) => [e.qboId, e.operation])).toEqual([
        ['1', 'Delete'],
        ['2', 'Create'],
      ]);
      await events.markProcessed(
        pending.map((e) => e.id),
        at(1),
      );
      expect((await events.pending(10)).filter((e) => e.realmId === realmId)).toEqual([]);
      expect(await events.enqueue(event('1', 'Update'), at(2))).toBe(true);
    });
  },
);

describe.each(stores<SyncStore>(() => createSyncStore(db), createFakeSyncStore))('SyncStore ($name)', ({ make }) => {
  const Term = syncEntity('Term')!;
  const term = (realmId: string, id: string, updated: Date, name = `Net ${id}`) =>
    Term.map(realmId, {
      Id: id,
      SyncToken: '0',
      Name: name,
      DueDays: 30,
      Active: true,
      MetaData: { LastUpdatedTime: updated.toISOString() },
    });
  const state = {
    entity: 'Term',
    phase: 'full' as const,
    watermarkRaw: null,
    watermarkAt: at(5),
    watermarkSkip: 1,
    fullSweepId: 's1',
    fullStartedAt: T0,
    lastSuccessAt: null,
    lastReconcileAt: null,
  };

  it('never replaces a newer row with an older one, saves the cursor with the page, sweeps rows not seen', async () => {
    const store = make();
    const realmId = await nextRealm();
    await store.writePage(realmId, Term, {
      upserts: [term(realmId, '1', at(5)), term(realmId, '2', at(5))],
      sweepId: 's0',
      state: null,
    });
    expect(
      await store.writePage(realmId, Term, { upserts: [term(realmId, '1', at(1), 'older')], sweepId: 's1', state }),
    ).toEqual({ upserted: 0, deleted: 0 });
    expect((await store.states(realmId)).get('Term')).toEqual(state);
    expect(await store.sweep(realmId, Term, 's1', at(9))).toBe(1);
    expect(await store.rowCounts(realmId, [Term])).toEqual({ Term: 1 });
    expect(
      await store.writePage(realmId, Term, {
        upserts: [],
        deletedIds: ['1', '2'],
        deletedAt: at(10),
        sweepId: null,
        state: null,
      }),
    ).toEqual({ upserted: 0, deleted: 1 });
  });

  it('lists runs newest first and fails the ones a dead process left running', async () => {
    const store = make();
    const realmId = await nextRealm();
    const first = await store.startRun(realmId, 'manual', 'full', at(0));
    await store.finishRun(first, { status: 'succeeded', at: at(1) });
    const second = await store.startRun(realmId, 'nightly', 'incremental', at(2));
    await store.updateRun(second, { apiCalls: 4, progress: { entity: 'Term', rows: 3, pages: 1 } });
    await store.failAbandonedRuns(realmId, at(3));
    const runs = await store.runs(realmId);
    expect(runs.map((r) => [r.id, r.status, r.apiCalls])).toEqual([
      [second, 'failed', 4],
      [first, 'succeeded', 0],
    ]);
    expect(runs[0]).toMatchObject({
      errorClass: 'transient',
      finishedAt: at(3),
      progress: { entity: 'Term', rows: 3, pages: 1 },
    });
  });

  it('tells when the last successful sync finished, and null for a company never synced', async () => {
    const store = make();
    const realmId = await nextRealm();
    expect(await store.lastSucceededAt(realmId)).toBeNull();
    const failed = await store.startRun(realmId, 'connect', 'full', at(0));
    await store.finishRun(failed, { status: 'failed', at: at(1) });
    expect(await store.lastSucceededAt(realmId)).toBeNull();
    for (const [start, end] of [
      [2, 3],
      [4, 5],
    ] as const)
      await store.finishRun(await store.startRun(realmId, 'manual', 'incremental', at(start)), {
        status: 'succeeded',
        at: at(end),
      });
    await store.finishRun(await store.startRun(realmId, 'manual', 'incremental', at(6)), {
      status: 'failed',
      at: at(7),
    });
    expect(await store.lastSucceededAt(realmId)).toEqual(at(5));
  });
});
