import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomerLabelPayload } from '../../../server/features/writeback/domain/entity-changes.js';
import {
  NOTES_LIMIT,
  blockForms,
  readNotesBlock,
  type RiskLabel,
} from '../../../server/features/writeback/domain/notes-block.js';
import { writebackWorld, type WritebackWorld } from '../../support/writeback-harness.js';

describe('write-back rules against the emulator', () => {
  let w: WritebackWorld;
  const c = () => w.t.container;
  /** The label a run would write for a customer now. */
  const labelOf = async (id: string): Promise<RiskLabel> => {
    const write = (await c().writeback.preview(w.realmId)).plan.writes.find((x) => x.targetId === id);
    return (write!.payload as CustomerLabelPayload).label;
  };
  const notesOf = (id: string) => String(w.customer(id).Notes ?? '');
  const rowsOf = async (id: string) => w.outbox.list(w.realmId, { customerId: id });

  /** Notes as the generated company had them, before any test wrote. */
  let generated: Map<string, string>;

  beforeAll(async () => {
    w = await writebackWorld({ customers: 24 });
    expect(w.scored.length).toBeGreaterThanOrEqual(12);
    generated = new Map(w.scored.map((s) => [s.id, notesOf(s.id)]));
  });
  afterAll(() => w.close());

  it('writes the longest form that fits the limit, down to the shortest, and nothing when no form fits', async () => {
    const [exact, none] = [w.scored[0]!.id, w.scored[1]!.id];
    const shortest = blockForms(await labelOf(exact)).at(-1)!;
    const room = NOTES_LIMIT - '\n\n'.length - shortest.block.length;
    // Exactly room for the shortest form: Notes end at 1,024 characters, which QuickBooks accepts.
    w.personEdits(exact, { Notes: '€'.repeat(room) });
    const noneShortest = blockForms(await labelOf(none)).at(-1)!;
    w.personEdits(none, { Notes: 'n'.repeat(NOTES_LIMIT - 2 - noneShortest.block.length + 1) });
    await w.syncNow();
    const result = await w.run();
    expect(result.drained).toMatchObject({ failed: 0 });
    expect(result.plan.counts.noRoom).toBe(1);
    expect(result.plan.counts.shortened).toBeGreaterThanOrEqual(1);

    expect(notesOf(exact)).toHaveLength(NOTES_LIMIT);
    expect(notesOf(exact)).toBe(`${'€'.repeat(room)}\n\n${shortest.block}`);
    expect(readNotesBlock(notesOf(exact))).toMatchObject({
      state: 'ours',
      omitted: ['basis', 'strategy', 'asOf', 'creditLimit'],
    });
    const [row] = await rowsOf(exact);
    expect(row).toMatchObject({
      status: 'done',
      result: { outcome: 'written', omitted: ['basis', 'strategy', 'asOf', 'creditLimit'] },
    });
    const activity = await c().activity.list(w.realmId, { customerId: exact });
    expect(activity[0]!.summary).toMatch(/left out the basis, the strategy, the date and the credit limit/);

    // No room: not written at all; the Notes stay as the person typed them.
    const before = w.customer(none);
    expect(notesOf(none)).toBe(before.Notes);
    expect(readNotesBlock(notesOf(none)).state).toBe('absent');
    expect(await rowsOf(none)).toEqual([]);
  });

  it('never writes an excluded customer: excluded before the run, or after the row was queued', async () => {
    const [before, after, other] = [w.scored[2]!.id, w.scored[3]!.id, w.scored[4]!.id];
    const tokens = () => [before, after, other].map((id) => w.customer(id).SyncToken);
    const now = () => c().clock.now();
    await c().customerInputs.setControls(w.realmId, before, { excluded: true }, 'test', now());
    for (const id of [before, after, other]) w.personEdits(id, { Notes: `notes of ${id}` });
    await w.syncNow();
    const start = tokens();
    const lastRow = (await w.outbox.list(w.realmId, { limit: 1 }))[0]?.id ?? 0;
    const newRowsOf = async (id: string) => (await rowsOf(id)).filter((r) => r.id > lastRow);

    // Another drain is running (it holds the company's write-back lock): this run only queues.
    expect(
      await c().locks.tryAcquire('writeback', w.realmId, 'elsewhere', now(), {
        staleAfterMs: 60_000,
        rerunFinished: true,
      }),
    ).toBe(true);
    const queued = await w.run();
    expect(queued.drained).toBeUndefined();
    expect(queued.plan.counts.excluded).toBe(1);
    expect(queued.plan.writes.map((x) => x.targetId)).not.toContain(before);
    expect(queued.plan.writes.map((x) => x.targetId)).toEqual(expect.arrayContaining([after, other]));
    await c().customerInputs.setControls(w.realmId, after, { excluded: true }, 'test', now());
    await c().locks.release('writeback', w.realmId, 'elsewhere', 'succeeded', now());

    const drained = await c().writeback.drain(w.realmId);
    expect(drained).toMatchObject({ failed: 0, skipped: 1 });
    expect(tokens()).toEqual([start[0], start[1], String(Number(start[2]) + 1)]);
    expect([notesOf(before), notesOf(after)]).toEqual([`notes of ${before}`, `notes of ${after}`]);
    expect((await newRowsOf(after))[0]).toMatchObject({ status: 'skipped', result: { outcome: 'excluded' } });
    expect(await newRowsOf(before)).toEqual([]);

    // Removal does not touch them either (`other` has a block; the two excluded have none).
    const removal = await w.run('remove');
    expect(removal.plan.writes.map((x) => x.targetId)).not.toContain(after);
    expect(tokens().slice(0, 2)).toEqual(start.slice(0, 2));
    for (const id of [before, after])
      await c().customerInputs.setControls(w.realmId, id, { excluded: false }, 'test', now());
  });

  it('removal leaves every customer’s Notes as they had them, text typed below the block included', async () => {
    const ids = [...w.scored.slice(5, 9), w.scored[11]!].map((s) => s.id);
    const [crlf, empty, below, edited, untouched] = ids as [string, string, string, string, string];
    const original = new Map<string, unknown>([
      [crlf, 'Line one\r\nLine two  \r\n'],
      [empty, ''],
      [below, 'Above'],
      [edited, 'Mine'],
    ]);
    for (const [id, notes] of original) w.personEdits(id, { Notes: notes });
    await w.syncNow();
    expect((await w.run()).drained).toMatchObject({ failed: 0 });
    for (const id of ids) expect(readNotesBlock(notesOf(id)).state).toBe('ours');

    // People keep working in QuickBooks: text typed below the block, and a block edited by hand.
    w.personEdits(below, { Notes: `${notesOf(below)}\nTyped below the block` });
    const editedNotes = notesOf(edited).replace('Risk tier: ', 'Risk tier (agreed with Sam): ');
    w.personEdits(edited, { Notes: editedNotes });
    await w.syncNow();

    const removal = await w.run('remove');
    expect(removal.drained).toMatchObject({ failed: 0 });
    expect(removal.plan.counts.editedBlocksKept).toBe(1);
    expect(notesOf(crlf)).toBe(original.get(crlf));
    expect(notesOf(empty)).toBe('');
    expect(notesOf(below)).toBe('Above\nTyped below the block');
    expect(notesOf(edited)).toBe(editedNotes);
    // Never edited in these tests: back to the generated company's Notes.
    expect(notesOf(untouched)).toBe(generated.get(untouched));
    // Removed everywhere else too, and a second removal writes nothing.
    const anyBlock = [...w.company.table('Customer').values()].filter(
      (x) => readNotesBlock(String(x.Notes ?? '')).state === 'ours',
    );
    expect(anyBlock).toEqual([]);
    const mark = w.mark();
    expect((await w.run('remove')).queued).toBe(0);
    expect(w.posts(mark)).toEqual([]);
  });
});
