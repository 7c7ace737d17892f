import { compactMoney } from './domain/risk-score.js';

/** Whether a company gets the daily alert digest, and where it goes (kept in company_preferences). */
export interface DigestPreferences {
  enabled: boolean;
  /** Null: the owner (the first user who connected the company). */
  to: string | null;
}

/** One reminder (or an invoice due one) waiting for a person, in words. */
export interface ReminderForAPerson {
  customerName: string;
  /** "invoice 1042" */
  invoice: string;
  /** Why it waits, in a sentence a bookkeeper can act on. */
  why: string;
}

/** How many reminders wait for one kind of decision, and the first few of them. */
export interface ReminderGroup {
  count: number;
  listed: ReminderForAPerson[];
}

/**
 * The reminders waiting for a person, as the reminders feature counts them (it depends on risk, so the shape is
 * declared here and the reminders service provides it).
 */
export interface RemindersForAPerson {
  /** Held by a guard (money waiting in QuickBooks, no email address, a pause…): not sent as they stand. */
  held: ReminderGroup;
  /** In the queue, waiting for someone to approve them (approval mode). */
  awaitingApproval: number;
  /** Refused (a bad address, an SMTP server's refusal): sent again only when approved again. */
  failed: ReminderGroup;
  /** Email reminders whose send was interrupted: they may have gone, and are never sent again on their own. */
  toReview: ReminderGroup;
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
  /** Undefined when nothing waits for a person: the digest then says nothing about reminders. */
  reminders?: RemindersForAPerson | undefined;
}

/** Items listed under each kind of reminder waiting for a person; the rest are counted. */
const REMINDERS_LISTED = 10;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** How many reminders wait for a person, whatever the reason. */
export function remindersWaiting(r: RemindersForAPerson): number {
  return r.held.count + r.awaitingApproval + r.failed.count + r.toReview.count;
}

/** The digest's part about reminders waiting for a person; none when nothing waits. */
function reminderLines(r: RemindersForAPerson | undefined, appUrl: string): string[] {
  if (!r || remindersWaiting(r) === 0) return [];
  const group = (g: ReminderGroup, head: string): string[] => {
    if (g.count === 0) return [];
    const shown = g.listed.slice(0, REMINDERS_LISTED);
    return [
      `  • ${head}:`,
      ...shown.map((x) => `      - ${x.customerName}, ${x.invoice}: ${x.why}`),
      ...(g.count > shown.length ? [`      … and ${g.count - shown.length} more on the Reminders page`] : []),
    ];
  };
  return [
    '',
    `${plural(remindersWaiting(r), 'reminder')} wait${remindersWaiting(r) === 1 ? 's' : ''} for a person:`,
    ...group(r.held, `${r.held.count} held, not sent as ${r.held.count === 1 ? 'it stands' : 'they stand'}`),
    ...(r.awaitingApproval > 0 ? [`  • ${r.awaitingApproval} awaiting approval`] : []),
    ...group(r.failed, `${r.failed.count} failed`),
    ...group(
      r.toReview,
      `${r.toReview.count} to review: the send was interrupted, so ` +
        (r.toReview.count === 1
          ? 'it may have gone; it is never sent again on its own'
          : 'they may have gone; they are never sent again on their own') +
        '; say whether it went (It was sent) or skip it',
    ),
    `See the reminders: ${appUrl}/reminders`,
  ];
}

/**
 * The daily digest as plain text: the run's alerts, the headline figures, and the reminders waiting for a person;
 * nothing to send (null) on a day with neither alerts nor reminders waiting.
 */
export function buildAlertDigest(d: DigestInput): { subject: string; text: string } | null {
  const waiting = d.reminders ? remindersWaiting(d.reminders) : 0;
  if (d.alerts.length === 0 && waiting === 0) return null;
  const m = (c: number) => compactMoney(c, d.currency);
  const alerts = plural(d.alerts.length, 'risk alert');
  const lines = [
    `Duesense — ${d.companyName}, ${d.asOf}`,
    '',
    ...(d.alerts.length === 0
      ? ['No customer raised a risk alert.']
      : [
          `${plural(d.alerts.length, 'customer')} need${d.alerts.length === 1 ? 's' : ''} a look:`,
          ...d.alerts.slice(0, 25).map((a) => `  • ${a.message}`),
          ...(d.alerts.length > 25 ? [`  … and ${d.alerts.length - 25} more in the app`] : []),
        ]),
    '',
    `Receivables: ${m(d.outstandingCents)} outstanding, ${m(d.overdueCents)} overdue. ` +
      `Meeting the high-risk rule: ${plural(d.highRiskCount, 'customer')}, ` +
      `${m(d.highRiskExposureCents)}.`,
    ...(d.consecutiveDeclines > 0
      ? [
          `Collection rate has fallen ${plural(d.consecutiveDeclines, 'month')} ` +
            `in a row, down ${d.dropPoints} points.`,
        ]
      : []),
    ...reminderLines(d.reminders, d.appUrl),
    '',
    ...(d.alerts.length > 0 ? [`See the alerts: ${d.appUrl}/alerts`] : []),
    'You receive this because the daily alert digest is on for this company; turn it off under Settings in Duesense.',
  ];
  const what =
    waiting === 0
      ? alerts
      : d.alerts.length === 0
        ? `${plural(waiting, 'reminder')} waiting`
        : `${alerts} and ${plural(waiting, 'reminder')} waiting`;
  return { subject: `Duesense: ${what} for ${d.companyName}`, text: lines.join('\n') };
}
