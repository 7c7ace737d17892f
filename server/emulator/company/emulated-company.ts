import type { Clock } from '../../clock.js';
import { ENTITIES, type EntityName, type QboObject } from '../entity-registry.js';
import { faults } from '../qbo-fault.js';
import { formatQboDate, formatQboDateTime, parseQboDateTime } from '../qbo-time.js';
import { Ledger, refValue, type TrackedKind } from './ledger.js';
import { checkProperties, SERVER_OWNED, type Body } from './rules/common.js';
import { prepareCustomer } from './rules/customer.js';
import { applyLoadedDefaults } from './rules/loaded-defaults.js';
import { prepareItem, prepareTerm } from './rules/name-lists.js';
import { preparePayment } from './rules/payment.js';
import { prepareSalesTransaction } from './rules/sales-transaction.js';
import type { WriteContext } from './write-context.js';

export type ChangeOperation = 'Create' | 'Update' | 'Delete' | 'Void' | 'Emailed';

export interface ChangeEvent {
  realmId: string;
  entity: EntityName;
  id: string;
  operation: ChangeOperation;
  lastUpdated: string;
}

export interface DeletedStub {
  entity: EntityName;
  id: string;
  deletedAtMs: number;
  lastUpdated: string;
}

/** Fields QBO computes; a client may send them back but they are never taken from a request. */
const DERIVED: Partial<Record<EntityName, string[]>> = {
  Customer: ['Balance', 'BalanceWithJobs', 'FullyQualifiedName', 'Level', 'Job'],
  Invoice: ['Balance', 'TotalAmt', 'HomeBalance', 'HomeTotalAmt'],
  CreditMemo: ['Balance', 'RemainingCredit', 'TotalAmt', 'HomeTotalAmt'],
  Payment: ['UnappliedAmt'],
  Item: ['FullyQualifiedName'],
};

type Preparer = (ctx: WriteContext, body: Body, existing: QboObject | undefined) => Body;
const PREPARERS: Partial<Record<EntityName, Preparer>> = {
  Customer: prepareCustomer,
  Invoice: prepareSalesTransaction,
  CreditMemo: prepareSalesTransaction,
  Payment: preparePayment,
  Item: prepareItem,
  Term: prepareTerm,
};

/**
 * One company's books, in memory, behaving like QBO: every write validates, bumps SyncToken and
 * MetaData.LastUpdatedTime, keeps derived fields consistent, and is reported to listeners (CDC, webhooks).
 */
export class EmulatedCompany {
  readonly tables = new Map<EntityName, Map<string, QboObject>>();
  readonly deleted: DeletedStub[] = [];
  private readonly nextId = new Map<EntityName, number>();
  private readonly versions = new Map<EntityName, number>();
  private readonly updatedMs = new Map<EntityName, Map<string, number>>();
  private readonly ledger: Ledger;
  private readonly listeners: Array<(e: ChangeEvent) => void> = [];
  /** Highest numeric DocNumber per sales entity, so auto-numbering need not scan every invoice. */
  private readonly maxDocNumber = new Map<EntityName, number>();

  constructor(
    readonly realmId: string,
    readonly timeZone: string,
    private readonly clock: Clock,
  ) {
    for (const name of Object.keys(ENTITIES) as EntityName[]) {
      this.tables.set(name, new Map());
      this.updatedMs.set(name, new Map());
      this.versions.set(name, 0);
      this.nextId.set(name, 1);
    }
    this.ledger = new Ledger({
      customers: this.table('Customer'),
      invoices: this.table('Invoice'),
      creditMemos: this.table('CreditMemo'),
      payments: this.table('Payment'),
    });
  }

  table(entity: EntityName): Map<string, QboObject> {
    return this.tables.get(entity)!;
  }

  get companyName(): string {
    return String(this.table('CompanyInfo').get('1')?.CompanyName ?? this.realmId);
  }

  /** Bumped on every write to an entity: query caches compare it. */
  version(entity: EntityName): number {
    return this.versions.get(entity)!;
  }

  onChange(listener: (e: ChangeEvent) => void): void {
    this.listeners.push(listener);
  }

  /** LastUpdatedTime of a stored object in epoch ms (parsed once, at write time). */
  updatedAtMs(entity: EntityName, id: string): number | undefined {
    return this.updatedMs.get(entity)!.get(id);
  }

