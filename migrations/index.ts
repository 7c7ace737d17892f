import type { Knex } from 'knex';
import * as m0100 from './20261125000100_create_companies_and_connections.js';
import * as m0200 from './20261125000200_create_users_sessions_and_refresh_lease.js';
import * as m0300 from './20261125000300_create_qbo_copy.js';
import * as m0400 from './20261125000400_create_sync_state_and_runs.js';
import * as m0500 from './20261125000500_create_risk_scores.js';
import * as m0600 from './20261125000600_add_score_stability_and_alerts.js';
import * as m0700 from './20261125000700_create_mail_outbox_and_preferences.js';
import * as m0800 from './20261125000800_create_panel_tables.js';
import * as m0900 from './20261125000900_add_risk_read_indexes.js';
import * as m1000 from './20261125001000_add_customer_list_indexes.js';
import * as m1100 from './20261125001100_add_alert_acknowledgement.js';
import * as m1200 from './20261125001200_add_customer_search_name.js';
import * as m1300 from './20261205001300_add_score_run_detail_trimmed.js';
import * as m1400 from './20261206001400_mark_what_if_runs.js';
import * as m1500 from './20261206001500_add_invoice_collection_chances.js';
import * as m1600 from './20261207001600_add_activity_log_columns.js';
import * as m1700 from './20261208001700_create_qbo_writebacks.js';
import * as m1800 from './20261209001800_create_reminders.js';
import * as m1900 from './20261210001900_add_reminder_message_id.js';
import * as m2000 from './20261211002000_create_reminder_templates.js';

/**
 * Every migration, in order. Imported statically (not discovered on disk) so the same list runs under tsx,
 * vitest and a compiled build; knex's own directory loader cannot import .ts files everywhere.
 * A new migration is added here as well as in this folder (test/unit/app/migrations.test.ts checks).
 */
export const MIGRATIONS: ReadonlyArray<readonly [string, Knex.Migration]> = [
  ['20261125000100_create_companies_and_connections.ts', m0100],
  ['20261125000200_create_users_sessions_and_refresh_lease.ts', m0200],
  ['20261125000300_create_qbo_copy.ts', m0300],
  ['20261125000400_create_sync_state_and_runs.ts', m0400],
  ['20261125000500_create_risk_scores.ts', m0500],
  ['20261125000600_add_score_stability_and_alerts.ts', m0600],
  ['20261125000700_create_mail_outbox_and_preferences.ts', m0700],
  ['20261125000800_create_panel_tables.ts', m0800],
  ['20261125000900_add_risk_read_indexes.ts', m0900],
  ['20261125001000_add_customer_list_indexes.ts', m1000],
  ['20261125001100_add_alert_acknowledgement.ts', m1100],
  ['20261125001200_add_customer_search_name.ts', m1200],
  ['20261205001300_add_score_run_detail_trimmed.ts', m1300],
  ['20261206001400_mark_what_if_runs.ts', m1400],
  ['20261206001500_add_invoice_collection_chances.ts', m1500],
  ['20261207001600_add_activity_log_columns.ts', m1600],
  ['20261208001700_create_qbo_writebacks.ts', m1700],
  ['20261209001800_create_reminders.ts', m1800],
  ['20261210001900_add_reminder_message_id.ts', m1900],
  ['20261211002000_create_reminder_templates.ts', m2000],
];
