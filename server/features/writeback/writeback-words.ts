/** Write-back outcomes in words, for the activity log, the pages and the CLI. */
import type { Writeback, WritebackResult } from './writeback-store-type.js';

const OUTCOMES: Record<string, string> = {
  written: 'written',
  'already-in-quickbooks': 'already in QuickBooks (nothing to write)',
  'edited-block-kept': 'kept: a person edited the Duesense block in QuickBooks',
  'no-room': 'no room: the customer’s own notes leave too little of the 1,024 characters',
  'person-value-kept': 'kept: a person typed their own value in the field',
  'invoice-closed': 'not written: the invoice is paid',
  'no-block': 'nothing to remove',
  excluded: 'not written: the customer is excluded from automatic actions',
  'record-gone': 'not written: the record is no longer in QuickBooks',
  'private-note-full': 'no room: the invoice’s own private note leaves too little of its 4,000 characters',
};

const PARTS: Record<string, string> = {
  basis: 'the basis',
  strategy: 'the strategy',
  asOf: 'the date',
  creditLimit: 'the credit limit',
};

export function outcomeWords(outcome: string): string {
  return OUTCOMES[outcome] ?? outcome;
}

/** "the basis and the strategy", for a label written in a shorter form. */
export function omittedWords(omitted: readonly string[] | undefined): string | undefined {
  if (!omitted || omitted.length === 0) return undefined;
  const words = omitted.map((p) => PARTS[p] ?? p);
  return words.length === 1 ? words[0] : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

const WHAT: Record<Writeback['kind'], string> = {
  customer_label: 'the risk label',
  customer_unlabel: 'the removal of the Duesense block',
  invoice_tier: 'the risk tier',
  invoice_note: 'the reminder’s line',
};

/** One activity line for a write that reached QuickBooks. */
export function writeSummary(row: Pick<Writeback, 'kind' | 'targetName'>, result: WritebackResult): string {
  const fields = result.fields.join(', ');
  const left = omittedWords(result.omitted);
  const base =
    row.kind === 'customer_unlabel'
      ? `Removed the Duesense block from ${row.targetName}'s notes in QuickBooks`
      : row.kind === 'invoice_note'
        ? `Noted the reminder on invoice ${row.targetName} in QuickBooks (${fields})`
        : `Wrote ${WHAT[row.kind]} into QuickBooks for ${row.targetName} (${fields})`;
  return left ? `${base}; left out ${left} for lack of room` : base;
}

/** What a QuickBooks fault code means for a write, in words; QuickBooks' own message follows it on the page. */
const FAULT_WORDS: Record<string, string> = {
  '610': 'the record is inactive or no longer exists in QuickBooks',
  '2010': 'QuickBooks does not accept one of the fields Duesense sent',
  '2020': 'QuickBooks wants a field that was not sent',
  '2050': 'a value is longer than QuickBooks allows',
  '2500': 'QuickBooks refused a value as invalid',
  '3001': 'QuickBooks asked Duesense to slow down; it retries on its own',
  '3100': 'QuickBooks refused the app access to this company; reconnect',
  '3200': 'the connection to QuickBooks has expired; reconnect',
  '5010': 'someone kept changing this record in QuickBooks at the same moment; retry',
  '6000': 'QuickBooks refused the change for a business rule',
  '10000': 'QuickBooks had an internal error; it retries on its own',
};

const CLASS_WORDS: Record<string, string> = {
  reauth: 'the connection to QuickBooks must be renewed; reconnect, then retry',
  transient: 'QuickBooks could not be reached or was busy; Duesense retries on its own',
  permanent: 'QuickBooks refused the change',
  unknown: 'the write failed unexpectedly',
};

/** A failed write in words: what the fault means, for a person who does not read fault codes. */
export function errorWords(error: { errorClass: string; code: string | null }): string {
  return (error.code ? FAULT_WORDS[error.code] : undefined) ?? CLASS_WORDS[error.errorClass] ?? 'the write failed';
}
