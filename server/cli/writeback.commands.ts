import type { Command } from 'commander';
import type { Container } from '../container.js';
import { readNotesBlock } from '../features/writeback/domain/notes-block.js';
import type { PlannedWrite, WritebackPlan } from '../features/writeback/domain/writeback-plan.js';
import type { DrainReport } from '../features/writeback/writeback-executor.js';
import { drainSummary, type WritebackRunResult } from '../features/writeback/writeback-service.js';
import { omittedWords, outcomeWords } from '../features/writeback/writeback-words.js';
import { cliActor } from './cli-actor.js';
import { forEachCompany, withCliContainer } from './cli-support.js';

interface WritebackOptions {
  realm?: string;
  dryRun?: boolean;
  remove?: boolean;
}

/** The counts of a plan in one line: what would change and why the rest would not. */
export function planLine(plan: WritebackPlan): string {
  const k = plan.counts;
  const verb = plan.mode === 'remove' ? 'blocks to remove' : 'customers to label';
  const parts = [`${k.customerWrites} ${verb}`];
  if (k.invoiceWrites) parts.push(`${k.invoiceWrites} invoices to mark`);
  if (k.unchanged) parts.push(`${k.unchanged} already as they should be`);
  if (k.excluded) parts.push(`${k.excluded} excluded from automatic actions`);
  if (k.unscored) parts.push(`${k.unscored} never scored`);
  if (k.editedBlocksKept) parts.push(`${k.editedBlocksKept} edited by a person in QuickBooks (kept)`);
  if (k.shortened) parts.push(`${k.shortened} in a shorter form for lack of room`);
  if (k.noRoom) parts.push(`${k.noRoom} with no room for a label`);
  if (k.invoiceValuesKept) parts.push(`${k.invoiceValuesKept} invoice values a person typed (kept)`);
  return parts.join('; ');
}

/** One planned write: whom, which fields, and the label (or why the block goes). */
export function writeLine(w: PlannedWrite, verb: string): string {
  const what = w.fields.join(', ');
  if (w.kind === 'customer_unlabel') return `  ${verb} ${w.targetName} (${w.targetId}): remove the Duesense block`;
  if (w.kind === 'invoice_tier') {
    const value = (w.payload as { value: string }).value;
    return `  ${verb} ${w.targetName} (customer ${w.customerId}): ${what} = "${value}"`;
  }
  const reading = w.notes === undefined ? undefined : readNotesBlock(w.notes);
  const label = reading?.state === 'ours' ? reading.label : undefined;
  const shown = label
    ? [
        `${label.riskTier} risk`,
        label.creditHold ? 'credit hold' : undefined,
        label.strategy,
        label.creditLimit
          ? `limit ${label.creditLimit.currency} ${(label.creditLimit.cents / 100).toFixed(2)}`
          : undefined,
      ]
        .filter(Boolean)
        .join(', ')
    : 'no room for a label: Notes keep only the customer’s own text';
  const left = omittedWords(w.omitted);
  return `  ${verb} ${w.targetName} (${w.targetId}): ${what} — ${shown}${left ? ` (left out ${left})` : ''}`;
}

function reportResult(name: string, r: WritebackRunResult, dryRun: boolean): boolean {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  if (!r.run && r.plan.mode === 'label') {
    out(`${name}: nothing to write: no score run yet (run \`duesense score\` first)`);
    return true;
  }
  out(`${name}: ${dryRun ? 'dry run, nothing written' : 'write-back'}: ${planLine(r.plan)}`);
  const verb = dryRun ? 'would write' : 'queued';
  for (const w of r.plan.writes) out(writeLine(w, verb));
  for (const e of r.plan.editedBlocks)
    out(`  kept        ${e.name} (${e.customerId}): ${outcomeWords('edited-block-kept')}`);
  if (dryRun) return true;
  if (!r.drained) {
    out('  another write-back of this company is running; its queue is drained by that run');
    return true;
  }
  out(`  ${drainSummary(r.drained)}`);
  return r.drained.failed === 0 && !r.drained.reconnectNeeded;
}

function progressLine(name: string): (r: DrainReport) => void {
  return (r) => {
    if (process.stderr.isTTY) process.stderr.write(`\r  ${name}: ${drainSummary(r)}   `);
  };
}

function writebackCompanies(c: Container, o: WritebackOptions): Promise<void> {
  return forEachCompany(c, o.realm, async (company, name) => {
    const result = await c.writeback.run(company.realmId, {
      mode: o.remove ? 'remove' : 'label',
      origin: 'cli',
      actor: cliActor(),
      dryRun: o.dryRun === true,
      onProgress: progressLine(name),
    });
    if (process.stderr.isTTY && !o.dryRun) process.stderr.write('\n');
    return reportResult(name, result, o.dryRun === true);
  });
}

export function registerWritebackCommands(program: Command): void {
  program
    .command('writeback')
    .description(
      'Write the latest risk labels into QuickBooks (Customer.Notes, and the mappings turned on in Settings), ' +
        'only what changed; runs whether or not nightly write-back is on, and never writes excluded customers.',
    )
    .option('--realm <realmId>', 'only this company')
    .option('--dry-run', 'print what would be written, and why, without writing anything')
    .option('--remove', 'remove every Duesense block from Notes instead (the customer’s own text stays exactly)')
    .action((o: WritebackOptions) => withCliContainer((c) => writebackCompanies(c, o)));
}
