/**
 * What one outbox row changes on the entity as QuickBooks has it now: a sparse update body, or the reason there is
 * nothing to write. Pure; the executor calls it with the local copy first and again with a fresh read after a stale
 * SyncToken (5010), so a replayed or conflicting write is worked out against what is really there.
 */
import { appendNoteLine, type InvoiceNotePayload } from './invoice-note.js';
import { mergeNotesBlock, removeNotesBlock, type LabelPart, type RiskLabel } from './notes-block.js';

export type { InvoiceNotePayload } from './invoice-note.js';

export const WRITEBACK_KINDS = ['customer_label', 'customer_unlabel', 'invoice_tier', 'invoice_note'] as const;
export type WritebackKind = (typeof WRITEBACK_KINDS)[number];

/**
 * Whether a new pending row replaces the pending rows of its kind and target: a label or a tier states what the
 * record should hold (only the newest counts); notes add up (each reminder's line is written).
 */
export function supersedesPending(kind: WritebackKind): boolean {
  return kind !== 'invoice_note';
}
export type EditedBlockPolicy = 'keep' | 'replace';

export interface CustomerLabelPayload {
  label: RiskLabel;
  editedBlock: EditedBlockPolicy;
  /** The CustomerType of the tier, and the ones Duesense may replace (the other mapped types); none = untouched. */
  customerType?: { set: string; replaceable: string[] } | undefined;
}

export interface CustomerUnlabelPayload {
  editedBlock: EditedBlockPolicy;
}

/** The tier on an open invoice, in a legacy sales-form custom field. */
export interface InvoiceTierPayload {
  definitionId: string;
  value: string;
  /** Values Duesense wrote itself (the other tiers); an empty field is always ours to fill. */
  replaceable: string[];
}

export type WritebackPayload = CustomerLabelPayload | CustomerUnlabelPayload | InvoiceTierPayload | InvoiceNotePayload;

/** Why a row wrote nothing. */
export type NoWriteReason =
  | 'already-in-quickbooks'
  | 'edited-block-kept'
  | 'no-room'
  | 'person-value-kept'
  | 'invoice-closed'
  | 'no-block'
  | 'private-note-full';

export type EntityChange =
  | {
      write: true;
      body: Record<string, unknown>;
      /** Fields the body changes, for the record ("Notes", "CustomerTypeRef", "CustomField", "PrivateNote"). */
      fields: string[];
      /** Notes (a customer) or PrivateNote (an invoice's note) as written. */
      notes?: string | undefined;
      omitted?: LabelPart[] | undefined;
      /** The label did not fit beside the user's text: Notes keep only the user's text (any old block removed). */
      noRoom?: boolean | undefined;
    }
  | { write: false; reason: NoWriteReason; omitted?: LabelPart[] | undefined };

type Entity = Record<string, unknown> & { Id: string; SyncToken: string };

const refValue = (v: unknown): string | null =>
  v && typeof v === 'object' && 'value' in v ? String((v as { value: unknown }).value) : null;

function sparse(entity: Entity, fields: Record<string, unknown>): Record<string, unknown> {
  return { Id: entity.Id, SyncToken: entity.SyncToken, sparse: true, ...fields };
}

export function changeFor(kind: WritebackKind, payload: WritebackPayload, entity: Entity): EntityChange {
  switch (kind) {
    case 'customer_label':
      return labelChange(payload as CustomerLabelPayload, entity);
    case 'customer_unlabel':
      return unlabelChange(payload as CustomerUnlabelPayload, entity);
    case 'invoice_tier':
      return invoiceTierChange(payload as InvoiceTierPayload, entity);
    case 'invoice_note':
      return invoiceNoteChange(payload as InvoiceNotePayload, entity);
  }
}

function labelChange(p: CustomerLabelPayload, customer: Entity): EntityChange {
  const notes = typeof customer.Notes === 'string' ? customer.Notes : '';
  const merged = mergeNotesBlock(notes, p.label, { editedBlock: p.editedBlock });
  const fields: Record<string, unknown> = {};
  if (merged.changed) fields.Notes = merged.notes;
  const currentType = refValue(customer.CustomerTypeRef);
  const type = p.customerType;
  if (type && currentType !== type.set && (currentType === null || type.replaceable.includes(currentType)))
    fields.CustomerTypeRef = { value: type.set };
  const omitted = merged.outcome === 'labelled' ? merged.omitted : undefined;
  if (Object.keys(fields).length === 0) {
    const reason =
      merged.outcome === 'edited-block-kept'
        ? 'edited-block-kept'
        : merged.outcome === 'no-room'
          ? 'no-room'
          : 'already-in-quickbooks';
    return { write: false, reason, omitted };
  }
  return {
    write: true,
    body: sparse(customer, fields),
    fields: Object.keys(fields),
    notes: merged.notes,
    omitted,
    noRoom: merged.outcome === 'no-room',
  };
}

function unlabelChange(p: CustomerUnlabelPayload, customer: Entity): EntityChange {
  const notes = typeof customer.Notes === 'string' ? customer.Notes : '';
  const removed = removeNotesBlock(notes, { editedBlock: p.editedBlock });
  if (removed.outcome === 'absent') return { write: false, reason: 'no-block' };
  if (removed.outcome === 'edited-block-kept') return { write: false, reason: 'edited-block-kept' };
  return { write: true, body: sparse(customer, { Notes: removed.notes }), fields: ['Notes'], notes: removed.notes };
}

interface CustomFieldValue {
  DefinitionId?: unknown;
  Name?: unknown;
  Type?: unknown;
  StringValue?: unknown;
}

function invoiceTierChange(p: InvoiceTierPayload, invoice: Entity): EntityChange {
  if (Number(invoice.Balance ?? 0) <= 0) return { write: false, reason: 'invoice-closed' };
  const fields = (Array.isArray(invoice.CustomField) ? invoice.CustomField : []) as CustomFieldValue[];
  const ours = fields.find((f) => String(f.DefinitionId) === p.definitionId);
  const current = typeof ours?.StringValue === 'string' ? ours.StringValue : '';
  if (current === p.value) return { write: false, reason: 'already-in-quickbooks' };
  if (current !== '' && !p.replaceable.includes(current)) return { write: false, reason: 'person-value-kept' };
  // The whole list goes back with only our slot changed: whether a sparse update keeps the slots it does not name
  // is unconfirmed (docs/writeback.md).
  const next = fields.map((f) => (String(f.DefinitionId) === p.definitionId ? { ...f, StringValue: p.value } : f));
  if (!ours) next.push({ DefinitionId: p.definitionId, Type: 'StringType', StringValue: p.value });
  return { write: true, body: sparse(invoice, { CustomField: next }), fields: ['CustomField'] };
}

/**
 * One dated line appended to PrivateNote. Written whatever the balance: the line records an email that went (a
 * payment that arrived since does not undo it).
 */
function invoiceNoteChange(p: InvoiceNotePayload, invoice: Entity): EntityChange {
  const note = typeof invoice.PrivateNote === 'string' ? invoice.PrivateNote : '';
  const appended = appendNoteLine(note, p.line);
  if (appended.outcome === 'already-there') return { write: false, reason: 'already-in-quickbooks' };
  if (appended.outcome === 'no-room') return { write: false, reason: 'private-note-full' };
  return {
    write: true,
    body: sparse(invoice, { PrivateNote: appended.note }),
    fields: ['PrivateNote'],
    notes: appended.note,
  };
}
