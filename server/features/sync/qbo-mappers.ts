import { toCents } from '../../money.js';
import type { QboEntity } from '../../qbo/qbo-api-client.js';

/** A mapped entity: its row, and child rows that replace the previous ones (invoice lines, payment links). */
export interface MappedEntity {
  row: Record<string, unknown>;
  children?: { table: string; parentColumn: string; rows: Array<Record<string, unknown>> };
}

type Obj = Record<string, unknown>;
const ref = (v: unknown): string | null =>
  v && typeof v === 'object' && 'value' in v ? String((v as { value: unknown }).value) : null;
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const bool = (v: unknown, fallback: boolean): boolean => (typeof v === 'boolean' ? v : fallback);
const cents = (v: unknown): number => toCents(typeof v === 'number' || typeof v === 'string' ? v : 0);
const meta = (e: QboEntity) => (e.MetaData ?? {}) as { CreateTime?: string; LastUpdatedTime?: string };

/** QBO DateTimes carry their offset, so Date parses them exactly. */
export function qboInstant(text: string | undefined): Date | null {
  if (!text) return null;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? null : d;
}

function common(realmId: string, e: QboEntity): Obj {
  const m = meta(e);
  return {
    realm_id: realmId,
    qbo_id: String(e.Id),
    sync_token: String(e.SyncToken ?? '0'),
    qbo_created_at: qboInstant(m.CreateTime),
    qbo_updated_at: qboInstant(m.LastUpdatedTime) ?? new Date(0),
    deleted_at: null,
    raw_json: JSON.stringify(e),
  };
}

export function mapCustomer(realmId: string, e: QboEntity): MappedEntity {
  return {
    row: {
      ...common(realmId, e),
      display_name: String(e.DisplayName ?? ''),
      fully_qualified_name: str(e.FullyQualifiedName),
      company_name: str(e.CompanyName),
      parent_qbo_id: ref(e.ParentRef),
      is_job: bool(e.Job, false),
      bill_with_parent: bool(e.BillWithParent, false),
      active: bool(e.Active, true),
      email: str((e.PrimaryEmailAddr as Obj | undefined)?.Address),
      currency: ref(e.CurrencyRef),
      balance_cents: cents(e.Balance),
      balance_with_jobs_cents: cents(e.BalanceWithJobs ?? e.Balance),
      customer_type_qbo_id: ref(e.CustomerTypeRef),
      sales_term_qbo_id: ref(e.SalesTermRef),
    },
  };
}

/** QBO voids an invoice by zeroing its amounts and noting "Voided"; it stays in the books. */
function isVoided(e: QboEntity): boolean {
  return Number(e.TotalAmt ?? 0) === 0 && /\bVoided\b/.test(String(e.PrivateNote ?? ''));
}

export function mapInvoice(realmId: string, e: QboEntity): MappedEntity {
  const lines = ((e.Line as Obj[] | undefined) ?? []).filter((l) => l.DetailType === 'SalesItemLineDetail');
  return {
    row: {
      ...common(realmId, e),
      doc_number: str(e.DocNumber),
      customer_qbo_id: ref(e.CustomerRef) ?? '',
      txn_date: String(e.TxnDate),
      due_date: str(e.DueDate),
      total_cents: cents(e.TotalAmt),
      balance_cents: cents(e.Balance),
      currency: ref(e.CurrencyRef),
      exchange_rate: typeof e.ExchangeRate === 'number' ? e.ExchangeRate : null,
      email_status: str(e.EmailStatus),
      bill_email: str((e.BillEmail as Obj | undefined)?.Address),
      sales_term_qbo_id: ref(e.SalesTermRef),
      voided: isVoided(e),
      custom_fields_json:
        Array.isArray(e.CustomField) && e.CustomField.length > 0 ? JSON.stringify(e.CustomField) : null,
    },
    children: {
      table: 'qbo_invoice_lines',
      parentColumn: 'invoice_qbo_id',
      rows: lines.map((l, i) => {
        const d = (l.SalesItemLineDetail ?? {}) as Obj;
        return {
          realm_id: realmId,
          invoice_qbo_id: String(e.Id),
          line_no: i + 1,
          item_qbo_id: ref(d.ItemRef),
          qty: typeof d.Qty === 'number' ? d.Qty : null,
          amount_cents: cents(l.Amount),
        };
      }),
    },
  };
}

export function mapPayment(realmId: string, e: QboEntity): MappedEntity {
  const applications: Obj[] = [];
  ((e.Line as Obj[] | undefined) ?? []).forEach((line, i) => {
    for (const l of (line.LinkedTxn as Obj[] | undefined) ?? []) {
      if (l.TxnType !== 'Invoice' && l.TxnType !== 'CreditMemo') continue;
      applications.push({
        realm_id: realmId,
        payment_qbo_id: String(e.Id),
        line_no: i + 1,
        txn_type: l.TxnType,
        txn_qbo_id: String(l.TxnId),
        amount_cents: cents(line.Amount),
      });
    }
  });
  return {
    row: {
      ...common(realmId, e),
      customer_qbo_id: ref(e.CustomerRef) ?? '',
      txn_date: String(e.TxnDate),
      total_cents: cents(e.TotalAmt),
      unapplied_cents: cents(e.UnappliedAmt),
      currency: ref(e.CurrencyRef),
      exchange_rate: typeof e.ExchangeRate === 'number' ? e.ExchangeRate : null,
    },
    children: { table: 'qbo_payment_applications', parentColumn: 'payment_qbo_id', rows: applications },
  };
}

export function mapCreditMemo(realmId: string, e: QboEntity): MappedEntity {
  return {
    row: {
      ...common(realmId, e),
      doc_number: str(e.DocNumber),
      customer_qbo_id: ref(e.CustomerRef) ?? '',
      txn_date: String(e.TxnDate),
      total_cents: cents(e.TotalAmt),
      remaining_credit_cents: cents(e.RemainingCredit ?? e.Balance),
      currency: ref(e.CurrencyRef),
    },
  };
}

export function mapItem(realmId: string, e: QboEntity): MappedEntity {
  return {
    row: {
      ...common(realmId, e),
      name: String(e.Name ?? ''),
      type: str(e.Type),
      active: bool(e.Active, true),
      unit_price_cents: e.UnitPrice === undefined ? null : cents(e.UnitPrice),
      purchase_cost_cents: e.PurchaseCost === undefined ? null : cents(e.PurchaseCost),
    },
  };
}

export function mapTerm(realmId: string, e: QboEntity): MappedEntity {
  return {
    row: {
      ...common(realmId, e),
      name: String(e.Name ?? ''),
      active: bool(e.Active, true),
      due_days: typeof e.DueDays === 'number' ? e.DueDays : null,
      day_of_month_due: typeof e.DayOfMonthDue === 'number' ? e.DayOfMonthDue : null,
    },
  };
}

export function mapCustomerType(realmId: string, e: QboEntity): MappedEntity {
  return { row: { ...common(realmId, e), name: String(e.Name ?? ''), active: bool(e.Active, true) } };
}
