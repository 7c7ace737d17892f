import type { Knex } from 'knex';

/**
 * The score run reads every live invoice and every payment application of a company. These two indexes hold
 * exactly the columns it reads, after realm_id, so both reads are answered from the index alone: an invoice
 * row also carries its raw QBO JSON (over a kilobyte), and reading 100k such rows to use 100 bytes of each
 * was most of the invoice read's time. The application index is the primary key's columns plus the amount.
 */
const INVOICE_INDEX = 'qbo_invoices_risk_read_idx';
const APPLICATION_INDEX = 'qbo_payment_applications_risk_read_idx';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('qbo_invoices', (t) => {
    t.index(
      ['realm_id', 'due_date', 'deleted_at', 'voided', 'customer_qbo_id', 'txn_date', 'total_cents', 'qbo_id', 'doc_number', 'sales_term_qbo_id', 'exchange_rate'],
      INVOICE_INDEX,
    );
  });
  await knex.schema.alterTable('qbo_payment_applications', (t) => {
    t.index(['realm_id', 'payment_qbo_id', 'line_no', 'txn_type', 'txn_qbo_id', 'amount_cents'], APPLICATION_INDEX);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('qbo_payment_applications', (t) => t.dropIndex([], APPLICATION_INDEX));
  await knex.schema.alterTable('qbo_invoices', (t) => t.dropIndex([], INVOICE_INDEX));
}
