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
};

/** One activity line for a write that reached QuickBooks. */
export function writeSummary(row: Pick<Writeback, 'kind' | 'targetName'>, result: WritebackResult): string {
  const fields = result.fields.join(', ');
  const left = omittedWords(result.omitted);
  const base =
    row.kind === 'customer_unlabel'
      ? `Removed the Duesense block from ${row.targetName}'s notes in QuickBooks`
      : `Wrote ${WHAT[row.kind]} into QuickBooks for ${row.targetName} (${fields})`;
  return left ? `${base}; left out ${left} for lack of room` : base;
}