  /** Loads stored objects as-is (from a company file), then recomputes every derived field. */
  loadObjects(entity: EntityName, objects: QboObject[]): void {
    const table = this.table(entity);
    for (const o of objects) {
      table.set(o.Id, o);
      this.rememberUpdated(entity, o);
      this.nextId.set(entity, Math.max(this.nextId.get(entity)!, Number(o.Id) + 1));
    }
    this.touchVersion(entity);
  }

  finishLoading(): void {
    const home = this.context('Customer').homeCurrency();
    for (const entity of Object.keys(ENTITIES) as EntityName[]) {
      for (const o of this.table(entity).values()) applyLoadedDefaults(entity, o, home);
    }
    this.deriveNames();
    this.ledger.recomputeAll();
  }

  /** FullyQualifiedName, Level and Job follow the parent chain (a file may omit them, as for balances). */
  private deriveNames(): void {
    const customers = this.table('Customer');
    const fqn = (c: QboObject, depth = 0): { name: string; level: number } => {
      const parent = refValue(c.ParentRef);
      const own = String(c.DisplayName);
      const p = parent ? customers.get(parent) : undefined;
      if (!p || depth > 5) return { name: own, level: 0 };
      const up = fqn(p, depth + 1);
      return { name: `${up.name}:${own}`, level: up.level + 1 };
    };
    for (const c of customers.values()) {
      const { name, level } = fqn(c);
      c.FullyQualifiedName = name;
      c.Job = level > 0;
      if (level > 0) c.Level = level;
      else delete c.Level;
    }
    for (const item of this.table('Item').values()) item.FullyQualifiedName ??= item.Name;
  }

  read(entity: EntityName, id: string): QboObject {
    const o = this.table(entity).get(id);
    if (!o) throw faults.objectNotFound();
    return o;
  }

  create(entity: EntityName, body: Body): QboObject {
    const prepare = PREPARERS[entity];
    if (!prepare || !ENTITIES[entity].creatable) throw faults.operationNotAllowed(entity, 'create');
    const clean = this.clientFields(entity, body);
    const prepared = prepare(this.context(entity), clean, undefined);
    const id = String(this.nextId.get(entity)!);
    this.nextId.set(entity, Number(id) + 1);
    const stamp = this.stamp();
    const obj = {
      ...prepared,
      domain: 'QBO',
      sparse: false,
      Id: id,
      SyncToken: '0',
      MetaData: { CreateTime: stamp, LastUpdatedTime: stamp },
    } as QboObject;
    this.store(entity, undefined, obj, 'Create');
    return obj;
  }

  /** Full update replaces every writable field; sparse update merges the given ones (QBO semantics). */
  update(entity: EntityName, body: Body, sparse: boolean): QboObject {
    const existing = this.checkedExisting(entity, body);
    const prepare = PREPARERS[entity];
    if (!prepare) throw faults.operationNotAllowed(entity, 'update');
    const clean = this.clientFields(entity, body);
    const base = sparse ? this.clientFields(entity, existing, false) : {};
    const prepared = prepare(this.context(entity), { ...base, ...clean }, existing);
    const obj = {
      ...prepared,
      domain: 'QBO',
      sparse: false,
      Id: existing.Id,
      SyncToken: String(Number(existing.SyncToken) + 1),
      MetaData: { ...(existing.MetaData as object), LastUpdatedTime: this.stamp() },
    } as QboObject;
    this.store(entity, existing, obj, 'Update');
    return obj;
  }

  /** Transactions only; name lists are deactivated instead. Payments applied to the invoice become unapplied. */
  delete(entity: EntityName, body: Body): { domain: 'QBO'; status: 'Deleted'; Id: string } {
    if (ENTITIES[entity].kind !== 'transaction') throw faults.operationNotAllowed(entity, 'delete');
    const existing = this.checkedExisting(entity, body);
    if (entity === 'Invoice' || entity === 'CreditMemo') this.unapplyPaymentsTo(entity, existing.Id);
    this.table(entity).delete(existing.Id);
    this.updatedMs.get(entity)!.delete(existing.Id);
    const lastUpdated = this.stamp();
    this.deleted.push({ entity, id: existing.Id, deletedAtMs: this.clock.now().getTime(), lastUpdated });
    this.afterWrite(entity, existing, undefined);
    this.emit(entity, existing.Id, 'Delete', lastUpdated);
    return { domain: 'QBO', status: 'Deleted', Id: existing.Id };
  }

