import { describe, expect, it } from 'vitest';
import { manualClock } from '../../../server/clock.js';
import { createFakeActivityLog } from '../../../server/features/activity/fake-activity-log.js';
import type { CustomerLabelPayload } from '../../../server/features/writeback/domain/entity-changes.js';
import { mergeNotesBlock, readNotesBlock } from '../../../server/features/writeback/domain/notes-block.js';
import { createFakeWritebackStore } from '../../../server/features/writeback/fake-writeback-store.js';
import {
  requestIdFor,
  WritebackExecutor,
  type WritebackApi,
  type WritebackExecutorOptions,
} from '../../../server/features/writeback/writeback-executor.js';
import type { NewWriteback } from '../../../server/features/writeback/writeback-store-type.js';
import { silentLogger } from '../../../server/logger.js';
import type { BatchItemOutcome, QboEntity } from '../../../server/qbo/qbo-api-client.js';
import { QboPermanent, QboReauthRequired, QboTransient, type QboError } from '../../../server/qbo/qbo-errors.js';
import { EMPTY_DRAIN, HIGH_LABEL } from './writeback-fixtures.js';

const REALM = '9130354';
const LABEL = HIGH_LABEL;
const PAYLOAD: CustomerLabelPayload = { label: LABEL, editedBlock: 'keep' };
const labelled = (userText: string) => mergeNotesBlock(userText, LABEL).notes;
const stale = (entity = 'Customer') =>
  new QboPermanent(`QuickBooks update of ${entity}: Stale Object Error (HTTP 400)`, { status: 400, code: '5010' });

type Key = `${'Customer' | 'Invoice'}:${string}`;

/**
 * QuickBooks as the executor sees it, scripted: SyncTokens are checked (5010 when stale), a sparse update merges
 * and bumps the token, every call is logged, and tests can make a person edit a record or make calls fail.
 */
class ScriptedQuickBooks {
  readonly records = new Map<Key, QboEntity>();
  readonly calls: string[] = [];
  /** Thrown by the next batch requests, in order (then batches are answered). */
  readonly batchFailures: QboError[] = [];
  /** A failure for one operation of a batch, by record (kept until removed). */
  readonly itemFailures = new Map<Key, QboError>();
  /** Runs before every single update reaches QuickBooks (a person editing at the same time). */
  beforeUpdate: ((id: string) => void) | undefined;

  constructor(customers: number) {
    for (let i = 1; i <= customers; i++)
      this.records.set(`Customer:${i}`, { Id: String(i), SyncToken: '0', Notes: '' });
  }

  /** A person's change in QuickBooks: a new version the app has not seen. */
  edit(key: Key, fields: Record<string, unknown>): void {
    const r = this.records.get(key)!;
    this.records.set(key, { ...r, ...fields, SyncToken: String(Number(r.SyncToken) + 1) });
  }

  private apply(entity: 'Customer' | 'Invoice', body: Record<string, unknown>): QboEntity {
    const key: Key = `${entity}:${String(body.Id)}`;
    const current = this.records.get(key);
    if (!current) throw new QboPermanent('Object Not Found', { status: 400, code: '610' });
    if (current.SyncToken !== body.SyncToken) throw stale(entity);
    const { sparse: _sparse, ...fields } = body;
    const saved = { ...current, ...fields, SyncToken: String(Number(current.SyncToken) + 1) } as QboEntity;
    this.records.set(key, saved);
    return { ...saved };
  }

