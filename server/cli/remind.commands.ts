import type { Command } from 'commander';
import type { Container } from '../container.js';
import { stageInWords } from '../features/reminders/domain/calendar.js';
import type { DueReminder, NotReminded } from '../features/reminders/domain/reminder-plan.js';
import type { ReasonCode } from '../features/reminders/domain/reminder-reasons.js';
import type { SendOutcome } from '../features/reminders/reminder-executor.js';
import { runSummary, type ReminderRunResult } from '../features/reminders/reminder-service.js';
import type { Reminder } from '../features/reminders/reminder-store-type.js';
import { CHANNEL_IN_WORDS, invoiceInWords, reminderReasonInWords } from '../features/reminders/reminder-words.js';
import { cliActor } from './cli-actor.js';
import { forEachCompany, withCliContainer } from './cli-support.js';

interface RemindOptions {
  realm?: string;
  dryRun?: boolean;
  approveAll?: boolean;
}

/** Reasons about the schedule itself: counted in one line, not listed invoice by invoice. */
const ROUTINE: Partial<Record<ReasonCode, string>> = {
  'no-stage-due': 'not due yet',
  'stage-already-done': 'already reminded at their stage',
  'under-minimum': 'under the minimum amount',
  'no-stages': 'with no stages for their strategy',
  'balance-zero': 'paid',
};

type Who = Pick<Reminder, 'invoiceId' | 'docNumber' | 'customerId'>;

function whom(r: Who, names: ReadonlyMap<string, string>): string {
  return `${invoiceInWords(r)} (${names.get(r.customerId) ?? `customer ${r.customerId}`})`;
}

function how(r: Pick<DueReminder, 'channel' | 'tone' | 'to'> & { stageDays: number | null }): string {
  const stage = r.stageDays === null ? 'sent by hand' : stageInWords(r.stageDays);
  return `to ${r.to.join(', ')} by ${CHANNEL_IN_WORDS[r.channel]}, ${stage}, ${r.tone} tone`;
}

const pad = (label: string) => label.padEnd(13);

function outcomeLine(o: SendOutcome, names: ReadonlyMap<string, string>): string {
  const r = o.reminder;
  switch (o.outcome) {
    case 'sent':
      return `  ${pad('sent')}${whom(r, names)} ${how(r)}`;
    case 'reconciled':
      return `  ${pad('sent')}${whom(r, names)} ${how(r)} (found sent after an interrupted send; not sent again)`;
    case 'skipped':
    case 'held':
      return `  ${pad(o.outcome)}${whom(r, names)}: ${reminderReasonInWords(o.reason!)}`;
    case 'failed':
      return `  ${pad('failed')}${whom(r, names)}: ${o.error ?? 'QuickBooks refused it'}`;
    case 'unresolved':
      return `  ${pad('unresolved')}${whom(r, names)}: ${o.error ?? 'no answer'}; checked again on the next run`;
    case 'review':
      return (
        `  ${pad('to review')}${whom(r, names)}: may have been emailed ` +
        `(${o.error ?? 'its send was interrupted'}); never sent again`
      );
  }
}

function notRemindedLines(list: readonly NotReminded[], names: ReadonlyMap<string, string>): string[] {
  const lines: string[] = [];
  const routine = new Map<string, number>();
  for (const n of list) {
    const counted = ROUTINE[n.reason.code];
    if (counted) routine.set(counted, (routine.get(counted) ?? 0) + 1);
    else {
      const label = n.reason.code === 'held' ? 'held' : n.reason.code === 'no-email' ? 'cannot send' : 'not sent';
      lines.push(`  ${pad(label)}${whom(n, names)}: ${reminderReasonInWords(n.reason)}`);
    }
  }
  if (routine.size > 0)
    lines.push(`  ${pad('no reminder')}${[...routine].map(([what, n]) => `${n} ${what}`).join(', ')}`);
  return lines;
}

/** A run as lines: what was sent (or would be), queued, held or skipped, and why. */
export function runLines(name: string, r: ReminderRunResult): string[] {
  const mode = r.policy.mode === 'automatic' ? 'automatic mode' : 'approval mode';
  const lines = [`${name}: ${r.dryRun ? 'dry run, nothing queued or sent' : mode}: ${runSummary(r)}`];
  if (r.dryRun) {
    const verb = r.policy.mode === 'automatic' ? 'would send' : 'would queue';
    for (const d of r.plan.due) lines.push(`  ${pad(verb)}${whom(d, r.names)} ${how(d)}`);
  } else {
    for (const q of r.queued.filter((x) => x.status === 'awaiting_approval'))
      lines.push(
        `  ${pad('queued')}${whom(q, r.names)} ${how(q)}: ` +
          (q.reason ? reminderReasonInWords(q.reason) : 'awaiting approval'),
      );
    for (const o of r.sent?.outcomes ?? []) lines.push(outcomeLine(o, r.names));
    if (r.sent?.reconnectNeeded) lines.push('  stopped: reconnect the company to QuickBooks; the rest wait');
  }
  lines.push(...notRemindedLines(r.plan.notReminded, r.names));
  return lines;
}

function remindCompanies(c: Container, o: RemindOptions): Promise<void> {
  return forEachCompany(c, o.realm, async (company, name) => {
    const result = await c.reminders.run(company.realmId, {
      origin: 'cli',
      actor: cliActor(),
      dryRun: o.dryRun === true,
      approveAll: o.approveAll === true,
    });
    process.stdout.write(`${runLines(name, result).join('\n')}\n`);
    return !result.sent?.reconnectNeeded && (result.sent?.failed ?? 0) === 0;
  });
}

export function registerRemindCommands(program: Command): void {
  program
    .command('remind')
    .description(
      'Remind customers of overdue invoices by the company’s reminder policy: in automatic mode it sends, in ' +
        'approval mode it fills the queue; prints what is sent (or would be), to whom, by which channel, and what ' +
        'was held or skipped and why.',
    )
    .option('--realm <realmId>', 'only this company')
    .option('--dry-run', 'print what would be sent or queued, and why the rest would not, without doing anything')
    .option('--approve-all', 'approve and send everything due, queued ones included, through the same guards')
    .action((o: RemindOptions) => withCliContainer((c) => remindCompanies(c, o)));
}
