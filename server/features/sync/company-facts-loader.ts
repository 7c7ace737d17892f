import type { Knex } from 'knex';
import type { Db } from '../../db/knex.js';
import { effectiveDueDate, type TermsOnFile } from '../risk/domain/due-date.js';
import { splitPaymentLinks, topLevelParent } from '../risk/domain/facts-helpers.js';
import type {
  ApplicationFact,
  CompanyFacts,
  CustomerFact,
  InvoiceFact,
  ItemFact,
  LineFact,
} from '../risk/domain/risk-facts.js';

type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The columns of the three packed reads (jsonRows), in the order each row's array holds them. Rows stay arrays;
 * the position of each column is named once here and read by name.
 */
const INVOICE_COLUMNS = [
  'qbo_id',
  'doc_number',
  'customer_qbo_id',
  'txn_date',
  'due_date',
  'total_cents',
  'sales_term_qbo_id',
] as const;
const LINE_TOTAL_COLUMNS = ['invoice_qbo_id', 'amount_cents', 'uncosted_amount_cents', 'cost_cents'] as const;
const APPLICATION_COLUMNS = ['payment_qbo_id', 'txn_type', 'txn_qbo_id', 'amount_cents', 'txn_date'] as const;

/** Each column's position in a packed row. */
function positionsOf<const C extends readonly string[]>(columns: C): { readonly [K in C[number]]: number } {
  return Object.freeze(Object.fromEntries(columns.map((column, i) => [column, i]))) as {
    readonly [K in C[number]]: number;
  };
}

const INVOICE = positionsOf(INVOICE_COLUMNS);
const LINE_TOTAL = positionsOf(LINE_TOTAL_COLUMNS);
const APPLICATION = positionsOf(APPLICATION_COLUMNS);

/**
 * Builds the engine's facts from the local copy of one company (every query scoped to its realm): deleted and
 * voided invoices left out; jobs rolled up into their top-level parent when asked; a missing due date taken
 * from the terms (effectiveDueDate); totals and applications converted to the home currency at the invoice's
 * exchange rate (line amounts stay in the invoice's, item costs are the home currency's: invoiceGrossProfit);
 * credit-funded payment lines marked as not cash. With `customerIds`, only those customers' invoices. Customers
 * come without credit scores (null): those are Duesense's own data, which the risk feature adds.
 *
 * The three large reads (invoices, their lines' gross profit, payment applications) come back as one JSON
 * array each (jsonRows): for 100k invoices, building an object per row in the driver cost more than the
 * queries themselves.
 */
