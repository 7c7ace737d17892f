import type { Knex } from 'knex';

/**
 * The local copy of each company's books. Every table is keyed by (realm_id, qbo_id); money is integer
 * cents; `qbo_updated_at` (MetaData.LastUpdatedTime as an instant) guards upserts so an older version never
 * overwrites a newer one; `deleted_at` marks deletes and voids seen by CDC or the reconcile sweep;
 * `last_seen_sweep_id` is stamped during a full pass (mark-and-sweep). `raw_json` keeps the entity as QBO
 * sent it, for fields we do not model yet.
 */
function common(t: Knex.CreateTableBuilder): void {
  t.string('realm_id', 32).notNullable().references('realm_id').inTable('companies').onDelete('CASCADE');
  t.string('qbo_id', 32).notNullable();
  t.string('sync_token', 16).notNullable();
  t.timestamp('qbo_created_at', { useTz: true }).nullable();
  t.timestamp('qbo_updated_at', { useTz: true }).notNullable();
  t.timestamp('deleted_at', { useTz: true }).nullable();
  t.string('last_seen_sweep_id', 36).nullable();
  t.text('raw_json').notNullable();
  t.primary(['realm_id', 'qbo_id']);
}

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('qbo_customers', (t) => {
    common(t);
    t.string('display_name', 500).notNullable();
    t.string('fully_qualified_name', 1000).nullable();
    t.string('company_name', 500).nullable();
    t.string('parent_qbo_id', 32).nullable();
    t.boolean('is_job').notNullable().defaultTo(false);
    t.boolean('bill_with_parent').notNullable().defaultTo(false);
    t.boolean('active').notNullable().defaultTo(true);
    t.string('email', 320).nullable();
    t.string('currency', 3).nullable();
    t.bigInteger('balance_cents').notNullable().defaultTo(0);
    t.bigInteger('balance_with_jobs_cents').notNullable().defaultTo(0);
    t.string('customer_type_qbo_id', 32).nullable();
    t.string('sales_term_qbo_id', 32).nullable();
    t.index(['realm_id', 'parent_qbo_id']);
  });
  await knex.schema.createTable('qbo_invoices', (t) => {
    common(t);
    t.string('doc_number', 32).nullable();
    t.string('customer_qbo_id', 32).notNullable();
    t.date('txn_date').notNullable();
    t.date('due_date').nullable();
    t.bigInteger('total_cents').notNullable();
    t.bigInteger('balance_cents').notNullable();
    t.string('currency', 3).nullable();
    t.decimal('exchange_rate', 18, 8).nullable();
    t.string('email_status', 16).nullable();
    t.string('bill_email', 320).nullable();
    t.string('sales_term_qbo_id', 32).nullable();
    t.boolean('voided').notNullable().defaultTo(false);
    t.text('custom_fields_json').nullable();
    t.index(['realm_id', 'customer_qbo_id']);
    t.index(['realm_id', 'due_date']);
  });
  await knex.schema.createTable('qbo_invoice_lines', (t) => {
    t.string('realm_id', 32).notNullable();
    t.string('invoice_qbo_id', 32).notNullable();
    t.integer('line_no').notNullable();
    t.string('item_qbo_id', 32).nullable();
    t.decimal('qty', 18, 6).nullable();
    t.bigInteger('amount_cents').notNullable();
    t.primary(['realm_id', 'invoice_qbo_id', 'line_no']);
    t.foreign(['realm_id', 'invoice_qbo_id'])
      .references(['realm_id', 'qbo_id'])
      .inTable('qbo_invoices')
      .onDelete('CASCADE');
  });
  await knex.schema.createTable('qbo_payments', (t) => {
    common(t);
    t.string('customer_qbo_id', 32).notNullable();
    t.date('txn_date').notNullable();
    t.bigInteger('total_cents').notNullable();
    t.bigInteger('unapplied_cents').notNullable().defaultTo(0);
    t.string('currency', 3).nullable();
    t.decimal('exchange_rate', 18, 8).nullable();
    t.index(['realm_id', 'customer_qbo_id']);
  });
  await knex.schema.createTable('qbo_payment_applications', (t) => {
    // One row per payment line link: which invoice or credit memo got how much, and when (the payment's date).
    t.string('realm_id', 32).notNullable();
    t.string('payment_qbo_id', 32).notNullable();
    t.integer('line_no').notNullable();
    t.string('txn_type', 16).notNullable(); // Invoice | CreditMemo
    t.string('txn_qbo_id', 32).notNullable();
    t.bigInteger('amount_cents').notNullable();
    t.primary(['realm_id', 'payment_qbo_id', 'line_no', 'txn_type', 'txn_qbo_id']);
    t.foreign(['realm_id', 'payment_qbo_id'])
      .references(['realm_id', 'qbo_id'])
      .inTable('qbo_payments')
      .onDelete('CASCADE');
    t.index(['realm_id', 'txn_type', 'txn_qbo_id']);
  });
  await knex.schema.createTable('qbo_credit_memos', (t) => {
    common(t);
    t.string('doc_number', 32).nullable();
    t.string('customer_qbo_id', 32).notNullable();
    t.date('txn_date').notNullable();
    t.bigInteger('total_cents').notNullable();
    t.bigInteger('remaining_credit_cents').notNullable().defaultTo(0);
    t.string('currency', 3).nullable();
    t.index(['realm_id', 'customer_qbo_id']);
  });
  await knex.schema.createTable('qbo_items', (t) => {
    common(t);
    t.string('name', 200).notNullable();
    t.string('type', 32).nullable();
    t.boolean('active').notNullable().defaultTo(true);
    t.bigInteger('unit_price_cents').nullable();
    t.bigInteger('purchase_cost_cents').nullable();
  });
  await knex.schema.createTable('qbo_terms', (t) => {
    common(t);
    t.string('name', 100).notNullable();
    t.boolean('active').notNullable().defaultTo(true);
    t.integer('due_days').nullable();
    t.integer('day_of_month_due').nullable();
  });
  await knex.schema.createTable('qbo_customer_types', (t) => {
    common(t);
    t.string('name', 100).notNullable();
    t.boolean('active').notNullable().defaultTo(true);
  });
  await knex.schema.createTable('qbo_company_settings', (t) => {
    // CompanyInfo and Preferences: one row per company.
    t.string('realm_id', 32).primary().references('realm_id').inTable('companies').onDelete('CASCADE');
    t.string('company_name', 500).notNullable();
    t.string('country', 8).nullable();
    t.string('home_currency', 3).nullable();
    t.boolean('multi_currency').notNullable().defaultTo(false);
    t.string('time_zone', 64).nullable();
    t.text('custom_fields_json').nullable();
    t.text('company_info_json').notNullable();
    t.text('preferences_json').nullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'qbo_company_settings',
    'qbo_customer_types',
    'qbo_terms',
    'qbo_items',
    'qbo_credit_memos',
    'qbo_payment_applications',
    'qbo_payments',
    'qbo_invoice_lines',
    'qbo_invoices',
    'qbo_customers',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
