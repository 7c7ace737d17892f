import type { EmulatedCompany } from '../../server/emulator/company/emulated-company.js';
import type { CompanyFile } from '../../server/emulator/company-file-format.js';
import { DEFAULT_RISK_POLICY } from '../../server/features/risk/domain/risk-policy.js';
import { generateCompany } from '../../server/emulator/generator/generate-company.js';
import type { ReminderExecutorOptions } from '../../server/features/reminders/reminder-executor.js';
import type { WritebackExecutorOptions } from '../../server/features/writeback/writeback-executor.js';
import { toCents } from '../../server/money.js';
import { startApp, type TestApp } from './app-harness.js';
import { connectCompany, newAgent } from './connect-helper.js';
import { startEmulator, type RunningEmulator } from './emulator-harness.js';

export interface SyncWorld {
  emulator: RunningEmulator;
  t: TestApp;
  realmId: string;
  company: EmulatedCompany;
  close(): Promise<void>;
}

/** An emulator serving a generated company, and the app connected to it, ready to sync. */
export async function syncWorld(
  o: {
    customers?: number;
    months?: number;
    seed?: number;
    file?: CompanyFile;
    appFile?: boolean;
    appEnv?: Record<string, string>;
    writeback?: Partial<WritebackExecutorOptions>;
    reminders?: Partial<ReminderExecutorOptions>;
    /** QuickBooks' emails a day per company (a sandbox has 40); unlimited unless given. */
    emailDailyLimit?: number;
  } = {},
): Promise<SyncWorld> {
  const file =
    o.file ??
    generateCompany({ seed: o.seed ?? 11, customers: o.customers ?? 40, months: o.months ?? 12, asOf: '2026-10-31' });
  const realmId = file.realmId;
  const emulator = await startEmulator({
    companies: [file],
    now: '2026-10-31T20:00:00Z',
    ...(o.emailDailyLimit === undefined ? {} : { emailDailyLimit: o.emailDailyLimit }),
  });
  const t = await startApp(emulator, {
    file: o.appFile ?? false,
    ...(o.appEnv ? { env: o.appEnv } : {}),
    // Loose spacing (batch quota included): tests about the quota itself build their own limiter.
    rateLimit: { perSecond: 1000, perMinute: 100_000, batchPerMinute: 100_000, backoffBaseMs: 5, backoffMaxMs: 20 },
    sync: { reconcileEveryMs: 90 * 86_400_000 },
    ...(o.writeback ? { writeback: o.writeback } : {}),
    ...(o.reminders ? { reminders: o.reminders } : {}),
  });
  const res = await connectCompany(newAgent(t.app), realmId);
  if (res.status !== 200) throw new Error(`connect failed: ${res.status} ${res.text.slice(0, 300)}`);
  return {
    emulator,
    t,
    realmId,
    company: emulator.emulator.companies.get(realmId)!,
    async close() {
      await t.close();
      await emulator.close();
    },
  };
}