export async function loadCompanyFacts(
  db: Db,
  realmId: string,
  o: { rollUpJobs: boolean; customerIds?: readonly string[] },
): Promise<CompanyFacts> {
  const pg = (db.client as { config: { client: string } }).config.client === 'pg';
  const scoped = (table: string) => db(table).where({ realm_id: realmId });
  const liveInvoices = () => scoped('qbo_invoices').whereNull('deleted_at').where('voided', false);
  // Only these customers' invoices (a customer's page: the customer and its jobs), when given.
  const ids = o.customerIds ? [...o.customerIds] : undefined;
  const invoiceIdsOf = (customers: string[]) =>
    scoped('qbo_invoices').whereIn('customer_qbo_id', customers).select('qbo_id');
  const paymentIdsOf = (customers: string[]) =>
    scoped('qbo_payment_applications')
      .where('txn_type', 'Invoice')
      .whereIn('txn_qbo_id', invoiceIdsOf(customers))
      .select('payment_qbo_id');
  const [settings, customerRows, invoiceRows, rateRows, lineRows, applicationRows, itemRows, termRows] =
    await Promise.all([
      scoped('qbo_company_settings').first('home_currency', 'preferences_json'),
      // Only the columns the engine reads: raw_json is the bulk of every row (docs/benchmarks.md, "Scoring").
      scoped('qbo_customers')
        .whereNull('deleted_at')
        .modify((q) => (ids && !o.rollUpJobs ? q.whereIn('qbo_id', ids) : q))
        .select('qbo_id', 'display_name', 'active', 'parent_qbo_id', 'sales_term_qbo_id'),
      // In due-date order, then the order rows were stored (what SQLite returned before this read was
      // aggregated; a customer's "last 10 invoices" break due-date ties by it). PostgreSQL has no storage order:
      // its ties go by id.
      // Terms only matter without a due date.
      jsonRows(
        db,
        pg,
        liveInvoices()
          .modify((q) => (ids ? q.whereIn('customer_qbo_id', ids) : q))
          .select(
            'qbo_id',
            'doc_number',
            'customer_qbo_id',
            'txn_date',
            'due_date',
            'total_cents',
            db.raw('CASE WHEN due_date IS NULL THEN sales_term_qbo_id END AS sales_term_qbo_id'),
            db.raw(pg ? 'NULL AS stored' : 'rowid AS stored'),
          ),
        INVOICE_COLUMNS,
        `due_date NULLS FIRST, ${pg ? 'qbo_id' : 'stored'}`,
      ),
      // Exchange rates as plain numbers, not through JSON (SQLite writes reals there with 15 digits); a rate of 1
      // changes nothing.
      liveInvoices()
        .modify((q) => (ids ? q.whereIn('customer_qbo_id', ids) : q))
        .whereNotNull('exchange_rate')
        .whereNot('exchange_rate', 1)
        .select('qbo_id', 'exchange_rate'),
      // Each invoice's lines summed in SQL (LineTotals; invoiceGrossProfit applies the rule): one row per invoice
      // instead of every line.
      jsonRows(
        db,
        pg,
        db('qbo_invoice_lines as l')
          .leftJoin('qbo_items as it', (j) => j.on('it.realm_id', 'l.realm_id').andOn('it.qbo_id', 'l.item_qbo_id'))
          .where('l.realm_id', realmId)
          .modify((q) => (ids ? q.whereIn('l.invoice_qbo_id', invoiceIdsOf(ids)) : q))
          .groupBy('l.invoice_qbo_id')
          .select('l.invoice_qbo_id')
          .select(db.raw('SUM(l.amount_cents) AS amount_cents'))
          .select(
            db.raw(
              'SUM(CASE WHEN it.purchase_cost_cents IS NULL THEN l.amount_cents ELSE 0 END) AS uncosted_amount_cents',
            ),
          )
          .select(
            db.raw(
              'SUM(CASE WHEN it.purchase_cost_cents IS NULL THEN 0 ' +
                'ELSE ROUND(COALESCE(l.qty, 0) * it.purchase_cost_cents) END) AS cost_cents',
            ),
          ),
        LINE_TOTAL_COLUMNS,
      ),
      // Applications of live payments only, each with its payment's date, a payment's lines together in order
      // (all of a payment's lines: its credit-memo links fund its invoice links).
      jsonRows(
        db,
        pg,
        db('qbo_payment_applications as a')
          .join('qbo_payments as p', (j) => j.on('p.realm_id', 'a.realm_id').andOn('p.qbo_id', 'a.payment_qbo_id'))
          .where('a.realm_id', realmId)
          .whereNull('p.deleted_at')
          .modify((q) => (ids ? q.whereIn('a.payment_qbo_id', paymentIdsOf(ids)) : q))
          .select('a.payment_qbo_id', 'a.line_no', 'a.txn_type', 'a.txn_qbo_id', 'a.amount_cents', 'p.txn_date'),
        APPLICATION_COLUMNS,
        'payment_qbo_id, line_no, txn_type, txn_qbo_id',
      ),
      scoped('qbo_items').select('qbo_id', 'purchase_cost_cents'),
      scoped('qbo_terms').select('qbo_id', 'due_days'),
    ]);

  const parentOf = new Map<string, string | null>(
    customerRows.map((c: Row) => [String(c.qbo_id), c.parent_qbo_id ?? null]),
  );
  const rootOf = topLevelParent(parentOf);
  // Asked once per invoice: each customer's owner is worked out once.
  const owners = new Map<string, string>();
  const owner = (id: string) => {
    if (!o.rollUpJobs) return id;
    let root = owners.get(id);
    if (root === undefined) owners.set(id, (root = rootOf(id)));
    return root;
  };
  const customers: CustomerFact[] = customerRows
    .filter((c: Row) => !o.rollUpJobs || owner(String(c.qbo_id)) === String(c.qbo_id))
    .map((c: Row) => ({
      id: String(c.qbo_id),
      name: String(c.display_name),
      active: Boolean(c.active),
      creditScore: null,
    }));

  const prefs = settings?.preferences_json ? (JSON.parse(settings.preferences_json) as Row) : undefined;
  const terms: TermsOnFile = {
    dueDays: new Map<string, number | null>(
      termRows.map((t: Row) => [String(t.qbo_id), t.due_days === null ? null : Number(t.due_days)]),
    ),
    customerTerm: new Map<string, string | null>(
      customerRows.map((c: Row) => [String(c.qbo_id), c.sales_term_qbo_id ?? null]),
    ),
    defaultTerm: prefs?.SalesFormsPrefs?.DefaultTerms?.value as string | undefined,
  };
  const rates = new Map<string, number>(rateRows.map((r: Row) => [String(r.qbo_id), Number(r.exchange_rate)]));
  const lineTotals = new Map<string, unknown[]>(lineRows.map((l) => [String(l[LINE_TOTAL.invoice_qbo_id]), l]));
  const context: InvoiceContext = {
    owner,
    rates,
    lineTotals,
    applications: applicationsByInvoice(applicationRows),
    terms,
  };
  const invoices: InvoiceFact[] = [];
  for (const row of invoiceRows) if (Number(row[INVOICE.total_cents]) > 0) invoices.push(invoiceFact(row, context));
  const items = new Map<string, ItemFact>(
    itemRows.map((r: Row) => [
      String(r.qbo_id),
      { id: String(r.qbo_id), costCents: r.purchase_cost_cents === null ? null : Number(r.purchase_cost_cents) },
    ]),
  );
  return { realmId, homeCurrency: settings?.home_currency ?? 'USD', customers, invoices, items };
}

