import type { Db } from '../../db/knex.js';
import { addDaysToDate } from './domain/dates.js';
import { splitPaymentLinks, topLevelParent } from './facts-helpers.js';
import type { ApplicationFact, CompanyFacts, CustomerFact, InvoiceFact, ItemFact } from './domain/risk-facts.js';

type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Builds the engine's facts from the local copy of one company (every query scoped to its realm): deleted and
 * voided invoices left out; jobs rolled up into their top-level parent when asked; a missing due date taken
 * from the customer's terms (else the company default, else the invoice date); foreign-currency amounts
 * converted to the home currency at the invoice's exchange rate; credit-funded payment lines marked as not cash.
 */
export async function loadCompanyFacts(db: Db, realmId: string, o: { rollUpJobs: boolean }): Promise<CompanyFacts> {
  const scoped = (table: string) => db(table).where({ realm_id: realmId });
  const [settings, customerRows, invoiceRows, lineRows, applicationRows, itemRows, termRows, creditRows] = await Promise.all([
    scoped('qbo_company_settings').first('home_currency', 'preferences_json'),
    // Only the columns the engine reads: raw_json alone would be hundreds of megabytes for a large company.
    scoped('qbo_customers').whereNull('deleted_at').select('qbo_id', 'display_name', 'active', 'parent_qbo_id', 'sales_term_qbo_id'),
    scoped('qbo_invoices').whereNull('deleted_at').where('voided', false)
      .select('qbo_id', 'doc_number', 'customer_qbo_id', 'txn_date', 'due_date', 'total_cents', 'exchange_rate', 'sales_term_qbo_id'),
    // Gross profit summed per invoice in SQL: one row per invoice instead of every line.
    db('qbo_invoice_lines as l').leftJoin('qbo_items as it', (j) => j.on('it.realm_id', 'l.realm_id').andOn('it.qbo_id', 'l.item_qbo_id'))
      .where('l.realm_id', realmId).groupBy('l.invoice_qbo_id')
      .select('l.invoice_qbo_id')
      .select(db.raw('SUM(CASE WHEN it.purchase_cost_cents IS NULL THEN l.amount_cents ELSE l.amount_cents - ROUND(COALESCE(l.qty, 0) * it.purchase_cost_cents) END) AS gross_profit_cents'))
      .select(db.raw('SUM(CASE WHEN it.purchase_cost_cents IS NULL THEN l.amount_cents ELSE 0 END) AS estimated_cents')),
    // Applications of live payments only, each with its payment's date: one joined read instead of two.
    db('qbo_payment_applications as a').join('qbo_payments as p', (j) => j.on('p.realm_id', 'a.realm_id').andOn('p.qbo_id', 'a.payment_qbo_id'))
      .where('a.realm_id', realmId).whereNull('p.deleted_at').orderBy(['a.payment_qbo_id', 'a.line_no'])
      .select('a.payment_qbo_id', 'a.txn_type', 'a.txn_qbo_id', 'a.amount_cents', 'p.txn_date'),
    scoped('qbo_items').select('qbo_id', 'purchase_cost_cents'),
    scoped('qbo_terms').select('qbo_id', 'due_days'),
    scoped('customer_credit_scores'),
  ]);

  const parentOf = new Map<string, string | null>(customerRows.map((c: Row) => [String(c.qbo_id), c.parent_qbo_id ?? null]));
  const rootOf = topLevelParent(parentOf);
  const owner = (id: string) => (o.rollUpJobs ? rootOf(id) : id);
  const credit = new Map<string, number>(creditRows.map((r: Row) => [String(r.customer_qbo_id), Number(r.score)]));
  const customers: CustomerFact[] = customerRows
    .filter((c: Row) => !o.rollUpJobs || owner(String(c.qbo_id)) === String(c.qbo_id))
    .map((c: Row) => ({ id: String(c.qbo_id), name: String(c.display_name), active: Boolean(c.active), creditScore: credit.get(String(c.qbo_id)) ?? null }));

  const termDays = new Map<string, number | null>(termRows.map((t: Row) => [String(t.qbo_id), t.due_days === null ? null : Number(t.due_days)]));
  const customerTerm = new Map<string, string | null>(customerRows.map((c: Row) => [String(c.qbo_id), c.sales_term_qbo_id ?? null]));
  const prefs = settings?.preferences_json ? (JSON.parse(settings.preferences_json) as Row) : undefined;
  const defaultTerm = prefs?.SalesFormsPrefs?.DefaultTerms?.value as string | undefined;

  const paymentDate = new Map<string, string>();
  const applications = new Map<string, ApplicationFact[]>();
  const byPayment = new Map<string, Row[]>();
  for (const a of applicationRows) {
    const id = String(a.payment_qbo_id);
    paymentDate.set(id, String(a.txn_date));
    const list = byPayment.get(id);
    if (list) list.push(a);
    else byPayment.set(id, [a]);
  }
  for (const [paymentId, links] of byPayment) {
    const date = paymentDate.get(paymentId)!;
    for (const part of splitPaymentLinks(links.map((l) => ({ type: String(l.txn_type), id: String(l.txn_qbo_id), cents: Number(l.amount_cents) })))) {
      const list = applications.get(part.invoiceId) ?? [];
      if (part.creditCents > 0) list.push({ date, cents: part.creditCents, cash: false });
      if (part.cashCents > 0) list.push({ date, cents: part.cashCents, cash: true });
      applications.set(part.invoiceId, list);
    }
  }
  const lineProfit = new Map<string, { grossProfitCents: number; estimatedCents: number }>();
  for (const l of lineRows) lineProfit.set(String(l.invoice_qbo_id), { grossProfitCents: Number(l.gross_profit_cents), estimatedCents: Number(l.estimated_cents) });

  const invoices: InvoiceFact[] = invoiceRows.filter((i: Row) => Number(i.total_cents) > 0).map((i: Row) => {
    const rate = i.exchange_rate === null || i.exchange_rate === undefined ? 1 : Number(i.exchange_rate);
    const home = (cents: number) => Math.round(cents * rate);
    const customerId = String(i.customer_qbo_id);
    const terms = termDays.get(String(i.sales_term_qbo_id ?? customerTerm.get(customerId) ?? defaultTerm ?? '')) ?? 0;
    return {
      id: String(i.qbo_id), docNumber: i.doc_number ?? null, customerId: owner(customerId), txnDate: String(i.txn_date),
      dueDate: i.due_date ? String(i.due_date) : addDaysToDate(String(i.txn_date), terms),
      totalCents: home(Number(i.total_cents)),
      applications: (applications.get(String(i.qbo_id)) ?? []).map((a) => ({ ...a, cents: home(a.cents) })),
      lines: [],
      lineProfit: (() => {
        const p = lineProfit.get(String(i.qbo_id)) ?? { grossProfitCents: 0, estimatedCents: 0 };
        return { grossProfitCents: home(p.grossProfitCents), estimatedCents: home(p.estimatedCents) };
      })(),
    };
  });
  const items = new Map<string, ItemFact>(itemRows.map((r: Row) => [String(r.qbo_id), { id: String(r.qbo_id), costCents: r.purchase_cost_cents === null ? null : Number(r.purchase_cost_cents) }]));
  return { realmId, homeCurrency: settings?.home_currency ?? 'USD', customers, invoices, items };
}
