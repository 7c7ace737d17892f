/**
 * What a write-back run would write, worked out from the latest score run, the local copy of QuickBooks and the
 * company's settings: one planned write per entity whose content would change, and a count of everything else.
 * Pure: the preview shows this plan, the run queues it.
 */
import { createHash } from 'node:crypto';
import {
  changeFor,
  type CustomerLabelPayload,
  type EditedBlockPolicy,
  type EntityChange,
  type InvoiceTierPayload,
  type WritebackKind,
  type WritebackPayload,
} from './entity-changes.js';
import { readNotesBlock, RISK_TIERS, type LabelPart, type RiskTier } from './notes-block.js';
import { labelFor, type ScoredCustomer } from './risk-label.js';

/** A customer as the local copy holds it (the raw QBO fields a write needs). */
export interface CustomerOnFile {
  customerId: string;
  name: string;
  syncToken: string;
  notes: string;
  customerTypeId: string | null;
}

/** An open invoice as the local copy holds it. */
export interface OpenInvoiceOnFile {
  invoiceId: string;
  customerId: string;
  docNumber: string | null;
  syncToken: string;
  balanceCents: number;
  customFields: Array<Record<string, unknown>>;
}

export interface WritebackSettings {
  /** The nightly run writes after scoring (off until the owner turns it on). */
  nightlyEnabled: boolean;
  editedBlock: EditedBlockPolicy;
  /** Tier → CustomerType Id (null: that tier's type is left alone); null when the mapping is off. */
  customerTypes: Record<RiskTier, string | null> | null;
  /** The legacy sales-form custom field ("1"–"3") that carries the tier on open invoices; null when off. */
  invoiceFieldId: string | null;
  updatedAt: Date | null;
  updatedBy: string | null;
}

export const DEFAULT_WRITEBACK_SETTINGS: Readonly<WritebackSettings> = Object.freeze({
  nightlyEnabled: false,
  editedBlock: 'keep',
  customerTypes: null,
  invoiceFieldId: null,
  updatedAt: null,
  updatedBy: null,
});

export interface PlanFacts {
  mode: 'label' | 'remove';
  /** The score run's date (YYYY-MM-DD): the as-of date of a label whose content changes. */
  runAsOf: string;
  /** The home currency: recommended credit limits are worked out in it. */
  currency: string;
  scored: readonly ScoredCustomer[];
  customers: ReadonlyMap<string, CustomerOnFile>;
  excluded: ReadonlySet<string>;
  openInvoices: readonly OpenInvoiceOnFile[];
  settings: WritebackSettings;
}

/** One change to one QuickBooks record: what the outbox keeps of a planned write. */
export interface WriteTarget {
  kind: WritebackKind;
  targetType: 'Customer' | 'Invoice';
  targetId: string;
  customerId: string;
  /** The customer's name, or the invoice's number, as the pages show it. */
  targetName: string;
  payload: WritebackPayload;
  idempotencyKey: string;
}

export interface PlannedWrite extends WriteTarget {
  /** The SyncToken of the local copy the plan was made from: part of the idempotency key. */
  baseSyncToken: string;
  /** What the write would change, as the preview shows it. */
  fields: string[];
  notes?: string | undefined;
  omitted?: LabelPart[] | undefined;
  noRoom?: boolean | undefined;
}

export interface EditedBlockNotice {
  customerId: string;
  name: string;
  /** A hash of the edited block: the same edit is reported once. */
  blockHash: string;
}

export interface WritebackPlan {
  mode: 'label' | 'remove';
  writes: PlannedWrite[];
  editedBlocks: EditedBlockNotice[];
  counts: {
    /** Customers the plan looked at: the scored ones (label), or every customer with a block (remove). */
    considered: number;
    customerWrites: number;
    invoiceWrites: number;
    unchanged: number;
    excluded: number;
    unscored: number;
    editedBlocksKept: number;
    noRoom: number;
    /** Labels written in a shorter form because the user's text left too little room. */
    shortened: number;
    /** Invoices whose field holds a value a person typed (kept). */
    invoiceValuesKept: number;
  };
}

export function hashText(text: string, length = 16): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** Stable across runs for the same change to the same version of the entity; new once the entity moves on. */
function idempotencyKey(kind: WritebackKind, targetId: string, syncToken: string, payload: WritebackPayload): string {
  return `${kind}:${targetId}:${syncToken}:${hashText(JSON.stringify(payload), 24)}`;
}

const invoiceValue = (tier: RiskTier): string => `${tier} risk`;

export function planWriteback(f: PlanFacts): WritebackPlan {
  const plan: WritebackPlan = {
    mode: f.mode,
    writes: [],
    editedBlocks: [],
    counts: {
      considered: 0,
      customerWrites: 0,
      invoiceWrites: 0,
      unchanged: 0,
      excluded: 0,
      unscored: 0,
      editedBlocksKept: 0,
      noRoom: 0,
      shortened: 0,
      invoiceValuesKept: 0,
    },
  };
  if (f.mode === 'remove') planRemoval(f, plan);
  else planLabels(f, plan);
  return plan;
}

function asEntity(c: CustomerOnFile) {
  return { Id: c.customerId, SyncToken: c.syncToken, Notes: c.notes, CustomerTypeRef: typeRef(c.customerTypeId) };
}