interface InvoiceContext {
  owner: (customerId: string) => string;
  rates: ReadonlyMap<string, number>;
  /** Each invoice's packed LINE_TOTAL_COLUMNS row (LineTotals), for invoices with lines. */
  lineTotals: ReadonlyMap<string, unknown[]>;
  applications: ReadonlyMap<string, ApplicationFact[]>;
  terms: TermsOnFile;
}

/**
 * One packed invoice row (INVOICE_COLUMNS) as a fact: total and applications in the home currency, line totals
 * as QBO keeps them (invoiceGrossProfit converts).
 */
function invoiceFact(row: unknown[], c: InvoiceContext): InvoiceFact {
  const invoiceId = String(row[INVOICE.qbo_id]);
  const customerId = String(row[INVOICE.customer_qbo_id]);
  const rate = c.rates.get(invoiceId) ?? 1;
  const lines = c.lineTotals.get(invoiceId);
  const own = c.applications.get(invoiceId);
  const txnDate = String(row[INVOICE.txn_date]);
  const dueDate = (row[INVOICE.due_date] as string | null) ?? null;
  const termId = (row[INVOICE.sales_term_qbo_id] as string | null) ?? null;
  return {
    id: invoiceId,
    docNumber: (row[INVOICE.doc_number] as string | null) ?? null,
    customerId: c.owner(customerId),
    txnDate,
    dueDate: effectiveDueDate({ txnDate, dueDate, termId, customerId }, c.terms),
    totalCents: inHome(Number(row[INVOICE.total_cents]), rate),
    // At a rate of 1 every amount stays as it is: the list is used as built.
    applications: own === undefined ? [] : rate === 1 ? own : own.map((a) => ({ ...a, cents: inHome(a.cents, rate) })),
    ...(rate === 1 ? {} : { exchangeRate: rate }),
    lines: NO_LINES,
    lineTotals: {
      amountCents: Number(lines?.[LINE_TOTAL.amount_cents] ?? 0),
      uncostedAmountCents: Number(lines?.[LINE_TOTAL.uncosted_amount_cents] ?? 0),
      costCents: Number(lines?.[LINE_TOTAL.cost_cents] ?? 0),
    },
  };
}

