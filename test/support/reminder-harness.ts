import type { Container } from '../../server/container.js';
import type { SentEmail } from '../../server/emulator/api/email-outbox.js';
import type { CompanyFile } from '../../server/emulator/company-file-format.js';
import type { QboObject } from '../../server/emulator/entity-registry.js';
import type { MailOutbox } from '../../server/features/mail/mail-outbox.js';
import { generateCompany } from '../../server/emulator/generator/generate-company.js';
import {
  DEFAULT_REMINDER_POLICY,
  type ReminderPolicy,
} from '../../server/features/reminders/domain/reminder-policy.js';
import { ReminderExecutor, type ReminderExecutorOptions } from '../../server/features/reminders/reminder-executor.js';
import { ReminderService, type RunOptions } from '../../server/features/reminders/reminder-service.js';
import { createLocalCopyWriter } from '../../server/features/sync/local-copy-writer.js';
import { createReminderStore } from '../../server/features/reminders/reminder-store.js';
import type { ReminderStore } from '../../server/features/reminders/reminder-store-type.js';
import { EMULATED_USERS } from '../../server/emulator/oauth/oauth-users.js';
import type { TestApp } from './app-harness.js';
import { connectCompany, type Agent } from './connect-helper.js';
import type { RunningEmulator } from './emulator-harness.js';
import { scoreOn } from './score-on.js';
import { syncWorld, type SyncWorld } from './sync-harness.js';

export const AS_OF = '2026-10-31';
/** Monday 2 November 2026, 10:00 in New York: a business day, two days after the data's as-of date. */
export const MONDAY = '2026-11-02T15:00:00Z';

/** The default strategies with every tier by Duesense's own email (the email channel). */
export const EMAIL_STRATEGIES = Object.fromEntries(
  Object.entries(DEFAULT_REMINDER_POLICY.strategies).map(([tier, s]) => [tier, { ...s, channel: 'email' }]),
) as ReminderPolicy['strategies'];

/**
 * For HTTP tests: `agent` connects the company of `realmId` to the app, which syncs it and scores it as of
 * 2026-10-31; the emulator's clock is then moved to Monday 2 November, ready to remind.
 */
export async function connectedToRemind(
  t: TestApp,
  emulator: RunningEmulator,
  agent: Agent,
  realmId: string,
  user = EMULATED_USERS[0]!,
): Promise<void> {
  const connected = await connectCompany(agent, realmId, 'approve', user.sub);
  if (connected.status !== 200) throw new Error(`connecting ${realmId} answered ${connected.status}`);
  await t.container.sync.sync(realmId);
  await scoreOn(t.container, emulator.clock, realmId, AS_OF);
  emulator.clock.set(MONDAY);
}

export interface ReminderWorld extends SyncWorld {
  c: Container;
  /** The app's reminder outbox, read through its store. */
  store: ReminderStore;
  /** The emulator's email outbox: every invoice email QuickBooks sent (the oracle of the QuickBooks channel). */
  emails(): SentEmail[];
  invoice(id: string): QboObject;
  /** Saves a policy: the defaults with these changes. */
  policy(change: Partial<ReminderPolicy>): Promise<void>;
  run(o?: Partial<RunOptions>): ReturnType<Container['reminders']['run']>;
  syncNow(): Promise<void>;
}

/**
 * A generated company served by the emulator, the app connected, synced and scored as of 2026-10-31, the clock
 * moved to Monday 2 November: ready to remind.
 */
export async function reminderWorld(
  o: {
    customers?: number;
    seed?: number;
    edit?: (file: CompanyFile) => void;
    reminders?: Partial<ReminderExecutorOptions>;
    emailDailyLimit?: number;
    /** The app's SMTP server (SMTP_URL): the email channel sends through it. */
    smtpUrl?: string;
  } = {},
): Promise<ReminderWorld> {
  const file = generateCompany({ seed: o.seed ?? 11, customers: o.customers ?? 12, months: 12, asOf: AS_OF });
  o.edit?.(file);
  const w = await syncWorld({
    file,
    ...(o.reminders ? { reminders: o.reminders } : {}),
    ...(o.emailDailyLimit === undefined ? {} : { emailDailyLimit: o.emailDailyLimit }),
    ...(o.smtpUrl ? { appEnv: { SMTP_URL: o.smtpUrl, MAIL_FROM: 'Duesense <reminders@duesense.test>' } } : {}),
  });
  const c = w.t.container;
  await c.sync.sync(w.realmId);
  await scoreOn(c, w.emulator.clock, w.realmId, AS_OF);
  w.emulator.clock.set(MONDAY);
  return {
    ...w,
    c,
    store: createReminderStore(c.db),
    emails: () => w.emulator.emulator.outbox.list({ realmId: w.realmId }),
    invoice: (id) => w.company.table('Invoice').get(id)!,
    async policy(change) {
      const saved = await c.reminders.savePolicy(w.realmId, { ...DEFAULT_REMINDER_POLICY, ...change }, 'test');
      if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
    },
    run: (ro = {}) => c.reminders.run(w.realmId, { origin: 'cli', actor: 'test', ...ro }),
    async syncNow() {
      const result = await c.sync.sync(w.realmId);
      if (result.status !== 'succeeded') throw new Error(`sync ${result.status}: ${String(result.errorMessage)}`);
    },
  };
}

/**
 * The container's reminder service built again over a store the test wraps (to make it fail at a chosen step), with
 * the container's own local copy, controls, QuickBooks client and clock.
 */
export function remindersWith(
  c: Container,
  o: {
    wrapStore?: (store: ReminderStore) => ReminderStore;
    /** The email channel's mail, wrapped (to fail or die around the SMTP transaction). */
    wrapMail?: (mail: Pick<MailOutbox, 'sendNow'>) => Pick<MailOutbox, 'sendNow'>;
    options?: Partial<ReminderExecutorOptions>;
  } = {},
): { service: ReminderService; store: ReminderStore } {
  const base = createReminderStore(c.db);
  const store = o.wrapStore ? o.wrapStore(base) : base;
  const executor = new ReminderExecutor({
    store,
    localCopyWriter: createLocalCopyWriter(c.syncStore),
    customerInputs: c.customerInputs,
    qbo: c.qbo,
    clock: c.clock,
    logger: c.logger,
    activity: c.activity,
    email: {
      smtpConfigured: Boolean(c.config.mail.smtpUrl),
      mail: o.wrapMail ? o.wrapMail(c.mail) : c.mail,
      writeback: c.writeback,
      localCopy: c.localCopy,
      companyInfo: (realmId) => c.companySettings.companyInfo(realmId),
      settings: store,
    },
    ...(o.options ? { options: o.options } : {}),
  });
  const service = new ReminderService({
    store,
    executor,
    companyInfo: (realmId) => c.companySettings.companyInfo(realmId),
    localCopy: c.localCopy,
    scoreRuns: c.scoreRuns,
    customerInputs: c.customerInputs,
    companies: c.connections,
    clock: c.clock,
    logger: c.logger,
    activity: c.activity,
    defaultTimeZone: c.config.sync.defaultCompanyTimeZone,
  });
  return { service, store };
}
