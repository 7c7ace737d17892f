/**
 * The reminder plan's facts of one company, from the local copy of QuickBooks (open invoices, customers, money not
 * yet applied), the latest score run (strategies), the bookkeeper's controls and the reminders on record.
 */
import { toCents } from '../../money.js';
import type { QboEntity } from '../../qbo/qbo-api-client.js';
import type { CustomerInputStore } from '../risk/customer-input-store-type.js';
import type { ScoreRunStore } from '../risk/score-run-store-type.js';
import type { LocalCopyReader, MoneyWaiting } from '../sync/local-copy-reader-type.js';
import {
  reachedCustomer,
  type CustomerToRemind,
  type InvoiceToRemind,
  type ReminderFacts,
  type ReminderRecord,
} from './domain/reminder-facts.js';
import type { Strategy } from './domain/reminder-policy.js';
import { RECORD_STATUS_OF, type InvoiceControls, type Reminder, type ReminderStore } from './reminder-store-type.js';

export interface ReminderFactsDeps {
  localCopy: Pick<LocalCopyReader, 'openInvoiceEntities' | 'rawEntities' | 'moneyWaiting'>;
  scoreRuns: Pick<ScoreRunStore, 'latestRun' | 'labelFacts'>;
  customerInputs: Pick<CustomerInputStore, 'excludedCustomerIds' | 'pausedCustomerIds'>;
  store: Pick<ReminderStore, 'all' | 'invoiceControls'>;
}