  readonly api: WritebackApi = {
    batchUpdate: async (updates) => {
      this.calls.push(`batch ${updates.length}`);
      const failure = this.batchFailures.shift();
      if (failure) throw failure;
      const outcomes = new Map<string, BatchItemOutcome>();
      for (const u of updates) {
        const failed = this.itemFailures.get(`${u.entity}:${String(u.body.Id)}`);
        try {
          if (failed) throw failed;
          outcomes.set(u.bId, { entity: this.apply(u.entity, u.body) });
        } catch (err) {
          outcomes.set(u.bId, { error: err as QboError });
        }
      }
      return outcomes;
    },
    update: async (entity, body, requestId) => {
      this.calls.push(`update ${entity} ${String(body.Id)} ${requestId}`);
      this.beforeUpdate?.(String(body.Id));
      return this.apply(entity, body);
    },
    query: async (entity, criteria) => {
      this.calls.push(`query ${entity} ${criteria}`);
      const ids = [...criteria.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
      const rows = ids.flatMap((id) => {
        const r = this.records.get(`${entity as 'Customer'}:${id}`);
        return r ? [{ ...r }] : [];
      });
      return { rows, time: '2026-10-31T13:00:00-07:00' };
    },
  };
}

function setup(o: { customers?: number; options?: Partial<WritebackExecutorOptions> } = {}) {
  const clock = manualClock('2026-10-31T20:00:00Z');
  const qbo = new ScriptedQuickBooks(o.customers ?? 3);
  /** The local copy, as the last sync left it. */
  const local = new Map<Key, QboEntity>([...qbo.records].map(([k, v]) => [k, { ...v }]));
  const excluded = new Set<string>();
  const store = createFakeWritebackStore();
  const activity = createFakeActivityLog(clock);
  const executor = new WritebackExecutor({
    store,
    localCopy: {
      rawEntities: async (_realmId, entity, ids) =>
        (ids ?? []).flatMap((id) => {
          const r = local.get(`${entity}:${id}`);
          return r ? [{ ...r }] : [];
        }),
    },
    localCopyWriter: {
      apply: async (_realmId, entity, records) => {
        for (const r of records) local.set(`${entity}:${r.Id}`, { ...r });
      },
    },
    excludedCustomers: async () => new Set(excluded),
    qbo: (_realmId, call) => call(qbo.api),
    clock,
    logger: silentLogger,
    activity,
    options: {
      batchSize: 30,
      maxAttempts: 3,
      retryBaseMs: 60_000,
      staleAfterMs: 600_000,
      conflictRetries: 3,
      ...o.options,
    },
  });
  const row = (id: string): NewWriteback => ({
    realmId: REALM,
    kind: 'customer_label',
    targetType: 'Customer',
    targetId: id,
    customerId: id,
    targetName: `Customer ${id}`,
    payload: PAYLOAD,
    idempotencyKey: `label:${id}`,
    origin: 'cli',
    actor: 'ada',
  });
  const queue = (...ids: string[]) => store.enqueue(ids.map(row), clock.now());
  const status = async () => Object.fromEntries((await store.list(REALM)).map((r) => [r.targetId, r.status]));
  const notes = (id: string) => String(qbo.records.get(`Customer:${id}`)!.Notes);
  return { clock, qbo, local, excluded, store, activity, executor, queue, status, notes };
}

describe('the write-back executor', () => {
  it('writes queued rows in batches, records each as done and puts the answer into the local copy', async () => {
    const t = setup({ customers: 5, options: { batchSize: 2 } });
    await t.queue('1', '2', '3', '4', '5');
    const report = await t.executor.drain(REALM);
    expect(report).toEqual({ ...EMPTY_DRAIN, written: 5 });
    expect(t.qbo.calls).toEqual(['batch 2', 'batch 2', 'batch 1']);
    const [first] = await t.store.list(REALM, { customerId: '1' });
    expect(first).toMatchObject({
      status: 'done',
      attempts: 1,
      result: { outcome: 'written', fields: ['Notes'], notes: labelled(''), syncToken: '1' },
    });
    expect(t.local.get('Customer:1')).toEqual(t.qbo.records.get('Customer:1'));
    expect(t.activity.entries(REALM)).toHaveLength(5);
    expect(await t.executor.drain(REALM)).toMatchObject({ written: 0 });
  });

  it('merges a stale SyncToken (5010): reads the record again and writes the label beside the new text', async () => {
    const t = setup();
    await t.queue('1', '2');
    t.qbo.edit('Customer:1', { Notes: 'Changed in QuickBooks after the sync' });
    const report = await t.executor.drain(REALM);
    expect(report).toMatchObject({ written: 2, conflicts: 1, failed: 0 });
    const row = (await t.store.list(REALM, { customerId: '1' }))[0]!;
    expect(t.qbo.calls).toEqual([
      'batch 2',
      "query Customer where Id in ('1') and Active IN (true, false) maxresults 1000",
      `update Customer 1 ${requestIdFor(row, '1')}`,
    ]);
    expect(t.notes('1')).toBe(labelled('Changed in QuickBooks after the sync'));
    expect(row).toMatchObject({ status: 'done', result: { outcome: 'written', conflicts: 1, syncToken: '2' } });
    expect(t.local.get('Customer:1')!.SyncToken).toBe('2');
  });

  it('gives up on a record a person keeps changing after the allowed conflict retries', async () => {
    const t = setup();
    await t.queue('1');
    t.qbo.edit('Customer:1', { Notes: 'edit 1' });
    let edits = 1;
    t.qbo.beforeUpdate = (id) => t.qbo.edit(`Customer:${id}`, { Notes: `edit ${++edits}` });
    const report = await t.executor.drain(REALM);
    expect(report).toMatchObject({ written: 0, failed: 1, conflicts: 3 });
    expect(t.qbo.calls.filter((c) => c.startsWith('update'))).toHaveLength(3);
    const [row] = await t.store.list(REALM);
    expect(row).toMatchObject({ status: 'failed', lastError: { errorClass: 'permanent', code: '5010' } });
    expect(t.notes('1')).toBe('edit 4');
  });

  it('finds after a 5010 that the label is already there (a write before a crash) and writes nothing', async () => {
    const t = setup();
    await t.queue('1');
    t.qbo.edit('Customer:1', { Notes: labelled('') });
    expect(await t.executor.drain(REALM)).toMatchObject({ written: 0, alreadyThere: 1, conflicts: 1 });
    expect(t.qbo.calls.filter((c) => c.startsWith('update'))).toEqual([]);
    expect(await t.status()).toEqual({ '1': 'done' });
    expect((await t.store.list(REALM))[0]!.result).toMatchObject({ outcome: 'already-in-quickbooks', conflicts: 1 });
  });

  it('skips a record that is gone, from the local copy or from QuickBooks', async () => {
    const t = setup();
    await t.queue('1', '2', '4');
    // Customer 2 changed and then went away in QuickBooks: the batch finds it stale, the re-read finds nothing.
    t.qbo.itemFailures.set('Customer:2', stale());
    t.qbo.records.delete('Customer:2');
    expect(await t.executor.drain(REALM)).toMatchObject({ written: 1, skipped: 2 });
    const rows = await t.store.list(REALM);
    expect(rows.map((r) => [r.targetId, r.status, r.result?.outcome])).toEqual([
      ['4', 'skipped', 'record-gone'],
      ['2', 'skipped', 'record-gone'],
      ['1', 'done', 'written'],
    ]);
  });

  it('never writes for a customer excluded after the row was queued', async () => {
    const t = setup();
    await t.queue('1', '2');
    t.excluded.add('2');
    expect(await t.executor.drain(REALM)).toMatchObject({ written: 1, skipped: 1 });
    expect(t.qbo.calls).toEqual(['batch 1']);
    expect(t.notes('2')).toBe('');
    expect((await t.store.list(REALM, { customerId: '2' }))[0]!.result).toEqual({ outcome: 'excluded', fields: [] });
  });

  it('retries a transient failure later, backing off, and parks it as failed after the last attempt', async () => {
    const t = setup();
    await t.queue('1');
    const unavailable = () => new QboTransient('QuickBooks batch: Service Unavailable (HTTP 503)', { status: 503 });
    t.qbo.batchFailures.push(unavailable(), unavailable(), unavailable());
    const start = t.clock.now().getTime();
    expect(await t.executor.drain(REALM)).toMatchObject({ retrying: 1, failed: 0 });
    let [row] = await t.store.list(REALM);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, lastError: { errorClass: 'transient' } });
    expect(row!.nextAttemptAt.getTime() - start).toBe(60_000);
    // Not due yet: nothing is sent.
    expect(await t.executor.drain(REALM)).toMatchObject({ retrying: 0 });
    expect(t.qbo.calls).toHaveLength(1);
    t.clock.advance(60_000);
    await t.executor.drain(REALM);
    [row] = await t.store.list(REALM);
    expect(row!.nextAttemptAt.getTime() - t.clock.now().getTime()).toBe(120_000);
    t.clock.advance(120_000);
    expect(await t.executor.drain(REALM)).toMatchObject({ retrying: 0, failed: 1 });
    [row] = await t.store.list(REALM);
    expect(row).toMatchObject({ status: 'failed', attempts: 3, lastError: { errorClass: 'transient', code: null } });
    expect(row!.finishedAt).toEqual(t.clock.now());
  });

