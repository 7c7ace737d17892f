/**
 * The Duesense block inside a QuickBooks Customer.Notes: how the risk label is rendered, merged into the user's own
 * text, read back and removed. Pure: no I/O, no clock (the label carries its own as-of date).
 *
 * Notes = the user's text, then (when that text is not empty) one blank line, then our block:
 *
 *     Call before shipping to the Elm St site.        <- the user's text, kept byte for byte
 *                                                     <- the separator "\n\n" (absent when the user's text is empty)
 *     --- Duesense risk (updated automatically) ---
 *     Risk tier: High
 *     Credit hold: yes                                <- only when the label says credit hold
 *     Strategy: Credit restriction
 *     Recommended credit limit: USD 0.00 as of 2026-01-31
 *     Basis: no new credit until overdue invoices are paid
 *     --- end Duesense (check 1a2b3c4d) ---
 *
 * Only a block that re-renders to exactly the same text and whose check (FNV-1a of the lines between the delimiters)
 * matches is ours; anything else shaped like it is a person's text and is never altered unless the caller asks to
 * replace an edited block. The format is described in docs/writeback.md.
 */
import { STRATEGIES, type Strategy } from '../../risk/domain/risk-policy.js';

/**
 * Customer.Notes holds at most 1,024 characters (QBO XSD; a longer value answers Fault 2050). Whether QBO counts
 * UTF-16 code units or code points is UNCONFIRMED, so {@link notesLength} counts code units, which are never fewer
 * than code points: a text within the limit by our count is within it by either.
 */
export const NOTES_LIMIT = 1024;

/** The length the limit is checked against: UTF-16 code units (JavaScript's `length`), the larger of the readings. */
export function notesLength(text: string): number {
  return text.length;
}

export type RiskTier = 'Low' | 'Medium' | 'High';
export const RISK_TIERS: readonly RiskTier[] = ['Low', 'Medium', 'High'];

/** What Duesense writes about one customer. */
export interface RiskLabel {
  riskTier: RiskTier;
  strategy: Strategy;
  /** The recommended credit limit: QBO has no API-writable credit-limit field, so it lives in the block. */
  creditLimit: { cents: number; currency: string };
  /** The date the limit was worked out, YYYY-MM-DD. */
  asOf: string;
  /** The limit's basis in a few words; kept to one line of at most {@link BASIS_MAX} characters. */
  basis: string;
  creditHold: boolean;
}

/** The parts a shorter form leaves out, in the order they go: the least needed first. Tier and hold always stay. */
export type LabelPart = 'basis' | 'strategy' | 'asOf' | 'creditLimit';
export const OMISSION_ORDER: readonly LabelPart[] = ['basis', 'strategy', 'asOf', 'creditLimit'];

/** A label as a block shows it: the parts a shorter form left out are absent. */
export interface ShownLabel {
  riskTier: RiskTier;
  creditHold: boolean;
  strategy?: Strategy;
  creditLimit?: { cents: number; currency: string };
  asOf?: string;
  basis?: string;
}

export const BLOCK_START = '--- Duesense risk (updated automatically) ---';
const END_LINE = /^--- end Duesense \(check ([0-9a-f]{8})\) ---$/;
/** Between the user's text and our block, when the user's text is not empty. Fixed, so removal can undo it exactly. */
export const BLOCK_SEPARATOR = '\n\n';
export const BASIS_MAX = 100;
const BASIS_WHEN_EMPTY = 'not stated';