export interface LoadedFacts {
  facts: ReminderFacts;
  /** Customers' display names, for the CLI and the queue. */
  names: Map<string, string>;
  /** Every reminder on record for the company. */
  rows: Reminder[];
  /** The open invoices and the customers as QuickBooks sent them, by id (what an email's text is written from). */
  invoiceEntities: Map<string, QboEntity>;
  customerEntities: Map<string, QboEntity>;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
const ref = (v: unknown): string => String((v as { value?: unknown } | undefined)?.value ?? '');
const amount = (v: unknown) => toCents(typeof v === 'number' || typeof v === 'string' ? v : 0);

/** When QuickBooks last emailed the invoice: DeliveryInfo.DeliveryTime while EmailStatus is EmailSent. */
export function lastEmailedAt(invoice: QboEntity): Date | null {
  if (invoice.EmailStatus !== 'EmailSent') return null;
  const time = (invoice.DeliveryInfo as { DeliveryTime?: unknown } | undefined)?.DeliveryTime;
  if (typeof time !== 'string') return null;
  const at = new Date(time);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** An invoice as QuickBooks sent it, with a person's controls on it, as the plan and the guards read it. */
export function invoiceToRemind(
  i: QboEntity,
  controls: InvoiceControls | undefined,
  homeCurrency: string,
): InvoiceToRemind {
  const rate = Number(i.ExchangeRate);
  return {
    invoiceId: i.Id,
    docNumber: text(i.DocNumber),
    customerId: ref(i.CustomerRef),
    dueDate: text(i.DueDate) ?? text(i.TxnDate) ?? '1970-01-01',
    openBalanceCents: amount(i.Balance),
    currency: ref(i.CurrencyRef) || homeCurrency,
    exchangeRate: Number.isFinite(rate) && rate > 0 ? rate : 1,
    billEmail: text((i.BillEmail as { Address?: unknown } | undefined)?.Address),
    lastEmailedAt: lastEmailedAt(i),
    snoozedUntil: controls?.snoozedUntil ?? null,
    disputed: controls?.disputed ?? false,
  };
}

export function customerEmail(c: QboEntity | undefined): string | null {
  return text((c?.PrimaryEmailAddr as { Address?: unknown } | undefined)?.Address);
}

export function customerToRemind(
  customerId: string,
  o: {
    entity: QboEntity | undefined;
    strategy: Strategy | null;
    excluded: boolean;
    paused: boolean;
    waiting: MoneyWaiting | undefined;
    lastEmailAt: Date | null;
  },
): CustomerToRemind {
  return {
    customerId,
    strategy: o.strategy,
    email: customerEmail(o.entity),
    excluded: o.excluded,
    remindersPaused: o.paused,
    unappliedPaymentCents: o.waiting?.unappliedPaymentCents ?? 0,
    unusedCreditCents: o.waiting?.unusedCreditCents ?? 0,
    lastEmailAt: o.lastEmailAt,
  };
}

/** A row as the plan reads it: when it was sent, else when it was queued. */
interface CustomerInputs {
  strategies: Map<string, Strategy>;
  excluded: Set<string>;
  paused: Set<string>;
}

async function readInputs(d: ReminderFactsDeps, realmId: string, only: string[] | undefined): Promise<CustomerInputs> {
  const run = await d.scoreRuns.latestRun(realmId);
  const [excluded, paused, scored] = await Promise.all([
    d.customerInputs.excludedCustomerIds(realmId),
    d.customerInputs.pausedCustomerIds(realmId),
    run ? d.scoreRuns.labelFacts(realmId, run.id, only) : Promise.resolve([]),
  ]);
  const strategies = new Map(scored.filter((s) => s.band !== null).map((s) => [s.customerId, s.strategy]));
  return { strategies, excluded, paused };
}

async function knownInputs(k: KnownCustomer): Promise<CustomerInputs> {
  const only = (on: boolean) => new Set(on ? [k.customerId] : []);
  return {
    strategies: new Map(k.strategy === null ? [] : [[k.customerId, k.strategy]]),
    excluded: only(k.excluded),
    paused: only(k.paused),
  };
}

export function recordOf(r: Reminder): ReminderRecord {
  return {
    invoiceId: r.invoiceId,
    stageDays: r.stageDays,
    status: RECORD_STATUS_OF[r.status],
    at: r.sentAt ?? r.createdAt,
  };
}

/** What a customer's page has already read about the customer: their strategy in the latest run and controls. */
export interface KnownCustomer {
  customerId: string;
  /** Null when the latest run gave the customer no band. */
  strategy: Strategy | null;
  excluded: boolean;
  paused: boolean;
}

export async function loadReminderFacts(
  d: ReminderFactsDeps,
  realmId: string,
  homeCurrency: string,
  /** One customer's facts only (their page): the company's daily cap is then left to the run. */
  customer?: string | KnownCustomer,
): Promise<LoadedFacts> {
  const customerId = typeof customer === 'string' ? customer : customer?.customerId;
  const known = typeof customer === 'object' ? customer : undefined;
  const only = customerId === undefined ? undefined : [customerId];
  const [invoices, customers, waiting, rows, controls, inputs] = await Promise.all([
    d.localCopy.openInvoiceEntities(realmId, customerId),
    d.localCopy.rawEntities(realmId, 'Customer', only),
    d.localCopy.moneyWaiting(realmId, customerId),
    d.store.all(realmId, customerId),
    d.store.invoiceControls(realmId),
    known ? knownInputs(known) : readInputs(d, realmId, only),
  ]);
  const { strategies, excluded, paused } = inputs;
  const records = rows.map(recordOf);
  const lastEmail = new Map<string, Date>();
  for (const [i, r] of rows.entries()) {
    const at = records[i]!.at;
    if (!reachedCustomer(records[i]!)) continue;
    const known = lastEmail.get(r.customerId);
    if (known === undefined || at > known) lastEmail.set(r.customerId, at);
  }
  const byId = new Map(customers.map((c) => [c.Id, c]));
  return {
    facts: {
      homeCurrency,
      invoices: invoices.map((i) => invoiceToRemind(i, controls.get(i.Id), homeCurrency)),
      customers: customers.map((c) =>
        customerToRemind(c.Id, {
          entity: c,
          strategy: strategies.get(c.Id) ?? null,
          excluded: excluded.has(c.Id),
          paused: paused.has(c.Id),
          waiting: waiting.get(c.Id),
          lastEmailAt: lastEmail.get(c.Id) ?? null,
        }),
      ),
      records,
    },
    names: new Map([...byId].map(([id, c]) => [id, text(c.DisplayName) ?? id])),
    rows,
    invoiceEntities: new Map(invoices.map((i) => [i.Id, i])),
    customerEntities: byId,
  };
}
