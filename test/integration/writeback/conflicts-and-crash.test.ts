import { afterEach, describe, expect, it } from 'vitest';
import { readNotesBlock } from '../../../server/features/writeback/domain/notes-block.js';
import {
  dyingAfterTheAnswer,
  writebackWith,
  writebackWorld,
  type WritebackWorld,
} from '../../support/writeback-harness.js';

const STALE_AFTER_MS = 10 * 60_000;

describe('concurrent edits and crashes against the emulator', () => {
  let w: WritebackWorld | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });
  const tokensOf = (world: WritebackWorld) =>
    new Map(world.scored.map((s) => [s.id, Number(world.customer(s.id).SyncToken)]));
  const paths = (world: WritebackWorld, mark: number) =>
    world.posts(mark).map((r) => r.path.replace(/^\/v3\/company\/\d+/, ''));

  it('merges a stale SyncToken (5010): a person’s edit after the sync survives, one label write', async () => {
    w = await writebackWorld({ customers: 12 });
    const target = w.scored[0]!.id;
    // An inactive customer is scored and labelled too; QuickBooks' query hides it unless asked for inactive ones.
    const inactive = w.scored.find((s) => w!.customer(s.id).Active === false)!.id;
    const before = tokensOf(w);
    // After the sync, before the drain: a person rewrites the customers' Notes in QuickBooks.
    const edited = w.personEdits(target, { Notes: 'Moved to the Elm St site;\r\ncall Sam first.' });
    const editedInactive = w.personEdits(inactive, { Notes: 'Closed the account in March.' });
    const mark = w.mark();
    const result = await w.run();
    expect(result.drained).toMatchObject({ failed: 0, skipped: 0, conflicts: 2, written: w.scored.length });
    // One batch (the two edited customers' items answered 5010), then one single update of each after re-reading.
    expect(paths(w, mark)).toEqual(['/batch', '/customer', '/customer']);
    expect(readNotesBlock(String(w.customer(inactive).Notes))).toMatchObject({
      state: 'ours',
      userText: 'Closed the account in March.',
    });
    expect(Number(w.customer(inactive).SyncToken)).toBe(Number(editedInactive.SyncToken) + 1);
    const notes = String(w.customer(target).Notes);
    expect(readNotesBlock(notes)).toMatchObject({
      state: 'ours',
      userText: 'Moved to the Elm St site;\r\ncall Sam first.',
    });
    expect(notes.split('--- Duesense risk').length).toBe(2);
    expect(Number(w.customer(target).SyncToken)).toBe(Number(edited.SyncToken) + 1);
    for (const s of w.scored.filter((x) => x.id !== target && x.id !== inactive))
      expect(Number(w.customer(s.id).SyncToken)).toBe(before.get(s.id)! + 1);
    const [row] = await w.outbox.list(w.realmId, { customerId: target });
    expect(row).toMatchObject({ status: 'done', result: { outcome: 'written', conflicts: 1 } });
    // The local copy holds what QuickBooks answered: a second run writes nothing.
    const again = w.mark();
    expect((await w.run()).queued).toBe(0);
    expect(w.posts(again)).toEqual([]);
  });

  it('a crash after the answers reached the local copy, before the rows were done, never writes twice', async () => {
    w = await writebackWorld({ customers: 12, writeback: { staleAfterMs: STALE_AFTER_MS } });
    const world = w;
    const { service } = writebackWith(world.t.container, {
      options: { staleAfterMs: STALE_AFTER_MS },
      wrapStore: dyingAfterTheAnswer(),
    });
    const start = tokensOf(world);
    await expect(service.run(world.realmId, { origin: 'cli', actor: 'test' })).rejects.toThrow('the process died');
    for (const s of world.scored) expect(Number(world.customer(s.id).SyncToken)).toBe(start.get(s.id)! + 1);
    expect(await world.outbox.counts(world.realmId)).toMatchObject({ in_flight: world.scored.length, done: 0 });

    // Until they are stale, another drain leaves them alone.
    let mark = world.mark();
    expect(await service.drain(world.realmId)).toMatchObject({ written: 0, alreadyThere: 0 });
    expect(world.posts(mark)).toEqual([]);

    // The batch's answers were in the local copy: the rows find the labels there and send nothing.
    world.emulator.clock.advance(STALE_AFTER_MS + 1_000);
    mark = world.mark();
    expect(await service.drain(world.realmId)).toMatchObject({
      written: 0,
      alreadyThere: world.scored.length,
      conflicts: 0,
      failed: 0,
    });
    expect(world.posts(mark)).toEqual([]);
    for (const s of world.scored) expect(Number(world.customer(s.id).SyncToken)).toBe(start.get(s.id)! + 1);
    expect(await world.outbox.counts(world.realmId)).toMatchObject({ in_flight: 0, done: world.scored.length });
  });

  it('a crash before the answers reached the local copy never writes twice either (5010, re-read)', async () => {
    w = await writebackWorld({ customers: 12, writeback: { staleAfterMs: STALE_AFTER_MS } });
    const world = w;
    let crashes = 1;
    const { service } = writebackWith(world.t.container, {
      options: { staleAfterMs: STALE_AFTER_MS },
      wrapLocalCopyWriter: (writer) => ({
        async apply(realmId, entity, records) {
          if (records.length > 0 && crashes-- > 0) throw new Error('the process died after QuickBooks answered');
          return writer.apply(realmId, entity, records);
        },
      }),
    });
    const start = tokensOf(world);
    const run = () => service.run(world.realmId, { origin: 'cli', actor: 'test' });
    await expect(run()).rejects.toThrow('the process died');
    // QuickBooks has every label (the batch went through); the outbox still has the rows in flight.
    for (const s of world.scored) expect(Number(world.customer(s.id).SyncToken)).toBe(start.get(s.id)! + 1);
    expect(await world.outbox.counts(world.realmId)).toMatchObject({ in_flight: world.scored.length, done: 0 });

    world.emulator.clock.advance(STALE_AFTER_MS + 1_000);
    let mark = world.mark();
    const report = await service.drain(world.realmId);
    // The rows went out again with their spent SyncTokens, were refused (5010), read again, and found labelled.
    expect(report).toMatchObject({ written: 0, alreadyThere: world.scored.length, failed: 0 });
    expect(report!.conflicts).toBe(world.scored.length);
    expect(paths(world, mark)).toEqual(['/batch']);
    for (const s of world.scored) {
      expect(Number(world.customer(s.id).SyncToken)).toBe(start.get(s.id)! + 1);
      expect(readNotesBlock(String(world.customer(s.id).Notes)).state).toBe('ours');
    }
    expect(await world.outbox.counts(world.realmId)).toMatchObject({
      in_flight: 0,
      pending: 0,
      done: world.scored.length,
    });
    // A further run finds nothing to do.
    mark = world.mark();
    expect((await run()).queued).toBe(0);
    expect(world.posts(mark)).toEqual([]);
  });
});
