import type { Knex } from 'knex';

/**
 * A score run reads every live invoice of a company, its lines' amounts and items, and every payment
 * application with its payment's date. These indexes hold exactly the columns those reads use, after
 * realm_id, so each read is answered from an index alone: an invoice or payment row also carries its raw
 * QBO JSON (over a kilobyte for an invoice), and reading 100k such rows to use a hundred bytes of each was
 * most of the invoice read's time. The application index is the primary key's columns plus the amount.
 */
const INDEXES: ReadonlyArray<readonly [table: string, name: string, columns: string[]]> = [
  [
    'qbo_invoices',
    'qbo_invoices_risk_read_idx',
    [
      'realm_id',
      'due_date',
      'deleted_at',
      'voided',
      'customer_qbo_id',
      'txn_date',
      'total_cents',
      'qbo_id',
      'doc_number',
      'sales_term_qbo_id',
      'exchange_rate',
    ],
  ],
  [
    'qbo_invoice_lines',
    'qbo_invoice_lines_risk_read_idx',
    ['realm_id', 'invoice_qbo_id', 'item_qbo_id', 'qty', 'amount_cents'],
  ],
  [
    'qbo_payment_applications',
    'qbo_payment_applications_risk_read_idx',
    ['realm_id', 'payment_qbo_id', 'line_no', 'txn_type', 'txn_qbo_id', 'amount_cents'],
  ],
  ['qbo_payments', 'qbo_payments_risk_read_idx', ['realm_id', 'qbo_id', 'deleted_at', 'txn_date']],
];

export async function up(knex: Knex): Promise<void> {
  for (const [table, name, columns] of INDEXES) await knex.schema.alterTable(table, (t) => t.index(columns, name));
}

export async function down(knex: Knex): Promise<void> {
  // IF EXISTS: a copy migrated before the lines and payments indexes joined this migration has only the first two.
  for (const [, name] of [...INDEXES].reverse()) await knex.raw('DROP INDEX IF EXISTS ??', [name]);
}
