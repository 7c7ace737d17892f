import { compactMoney } from './domain/risk-score.js';

/** Whether a company gets the daily alert digest, and where it goes (kept in company_preferences). */
export interface DigestPreferences {
  enabled: boolean;
  /** Null: the owner (the first user who connected the company). */
  to: string | null;
}

export interface DigestInput {
  companyName: string;
  asOf: string;
  currency: string;
  alerts: ReadonlyArray<{ message: string }>;
  outstandingCents: number;
  overdueCents: number;
  highRiskCount: number;
  highRiskExposureCents: number;
  consecutiveDeclines: number;
  dropPoints: number;
  appUrl: string;
}

/** The daily alert digest as plain text; nothing to send (null) on a day without alerts. */
export function buildAlertDigest(d: DigestInput): { subject: string; text: string } | null {
  if (d.alerts.length === 0) return null;
  const m = (c: number) => compactMoney(c, d.currency);
  const lines = [
    `Duesense — ${d.companyName}, ${d.asOf}`,
    '',
    `${d.alerts.length} customer${d.alerts.length === 1 ? '' : 's'} need${d.alerts.length === 1 ? 's' : ''} a look:`,
    ...d.alerts.slice(0, 25).map((a) => `  • ${a.message}`),
    ...(d.alerts.length > 25 ? [`  … and ${d.alerts.length - 25} more in the app`] : []),
    '',
    `Receivables: ${m(d.outstandingCents)} outstanding, ${m(d.overdueCents)} overdue. ` +
      `Meeting the high-risk rule: ${d.highRiskCount} customer${d.highRiskCount === 1 ? '' : 's'}, ` +
      `${m(d.highRiskExposureCents)}.`,
    ...(d.consecutiveDeclines > 0
      ? [
          `Collection rate has fallen ${d.consecutiveDeclines} month${d.consecutiveDeclines === 1 ? '' : 's'} ` +
            `in a row, down ${d.dropPoints} points.`,
        ]
      : []),
    '',
    `See the alerts: ${d.appUrl}/alerts`,
    'You receive this because the daily alert digest is on for this company; turn it off under Settings in Duesense.',
  ];
  return {
    subject: `Duesense: ${d.alerts.length} risk alert${d.alerts.length === 1 ? '' : 's'} for ${d.companyName}`,
    text: lines.join('\n'),
  };
}