function endLine(check: string): string {
  return `--- end Duesense (check ${check}) ---`;
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------------------------

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The basis as the block shows it: one line (line breaks, tabs and control characters become spaces), trimmed. */
export function blockBasis(basis: string): string {
  const line = basis
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(/[\s\p{Cc}]+/gu, ' ')
    .trim();
  if (line === '') return BASIS_WHEN_EMPTY;
  if (line.length <= BASIS_MAX) return line;
  let cut = '';
  for (const codePoint of line) {
    if (cut.length + codePoint.length > BASIS_MAX - 3) break;
    cut += codePoint;
  }
  return `${cut.trimEnd()}...`;
}

/** The label exactly as a full block shows it (basis normalised); throws on a label no block can carry. */
export function blockLabel(label: RiskLabel): RiskLabel {
  if (!RISK_TIERS.includes(label.riskTier)) throw new RangeError(`Not a risk tier: ${label.riskTier}`);
  if (!STRATEGIES.includes(label.strategy)) throw new RangeError(`Not a strategy: ${label.strategy}`);
  const { cents, currency } = label.creditLimit;
  if (!Number.isSafeInteger(cents) || cents < 0) throw new RangeError(`Not a credit limit in cents: ${cents}`);
  if (!/^[A-Z]{3}$/.test(currency)) throw new RangeError(`Not an ISO currency code: ${currency}`);
  if (!isCalendarDate(label.asOf)) throw new RangeError(`Not a YYYY-MM-DD date: ${label.asOf}`);
  return { ...label, creditLimit: { cents, currency }, basis: blockBasis(label.basis) };
}

function isCalendarDate(date: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d));
  return day.getUTCFullYear() === y && day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
}