  it('parks a permanent failure as failed at once, with QuickBooks code, words and intuit_tid', async () => {
    const t = setup();
    await t.queue('1', '2');
    t.qbo.itemFailures.set(
      'Customer:2',
      new QboPermanent('QuickBooks update of Customer: Invalid Reference Id: CustomerTypeRef', {
        status: 400,
        code: '2500',
        intuitTid: '1-abc-def',
      }),
    );
    expect(await t.executor.drain(REALM)).toMatchObject({ written: 1, failed: 1, retrying: 0 });
    const [row] = await t.store.list(REALM, { customerId: '2' });
    expect(row).toMatchObject({
      status: 'failed',
      lastError: {
        errorClass: 'permanent',
        code: '2500',
        message: 'QuickBooks update of Customer: Invalid Reference Id: CustomerTypeRef',
        intuitTid: '1-abc-def',
      },
    });
    // Retry puts it back; once QuickBooks accepts it, it is written.
    t.qbo.itemFailures.clear();
    expect(await t.store.retry(REALM, row!.id, t.clock.now())).toBe(true);
    expect(await t.executor.drain(REALM)).toMatchObject({ written: 1 });
  });

  it('stops at a reconnect-needed failure: the rows are given back uncounted and nothing more is sent', async () => {
    const t = setup({ customers: 5, options: { batchSize: 2 } });
    await t.queue('1', '2', '3', '4', '5');
    t.qbo.batchFailures.push(new QboReauthRequired('QuickBooks batch: Token revoked (HTTP 401)', { status: 401 }));
    expect(await t.executor.drain(REALM)).toMatchObject({ reconnectNeeded: true, written: 0, failed: 0 });
    expect(t.qbo.calls).toEqual(['batch 2']);
    const rows = await t.store.list(REALM);
    expect(rows.every((r) => r.status === 'pending' && r.attempts === 0)).toBe(true);
    // After reconnecting, everything is written.
    expect(await t.executor.drain(REALM)).toMatchObject({ written: 5, reconnectNeeded: false });
  });

