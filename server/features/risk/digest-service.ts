import type { Clock } from '../../clock.js';
import type { Db } from '../../db/knex.js';
import type { MailOutbox } from '../mail/mail-outbox.js';
import { buildAlertDigest } from './alert-digest.js';

export interface DigestPreferences {
  enabled: boolean;
  /** Null: the owner (the first user who connected the company). */
  to: string | null;
}

/** The optional daily digest of a score run's alerts, to the owner or a chosen address, through the mail outbox. */
export class DigestService {
  constructor(private readonly d: { db: Db; outbox: MailOutbox; clock: Clock; appUrl: string }) {}

  async preferences(realmId: string): Promise<DigestPreferences> {
    const row = await this.d.db('company_preferences').where({ realm_id: realmId }).first();
    return { enabled: Boolean(row?.alert_digest_enabled), to: (row?.alert_digest_to as string | null) ?? null };
  }

  async setPreferences(realmId: string, p: DigestPreferences): Promise<void> {
    const row = { realm_id: realmId, alert_digest_enabled: p.enabled, alert_digest_to: p.to, updated_at: this.d.clock.now() };
    await this.d.db('company_preferences').insert(row).onConflict('realm_id').merge();
  }

  /** The owner: the earliest-linked user of the company who has an email address. */
  async ownerEmail(realmId: string): Promise<string | null> {
    const row = await this.d.db('user_companies').join('users', 'users.id', 'user_companies.user_id')
      .where('user_companies.realm_id', realmId).whereNotNull('users.email').orderBy('user_companies.created_at').first('users.email');
    return (row?.email as string | undefined) ?? null;
  }

  /**
   * Queues the digest of one score run (once per company and as-of date) and delivers it. Returns what
   * happened, for the job's log line.
   */
  async sendForRun(realmId: string, runId: number): Promise<'off' | 'no_alerts' | 'no_recipient' | 'already_sent' | 'queued'> {
    const prefs = await this.preferences(realmId);
    if (!prefs.enabled) return 'off';
    const run = await this.d.db('risk_score_runs').where({ id: runId, realm_id: realmId }).first();
    const alerts = await this.d.db('risk_alerts').where({ realm_id: realmId, run_id: runId }).orderBy('id').select('message');
    const company = await this.d.db('companies').where({ realm_id: realmId }).first();
    const figures = JSON.parse(run.company_json) as { totals: { outstandingCents: number; overdueCents: number }; highRisk: { count: number; exposureCents: number }; collectionTrend: { consecutiveDeclines: number; totalDropPoints: number } };
    const digest = buildAlertDigest({
      companyName: String(company?.company_name ?? realmId), asOf: String(run.as_of), currency: String(company?.home_currency ?? 'USD'), alerts,
      outstandingCents: figures.totals.outstandingCents, overdueCents: figures.totals.overdueCents, highRiskCount: figures.highRisk.count,
      highRiskExposureCents: figures.highRisk.exposureCents, consecutiveDeclines: figures.collectionTrend.consecutiveDeclines,
      dropPoints: figures.collectionTrend.totalDropPoints, appUrl: this.d.appUrl,
    });
    if (!digest) return 'no_alerts';
    const to = prefs.to ?? (await this.ownerEmail(realmId));
    if (!to) return 'no_recipient';
    const queued = await this.d.outbox.enqueue({ realmId, kind: 'alert_digest', idempotencyKey: `alert_digest:${realmId}:${String(run.as_of)}`, to, ...digest });
    await this.d.outbox.drain();
    return queued ? 'queued' : 'already_sent';
  }
}
