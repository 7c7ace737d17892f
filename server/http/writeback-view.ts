/** Write-back in words for the pages: outbox rows, planned writes, a plan's counts and what a setting costs. */
import type { CustomerLabelPayload, InvoiceTierPayload } from '../features/writeback/domain/entity-changes.js';
import { readNotesBlock } from '../features/writeback/domain/notes-block.js';
import type { PlannedWrite, WritebackPlan } from '../features/writeback/domain/writeback-plan.js';
import { DEFAULT_EXECUTOR_OPTIONS } from '../features/writeback/writeback-executor.js';
import type { Writeback, WritebackStatus } from '../features/writeback/writeback-store-type.js';
import { errorWords, omittedWords, outcomeWords } from '../features/writeback/writeback-words.js';
import { DEFAULT_POLICY } from '../qbo/rate-limiter.js';

export const STATUS_WORDS: Record<WritebackStatus, string> = {
  pending: 'Waiting',
  in_flight: 'Being written',
  done: 'Done',
  failed: 'Failed',
  skipped: 'Not written',
  superseded: 'Replaced by a newer write',
};

export const KIND_WORDS: Record<Writeback['kind'], string> = {
  customer_label: 'Risk label in the customer’s notes',
  customer_unlabel: 'Removal of the Duesense notes',
  invoice_tier: 'Risk tier on an open invoice',
  invoice_note: 'Reminder noted on the invoice',
};

export interface WritebackRowView {
  id: number;
  targetName: string;
  customerId: string;
  kind: string;
  status: WritebackStatus;
  statusWords: string;
  attempts: number;
  /** What the finished row did, in words; undefined while it waits. */
  outcome: string | undefined;
  /** The Duesense block as written (customer labels that were written). */
  block: string | undefined;
  /** What the row writes or wrote, in short, when there is no block to show. */
  what: string | undefined;
  /** Parts of the label a shorter form left out for lack of room, in words. */
  leftOut: string | undefined;
  /** What the failure means in words (errorWords), then QuickBooks' own message, code and intuit_tid. */
  error: { words: string; code: string | null; message: string; intuitTid: string | null } | undefined;
  /** A failed attempt that waits for its next try. */
  retryAt: Date | undefined;
  createdAt: Date;
  /** When it finished, or last changed. */
  at: Date;
}

/** The Duesense block in Notes, or undefined when they carry none (no room for it, or it was removed). */
export function blockIn(notes: string | undefined): string | undefined {
  if (notes === undefined) return undefined;
  const reading = readNotesBlock(notes);
  return reading.state === 'ours' ? reading.block : undefined;
}

function whatOf(w: Writeback): string | undefined {
  if (w.kind === 'invoice_tier') {
    const p = w.payload as InvoiceTierPayload;
    return `“${p.value}” in sales-form custom field ${p.definitionId}`;
  }
  if (w.kind === 'customer_label') {
    const p = w.payload as CustomerLabelPayload;
    const type = p.customerType ? ', and the tier’s customer type' : '';
    return `Risk tier ${p.label.riskTier}, ${p.label.strategy}${type}`;
  }
  return undefined;
}

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function writebackRow(w: Writeback): WritebackRowView {
  const finished = w.status !== 'pending' && w.status !== 'in_flight';
  const written = w.result?.outcome === 'written';
  const block = w.kind === 'customer_label' && written ? blockIn(w.result?.notes) : undefined;
  return {
    id: w.id,
    targetName: w.targetName,
    customerId: w.customerId,
    kind: KIND_WORDS[w.kind],
    status: w.status,
    statusWords: STATUS_WORDS[w.status],
    attempts: w.attempts,
    outcome: w.result ? capitalised(outcomeWords(w.result.outcome)) : undefined,
    block,
    what: block === undefined ? whatOf(w) : undefined,
    leftOut: omittedWords(w.result?.omitted),
    error: w.lastError
      ? {
          words: capitalised(errorWords(w.lastError)),
          code: w.lastError.code,
          message: w.lastError.message,
          intuitTid: w.lastError.intuitTid,
        }
      : undefined,
    retryAt: w.status === 'pending' && w.lastError ? w.nextAttemptAt : undefined,
    createdAt: w.createdAt,
    at: finished ? (w.finishedAt ?? w.updatedAt) : w.updatedAt,
  };
}

export interface PlannedWriteView {
  name: string;
  customerId: string;
  block: string | undefined;
  leftOut: string | undefined;
  noRoom: boolean;
  fields: string;
}

export function plannedRow(p: PlannedWrite): PlannedWriteView {
  return {
    name: p.targetName,
    customerId: p.customerId,
    block: blockIn(p.notes),
    leftOut: omittedWords(p.omitted),
    noRoom: p.noRoom === true,
    fields: p.fields.join(', '),
  };
}

const count = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** The parts of a plan that write nothing, in words; only the ones that are not zero. */
export function planCountsWords(plan: WritebackPlan): string[] {
  const c = plan.counts;
  const words: string[] = [];
  if (c.invoiceWrites > 0)
    words.push(`${count(c.invoiceWrites, 'open invoice gets', 'open invoices get')} the risk tier in a custom field`);
  if (c.unchanged > 0)
    words.push(`${count(c.unchanged, 'customer already has', 'customers already have')} the current label (unchanged)`);
  if (c.excluded > 0)
    words.push(
      `${count(c.excluded, 'customer is', 'customers are')} excluded from automatic actions (nothing written)`,
    );
  if (c.editedBlocksKept > 0)
    words.push(
      `${count(c.editedBlocksKept, 'customer has a Duesense block', 'customers have a Duesense block')} ` +
        'someone edited in QuickBooks (kept as it is)',
    );
  if (c.noRoom > 0)
    words.push(
      `${count(c.noRoom, 'customer’s', 'customers’')} own notes leave no room for the label ` +
        '(nothing added; an old block is taken out)',
    );
  if (c.shortened > 0)
    words.push(`${count(c.shortened, 'label is', 'labels are')} shortened to fit beside the customer’s own notes`);
  if (c.unscored > 0) words.push(`${count(c.unscored, 'customer has', 'customers have')} no risk tier yet`);
  if (c.invoiceValuesKept > 0)
    words.push(`${count(c.invoiceValuesKept, 'invoice keeps a value', 'invoices keep a value')} someone typed`);
  return words;
}

/** Batch requests for this many writes, and the minutes they take at QuickBooks' batch quota (at least one). */
export function writeTime(writes: number): { batches: number; minutes: number } {
  const batches = Math.ceil(writes / DEFAULT_EXECUTOR_OPTIONS.batchSize);
  return { batches, minutes: Math.max(1, Math.ceil(batches / DEFAULT_POLICY.batchPerMinute)) };
}

/** "230 open invoices would be written now: 8 batch requests of 30, about 1 minute at QuickBooks' 40 …". */
export function invoiceCostWords(invoices: number): string {
  if (invoices === 0) return 'No open invoice would be written now.';
  const size = DEFAULT_EXECUTOR_OPTIONS.batchSize;
  const perMinute = DEFAULT_POLICY.batchPerMinute;
  const { batches, minutes } = writeTime(invoices);
  return (
    `${count(invoices, 'open invoice', 'open invoices')} would be written now: ` +
    `${count(batches, 'batch request', 'batch requests')} of ${size}, ` +
    `about ${count(minutes, 'minute', 'minutes')} at QuickBooks’ ${perMinute} batch requests a minute.`
  );
}