const inHome = (cents: number, rate: number) => Math.round(cents * rate);

/** Every loaded invoice's lines: they come summed (lineTotals), so one frozen empty list serves all. */
const NO_LINES: readonly LineFact[] = Object.freeze([]);

/**
 * Each invoice's applications from packed APPLICATION_COLUMNS rows, a payment's lines together and in line
 * order: credit-memo links fund the payment's invoice links first (splitPaymentLinks).
 */
function applicationsByInvoice(rows: unknown[][]): Map<string, ApplicationFact[]> {
  const applications = new Map<string, ApplicationFact[]>();
  const add = (invoiceId: string, application: ApplicationFact) => {
    const list = applications.get(invoiceId);
    if (list) list.push(application);
    else applications.set(invoiceId, [application]);
  };
  for (let start = 0; start < rows.length;) {
    const first = rows[start]!;
    const paymentId = first[APPLICATION.payment_qbo_id];
    const date = String(first[APPLICATION.txn_date]);
    let end = start + 1;
    while (end < rows.length && rows[end]![APPLICATION.payment_qbo_id] === paymentId) end++;
    if (end === start + 1 && first[APPLICATION.txn_type] === 'Invoice') {
      // Nearly every payment pays one invoice with money: nothing to split.
      const cents = Number(first[APPLICATION.amount_cents]);
      if (cents > 0) add(String(first[APPLICATION.txn_qbo_id]), { date, cents, cash: true });
    } else {
      const links: Array<{ type: string; id: string; cents: number }> = [];
      for (let r = start; r < end; r++) {
        const row = rows[r]!;
        const cents = Number(row[APPLICATION.amount_cents]);
        links.push({ type: String(row[APPLICATION.txn_type]), id: String(row[APPLICATION.txn_qbo_id]), cents });
      }
      for (const part of splitPaymentLinks(links)) {
        if (part.creditCents > 0) add(part.invoiceId, { date, cents: part.creditCents, cash: false });
        if (part.cashCents > 0) add(part.invoiceId, { date, cents: part.cashCents, cash: true });
      }
    }
    start = end;
  }
  return applications;
}

/**
 * A query's rows as arrays of `columns` (in `orderBy` order, else any), aggregated by the database into one JSON array:
 * the driver hands over one value instead of building an object per row. Only exact types go through it
 * (text, integers, sums of whole cents): SQLite writes JSON reals with 15 significant digits.
 */
async function jsonRows(
  db: Db,
  pg: boolean,
  query: Knex.QueryBuilder,
  columns: readonly string[],
  orderBy?: string,
): Promise<unknown[][]> {
  const list = columns.map((c) => `t.${c}`).join(', ');
  const order = orderBy ? ` ORDER BY ${orderBy}` : '';
  const aggregate = pg
    ? `json_agg(json_build_array(${list})${order})`
    : `json_group_array(json_array(${list})${order})`;
  const row = (await db.from(query.as('t')).first(db.raw(`${aggregate} AS rows`))) as
    { rows: string | unknown[][] | null } | undefined;
  // SQLite hands the JSON over as text; node-postgres has parsed it already (and an empty json_agg is null).
  const rows = row?.rows ?? [];
  return typeof rows === 'string' ? (JSON.parse(rows) as unknown[][]) : rows;
}