function formatAmount(cents: number): string {
  const whole = String(Math.floor(cents / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${whole}.${String(cents % 100).padStart(2, '0')}`;
}

function parseAmount(text: string): number | null {
  const m = /^(\d{1,3}(?:,\d{3})*)\.(\d{2})$/.exec(text);
  if (!m) return null;
  const cents = Number(m[1]!.replaceAll(',', '')) * 100 + Number(m[2]);
  return Number.isSafeInteger(cents) ? cents : null;
}

/** FNV-1a (32 bits) over UTF-16 code units, as 8 hex digits: detects edits, not tampering. */
function check(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

function bodyLines(shown: ShownLabel): string[] {
  const lines = [`Risk tier: ${shown.riskTier}`];
  if (shown.creditHold) lines.push('Credit hold: yes');
  if (shown.strategy !== undefined) lines.push(`Strategy: ${shown.strategy}`);
  if (shown.creditLimit !== undefined) {
    const asOf = shown.asOf === undefined ? '' : ` as of ${shown.asOf}`;
    const { cents, currency } = shown.creditLimit;
    lines.push(`Recommended credit limit: ${currency} ${formatAmount(cents)}${asOf}`);
  }
  if (shown.basis !== undefined) lines.push(`Basis: ${shown.basis}`);
  return lines;
}

function renderShown(shown: ShownLabel): string {
  const body = bodyLines(shown).join('\n');
  return `${BLOCK_START}\n${body}\n${endLine(check(body))}`;
}

function shownWithout(label: RiskLabel, omitted: readonly LabelPart[]): ShownLabel {
  const shown: ShownLabel = { ...label, creditLimit: { ...label.creditLimit } };
  for (const part of omitted) delete shown[part];
  return shown;
}

export interface BlockForm {
  block: string;
  omitted: LabelPart[];
}

/** Every form of the block, full first, each leaving out one more part (in {@link OMISSION_ORDER}). */
export function blockForms(label: RiskLabel): BlockForm[] {
  const shown = blockLabel(label);
  return OMISSION_ORDER.map((_, i) => OMISSION_ORDER.slice(0, i))
    .concat([[...OMISSION_ORDER]])
    .map((omitted) => ({ block: renderShown(shownWithout(shown, omitted)), omitted }));
}

/** The full block for a label, as it appears in Notes (no leading separator, no trailing line break). */
export function renderFullBlock(label: RiskLabel): string {
  return blockForms(label)[0]!.block;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------------------------

/** Where a block sits in Notes: [start, end) covers the start line through the end line, no separator. */
interface Span {
  start: number;
  end: number;
}

/** Parses the lines between the delimiters; null unless they are exactly what some form renders. */
function parseBody(lines: string[]): { shown: ShownLabel; omitted: LabelPart[] } | null {
  let i = 0;
  const tier = /^Risk tier: (Low|Medium|High)$/.exec(lines[i] ?? '');
  if (!tier) return null;
  const shown: ShownLabel = { riskTier: tier[1] as RiskTier, creditHold: false };
  i++;
  if (lines[i] === 'Credit hold: yes') {
    shown.creditHold = true;
    i++;
  }
  const strategy = /^Strategy: (.+)$/.exec(lines[i] ?? '');
  if (strategy && STRATEGIES.includes(strategy[1] as Strategy)) {
    shown.strategy = strategy[1] as Strategy;
    i++;
  }
  const limit = /^Recommended credit limit: ([A-Z]{3}) (\S+?)(?: as of (\d{4}-\d{2}-\d{2}))?$/.exec(lines[i] ?? '');
  if (limit) {
    const cents = parseAmount(limit[2]!);
    if (cents === null) return null;
    shown.creditLimit = { cents, currency: limit[1]! };
    if (limit[3] !== undefined) {
      if (!isCalendarDate(limit[3])) return null;
      shown.asOf = limit[3];
    }
    i++;
  }
  const basis = /^Basis: (.+)$/.exec(lines[i] ?? '');
  if (basis) {
    shown.basis = basis[1]!;
    i++;
  }
  if (i !== lines.length) return null;
  const omitted = OMISSION_ORDER.filter((part) => shown[part] === undefined);
  // A form leaves out a prefix of the omission order, nothing else.
  if (omitted.some((part, k) => OMISSION_ORDER[k] !== part)) return null;
  return { shown, omitted };
}

type Located =
  | { state: 'absent' }
  | { state: 'ours'; span: Span; shown: ShownLabel; omitted: LabelPart[] }
  | { state: 'edited'; span: Span };

/**
 * Candidates are a start line and the next end-shaped line after it (each a whole line). The last candidate that is
 * well formed is ours: separated by exactly BLOCK_SEPARATOR (or first in Notes), a body some form renders, and a
 * matching check. Failing that, the last candidate is a block a person edited (or a copy of our delimiters).
 */
function locate(notes: string): Located {
  const candidates: Span[] = [];
  let start: number | null = null;
  let offset = 0;
  for (const line of notes.split('\n')) {
    if (line === BLOCK_START) start = offset;
    else if (start !== null && END_LINE.test(line)) {
      candidates.push({ start, end: offset + line.length });
      start = null;
    }
    offset += line.length + 1;
  }
  for (const span of [...candidates].reverse()) {
    const ours = readBlock(notes, span);
    if (ours) return { state: 'ours', span, ...ours };
  }
  const last = candidates.at(-1);
  return last === undefined ? { state: 'absent' } : { state: 'edited', span: last };
}

function readBlock(notes: string, span: Span): { shown: ShownLabel; omitted: LabelPart[] } | null {
  const prefix = notes.slice(0, span.start);
  if (prefix !== '' && !(prefix.length > BLOCK_SEPARATOR.length && prefix.endsWith(BLOCK_SEPARATOR))) return null;
  const block = notes.slice(span.start, span.end);
  const lines = block.split('\n');
  const parsed = parseBody(lines.slice(1, -1));
  if (parsed === null || renderShown(parsed.shown) !== block) return null;
  return parsed;
}

/** The user's text on either side of a block: before it (without our separator) and after it (as typed). */
function around(notes: string, span: Span): { before: string; after: string } {
  const prefix = notes.slice(0, span.start);
  let before = prefix;
  if (prefix.endsWith(BLOCK_SEPARATOR)) before = prefix.slice(0, -BLOCK_SEPARATOR.length);
  else if (prefix.endsWith('\n')) before = prefix.slice(0, -1);
  return { before, after: notes.slice(span.end) };
}

export type NotesReading =
  /** No Duesense block: all of Notes is the user's. */
  | { state: 'absent'; userText: string }
  /** Our block, intact: what it shows and which parts its form left out. */
  | { state: 'ours'; userText: string; label: ShownLabel; omitted: LabelPart[]; block: string }
  /**
   * Something shaped like our block (start line … end line with a check) that is not exactly what we write: a person
   * edited inside it or around it, or typed our delimiters. It counts as the user's text.
   */
  | { state: 'edited'; userText: string; block: string };

/** Reads the Duesense block out of Notes, so a later run can compare it and notice a person's edit. */
export function readNotesBlock(notes: string): NotesReading {
  const found = locate(notes);
  if (found.state === 'absent') return { state: 'absent', userText: notes };
  const block = notes.slice(found.span.start, found.span.end);
  if (found.state === 'edited') return { state: 'edited', userText: notes, block };
  const { before, after } = around(notes, found.span);
  return { state: 'ours', userText: before + after, label: found.shown, omitted: found.omitted, block };
}

// ---------------------------------------------------------------------------------------------------------------
// Merging and removing
// ---------------------------------------------------------------------------------------------------------------

export interface EditedBlockChoice {
  /**
   * What to do with a block a person edited: 'keep' (default) leaves Notes exactly as they are and reports it;
   * 'replace' treats it as ours (the owner's explicit choice).
   */
  editedBlock?: 'keep' | 'replace';
}

export type MergeResult =
  /** Notes carry the label, in the longest form that fits; `changed` is false when they already did. */
  | { outcome: 'labelled'; notes: string; changed: boolean; omitted: LabelPart[] }
  /** Not even the shortest form fits beside the user's text: Notes are the user's text alone (any old block goes). */
  | { outcome: 'no-room'; notes: string; changed: boolean }
  /** A block a person edited is kept: Notes are returned unchanged. */
  | { outcome: 'edited-block-kept'; notes: string; changed: false };

function joined(before: string, block: string, after: string): string {
  return before === '' ? block + after : before + BLOCK_SEPARATOR + block + after;
}

function userParts(found: Located, notes: string): { before: string; after: string } {
  return found.state === 'absent' ? { before: notes, after: '' } : around(notes, found.span);
}

/**
 * The Notes to write: the user's text byte for byte with our block for `label` (replacing our old block in place,
 * or appended at the end), never longer than {@link NOTES_LIMIT} by {@link notesLength}.
 */
export function mergeNotesBlock(notes: string, label: RiskLabel, choice: EditedBlockChoice = {}): MergeResult {
  const found = locate(notes);
  if (found.state === 'edited' && choice.editedBlock !== 'replace') {
    return { outcome: 'edited-block-kept', notes, changed: false };
  }
  const { before, after } = userParts(found, notes);
  for (const form of blockForms(label)) {
    const next = joined(before, form.block, after);
    if (notesLength(next) <= NOTES_LIMIT) {
      return { outcome: 'labelled', notes: next, changed: next !== notes, omitted: form.omitted };
    }
  }
  const userOnly = before + after;
  return { outcome: 'no-room', notes: userOnly, changed: userOnly !== notes };
}

export type RemoveResult =
  | { outcome: 'removed'; notes: string }
  | { outcome: 'absent'; notes: string }
  | { outcome: 'edited-block-kept'; notes: string };

/** Notes without our block: the user's text exactly as it was before we wrote (plus whatever they typed after it). */
export function removeNotesBlock(notes: string, choice: EditedBlockChoice = {}): RemoveResult {
  const found = locate(notes);
  if (found.state === 'absent') return { outcome: 'absent', notes };
  if (found.state === 'edited' && choice.editedBlock !== 'replace') return { outcome: 'edited-block-kept', notes };
  const { before, after } = around(notes, found.span);
  return { outcome: 'removed', notes: before + after };
}