function typeRef(id: string | null): { value: string } | undefined {
  return id === null ? undefined : { value: id };
}

function customerWrite(
  kind: 'customer_label' | 'customer_unlabel',
  onFile: CustomerOnFile,
  payload: WritebackPayload,
  change: Extract<EntityChange, { write: true }>,
): PlannedWrite {
  return {
    kind,
    targetType: 'Customer',
    targetId: onFile.customerId,
    customerId: onFile.customerId,
    targetName: onFile.name,
    payload,
    baseSyncToken: onFile.syncToken,
    idempotencyKey: idempotencyKey(kind, onFile.customerId, onFile.syncToken, payload),
    fields: change.fields,
    notes: change.notes,
    omitted: change.omitted,
    noRoom: change.noRoom,
  };
}

function noticeEdited(plan: WritebackPlan, onFile: CustomerOnFile, block: string): void {
  plan.counts.editedBlocksKept++;
  plan.editedBlocks.push({ customerId: onFile.customerId, name: onFile.name, blockHash: hashText(block) });
}

function planLabels(f: PlanFacts, plan: WritebackPlan): void {
  const tierOfCustomer = new Map<string, RiskTier>();
  const mapped = f.settings.customerTypes;
  const mappedIds = mapped ? RISK_TIERS.map((t) => mapped[t]).filter((id): id is string => id !== null) : [];
  for (const scored of f.scored) {
    const onFile = f.customers.get(scored.customerId);
    if (!onFile) continue;
    plan.counts.considered++;
    if (f.excluded.has(scored.customerId)) {
      plan.counts.excluded++;
      continue;
    }
    const reading = readNotesBlock(onFile.notes);
    const shown = reading.state === 'ours' ? reading.label : undefined;
    const label = labelFor(scored, { currency: f.currency, runAsOf: f.runAsOf, shown });
    if (label === null) {
      plan.counts.unscored++;
      continue;
    }
    tierOfCustomer.set(scored.customerId, label.riskTier);
    const typeId = mapped?.[label.riskTier] ?? null;
    const payload: CustomerLabelPayload = {
      label,
      editedBlock: f.settings.editedBlock,
      ...(typeId !== null
        ? { customerType: { set: typeId, replaceable: mappedIds.filter((id) => id !== typeId) } }
        : {}),
    };
    const change = changeFor('customer_label', payload, asEntity(onFile));
    if (!change.write) {
      if (change.reason === 'edited-block-kept' && reading.state === 'edited')
        noticeEdited(plan, onFile, reading.block);
      else if (change.reason === 'no-room') plan.counts.noRoom++;
      else plan.counts.unchanged++;
      continue;
    }
    if (change.noRoom) plan.counts.noRoom++;
    if ((change.omitted?.length ?? 0) > 0) plan.counts.shortened++;
    plan.counts.customerWrites++;
    plan.writes.push(customerWrite('customer_label', onFile, payload, change));
  }
  if (f.settings.invoiceFieldId !== null) planInvoiceTiers(f, plan, tierOfCustomer, f.settings.invoiceFieldId);
}

function planInvoiceTiers(
  f: PlanFacts,
  plan: WritebackPlan,
  tierOfCustomer: ReadonlyMap<string, RiskTier>,
  definitionId: string,
): void {
  for (const invoice of f.openInvoices) {
    const tier = tierOfCustomer.get(invoice.customerId);
    if (tier === undefined) continue;
    const payload: InvoiceTierPayload = {
      definitionId,
      value: invoiceValue(tier),
      replaceable: RISK_TIERS.filter((t) => t !== tier).map(invoiceValue),
    };
    const entity = {
      Id: invoice.invoiceId,
      SyncToken: invoice.syncToken,
      Balance: invoice.balanceCents / 100,
      CustomField: invoice.customFields,
    };
    const change = changeFor('invoice_tier', payload, entity);
    if (!change.write) {
      if (change.reason === 'person-value-kept') plan.counts.invoiceValuesKept++;
      continue;
    }
    plan.counts.invoiceWrites++;
    plan.writes.push({
      kind: 'invoice_tier',
      targetType: 'Invoice',
      targetId: invoice.invoiceId,
      customerId: invoice.customerId,
      targetName: invoice.docNumber ? `Invoice ${invoice.docNumber}` : `Invoice ${invoice.invoiceId}`,
      payload,
      baseSyncToken: invoice.syncToken,
      idempotencyKey: idempotencyKey('invoice_tier', invoice.invoiceId, invoice.syncToken, payload),
      fields: change.fields,
    });
  }
}

function planRemoval(f: PlanFacts, plan: WritebackPlan): void {
  for (const onFile of f.customers.values()) {
    const reading = readNotesBlock(onFile.notes);
    if (reading.state === 'absent') continue;
    plan.counts.considered++;
    if (f.excluded.has(onFile.customerId)) {
      plan.counts.excluded++;
      continue;
    }
    const payload = { editedBlock: f.settings.editedBlock };
    const change = changeFor('customer_unlabel', payload, asEntity(onFile));
    if (!change.write) {
      if (change.reason === 'edited-block-kept' && reading.state === 'edited')
        noticeEdited(plan, onFile, reading.block);
      else plan.counts.unchanged++;
      continue;
    }
    plan.counts.customerWrites++;
    plan.writes.push(customerWrite('customer_unlabel', onFile, payload, change));
  }
}
