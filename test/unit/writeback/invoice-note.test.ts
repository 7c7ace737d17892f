import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { changeFor, supersedesPending } from '../../../server/features/writeback/domain/entity-changes.js';
import {
  appendNoteLine,
  invoiceNoteLineProblem,
  isOurNoteLine,
  PRIVATE_NOTE_MAX_LENGTH,
} from '../../../server/features/writeback/domain/invoice-note.js';

const MAX = PRIVATE_NOTE_MAX_LENGTH;
const line = (day: number, to = 'a@b.com') =>
  `2026-12-${String(day).padStart(2, '0')} Duesense reminder (+7 days, firm) emailed to ${to}`;
const invoice = (o: Record<string, unknown> = {}) => ({ Id: '130', SyncToken: '2', Balance: 125, ...o });
/** The person's lines of a note: every line not ours, the empty one a final line break leaves dropped. */
const personLines = (note: string) => {
  const lines = note === '' ? [] : note.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.filter((l) => !isOurNoteLine(l));
};
/** What a person may type into PrivateNote: unicode (lone surrogates too), CRLF and LF, look-alike lines. */
const personText = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 60 }),
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.constantFrom('\n', '\r\n', '\n\n', 'Duesense reminder', '2026-12-01 Duesense', ' 2026-12-01 Duesense x'),
    ),
    { maxLength: 12 },
  )
  .chain((pieces) =>
    fc
      .integer({ min: 0, max: MAX })
      .map((fill) => (pieces.join('') + (fill > MAX - 300 ? 'x'.repeat(fill) : '')).slice(0, MAX)),
  )
  .filter((t) => t.split('\n').every((l) => !isOurNoteLine(l)));
/** A note as it may be found: the person's text with some of our lines among it. */
const noteFound = fc
  .tuple(personText, fc.array(fc.integer({ min: 1, max: 28 }), { maxLength: 20 }), fc.boolean())
  .map(([text, days, first]) => {
    const ours = days.map((d) => line(d, `c${d}@example.test`)).join('\n');
    const joined = ours === '' ? text : text === '' ? ours : first ? `${ours}\n${text}` : `${text}\n${ours}`;
    return joined.slice(0, MAX);
  })
  .filter((t) => personLines(t).join('\n').length <= MAX - 120);

