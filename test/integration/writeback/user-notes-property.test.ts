import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOTES_LIMIT, readNotesBlock } from '../../../server/features/writeback/domain/notes-block.js';
import { notesWithEditedBlock, userNotes } from '../../support/notes-arbitraries.js';
import { writebackWorld, type WritebackWorld } from '../../support/writeback-harness.js';

/**
 * The first rule, end to end: whatever a person typed into Customer.Notes in QuickBooks survives every write
 * Duesense makes, byte for byte, within 1,024 characters; a second run writes nothing; removal gives the Notes back
 * exactly. Each case: a person types notes in QuickBooks (the emulator), the app syncs, writes labels, runs again,
 * removes its blocks, and the Notes are read back from the emulator.
 */
describe('the user’s notes survive write-back (property, against the emulator)', () => {
  let w: WritebackWorld;
  let targets: string[];

  beforeAll(async () => {
    w = await writebackWorld({ customers: 12 });
    targets = w.scored.slice(0, 4).map((s) => s.id);
    expect(targets).toHaveLength(4);
  });
  afterAll(() => w.close());

  const size = { pieces: 8, pieceLength: 24 };
  const userText = fc.oneof(
    { arbitrary: userNotes(size), weight: 4 },
    { arbitrary: notesWithEditedBlock(size), weight: 1 },
  );

  it('keeps the text, holds the limit, writes nothing twice and removes exactly', async () => {
    const outcomes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.array(userText, { minLength: 4, maxLength: 4 }), async (texts) => {
        const c = w.t.container;
        targets.forEach((id, i) => w.personEdits(id, { Notes: texts[i] }));
        await w.syncNow();

        const labelled = await w.run();
        expect(labelled.drained).toMatchObject({ failed: 0, retrying: 0, reconnectNeeded: false });
        targets.forEach((id, i) => {
          const notes = String(w.customer(id).Notes ?? '');
          expect(notes.length).toBeLessThanOrEqual(NOTES_LIMIT);
          const reading = readNotesBlock(notes);
          expect(reading.userText).toBe(texts[i]);
          outcomes.add(reading.state);
        });

        const mark = w.mark();
        const again = await w.run();
        expect(again.queued).toBe(0);
        expect(again.plan.writes).toEqual([]);
        expect(w.posts(mark)).toEqual([]);

        const removed = await w.run('remove');
        expect(removed.drained).toMatchObject({ failed: 0, retrying: 0 });
        targets.forEach((id, i) => expect(w.customer(id).Notes ?? '').toBe(texts[i]));
        expect((await c.writeback.preview(w.realmId, 'remove')).plan.writes).toEqual([]);
      }),
      { numRuns: 40, seed: 16_016 },
    );
    // The generated notes reached the three readings: labelled, no room (absent) and a look-alike kept as edited.
    expect([...outcomes].sort()).toEqual(['absent', 'edited', 'ours']);
  });
});