  it('takes again a row a dead process left in flight, once it is stale', async () => {
    const t = setup();
    await t.queue('1');
    await t.store.claim(REALM, { now: t.clock.now(), staleBefore: new Date(0), limit: 10 });
    expect(await t.executor.drain(REALM)).toMatchObject({ written: 0 });
    t.clock.advance(600_001);
    expect(await t.executor.drain(REALM)).toMatchObject({ written: 1 });
    expect((await t.store.list(REALM))[0]).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('derives one requestid per row and version of the record', () => {
    const row = { requestId: '6f1f2a1e-4b7e-4c55-9e8a-0c8f3c7f9d11' };
    expect(requestIdFor(row, '3')).toBe(requestIdFor(row, '3'));
    expect(requestIdFor(row, '3')).not.toBe(requestIdFor(row, '4'));
    expect(requestIdFor({ requestId: 'other' }, '3')).not.toBe(requestIdFor(row, '3'));
    expect(requestIdFor(row, '3')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('reads the written Notes back as ours with the user text intact', async () => {
    const t = setup();
    t.qbo.edit('Customer:1', { Notes: 'Mine\r\n' });
    t.local.set('Customer:1', { ...t.qbo.records.get('Customer:1')! });
    await t.queue('1');
    await t.executor.drain(REALM);
    expect(readNotesBlock(t.notes('1'))).toMatchObject({ state: 'ours', userText: 'Mine\r\n' });
  });
});
