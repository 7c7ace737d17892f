import type { SyncRun } from '../features/sync/sync-store-type.js';
import { fmt } from './view-helpers.js';

/**
 * The Sync page in words: what each kind of record is called, what a running sync is doing and how far it has
 * got, and what the runs' triggers and modes mean. Pure.
 */

/** Each synced entity as a person calls it, in the order the sync reads them. */
export const ENTITY_WORDS: Readonly<Record<string, string>> = {
  Term: 'Terms',
  CustomerType: 'Customer types',
  Item: 'Products and services',
  Customer: 'Customers',
  Invoice: 'Invoices',
  CreditMemo: 'Credit memos',
  Payment: 'Payments',
};

export const entityInWords = (name: string | undefined): string =>
  name === undefined ? 'records' : (ENTITY_WORDS[name] ?? name);

const TRIGGER_WORDS: Readonly<Record<string, string>> = {
  manual: 'Sync now',
  nightly: 'Nightly run',
  connect: 'After connecting',
  webhook: 'A change in QuickBooks',
};
export const triggerInWords = (trigger: string): string => TRIGGER_WORDS[trigger] ?? trigger;

const MODE_WORDS: Readonly<Record<string, string>> = {
  full: 'everything read again',
  incremental: 'changes only',
  query: 'changed rows looked up',
  cdc: 'changes only',
  none: 'nothing to read',
};
/** A run's mode ("full", "cdc", "full+cdc" once it has finished) in words: "everything read again, changes only". */
export function modeInWords(mode: string): string {
  const words = [...new Set(mode.split('+').map((m) => MODE_WORDS[m] ?? m))].join(', ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const rowsWord = (n: number) => `${fmt.number(n)} ${n === 1 ? 'row' : 'rows'}`;

/**
 * A running sync's progress in a sentence: the kind of record being read (step n of the kinds), the rows read so
 * far, and, when everything is read again, the share of the rows the local copy held for that kind before.
 */
export function syncProgressText(
  run: Pick<SyncRun, 'progress'>,
  rowsBefore: Readonly<Record<string, number>>,
  order: readonly string[],
): string {
  const p = run.progress;
  if (!p?.entity) return 'Starting: asking QuickBooks what has changed.';
  const name = entityInWords(p.entity);
  const step = order.indexOf(p.entity);
  const stepText = step < 0 ? '' : ` (kind ${step + 1} of ${order.length})`;
  const rows = p.rows ?? 0;
  if (p.mode === 'cdc') return `Reading what changed${stepText}: ${rowsWord(rows)} of ${name} changed.`;
  if (p.mode === 'full') {
    const before = rowsBefore[p.entity] ?? 0;
    const estimate =
      before === 0
        ? ''
        : rows < before
          ? `, about ${fmt.number(Math.floor((100 * rows) / before))}% of the ${fmt.number(before)} the local copy held`
          : `, more than the ${fmt.number(before)} the local copy held`;
    return `Reading all ${name}${stepText}: ${rowsWord(rows)} so far${estimate}.`;
  }
  return `Reading changed ${name}${stepText}: ${rowsWord(rows)} so far.`;
}
