import { describe, expect, it } from 'vitest';
import { buildAlertDigest } from '../../../server/features/risk/alert-digest.js';

const base = {
  companyName: 'Harborview',
  asOf: '2026-11-24',
  currency: 'USD',
  outstandingCents: 52_870_000,
  overdueCents: 35_490_000,
  highRiskCount: 3,
  highRiskExposureCents: 6_950_000,
  consecutiveDeclines: 5,
  dropPoints: 32.35,
  appUrl: 'https://duesense.example.com',
};

describe('the alert digest', () => {
  it('is not sent on a day without alerts', () => {
    expect(buildAlertDigest({ ...base, alerts: [] })).toBeNull();
  });

  it('lists the alerts and the headline figures, with a link back', () => {
    const d = buildAlertDigest({
      ...base,
      alerts: [
        { message: 'Acme moved from low to medium risk' },
        { message: "Bolt's risk score has risen 3 runs in a row" },
      ],
    })!;
    expect(d.subject).toBe('Duesense: 2 risk alerts for Harborview');
    expect(d.text).toContain('  • Acme moved from low to medium risk');
    expect(d.text).toContain(
      'Receivables: $528.7k outstanding, $354.9k overdue. Meeting the high-risk rule: 3 customers, $69.5k.',
    );
    expect(d.text).toContain('Collection rate has fallen 5 months in a row, down 32.35 points.');
    expect(d.text).toContain('https://duesense.example.com/alerts');
  });

  it('lists at most ten reminders of a kind and counts the rest', () => {
    const listed = Array.from({ length: 12 }, (_, i) => ({
      customerName: `Customer ${i}`,
      invoice: `invoice ${1000 + i}`,
      why: 'Paused: reminders are paused for this customer.',
    }));
    const d = buildAlertDigest({
      ...base,
      alerts: [],
      reminders: {
        held: { count: 15, listed },
        awaitingApproval: 0,
        failed: { count: 0, listed: [] },
        toReview: { count: 0, listed: [] },
      },
    })!;
    expect(d.subject).toBe('Duesense: 15 reminders waiting for Harborview');
    expect(d.text).toContain('  • 15 held, not sent as they stand:');
    expect(d.text).toContain('      - Customer 9, invoice 1009: Paused: reminders are paused for this customer.');
    expect(d.text).not.toContain('Customer 10,');
    expect(d.text).toContain('      … and 5 more on the Reminders page');
  });

  it('is not sent when no alert is raised and no reminder waits', () => {
    const none = { count: 0, listed: [] };
    const reminders = { held: none, awaitingApproval: 0, failed: none, toReview: none };
    expect(buildAlertDigest({ ...base, alerts: [], reminders })).toBeNull();
  });
});
