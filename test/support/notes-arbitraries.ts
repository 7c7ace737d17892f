import fc from 'fast-check';
import { BLOCK_START, NOTES_LIMIT, readNotesBlock } from '../../server/features/writeback/domain/notes-block.js';

/** Pieces of text that look like parts of the Duesense block, and the line breaks and blanks around it. */
export const lookAlikes = fc.constantFrom(
  BLOCK_START,
  `${BLOCK_START}\n`,
  '\n--- end Duesense (check 0123abcd) ---',
  '--- end Duesense ---',
  '--- Duesense risk ---',
  'Risk tier: High\n',
  'Credit hold: yes',
  '\r\n',
  '\n',
  '\n\n',
  '   ',
  '\r',
);

/**
 * What a person may type into Customer.Notes, up to the limit: unicode pieces (graphemes and arbitrary code units,
 * lone surrogates included), line breaks, look-alike delimiters and long runs. An exact copy of one of our blocks is
 * left out (a known limit: docs/writeback.md).
 */
export function userNotes(o: { pieces: number; pieceLength: number }): fc.Arbitrary<string> {
  const piece = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: o.pieceLength }),
    fc.string({ unit: 'binary', maxLength: o.pieceLength }),
    lookAlikes,
  );
  const filler = fc.tuple(fc.constantFrom('a', 'é', '😀', '\r\n', ' ', '支'), fc.integer({ min: 0, max: NOTES_LIMIT }));
  return fc
    .tuple(fc.array(piece, { maxLength: o.pieces }), fc.option(filler, { freq: 3 }))
    .map(([pieces, fill]) => (pieces.join('') + (fill ? fill[0].repeat(fill[1]) : '')).slice(0, NOTES_LIMIT))
    .filter((text) => readNotesBlock(text).state !== 'ours');
}

/**
 * Notes holding what looks like a Duesense block a person changed (a start line, lines of their own, an end line with
 * a check), with their text around it: Duesense must keep all of it.
 */
export function notesWithEditedBlock(o: { pieces: number; pieceLength: number }): fc.Arbitrary<string> {
  const text = userNotes({ pieces: Math.max(1, Math.floor(o.pieces / 2)), pieceLength: o.pieceLength });
  const line = fc.string({ unit: 'grapheme', maxLength: 40 }).map((l) => l.replace(/[\r\n]/g, ' '));
  const check = fc.stringMatching(/^[0-9a-f]{8}$/);
  return fc
    .tuple(text, fc.array(line, { minLength: 1, maxLength: 4 }), check, text)
    .map(([before, lines, sum, after]) =>
      `${before}\n\n${BLOCK_START}\n${lines.join('\n')}\n--- end Duesense (check ${sum}) ---${after}`.slice(
        0,
        NOTES_LIMIT,
      ),
    )
    .filter((notes) => readNotesBlock(notes).state !== 'ours');
}
