import { describe, expect, it } from 'vitest';
import { manualClock } from '../../../server/clock.js';
import type { Company } from '../../../server/features/connections/connection-store-type.js';
import { createFakeActivityLog } from '../../../server/features/activity/fake-activity-log.js';
import { createFakeOutboxStore } from '../../../server/features/mail/fake-outbox-store.js';
import { MailOutbox } from '../../../server/features/mail/mail-outbox.js';
import type { MailTransport } from '../../../server/features/mail/mail-transport.js';
import {
  DigestService,
  type RemindersForAPerson,
  type RemindersForAPersonSource,
} from '../../../server/features/risk/digest-service.js';
import type { RunCompanyFigures, ScoreRunSummary } from '../../../server/features/risk/score-run-store-type.js';

/** A run as the digest reads it: its as-of date, its figures and its alerts. */
interface DigestFacts {
  asOf: string;
  company: RunCompanyFigures;
  alertMessages: string[];
}
import { createFakeCompanyPreferencesStore } from '../../../server/features/settings/fake-company-preferences-store.js';
import { silentLogger } from '../../../server/logger.js';

const REALM = 'realm-1';
const COMPANY: Company = {
  realmId: REALM,
  companyName: 'Harborview',
  environment: 'sandbox',
  status: 'connected',
  timeZone: null,
  homeCurrency: 'EUR',
  connectedAt: null,
  disconnectedAt: null,
};

/** A run's figures: the digest reads the totals, the high-risk exposure and the collection trend only. */
function facts(o: { asOf?: string; alerts?: string[] } = {}): DigestFacts {
  const company = {
    totals: { outstandingCents: 52_870_000, overdueCents: 35_490_000 },
    highRisk: { count: 3, exposureCents: 6_950_000 },
    collectionTrend: { consecutiveDeclines: 2, totalDropPoints: 4.5 },
  } as unknown as RunCompanyFigures;
  return { asOf: o.asOf ?? '2026-11-24', company, alertMessages: o.alerts ?? ['Acme moved from low to medium risk'] };
}

/** Nothing waits for a person: the digest says nothing about reminders. */
const NO_REMINDERS: RemindersForAPerson = {
  held: { count: 0, listed: [] },
  awaitingApproval: 0,
  failed: { count: 0, listed: [] },
  toReview: { count: 0, listed: [] },
};

function world(
  o: { runs?: Map<number, DigestFacts>; owner?: string | null; reminders?: RemindersForAPersonSource } = {},
) {
  const clock = manualClock('2026-11-25T06:00:00Z');
  const sent: Array<{ to: string; subject: string; text: string }> = [];
  const transport: MailTransport = { kind: 'local', send: async (m) => void sent.push(m) };
  const store = createFakeOutboxStore();
  const outbox = new MailOutbox({
    store,
    transport,
    from: 'Duesense <no-reply@duesense.test>',
    clock,
    logger: silentLogger,
    activity: createFakeActivityLog(clock),
  });
  const runs = o.runs ?? new Map([[1, facts()]]);
  const preferences = createFakeCompanyPreferencesStore();
  const digests = new DigestService({
    preferences,
    users: {
      ownerEmail: async (realmId) =>
        realmId === REALM ? (o.owner === undefined ? 'owner@example.test' : o.owner) : null,
    },
    runs: {
      run: async (realmId, runId) => {
        const r = realmId === REALM ? runs.get(runId) : undefined;
        return r && { id: runId, realmId, asOf: r.asOf, policyVersion: 1, trigger: 'nightly', createdAt: clock.now() };
      },
      runDetails: async (_realmId, run: ScoreRunSummary) => ({ ...run, company: runs.get(run.id)!.company }),
    },
    alerts: {
      messagesForRun: async (realmId, runId) => (realmId === REALM ? (runs.get(runId)?.alertMessages ?? []) : []),
    },
    connections: { getCompany: async (realmId) => (realmId === REALM ? COMPANY : undefined) },
    outbox,
    reminders: o.reminders ?? { forAPerson: async () => NO_REMINDERS },
    clock,
    logger: silentLogger,
    appUrl: 'https://duesense.example.com',
  });
  return { digests, sent, store, preferences };
}