describe('an invoice note line', () => {
  it('When the note is empty, then the line is the note', () => {
    expect(appendNoteLine('', line(7))).toEqual({ outcome: 'appended', note: line(7), dropped: 0 });
  });

  it('When the person wrote a note, then the line goes on a line of its own below, their text untouched', () => {
    expect(appendNoteLine('Call Amy first.\r\nPO 4471  ', line(7))).toEqual({
      outcome: 'appended',
      note: `Call Amy first.\r\nPO 4471  \n${line(7)}`,
      dropped: 0,
    });
    expect(appendNoteLine('Ends with a break\n', line(7))).toMatchObject({ note: `Ends with a break\n${line(7)}` });
  });

  it('When the line is already there (also before a CR), then nothing is written', () => {
    expect(appendNoteLine(`Note\n${line(7)}\n${line(14)}`, line(7))).toEqual({ outcome: 'already-there' });
    expect(appendNoteLine(`${line(7)}\r\nNote`, line(7))).toEqual({ outcome: 'already-there' });
    // Only a whole line counts: the same words inside a longer line do not.
    expect(appendNoteLine(`see: ${line(7)}`, line(7)).outcome).toBe('appended');
  });

  it('When room runs out, then our oldest lines go first, never the person’s', () => {
    const person = 'p'.repeat(MAX - 2 * (line(1).length + 1) - 10);
    const note = `${line(1)}\n${person}\n${line(2)}`;
    const r = appendNoteLine(note, line(3));
    expect(r).toEqual({ outcome: 'appended', note: `${person}\n${line(2)}\n${line(3)}`, dropped: 1 });
    expect((r as { note: string }).note.length).toBeLessThanOrEqual(MAX);
  });

  it('When exactly the limit is reached, then it is written; one character more, and our line makes room', () => {
    const person = 'p'.repeat(MAX - line(3).length - 1);
    expect(appendNoteLine(person, line(3))).toMatchObject({ outcome: 'appended', dropped: 0 });
    expect((appendNoteLine(person, line(3)) as { note: string }).note).toHaveLength(MAX);
    expect(appendNoteLine(`${person}x`, line(3))).toEqual({ outcome: 'no-room' });
    expect(appendNoteLine(`${line(1)}\n${person}`, line(3))).toEqual({
      outcome: 'appended',
      note: `${person}\n${line(3)}`,
      dropped: 1,
    });
  });

  it('When the person’s text alone leaves no room, then nothing changes (private-note-full)', () => {
    const full = changeFor('invoice_note', { line: line(3), key: 'r1' }, invoice({ PrivateNote: 'p'.repeat(MAX) }));
    expect(full).toEqual({ write: false, reason: 'private-note-full' });
  });

  it('Property: the person’s text is kept, the limit held, and a second application writes nothing', () => {
    fc.assert(
      fc.property(noteFound, fc.integer({ min: 1, max: 28 }), (note, day) => {
        const ours = line(day, 'new@example.test');
        const r = appendNoteLine(note, ours);
        if (r.outcome === 'already-there') return expect(note.split('\n')).toContain(ours);
        expect(r.outcome).toBe('appended');
        if (r.outcome !== 'appended') return;
        expect(r.note.length).toBeLessThanOrEqual(MAX);
        expect(r.note.endsWith(`\n${ours}`) || r.note === ours).toBe(true);
        expect(personLines(r.note)).toEqual(personLines(note));
        // Our lines kept are the newest, in order: only a prefix of them was dropped.
        const oursBefore = note.split('\n').filter(isOurNoteLine);
        expect(r.note.split('\n').filter(isOurNoteLine)).toEqual([...oursBefore.slice(r.dropped), ours]);
        expect(appendNoteLine(r.note, ours)).toEqual({ outcome: 'already-there' });
      }),
      { numRuns: 300 },
    );
  });
});

describe('the invoice_note change', () => {
  it('When the line is new, then a sparse update of PrivateNote alone, whatever the balance', () => {
    const change = changeFor(
      'invoice_note',
      { line: line(7), key: 'r1' },
      invoice({ PrivateNote: 'Deliver to the back door', Balance: 0 }),
    );
    expect(change).toEqual({
      write: true,
      body: { Id: '130', SyncToken: '2', sparse: true, PrivateNote: `Deliver to the back door\n${line(7)}` },
      fields: ['PrivateNote'],
      notes: `Deliver to the back door\n${line(7)}`,
    });
  });

  it('When the invoice has no PrivateNote, then the line alone; when it has the line, already in QuickBooks', () => {
    expect(changeFor('invoice_note', { line: line(7), key: 'r1' }, invoice())).toMatchObject({
      write: true,
      notes: line(7),
    });
    expect(changeFor('invoice_note', { line: line(7), key: 'r1' }, invoice({ PrivateNote: line(7) }))).toEqual({
      write: false,
      reason: 'already-in-quickbooks',
    });
  });

  it('Notes add up: a new note row never supersedes a pending one; labels and tiers do', () => {
    expect(supersedesPending('invoice_note')).toBe(false);
    expect(supersedesPending('invoice_tier')).toBe(true);
    expect(supersedesPending('customer_label')).toBe(true);
  });

  it('A line is ours only in our form: dated, "Duesense ", one line, at most 200 characters', () => {
    expect(invoiceNoteLineProblem(line(7))).toBeUndefined();
    expect(invoiceNoteLineProblem('Duesense reminder emailed')).toMatch(/starts with its date/);
    expect(invoiceNoteLineProblem(`${line(7)}\nmore`)).toMatch(/one line/);
    expect(invoiceNoteLineProblem(`${line(7)}${'x'.repeat(200)}`)).toMatch(/at most 200/);
  });
});
