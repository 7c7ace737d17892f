/**
 * Duesense's trace on an invoice in QuickBooks: one dated line per reminder emailed, appended to the invoice's
 * PrivateNote (the "Private note"/memo a bookkeeper sees on the invoice form, never shown to the customer). The
 * person's text is kept byte for byte; when the note would run over its limit, Duesense's oldest lines go first,
 * and never the person's.
 */

/**
 * PrivateNote's length limit. Intuit's XSD does not state one and no primary source was found (qbo-api.md says
 * UNCONFIRMED, 4000 commonly cited); 4000 is the figure the emulator enforces (fault 2050), the same as the other
 * long text fields of the API. Counted in UTF-16 code units, as the emulator (and Java behind QuickBooks) counts.
 */
export const PRIVATE_NOTE_MAX_LENGTH = 4000;

/** The longest line Duesense writes: room for an address or two, and never a large share of the note. */
export const INVOICE_NOTE_LINE_MAX_LENGTH = 200;

/** A line of ours: a date, a space, "Duesense ", then the rest ("2026-12-07 Duesense reminder (+7 days, firm) …"). */
const OUR_LINE = /^\d{4}-\d{2}-\d{2} Duesense \S/;

export interface InvoiceNotePayload {
  /** The line as it appears in PrivateNote. */
  line: string;
  /** What the line records, unique to it (the reminder's id): the outbox row's idempotency key is made from it. */
  key: string;
}

/** Why a line cannot be a note line, or undefined when it can. */
export function invoiceNoteLineProblem(line: string): string | undefined {
  if (/[\r\n]/.test(line)) return 'a note line is one line';
  if (!OUR_LINE.test(line)) return 'a note line starts with its date and "Duesense " (2026-12-07 Duesense …)';
  if (line.length > INVOICE_NOTE_LINE_MAX_LENGTH)
    return `a note line is at most ${INVOICE_NOTE_LINE_MAX_LENGTH} characters`;
  return undefined;
}

/** Whether a line of a note is one Duesense wrote (by its form; a person who types one alike makes it ours). */
export function isOurNoteLine(line: string): boolean {
  return OUR_LINE.test(line.replace(/\r$/, ''));
}

export type NoteAppend =
  | { outcome: 'already-there' }
  | { outcome: 'no-room' }
  | { outcome: 'appended'; note: string; /** Our older lines dropped to make room. */ dropped: number };

/**
 * The note with `line` appended on a line of its own. A line already there (exactly, as a whole line) is not added
 * again, so a replay or a re-merge after a stale SyncToken never doubles it. When the result would exceed `max`,
 * our lines are dropped from the top (the oldest) until it fits; when even the person's text alone leaves no room,
 * nothing changes.
 */
export function appendNoteLine(note: string, line: string, max = PRIVATE_NOTE_MAX_LENGTH): NoteAppend {
  // A line ends at \n; a \r before it belongs to its ending, so a CRLF note is matched and kept as it is.
  const lines = note === '' ? [] : note.split('\n');
  if (lines.some((l) => l.replace(/\r$/, '') === line)) return { outcome: 'already-there' };
  const joined = (ls: readonly string[]) => {
    if (ls.length === 0) return line;
    const body = ls.join('\n');
    return body.endsWith('\n') ? `${body}${line}` : `${body}\n${line}`;
  };
  const kept = [...lines];
  let dropped = 0;
  let next = joined(kept);
  while (next.length > max) {
    const oldest = kept.findIndex(isOurNoteLine);
    if (oldest < 0) return { outcome: 'no-room' };
    kept.splice(oldest, 1);
    dropped++;
    next = joined(kept);
  }
  return { outcome: 'appended', note: next, dropped };
}