/** Field-level differences between the emulator's entities and the local copy (empty when they agree). */
export async function differences(w: SyncWorld): Promise<string[]> {
  const problems: string[] = [];
  const local = async (table: string) =>
    new Map(
      (await w.t.container.db(table).where({ realm_id: w.realmId }).whereNull('deleted_at')).map(
        (r: Record<string, unknown>) => [String(r.qbo_id), r],
      ),
    );
  const checks: Array<
    [string, string, (e: Record<string, unknown>, r: Record<string, unknown>) => Array<[string, unknown, unknown]>]
  > = [
    // Customer.Balance is not compared: QBO derives it and a change to it alone is not a change to the customer
    // (no new SyncToken, nothing in CDC); Duesense computes balances from invoices.
    [
      'Customer',
      'qbo_customers',
      (e, r) => [
        ['active', e.Active !== false, Boolean(r.active)],
        ['parent', (e.ParentRef as { value?: string } | undefined)?.value ?? null, r.parent_qbo_id],
        ['name', e.DisplayName, r.display_name],
        ['syncToken', e.SyncToken, r.sync_token],
      ],
    ],
    [
      'Invoice',
      'qbo_invoices',
      (e, r) => [
        ['total', toCents(e.TotalAmt as number), Number(r.total_cents)],
        ['balance', toCents(e.Balance as number), Number(r.balance_cents)],
        ['customer', (e.CustomerRef as { value: string }).value, r.customer_qbo_id],
        ['due', e.DueDate ?? null, r.due_date],
        ['doc', e.DocNumber, r.doc_number],
        ['syncToken', e.SyncToken, r.sync_token],
      ],
    ],
    [
      'Payment',
      'qbo_payments',
      (e, r) => [
        ['total', toCents(e.TotalAmt as number), Number(r.total_cents)],
        ['unapplied', toCents((e.UnappliedAmt as number) ?? 0), Number(r.unapplied_cents)],
        ['date', e.TxnDate, r.txn_date],
      ],
    ],
    [
      'CreditMemo',
      'qbo_credit_memos',
      (e, r) => [
        ['total', toCents(e.TotalAmt as number), Number(r.total_cents)],
        ['remaining', toCents((e.RemainingCredit as number) ?? 0), Number(r.remaining_credit_cents)],
      ],
    ],
    [
      'Item',
      'qbo_items',
      (e, r) => [
        [
          'cost',
          e.PurchaseCost === undefined ? null : toCents(e.PurchaseCost as number),
          r.purchase_cost_cents === null ? null : Number(r.purchase_cost_cents),
        ],
      ],
    ],
    ['Term', 'qbo_terms', (e, r) => [['dueDays', e.DueDays ?? null, r.due_days]]],
    ['CustomerType', 'qbo_customer_types', (e, r) => [['name', e.Name, r.name]]],
  ];
  for (const [entity, table, fields] of checks) {
    const remote = w.company.table(entity as never);
    const mine = await local(table);
    if (remote.size !== mine.size) problems.push(`${entity}: emulator has ${remote.size}, local copy ${mine.size}`);
    for (const [id, e] of remote) {
      const r = mine.get(id);
      if (!r) {
        problems.push(`${entity} ${id}: missing locally`);
        continue;
      }
      for (const [field, want, got] of fields(e, r))
        if (want !== got) problems.push(`${entity} ${id}.${field}: emulator ${String(want)}, local ${String(got)}`);
    }
    if (problems.length > 20) break;
  }
  return problems;
}

const COPY_TABLES = [
  'qbo_customers',
  'qbo_invoices',
  'qbo_invoice_lines',
  'qbo_payments',
  'qbo_payment_applications',
  'qbo_credit_memos',
  'qbo_items',
  'qbo_terms',
  'qbo_customer_types',
];

/** The local copy as plain data (sweep ids left out), to compare two databases row for row. */
export async function dumpLocalCopy(w: SyncWorld): Promise<Record<string, unknown[]>> {
  const dump: Record<string, unknown[]> = {};
  for (const table of COPY_TABLES) {
    const rows = (await w.t.container.db(table).where({ realm_id: w.realmId })).map((r: Record<string, unknown>) => {
      const { last_seen_sweep_id: _sweep, ...rest } = r;
      return rest;
    });
    dump[table] = rows.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  }
  return dump;
}

/**
 * The fixture company's smoothing and alert scenarios (a customer moving from low to medium risk across runs) were
 * built on the tier cut points 35 and 60; saved as the company's policy so they do not follow the defaults.
 */
export async function withFixtureCutPoints(w: SyncWorld): Promise<void> {
  const { version: _version, ...policy } = DEFAULT_RISK_POLICY;
  await w.t.container.riskPolicies.savePolicy(
    w.realmId,
    { ...policy, bands: { medium: 35, high: 60 } },
    new Date('2025-01-01T00:00:00Z'),
  );
}
