import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import type { ConnectionStore } from '../connections/connection-store-type.js';
import type { MailOutbox } from '../mail/mail-outbox.js';
import type { UserStore } from '../users/user-store-type.js';
import { buildAlertDigest, type DigestPreferences, type RemindersForAPerson } from './alert-digest.js';
import type { RiskAlertStore } from './risk-alert-store-type.js';
import type { ScoreRunStore } from './score-run-store-type.js';

export type { DigestPreferences, ReminderForAPerson, RemindersForAPerson } from './alert-digest.js';

/** Where a company's digest preferences are kept: the company preferences store (settings), which depends on risk. */
export interface DigestPreferencesSource {
  digestPreferences(realmId: string): Promise<DigestPreferences>;
  setDigestPreferences(realmId: string, preferences: DigestPreferences, at: Date): Promise<void>;
}

/** The reminders waiting for a person: the reminders service, which depends on risk. */
export interface RemindersForAPersonSource {
  forAPerson(realmId: string): Promise<RemindersForAPerson>;
}

export type DigestOutcome = 'off' | 'no_alerts' | 'no_recipient' | 'already_sent' | 'queued';

/** The optional daily digest of a score run's alerts, to the owner or a chosen address, through the mail outbox. */
export class DigestService {
  constructor(
    private readonly d: {
      preferences: DigestPreferencesSource;
      users: Pick<UserStore, 'ownerEmail'>;
      runs: Pick<ScoreRunStore, 'run' | 'runDetails'>;
      alerts: Pick<RiskAlertStore, 'messagesForRun'>;
      connections: Pick<ConnectionStore, 'getCompany'>;
      outbox: Pick<MailOutbox, 'enqueue' | 'drain'>;
      reminders: RemindersForAPersonSource;
      clock: Clock;
      logger: Logger;
      appUrl: string;
    },
  ) {}

  async preferences(realmId: string): Promise<DigestPreferences> {
    return this.d.preferences.digestPreferences(realmId);
  }

  async setPreferences(realmId: string, p: DigestPreferences): Promise<void> {
    await this.d.preferences.setDigestPreferences(realmId, p, this.d.clock.now());
  }

  /** The owner: the earliest-linked user of the company who has an email address. */
  async ownerEmail(realmId: string): Promise<string | null> {
    return this.d.users.ownerEmail(realmId);
  }

  /**
   * Queues the digest of one score run (once per company and as-of date), with the reminders waiting for a person,
   * and delivers it. Returns what happened, for the job's log line ('no_alerts': neither alerts nor reminders).
   */
  async sendForRun(realmId: string, runId: number): Promise<DigestOutcome> {
    const prefs = await this.preferences(realmId);
    if (!prefs.enabled) return 'off';
    const summary = await this.d.runs.run(realmId, runId);
    const [run, alertMessages, company, reminders] = await Promise.all([
      summary && this.d.runs.runDetails(realmId, summary),
      this.d.alerts.messagesForRun(realmId, runId),
      this.d.connections.getCompany(realmId),
      this.remindersForAPerson(realmId),
    ]);
    if (!run) throw new Error(`no score run ${runId} of company ${realmId}`);
    const { totals, highRisk, collectionTrend } = run.company;
    const digest = buildAlertDigest({
      companyName: company?.companyName ?? realmId,
      asOf: run.asOf,
      currency: company?.homeCurrency ?? 'USD',
      alerts: alertMessages.map((message) => ({ message })),
      outstandingCents: totals.outstandingCents,
      overdueCents: totals.overdueCents,
      highRiskCount: highRisk.count,
      highRiskExposureCents: highRisk.exposureCents,
      consecutiveDeclines: collectionTrend.consecutiveDeclines,
      dropPoints: collectionTrend.totalDropPoints,
      appUrl: this.d.appUrl,
      reminders,
    });
    if (!digest) return 'no_alerts';
    const to = prefs.to ?? (await this.ownerEmail(realmId));
    if (!to) return 'no_recipient';
    const idempotencyKey = `alert_digest:${realmId}:${run.asOf}`;
    const queued = await this.d.outbox.enqueue({ realmId, kind: 'alert_digest', idempotencyKey, to, ...digest });
    await this.d.outbox.drain();
    return queued ? 'queued' : 'already_sent';
  }

  /** A failure to count the reminders does not cost the company its alerts: the digest goes without them. */
  private async remindersForAPerson(realmId: string): Promise<RemindersForAPerson | undefined> {
    try {
      return await this.d.reminders.forAPerson(realmId);
    } catch (err) {
      this.d.logger.error({ err, realmId }, 'reminders waiting for a person not counted for the digest');
      return undefined;
    }
  }
}