describe('the alert digest service', () => {
  it('sends nothing while the digest is off (the default)', async () => {
    const w = world();
    expect(await w.digests.preferences(REALM)).toEqual({ enabled: false, to: null });
    expect(await w.digests.sendForRun(REALM, 1)).toBe('off');
    expect(await w.store.list(REALM, 10)).toEqual([]);
  });

  it('sends nothing for a run without alerts', async () => {
    const w = world({ runs: new Map([[1, facts({ alerts: [] })]]) });
    await w.digests.setPreferences(REALM, { enabled: true, to: null });
    expect(await w.digests.sendForRun(REALM, 1)).toBe('no_alerts');
    expect(w.sent).toEqual([]);
  });

  it('sends nothing when it goes to the owner and the owner has no address', async () => {
    const w = world({ owner: null });
    await w.digests.setPreferences(REALM, { enabled: true, to: null });
    expect(await w.digests.ownerEmail(REALM)).toBeNull();
    expect(await w.digests.sendForRun(REALM, 1)).toBe('no_recipient');
    expect(w.sent).toEqual([]);
  });

  it("sends the digest to the owner once per company and as-of date, with the company's name, currency", async () => {
    const w = world({
      runs: new Map([
        [1, facts()],
        [2, facts()],
        [3, facts({ asOf: '2026-11-25' })],
      ]),
    });
    await w.digests.setPreferences(REALM, { enabled: true, to: null });
    expect(await w.digests.sendForRun(REALM, 1)).toBe('queued');
    // A second run of the same as-of date (a rerun of the night) finds the digest already queued.
    expect(await w.digests.sendForRun(REALM, 2)).toBe('already_sent');
    expect(await w.digests.sendForRun(REALM, 1)).toBe('already_sent');
    expect(w.sent).toHaveLength(1);
    expect(w.sent[0]).toMatchObject({ to: 'owner@example.test', subject: 'Duesense: 1 risk alert for Harborview' });
    expect(w.sent[0]!.text).toContain('Duesense — Harborview, 2026-11-24');
    expect(w.sent[0]!.text).toContain('  • Acme moved from low to medium risk');
    expect(w.sent[0]!.text).toContain('Receivables: EUR 528.7k outstanding, EUR 354.9k overdue.');
    expect(w.sent[0]!.text).toContain('Collection rate has fallen 2 months in a row, down 4.5 points.');
    expect(await w.digests.sendForRun(REALM, 3)).toBe('queued');
    expect((await w.store.list(REALM, 10)).map((e) => [e.kind, e.status])).toEqual([
      ['alert_digest', 'kept'],
      ['alert_digest', 'kept'],
    ]);
  });

  it('goes to the chosen address instead of the owner', async () => {
    const w = world();
    await w.digests.setPreferences(REALM, { enabled: true, to: 'ar@example.test' });
    expect(await w.digests.sendForRun(REALM, 1)).toBe('queued');
    expect(w.sent.map((m) => m.to)).toEqual(['ar@example.test']);
  });

  it('says nothing about reminders when none waits for a person', async () => {
    const w = world();
    await w.digests.setPreferences(REALM, { enabled: true, to: null });
    expect(await w.digests.sendForRun(REALM, 1)).toBe('queued');
    expect(w.sent[0]!.text).not.toMatch(/reminder/i);
    expect(w.sent[0]!.subject).toBe('Duesense: 1 risk alert for Harborview');
  });

  it("mentions the company's reminders waiting for a person: how many, why, and the Reminders page", async () => {
    const asked: string[] = [];
    const w = world({
      reminders: {
        forAPerson: async (realmId) => {
          asked.push(realmId);
          return {
            held: {
              count: 2,
              listed: [
                {
                  customerName: 'Acme',
                  invoice: 'invoice 1042',
                  why: 'Held: the customer has an unapplied payment of €50.00 in QuickBooks.',
                },
                {
                  customerName: 'Bolt',
                  invoice: 'invoice 1050',
                  why: 'Cannot send: no email address on the invoice or the customer.',
                },
              ],
            },
            awaitingApproval: 4,
            failed: { count: 0, listed: [] },
            toReview: {
              count: 1,
              listed: [{ customerName: 'Cyan', invoice: 'invoice 1061', why: 'May have been sent.' }],
            },
          };
        },
      },
    });
    await w.digests.setPreferences(REALM, { enabled: true, to: null });
    expect(await w.digests.sendForRun(REALM, 1)).toBe('queued');
    expect(asked).toEqual([REALM]);
    const { subject, text } = w.sent[0]!;
    expect(subject).toBe('Duesense: 1 risk alert and 7 reminders waiting for Harborview');
    expect(text).toContain(
      [
        '7 reminders wait for a person:',
        '  • 2 held, not sent as they stand:',
        '      - Acme, invoice 1042: Held: the customer has an unapplied payment of €50.00 in QuickBooks.',
        '      - Bolt, invoice 1050: Cannot send: no email address on the invoice or the customer.',
        '  • 4 awaiting approval',
        '  • 1 to review: the send was interrupted, so it may have gone; it is never sent again on its own; ' +
          'say whether it went (It was sent) or skip it:',
        '      - Cyan, invoice 1061: May have been sent.',
        'See the reminders: https://duesense.example.com/reminders',
      ].join('\n'),
    );
    expect(text).not.toContain('failed');
    expect(text).toContain('See the alerts: https://duesense.example.com/alerts');
  });

  it('goes on a day without alerts when reminders wait for a person, and not when neither', async () => {
    const waiting = { ...NO_REMINDERS, failed: { count: 1, listed: [] } };
    const w = world({
      runs: new Map([[1, facts({ alerts: [] })]]),
      reminders: { forAPerson: async () => waiting },
    });
    await w.digests.setPreferences(REALM, { enabled: true, to: null });
    expect(await w.digests.sendForRun(REALM, 1)).toBe('queued');
    expect(w.sent[0]!.subject).toBe('Duesense: 1 reminder waiting for Harborview');
    expect(w.sent[0]!.text).toContain('No customer raised a risk alert.');
    expect(w.sent[0]!.text).toContain(
      '1 reminder waits for a person:\n  • 1 failed:\n      … and 1 more on the Reminders page',
    );
    expect(w.sent[0]!.text).not.toContain('/alerts');
    const quiet = world({ runs: new Map([[1, facts({ alerts: [] })]]) });
    await quiet.digests.setPreferences(REALM, { enabled: true, to: null });
    expect(await quiet.digests.sendForRun(REALM, 1)).toBe('no_alerts');
  });

  it('still sends the alerts when the reminders cannot be counted', async () => {
    const w = world({
      reminders: {
        forAPerson: async () => {
          throw new Error('policy unreadable');
        },
      },
    });
    await w.digests.setPreferences(REALM, { enabled: true, to: null });
    expect(await w.digests.sendForRun(REALM, 1)).toBe('queued');
    expect(w.sent[0]!.text).toContain('  • Acme moved from low to medium risk');
    expect(w.sent[0]!.text).not.toMatch(/reminder/i);
  });

  it('refuses a run that does not exist for the company', async () => {
    const w = world();
    await w.digests.setPreferences(REALM, { enabled: true, to: null });
    await expect(w.digests.sendForRun(REALM, 99)).rejects.toThrow('no score run 99 of company realm-1');
  });
});