  /** QBO void: amounts zeroed, PrivateNote "Voided", the record kept; payments applied to it are released. */
  void(entity: EntityName, body: Body): QboObject {
    if (!ENTITIES[entity].voidable) throw faults.operationNotAllowed(entity, 'void');
    const existing = this.checkedExisting(entity, body);
    if (entity === 'Invoice') this.unapplyPaymentsTo('Invoice', existing.Id);
    const current = this.table(entity).get(existing.Id)!;
    const zeroLines = (Array.isArray(current.Line) ? (current.Line as Body[]) : []).map((l) => ({ ...l, Amount: 0 }));
    const obj = {
      ...current,
      Line: entity === 'Payment' ? [] : zeroLines,
      TotalAmt: 0,
      PrivateNote: 'Voided',
      SyncToken: String(Number(current.SyncToken) + 1),
      MetaData: { ...(current.MetaData as object), LastUpdatedTime: this.stamp() },
    } as QboObject;
    if (entity === 'Invoice') obj.Balance = 0;
    this.store(entity, current, obj, 'Void');
    return obj;
  }

  /** Marks an invoice as emailed (the send endpoint records the email itself). */
  markInvoiceEmailed(id: string, sendTo: string | undefined): QboObject {
    const current = this.read('Invoice', id);
    const stamp = this.stamp();
    const obj = {
      ...current,
      EmailStatus: 'EmailSent',
      DeliveryInfo: { DeliveryType: 'Email', DeliveryTime: stamp },
      ...(sendTo ? { BillEmail: { Address: sendTo } } : {}),
      SyncToken: String(Number(current.SyncToken) + 1),
      MetaData: { ...(current.MetaData as object), LastUpdatedTime: stamp },
    } as QboObject;
    this.store('Invoice', current, obj, 'Emailed');
    return obj;
  }

  private checkedExisting(entity: EntityName, body: Body): QboObject {
    if (body.Id === undefined || body.Id === null || body.Id === '') throw faults.requiredParam('Id');
    const id = String(body.Id);
    if (!/^\d+$/.test(id)) throw faults.invalidId(id);
    if (body.SyncToken === undefined || body.SyncToken === null) throw faults.requiredParam('SyncToken');
    const existing = this.table(entity).get(id);
    if (!existing) throw faults.objectNotFound();
    if (String(body.SyncToken) !== existing.SyncToken) throw faults.staleObject(entity);
    return existing;
  }

  /** The request's fields a client may set: unknown properties rejected, server-owned and derived dropped. */
  private clientFields(entity: EntityName, body: Body, check = true): Body {
    const checked = check ? checkProperties(entity, body) : { ...body };
    for (const key of [...SERVER_OWNED, ...(DERIVED[entity] ?? [])]) delete checked[key];
    return checked;
  }

  private store(entity: EntityName, before: QboObject | undefined, after: QboObject, operation: ChangeOperation): void {
    this.table(entity).set(after.Id, after);
    this.rememberUpdated(entity, after);
    this.afterWrite(entity, before, after);
    this.emit(entity, after.Id, operation, String((after.MetaData as { LastUpdatedTime: string }).LastUpdatedTime));
  }

  /** Derived fields follow every write; transactions whose balances moved are stamped as updated too. */
  private afterWrite(entity: EntityName, before: QboObject | undefined, after: QboObject | undefined): void {
    this.touchVersion(entity);
    const customers = new Set<string>();
    if (entity === 'Invoice' || entity === 'CreditMemo' || entity === 'Payment') {
      for (const c of this.ledger.track(entity as TrackedKind, before, after)) customers.add(c);
    }
    if (entity === 'Payment') {
      for (const txn of this.ledger.paymentChanged(before, after)) {
        const t = this.table(txn.kind).get(txn.id);
        if (!t) continue;
        const c = refValue(t.CustomerRef);
        if (c) customers.add(c);
        this.bumpDerived(txn.kind, t);
      }
    } else if (entity === 'Invoice' || entity === 'CreditMemo') {
      if (after) this.ledger.recomputeTxn(entity, after.Id);
    }
    if (entity === 'Customer') {
      for (const c of [before, after]) if (c) customers.add(c.Id);
    }
    if (customers.size > 0) this.ledger.recomputeCustomers(customers);
  }

