import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');

/**
 * Each table and the only files whose code names it (docs/architecture.md, "Who owns which table"). The local QBO
 * copy is the sync feature's: written page by page by the sync store from the entity list (sync-entities.ts and
 * qbo-mappers.ts name the tables), read by the local-copy reader and its facts loader.
 */
const OWNERS: Record<string, readonly string[]> = {
  companies: ['server/features/connections/connection-store.ts'],
  qbo_connections: ['server/features/connections/connection-store.ts'],
  oauth_states: ['server/features/connections/connection-store.ts'],
  users: ['server/features/users/user-store.ts'],
  user_companies: ['server/features/users/user-store.ts'],
  sessions: ['server/http/session/knex-session-store.ts'],
  activity_log: ['server/features/activity/activity-log.ts'],
  job_locks: ['server/features/jobs/job-lock-store.ts'],
  outgoing_emails: ['server/features/mail/outbox-store.ts'],
  company_preferences: ['server/features/settings/company-preferences-store.ts'],
  risk_score_runs: ['server/features/risk/score-run-store.ts'],
  customer_scores: ['server/features/risk/score-run-store.ts'],
  invoice_scores: ['server/features/risk/score-run-store.ts'],
  risk_alerts: ['server/features/risk/risk-alert-store.ts'],
  risk_policies: ['server/features/risk/risk-policy-store.ts'],
  customer_credit_scores: ['server/features/risk/customer-input-store.ts'],
  customer_controls: ['server/features/risk/customer-input-store.ts'],
  qbo_sync_state: ['server/features/sync/sync-store.ts'],
  qbo_sync_runs: ['server/features/sync/sync-store.ts'],
  qbo_webhook_events: ['server/features/sync/webhook-event-store.ts'],
  qbo_writebacks: ['server/features/writeback/writeback-store.ts'],
  writeback_settings: ['server/features/writeback/writeback-store.ts'],
  reminders: ['server/features/reminders/reminder-store.ts'],
  reminder_settings: ['server/features/reminders/reminder-store.ts'],
  invoice_controls: ['server/features/reminders/reminder-store.ts'],
  reminder_templates: ['server/features/reminders/reminder-store.ts'],
  qbo_company_settings: [
    'server/features/sync/company-settings-store.ts',
    'server/features/sync/company-facts-loader.ts',
  ],
};
const LOCAL_COPY = [
  'server/features/sync/sync-entities.ts',
  'server/features/sync/qbo-mappers.ts',
  'server/features/sync/local-copy-reader.ts',
  'server/features/sync/company-facts-loader.ts',
];
for (const table of [
  'qbo_customers',
  'qbo_invoices',
  'qbo_invoice_lines',
  'qbo_payments',
  'qbo_payment_applications',
  'qbo_credit_memos',
  'qbo_items',
  'qbo_terms',
  'qbo_customer_types',
]) {
  OWNERS[table] = LOCAL_COPY;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) return rel === 'server/emulator' ? [] : sourceFiles(rel);
    return e.name.endsWith('.ts') ? [rel] : [];
  });
}

/**
 * Files whose code (comments stripped) uses a table: as a query's table (`db('x')`, `.join('x'`), a constant
 * (`TABLE = 'x'`), a property (`table: 'x'`) or insertRows' argument. Command names, container keys, URL paths and
 * Settings sections are not uses.
 */
function filesNaming(files: readonly string[], table: string): string[] {
  // A URL path, a Settings section, a write's origin or a menu tab (`path: 'reminders'`, `section: 'reminders'`,
  // `origin: 'reminders'`, `nav: 'reminders'`) is not a use of a table.
  const notATable = '(?<!\\b(?:path|section|origin|nav))';
  const quoted = new RegExp(
    `(?:(?<!\\.(?:command|option|alias))\\(|=|${notATable}:|insertRows\\([^,]+,)\\s*['"\`]${table}['"\`.]`,
  );
  return files.filter((f) =>
    quoted.test(fs.readFileSync(path.join(ROOT, f), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')),
  );
}

describe('table ownership', () => {
  const files = [...sourceFiles('server'), ...sourceFiles('jobs')];

  it('lists every table the migrations create', () => {
    const created = new Set<string>();
    for (const f of sourceFiles('migrations')) {
      for (const m of fs.readFileSync(path.join(ROOT, f), 'utf8').matchAll(/createTable\('([a-z_]+)'/g))
        created.add(m[1]!);
    }
    expect([...created].sort()).toEqual(Object.keys(OWNERS).sort());
  });

  it("names each table only in its owner's files", () => {
    const strangers = Object.entries(OWNERS).flatMap(([table, owners]) =>
      filesNaming(files, table)
        .filter((f) => !owners.includes(f))
        .map((f) => `${table} in ${f}`),
    );
    expect(strangers).toEqual([]);
  });
});
