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
import type { WritebackKind } from '../../../server/features/writeback/domain/entity-changes.js';
import { DEFAULT_WRITEBACK_SETTINGS } from '../../../server/features/writeback/domain/writeback-plan.js';
import { createFakeWritebackStore } from '../../../server/features/writeback/fake-writeback-store.js';
import { createWritebackStore } from '../../../server/features/writeback/writeback-store.js';
import { DEFAULT_REMINDER_POLICY } from '../../../server/features/reminders/domain/reminder-policy.js';
import {
  DEFAULT_REMINDER_TEMPLATES,
  parseReminderTemplates,
  type ReminderTemplates,
} from '../../../server/features/reminders/domain/reminder-templates.js';
import { createFakeReminderStore } from '../../../server/features/reminders/fake-reminder-store.js';
import { createReminderStore } from '../../../server/features/reminders/reminder-store.js';
import type {
  NewReminder,
  ReminderMove,
  ReminderStore,
} from '../../../server/features/reminders/reminder-store-type.js';
import type {
  NewWriteback,
  Writeback,
  WritebackStore,
} from '../../../server/features/writeback/writeback-store-type.js';

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
  'ConnectionStore companies and refresh lease ($name)',
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

    it('lists every company by name, or only those asked for', async () => {
      const store = make();
      const [a, b] = [await nextRealm(), await nextRealm()];
      for (const [realmId, companyName] of [
        [a, 'Zeta Works'],
        [b, 'Alpha Supply'],
      ] as const)
        await store.saveConnected(
          {
            realmId,
            companyName,
            environment: 'sandbox',
            status: 'connected',
            timeZone: null,
            homeCurrency: null,
            connectedAt: T0,
          },
          sealed(realmId, 'v1'),
          T0,
        );
      const names = (list: { companyName: string }[]) => list.map((c) => c.companyName);
      expect(names(await store.listCompanies([a, b]))).toEqual(['Alpha Supply', 'Zeta Works']);
      expect(names(await store.listCompanies([a]))).toEqual(['Zeta Works']);
      expect(await store.listCompanies([])).toEqual([]);
      expect(names(await store.listCompanies())).toEqual(expect.arrayContaining(['Alpha Supply', 'Zeta Works']));
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

    it('keeps the later lastUpdated of joined notifications, and none when one of them has none', async () => {
      const events = make();
      const realmId = await nextRealm();
      const event = (qboId: string, lastUpdated: string | null) => ({
        realmId,
        entity: 'Customer',
        qboId,
        operation: 'Update',
        lastUpdated,
      });
      await events.enqueue(event('1', '2026-11-25T09:00:05Z'), T0);
      await events.enqueue(event('1', '2026-11-25T01:00:10-08:00'), T0);
      await events.enqueue(event('1', '2026-11-25T09:00:07Z'), T0);
      await events.enqueue(event('2', '2026-11-25T09:00:05Z'), T0);
      await events.enqueue(event('2', null), T0);
      const pending = (await events.pending(10)).filter((e) => e.realmId === realmId);
      expect(pending.map((e) => [e.qboId, e.operation, e.lastUpdated])).toEqual([
        ['1', 'Update', '2026-11-25T01:00:10-08:00'],
        ['2', 'Update', null],
      ]);
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

  it('tells when each record last changed as the copy holds it, leaving out deleted and unknown ones', async () => {
    const store = make();
    const realmId = await nextRealm();
    await store.writePage(realmId, Term, {
      upserts: [term(realmId, '1', at(5)), term(realmId, '2', at(6)), term(realmId, '3', at(7))],
      deletedIds: [],
      sweepId: null,
      state: null,
    });
    await store.writePage(realmId, Term, {
      upserts: [],
      deletedIds: ['3'],
      deletedAt: at(8),
      sweepId: null,
      state: null,
    });
    expect(await store.updatedAt(realmId, Term, ['1', '2', '3', '4'])).toEqual(
      new Map([
        ['1', at(5)],
        ['2', at(6)],
      ]),
    );
    expect(await store.updatedAt(await nextRealm(), Term, ['1'])).toEqual(new Map());
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

describe.each(stores<WritebackStore>(() => createWritebackStore(db), createFakeWritebackStore))(
  'WritebackStore ($name)',
  ({ make }) => {
    const row = (realmId: string, targetId: string, o: Partial<NewWriteback> = {}): NewWriteback => ({
      realmId,
      kind: 'customer_unlabel' as WritebackKind,
      targetType: 'Customer',
      targetId,
      customerId: targetId,
      targetName: `Customer ${targetId}`,
      payload: { editedBlock: 'keep' },
      idempotencyKey: `key-${targetId}`,
      origin: 'cli',
      actor: 'test',
      ...o,
    });
    const ids = (rows: readonly Writeback[]) => rows.map((r) => r.id);
    const statuses = async (store: WritebackStore, realmId: string) =>
      Object.fromEntries((await store.list(realmId, { limit: 100 })).map((r) => [r.targetId, r.status]));
    const error = { errorClass: 'transient' as const, code: '10000', message: 'QuickBooks failed', intuitTid: 'tid-1' };

    it('adds a row once per key and company; a new pending row supersedes the pending ones it replaces', async () => {
      const store = make();
      const [a, b] = [await nextRealm(), await nextRealm()];
      const first = await store.enqueue([row(a, '1'), row(a, '1'), row(a, '2'), row(b, '1')], at(0));
      expect(first.map((r) => [r.realmId, r.targetId, r.status])).toEqual([
        [a, '1', 'pending'],
        [a, '2', 'pending'],
        [b, '1', 'pending'],
      ]);
      expect(first[0]).toMatchObject({
        kind: 'customer_unlabel',
        targetType: 'Customer',
        customerId: '1',
        targetName: 'Customer 1',
        payload: { editedBlock: 'keep' },
        origin: 'cli',
        actor: 'test',
        attempts: 0,
        nextAttemptAt: at(0),
        lastError: null,
        result: null,
        createdAt: at(0),
        updatedAt: at(0),
        finishedAt: null,
      });
      expect(first[0]!.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(new Set(first.map((r) => r.requestId)).size).toBe(3);
      expect(await store.get(a, first[0]!.id)).toEqual(first[0]);
      expect(await store.get(b, first[0]!.id)).toBeUndefined();
      // The same key again adds nothing; a new key for target 1 supersedes its pending row, not target 2's, not
      // another kind's, not another company's.
      expect(await store.enqueue([row(a, '1')], at(1))).toEqual([]);
      await store.enqueue([row(a, '2', { kind: 'customer_label', idempotencyKey: 'label-2' })], at(1));
      const second = await store.enqueue([row(a, '1', { idempotencyKey: 'key-1-again' })], at(2));
      expect(second).toHaveLength(1);
      const rows = await store.list(a);
      expect(rows.map((r) => [r.targetId, r.kind, r.status])).toEqual([
        ['1', 'customer_unlabel', 'pending'],
        ['2', 'customer_label', 'pending'],
        ['2', 'customer_unlabel', 'pending'],
        ['1', 'customer_unlabel', 'superseded'],
      ]);
      expect(rows[3]).toMatchObject({ updatedAt: at(2), finishedAt: at(2) });
      expect(await statuses(store, b)).toEqual({ '1': 'pending' });
    });

    it('records a decision not to write as a skipped row, which supersedes nothing', async () => {
      const store = make();
      const realmId = await nextRealm();
      await store.enqueue([row(realmId, '1')], at(0));
      const [skipped] = await store.enqueue(
        [
          row(realmId, '1', {
            idempotencyKey: 'edited-block:1:abc',
            status: 'skipped',
            result: { outcome: 'edited-block-kept', fields: [] },
          }),
        ],
        at(1),
      );
      expect(skipped).toMatchObject({
        status: 'skipped',
        result: { outcome: 'edited-block-kept', fields: [] },
        finishedAt: at(1),
      });
      expect((await store.list(realmId)).map((r) => r.status)).toEqual(['skipped', 'pending']);
    });

    it('keeps every pending note of a target: notes add up, none supersedes another', async () => {
      const store = make();
      const realmId = await nextRealm();
      const note = (key: string): Partial<NewWriteback> => ({
        kind: 'invoice_note',
        targetType: 'Invoice',
        payload: { line: `2026-12-07 Duesense reminder ${key}`, key },
        idempotencyKey: `invoice_note:130:${key}`,
        origin: 'reminders',
      });
      await store.enqueue([row(realmId, '130', note('r1'))], at(0));
      await store.enqueue([row(realmId, '130', note('r2'))], at(1));
      expect((await store.list(realmId)).map((r) => [r.kind, r.status, r.origin])).toEqual([
        ['invoice_note', 'pending', 'reminders'],
        ['invoice_note', 'pending', 'reminders'],
      ]);
    });

    it('claims due rows oldest first, and takes again rows a dead process left in flight', async () => {
      const store = make();
      const [realmId, other] = [await nextRealm(), await nextRealm()];
      const added = await store.enqueue(
        ['1', '2', '3', '4'].map((id) => row(realmId, id)),
        at(0),
      );
      await store.enqueue([row(other, '9')], at(0));
      await store.fail(added[3]!.id, { error, retryAt: at(100), at: at(0) }); // not due before 100 s
      const claimed = await store.claim(realmId, { now: at(10), staleBefore: at(-600), limit: 2 });
      expect(ids(claimed)).toEqual(ids(added.slice(0, 2)));
      expect(claimed.every((r) => r.status === 'in_flight' && r.attempts === 1)).toBe(true);
      expect(claimed[0]!.updatedAt).toEqual(at(10));
      // In flight and not stale: not taken again.
      expect(ids(await store.claim(realmId, { now: at(20), staleBefore: at(-580), limit: 10 }))).toEqual([
        added[2]!.id,
      ]);
      expect(await store.claim(realmId, { now: at(30), staleBefore: at(5), limit: 10 })).toEqual([]);
      // Stale (in flight since before staleBefore): taken again, with the row whose retry time has come.
      const again = await store.claim(realmId, { now: at(700), staleBefore: at(15), limit: 10 });
      expect(again.map((r) => [r.id, r.attempts])).toEqual([
        [added[0]!.id, 2],
        [added[1]!.id, 2],
        [added[3]!.id, 1],
      ]);
      expect(await statuses(store, other)).toEqual({ '9': 'pending' });
    });

    it('finishes, fails (to retry or for good), releases and retries rows', async () => {
      const store = make();
      const [realmId, other] = [await nextRealm(), await nextRealm()];
      const added = await store.enqueue(
        ['1', '2', '3', '4'].map((id) => row(realmId, id)),
        at(0),
      );
      await store.claim(realmId, { now: at(1), staleBefore: at(0), limit: 10 });
      const [done, retrying, failed, released] = ids(added) as [number, number, number, number];
      await store.finish(done, { status: 'done', result: { outcome: 'written', fields: ['Notes'] }, at: at(2) });
      await store.fail(retrying, { error, retryAt: at(60), at: at(2) });
      await store.fail(failed, { error: { ...error, message: 'x'.repeat(1500) }, retryAt: null, at: at(2) });
      await store.release([released], at(2));
      expect(await store.get(realmId, done)).toMatchObject({
        status: 'done',
        result: { outcome: 'written', fields: ['Notes'] },
        finishedAt: at(2),
        attempts: 1,
      });
      expect(await store.get(realmId, retrying)).toMatchObject({
        status: 'pending',
        nextAttemptAt: at(60),
        lastError: error,
        finishedAt: null,
      });
      const parked = (await store.get(realmId, failed))!;
      expect(parked).toMatchObject({ status: 'failed', finishedAt: at(2), attempts: 1 });
      expect(parked.lastError?.message).toHaveLength(1000);
      expect(await store.get(realmId, released)).toMatchObject({ status: 'pending', attempts: 0, updatedAt: at(2) });
      // Only a failed row of the company goes back.
      expect(await store.retry(other, failed, at(3))).toBe(false);
      expect(await store.retry(realmId, done, at(3))).toBe(false);
      expect(await store.retry(realmId, failed, at(3))).toBe(true);
      expect(await store.get(realmId, failed)).toMatchObject({
        status: 'pending',
        attempts: 0,
        nextAttemptAt: at(3),
        finishedAt: null,
      });
      expect(await store.counts(realmId)).toEqual({
        pending: 3,
        in_flight: 0,
        done: 1,
        failed: 0,
        skipped: 0,
        superseded: 0,
      });
    });

    it('lists newest first with filters and keyset paging', async () => {
      const store = make();
      const realmId = await nextRealm();
      const added = await store.enqueue(
        [
          row(realmId, '1'),
          row(realmId, '2'),
          row(realmId, '3', { kind: 'customer_label' }),
          row(realmId, '4', { kind: 'invoice_tier', targetType: 'Invoice', customerId: '1' }),
        ],
        at(0),
      );
      await store.claim(realmId, { now: at(1), staleBefore: at(0), limit: 1 });
      const all = ids(added).reverse();
      expect(ids(await store.list(realmId))).toEqual(all);
      expect(ids(await store.list(realmId, { limit: 2 }))).toEqual(all.slice(0, 2));
      expect(ids(await store.list(realmId, { beforeId: all[1], limit: 2 }))).toEqual(all.slice(2, 4));
      expect(ids(await store.list(realmId, { customerId: '1' }))).toEqual([added[3]!.id, added[0]!.id]);
      expect(ids(await store.list(realmId, { kind: 'customer_label' }))).toEqual([added[2]!.id]);
      expect(ids(await store.list(realmId, { status: 'in_flight' }))).toEqual([added[0]!.id]);
      expect(await store.list(await nextRealm())).toEqual([]);
    });

    it('names the companies with rows due: pending rows whose time has come and stale rows in flight', async () => {
      const store = make();
      const [due, later, stuck, done] = [await nextRealm(), await nextRealm(), await nextRealm(), await nextRealm()];
      const mine = new Set([due, later, stuck, done]);
      await store.enqueue([row(due, '1')], at(0));
      const [l] = await store.enqueue([row(later, '1')], at(0));
      await store.fail(l!.id, { error, retryAt: at(100), at: at(0) });
      await store.enqueue([row(stuck, '1')], at(0));
      await store.claim(stuck, { now: at(1), staleBefore: at(0), limit: 10 });
      const [d] = await store.enqueue([row(done, '1')], at(0));
      await store.finish(d!.id, { status: 'done', result: { outcome: 'written', fields: [] }, at: at(1) });
      const realms = async (now: number, staleBefore: number) =>
        (await store.realmsWithDueRows(at(now), at(staleBefore))).filter((r) => mine.has(r)).sort();
      expect(await realms(10, 0)).toEqual([due]);
      expect(await realms(100, 0)).toEqual([due, later].sort());
      expect(await realms(700, 100)).toEqual([due, later, stuck].sort());
    });

    it('answers the defaults until the owner saves settings, then what was saved', async () => {
      const store = make();
      const realmId = await nextRealm();
      expect(await store.settings(realmId)).toEqual(DEFAULT_WRITEBACK_SETTINGS);
      expect(DEFAULT_WRITEBACK_SETTINGS).toMatchObject({ nightlyEnabled: false, editedBlock: 'keep' });
      const saved = {
        nightlyEnabled: true,
        editedBlock: 'replace' as const,
        customerTypes: { Low: '1', Medium: null, High: '3' },
        invoiceFieldId: '2',
      };
      await store.saveSettings(realmId, saved, 'ada', at(1));
      expect(await store.settings(realmId)).toEqual({ ...saved, updatedAt: at(1), updatedBy: 'ada' });
      await store.saveSettings(realmId, { ...saved, customerTypes: null, invoiceFieldId: null }, 'bo', at(2));
      expect(await store.settings(realmId)).toMatchObject({ customerTypes: null, invoiceFieldId: null });
      expect((await store.settings(realmId)).updatedBy).toBe('bo');
    });
  },
);

describe.each(stores<ReminderStore>(() => createReminderStore(db), createFakeReminderStore))(
  'ReminderStore ($name)',
  ({ make }) => {
    const row = (realmId: string, invoiceId: string, o: Partial<NewReminder> = {}): NewReminder => ({
      realmId,
      invoiceId,
      docNumber: `10${invoiceId}`,
      customerId: 'c1',
      stageDays: 7,
      idempotencyKey: `reminder:${invoiceId}:stage:7`,
      channel: 'quickbooks',
      tone: 'friendly',
      status: 'awaiting_approval',
      to: ['ap@example.com', 'boss@example.com'],
      origin: 'nightly',
      actor: 'Nightly schedule',
      ...o,
    });

    it('adds a row once per key and company, and reads it back as it was given', async () => {
      const store = make();
      const [a, b] = [await nextRealm(), await nextRealm()];
      const first = await store.enqueue([row(a, '1'), row(a, '1'), row(a, '2'), row(b, '1')], at(0));
      expect(first.map((r) => [r.realmId, r.invoiceId])).toEqual([
        [a, '1'],
        [a, '2'],
        [b, '1'],
      ]);
      expect(first[0]).toMatchObject({
        docNumber: '101',
        customerId: 'c1',
        stageDays: 7,
        channel: 'quickbooks',
        tone: 'friendly',
        status: 'awaiting_approval',
        reason: null,
        to: ['ap@example.com', 'boss@example.com'],
        subject: null,
        text: null,
        origin: 'nightly',
        actor: 'Nightly schedule',
        attempts: 0,
        lastError: null,
        decidedBy: null,
        decidedAt: null,
        sendingAt: null,
        sentAt: null,
        createdAt: at(0),
        updatedAt: at(0),
      });
      expect(await store.get(a, first[0]!.id)).toEqual(first[0]);
      expect(await store.get(b, first[0]!.id)).toBeUndefined();
      expect(await store.enqueue([row(a, '1', { status: 'approved' })], at(1))).toEqual([]);
      const [held] = await store.enqueue(
        [
          row(a, '3', {
            stageDays: null,
            idempotencyKey: 'reminder:3:now:x',
            status: 'approved',
            decidedBy: 'Ada',
            reason: { code: 'email-channel-not-set-up' },
          }),
        ],
        at(2),
      );
      expect(held).toMatchObject({ stageDays: null, decidedBy: 'Ada', decidedAt: at(2) });
      expect(held!.reason).toEqual({ code: 'email-channel-not-set-up' });
      expect((await store.all(a)).map((r) => r.invoiceId)).toEqual(['1', '2', '3']);
      expect((await store.list(a)).map((r) => r.invoiceId)).toEqual(['3', '2', '1']);
      expect((await store.list(a, { status: 'approved' })).map((r) => r.invoiceId)).toEqual(['3']);
      expect((await store.list(a, { invoiceId: '2' })).map((r) => r.invoiceId)).toEqual(['2']);
      expect((await store.list(a, { beforeId: held!.id, limit: 1 })).map((r) => r.invoiceId)).toEqual(['2']);
      expect(await store.counts(a)).toMatchObject({ awaiting_approval: 2, approved: 1, sent: 0 });
    });

    it('moves a row only from the states named, and a stale send only once', async () => {
      const store = make();
      const realmId = await nextRealm();
      const [r] = await store.enqueue([row(realmId, '1', { status: 'approved' })], at(0));
      const claim = {
        from: ['approved'] as const,
        to: 'sending' as const,
        at: at(1),
        sendingAt: at(1),
        attempts: 1 as const,
      };
      expect(await store.move(realmId, r!.id, claim)).toBe(true);
      expect(await store.move(realmId, r!.id, claim)).toBe(false);
      expect(await store.move(String(Number(realmId) + 1000), r!.id, { ...claim, from: ['sending'] })).toBe(false);
      expect(await store.get(realmId, r!.id)).toMatchObject({ status: 'sending', sendingAt: at(1), attempts: 1 });
      expect(await store.staleSending(realmId, at(1))).toEqual([]);
      expect((await store.staleSending(realmId, at(2))).map((x) => x.id)).toEqual([r!.id]);
      const retake = {
        from: ['sending'] as const,
        to: 'sending' as const,
        at: at(5),
        whileSendingAt: at(1),
        sendingAt: at(5),
      };
      expect(await store.move(realmId, r!.id, retake)).toBe(true);
      expect(await store.move(realmId, r!.id, retake)).toBe(false);
      const error = { errorClass: 'permanent' as const, code: '6000', message: 'x'.repeat(1200), intuitTid: 'tid-1' };
      expect(await store.move(realmId, r!.id, { from: ['sending'], to: 'failed', at: at(6), lastError: error })).toBe(
        true,
      );
      const failed = (await store.get(realmId, r!.id))!;
      expect(failed).toMatchObject({
        status: 'failed',
        updatedAt: at(6),
        lastError: { code: '6000', intuitTid: 'tid-1' },
      });
      expect(failed.lastError!.message).toHaveLength(1000);
      await store.move(realmId, r!.id, {
        from: ['failed'],
        to: 'approved',
        at: at(7),
        decidedBy: 'Ada',
        lastError: null,
      });
      await store.move(realmId, r!.id, { from: ['approved'], to: 'sending', at: at(8), sendingAt: at(8), attempts: 1 });
      await store.move(realmId, r!.id, {
        from: ['sending'],
        to: 'sent',
        at: at(9),
        sentAt: at(9),
        sentTo: ['new@example.com'],
        reason: null,
      });
      expect(await store.get(realmId, r!.id)).toMatchObject({
        status: 'sent',
        sentAt: at(9),
        to: ['new@example.com'],
        decidedBy: 'Ada',
        decidedAt: at(7),
        lastError: null,
        attempts: 2,
      });
      await store.move(realmId, r!.id, { from: ['sent'], to: 'sent', at: at(10), attempts: -1 });
      expect((await store.get(realmId, r!.id))!.attempts).toBe(1);
    });

    it('moves several rows in one go: those still in a state named, of the company only', async () => {
      const store = make();
      const realmId = await nextRealm();
      const rows = await store.enqueue(
        ['1', '2', '3'].map((invoice) => row(realmId, invoice, { status: 'approved' })),
        at(0),
      );
      const [one, two, three] = rows.map((r) => r.id) as [number, number, number];
      await store.move(realmId, two, { from: ['approved'], to: 'skipped', at: at(1) });
      const take: ReminderMove = { from: ['approved'], to: 'sending', at: at(2), sendingAt: at(2), attempts: 1 };
      expect(await store.moveAll(String(Number(realmId) + 1000), [one, three], take)).toEqual([]);
      expect(await store.moveAll(realmId, [three, two, one], take)).toEqual([one, three]);
      expect(await store.moveAll(realmId, [one, two, three], take)).toEqual([]);
      expect(await store.moveAll(realmId, [], take)).toEqual([]);
      expect((await store.all(realmId)).map((r) => [r.status, r.sendingAt, r.attempts])).toEqual([
        ['sending', at(2), 1],
        ['skipped', null, 0],
        ['sending', at(2), 1],
      ]);
      const review: ReminderMove = { from: ['sending'], to: 'needs_review', at: at(3), whileSendingAt: at(1) };
      expect(await store.moveAll(realmId, [one, three], review)).toEqual([]);
      expect(await store.moveAll(realmId, [one, three], { ...review, whileSendingAt: at(2) })).toEqual([one, three]);
    });

    it('names companies to send: approved, a QuickBooks send left unresolved, an email left sending', async () => {
      const store = make();
      const [approved, stale, email, waiting, emailSending] = [
        await nextRealm(),
        await nextRealm(),
        await nextRealm(),
        await nextRealm(),
        await nextRealm(),
      ];
      await store.enqueue([row(approved, '1', { status: 'approved' })], at(0));
      const [s] = await store.enqueue([row(stale, '1', { status: 'approved' })], at(0));
      await store.move(stale, s!.id, { from: ['approved'], to: 'sending', at: at(1), sendingAt: at(1) });
      await store.enqueue([row(email, '1', { status: 'approved', channel: 'email' })], at(0));
      await store.enqueue([row(waiting, '1')], at(0));
      const [e] = await store.enqueue([row(emailSending, '1', { status: 'approved', channel: 'email' })], at(0));
      await store.move(emailSending, e!.id, { from: ['approved'], to: 'sending', at: at(1), sendingAt: at(1) });
      const mine = (realms: string[]) =>
        realms.filter((r) => [approved, stale, email, waiting, emailSending].includes(r));
      expect(mine(await store.realmsToSend(at(1)))).toEqual([approved, email, emailSending].sort());
      expect(mine(await store.realmsToSend(at(2)))).toEqual([approved, stale, email, emailSending].sort());
    });

    it('records the message id and the text as sent', async () => {
      const store = make();
      const realmId = await nextRealm();
      const [r] = await store.enqueue([row(realmId, '1', { status: 'approved', channel: 'email' })], at(0));
      expect(r!.messageId).toBeNull();
      await store.move(realmId, r!.id, {
        from: ['approved'],
        to: 'sent',
        at: at(1),
        messageId: '<abc@duesense.test>',
        message: { subject: 'Invoice 1', text: 'Hello\n- invoice 1' },
      });
      expect(await store.get(realmId, r!.id)).toMatchObject({
        messageId: '<abc@duesense.test>',
        subject: 'Invoice 1',
        text: 'Hello\n- invoice 1',
      });
    });

    it('keeps the policy (the default until saved; each save the next version) and invoice controls', async () => {
      const store = make();
      const realmId = await nextRealm();
      expect(await store.policy(realmId)).toEqual({ policy: DEFAULT_REMINDER_POLICY, savedBy: null, savedAt: null });
      const saved = await store.savePolicy(realmId, { ...DEFAULT_REMINDER_POLICY, mode: 'automatic' }, 'Ada', at(1));
      expect(saved).toEqual({
        policy: { ...DEFAULT_REMINDER_POLICY, mode: 'automatic', version: 2 },
        savedBy: 'Ada',
        savedAt: at(1),
      });
      expect(await store.policy(realmId)).toEqual(saved);
      expect((await store.savePolicy(realmId, saved.policy, 'Bo', at(2))).policy.version).toBe(3);
      await expect(store.savePolicy(realmId, { ...saved.policy, dailyCap: 0 }, 'Bo', at(3))).rejects.toThrow(/cap/);
      expect(await store.invoiceControls(realmId)).toEqual(new Map());
      await store.setInvoiceControls(realmId, '7', { snoozedUntil: '2026-12-01' }, 'Ada', at(1));
      const both = await store.setInvoiceControls(realmId, '7', { disputed: true, disputeNote: 'qty' }, 'Bo', at(2));
      expect(both).toEqual({
        invoiceId: '7',
        snoozedUntil: '2026-12-01',
        disputed: true,
        disputeNote: 'qty',
        updatedBy: 'Bo',
        updatedAt: at(2),
      });
      expect(await store.invoiceControls(realmId)).toEqual(new Map([['7', both]]));
    });

    it('keeps the templates: the defaults until saved, each save (a reset too) the next version', async () => {
      const store = make();
      const [realmId, other] = [await nextRealm(), await nextRealm()];
      const defaults = { templates: DEFAULT_REMINDER_TEMPLATES, own: false, savedBy: null, savedAt: null };
      expect(await store.templates(realmId)).toEqual(defaults);
      const firm = DEFAULT_REMINDER_TEMPLATES.tones.firm;
      const edited = parseReminderTemplates({
        ...DEFAULT_REMINDER_TEMPLATES,
        invoiceLine: 'Invoice {{invoiceNumber}}: {{openBalance}} open, due {{dueDate}}.',
        tones: { ...DEFAULT_REMINDER_TEMPLATES.tones, firm: [{ ...firm[0]!, subject: 'Overdue: {{whichInvoices}}' }] },
      });
      const saved = await store.saveTemplates(realmId, edited, 'Ada', at(1));
      expect(saved).toEqual({ templates: { ...edited, version: 2 }, own: true, savedBy: 'Ada', savedAt: at(1) });
      expect(await store.templates(realmId)).toEqual(saved);
      expect(await store.templates(other)).toEqual(defaults);
      // The version given is never gone below: a form read over an older version still saves the next one.
      expect((await store.saveTemplates(realmId, edited, 'Bo', at(2))).templates.version).toBe(3);
      const reset = await store.saveTemplates(realmId, null, 'Bo', at(3));
      expect(reset).toEqual({
        templates: { ...DEFAULT_REMINDER_TEMPLATES, version: 4 },
        own: false,
        savedBy: 'Bo',
        savedAt: at(3),
      });
      expect(await store.templates(realmId)).toEqual(reset);
      expect((await store.saveTemplates(realmId, edited, 'Ada', at(4))).templates).toMatchObject({
        version: 5,
        invoiceLine: edited.invoiceLine,
      });
      const broken = { ...edited, invoiceLine: 'Thank you' } as ReminderTemplates;
      await expect(store.saveTemplates(realmId, broken, 'Bo', at(5))).rejects.toThrow(/invoiceLine.*invoiceNumber/);
      expect((await store.templates(realmId)).templates.version).toBe(5);
    });
  },
);

it('ReminderStore (knex): saved templates that fail their checks are refused on read, naming the field', async () => {
  const store = createReminderStore(db);
  const realmId = await nextRealm();
  await store.saveTemplates(realmId, DEFAULT_REMINDER_TEMPLATES, 'Ada', at(1));
  const row = await db('reminder_templates').where({ realm_id: realmId }).first();
  const json = JSON.parse(String(row.templates_json)) as ReminderTemplates;
  const tampered = { ...json, tones: { ...json.tones, friendly: [{ fromDay: 0, subject: '{{oops}}', body: 'x' }] } };
  await db('reminder_templates')
    .where({ realm_id: realmId })
    .update({ templates_json: JSON.stringify(tampered) });
  await expect(store.templates(realmId)).rejects.toThrow(
    /^The reminder templates is not valid: tones\.friendly\.0\.subject: .*\{\{oops\}\} is not a merge field\..* tones\.friendly\.0\.body: /,
  );
});