  /** A transaction whose balance changed because a payment moved is itself an update in QBO. */
  private bumpDerived(entity: EntityName, obj: QboObject): void {
    const stamp = this.stamp();
    obj.SyncToken = String(Number(obj.SyncToken) + 1);
    obj.MetaData = { ...(obj.MetaData as object), LastUpdatedTime: stamp };
    this.rememberUpdated(entity, obj);
    this.touchVersion(entity);
    this.emit(entity, obj.Id, 'Update', stamp);
  }

  private unapplyPaymentsTo(kind: 'Invoice' | 'CreditMemo', id: string): void {
    for (const p of [...this.table('Payment').values()]) {
      const lines = Array.isArray(p.Line) ? (p.Line as Body[]) : [];
      const kept = lines.filter(
        (l) => !(l.LinkedTxn as Body[] | undefined)?.some((t) => t.TxnType === kind && String(t.TxnId) === id),
      );
      if (kept.length === lines.length) continue;
      const stamp = this.stamp();
      const next = {
        ...p,
        Line: kept,
        SyncToken: String(Number(p.SyncToken) + 1),
        MetaData: { ...(p.MetaData as object), LastUpdatedTime: stamp },
      } as QboObject;
      this.store('Payment', p, next, 'Update');
    }
  }

  private rememberUpdated(entity: EntityName, o: QboObject): void {
    const doc = Number(o.DocNumber);
    if (Number.isInteger(doc) && doc > (this.maxDocNumber.get(entity) ?? 1000)) this.maxDocNumber.set(entity, doc);
    const raw = (o.MetaData as { LastUpdatedTime?: string } | undefined)?.LastUpdatedTime;
    const parsed = raw ? parseQboDateTime(raw, this.timeZone) : undefined;
    this.updatedMs.get(entity)!.set(o.Id, parsed ? parsed.getTime() : 0);
  }

  private touchVersion(entity: EntityName): void {
    this.versions.set(entity, this.versions.get(entity)! + 1);
  }

  /** LastUpdatedTime for a write now: one-second resolution, as QBO renders it. */
  private stamp(): string {
    const now = this.clock.now();
    return formatQboDateTime(now, this.timeZone);
  }

  private emit(entity: EntityName, id: string, operation: ChangeOperation, lastUpdated: string): void {
    for (const l of this.listeners) l({ realmId: this.realmId, entity, id, operation, lastUpdated });
  }

  private context(entityName: EntityName): WriteContext {
    const prefs = this.table('Preferences').get('1');
    return {
      entityName,
      get: (entity, id) => this.table(entity).get(id),
      list: (entity) => this.table(entity).values(),
      today: () => formatQboDate(this.clock.now(), this.timeZone),
      homeCurrency: () => {
        const code = refValue((prefs?.CurrencyPrefs as Body | undefined)?.HomeCurrency) ?? 'USD';
        return { value: code, name: code === 'USD' ? 'United States Dollar' : code };
      },
      defaultTermId: () => refValue((prefs?.SalesFormsPrefs as Body | undefined)?.DefaultTerms),
      customFieldDefinitions: () => customFieldDefinitions(prefs),
      nextDocNumber: (entity) => String((this.maxDocNumber.get(entity) ?? 1000) + 1),
    };
  }
}

/** Preferences.SalesFormsPrefs.CustomField is doubly nested: enable flags and names (qbo-api.md §3). */
function customFieldDefinitions(
  prefs: QboObject | undefined,
): Array<{ DefinitionId: string; Name: string; Type: string }> {
  const groups = ((prefs?.SalesFormsPrefs as Body | undefined)?.CustomField ?? []) as Array<{ CustomField?: Body[] }>;
  const all = groups.flatMap((g) => g.CustomField ?? []);
  const defs: Array<{ DefinitionId: string; Name: string; Type: string }> = [];
  for (const slot of [1, 2, 3]) {
    const enabled = all.find((f) => f.Name === `SalesFormsPrefs.UseSalesCustom${slot}`)?.BooleanValue === true;
    const name = all.find((f) => f.Name === `SalesFormsPrefs.SalesCustomName${slot}`)?.StringValue;
    if (enabled && typeof name === 'string') defs.push({ DefinitionId: String(slot), Name: name, Type: 'StringType' });
  }
  return defs;
}
