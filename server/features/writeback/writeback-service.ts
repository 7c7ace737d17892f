import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import { toCents } from '../../money.js';
import type { QboEntity } from '../../qbo/qbo-api-client.js';
import type { ActivityLog } from '../activity/activity-log-type.js';
import type { Company } from '../connections/connection-store-type.js';
import type { JobLockStore } from '../jobs/job-lock-store-type.js';
import { withJobLock } from '../jobs/with-job-lock.js';
import type { CustomerInputStore } from '../risk/customer-input-store-type.js';
import type { ScoreRunStore, ScoreRunSummary } from '../risk/score-run-store-type.js';
import type { LocalCopyReader } from '../sync/local-copy-reader-type.js';
import { invoiceNoteLineProblem } from './domain/invoice-note.js';
import {
  planWriteback,
  type CustomerOnFile,
  type OpenInvoiceOnFile,
  type WritebackPlan,
  type WritebackSettings,
} from './domain/writeback-plan.js';
import type { DrainReport, WritebackExecutor } from './writeback-executor.js';
import type {
  NewWriteback,
  Writeback,
  WritebackOrigin,
  WritebackQuery,
  WritebackStatus,
  WritebackStore,
} from './writeback-store-type.js';

export type WritebackMode = 'label' | 'remove';

export interface WritebackServiceDeps {
  store: WritebackStore;
  executor: Pick<WritebackExecutor, 'drain' | 'staleBefore'>;
  scoreRuns: Pick<ScoreRunStore, 'latestRun' | 'labelFacts'>;
  localCopy: Pick<LocalCopyReader, 'rawEntities' | 'openInvoiceEntities'>;
  customerInputs: Pick<CustomerInputStore, 'excludedCustomerIds'>;
  companies: { getCompany(realmId: string): Promise<Company | undefined> };
  locks: JobLockStore;
  clock: Clock;
  logger: Logger;
  activity: Pick<ActivityLog, 'record'>;
}

/** A plan and what it was made from. */
export interface WritebackPreview {
  plan: WritebackPlan;
  /** The score run the labels come from; undefined before the first run (nothing to label). */
  run: ScoreRunSummary | undefined;
  settings: WritebackSettings;
}

/** Settings a preview may try before they are saved (what switching the invoice field on would cost). */
export type ProposedWritebackSettings = Partial<Omit<WritebackSettings, 'updatedAt' | 'updatedBy'>>;

export interface WritebackRunResult extends WritebackPreview {
  /** Rows this run added to the outbox (a rerun before they are written adds none). */
  queued: number;
  /** Undefined on a dry run, or when another drain of the company was already running. */
  drained: DrainReport | undefined;
}

const WRITEBACK_JOB = 'writeback';
const DRAIN_STALE_AFTER_MS = 60 * 60_000;

/**
 * Write-back of risk labels into QuickBooks: plans from the latest score run and the local copy (a preview touches
 * nothing), queues the plan in the outbox in one transaction, and drains the outbox one company at a time.
 */
export class WritebackService {
  constructor(private readonly d: WritebackServiceDeps) {}

  settings(realmId: string): Promise<WritebackSettings> {
    return this.d.store.settings(realmId);
  }

  async saveSettings(
    realmId: string,
    s: Omit<WritebackSettings, 'updatedAt' | 'updatedBy'>,
    actor: string,
  ): Promise<void> {
    const before = await this.d.store.settings(realmId);
    await this.d.store.saveSettings(realmId, s, actor, this.d.clock.now());
    const changes = describeSettingsChange(before, s);
    if (changes.length === 0) return;
    await this.d.activity.record(realmId, {
      actor,
      kind: 'settings',
      section: 'writeback',
      summary: `Write-back settings: ${changes.join('; ')}`,
      detail: { section: 'writeback', before: { ...before }, after: { ...s } },
    });
  }

  /** What a run would write now, with the saved settings or with `proposed` ones in their place. Reads only. */
  async preview(
    realmId: string,
    mode: WritebackMode = 'label',
    proposed: ProposedWritebackSettings = {},
  ): Promise<WritebackPreview> {
    return (await this.previewEach(realmId, mode, [proposed]))[0]!;
  }

  /** One preview per set of proposed settings, from one read of the score run and the local copy. Reads only. */
  async previewEach(
    realmId: string,
    mode: WritebackMode,
    proposals: readonly ProposedWritebackSettings[],
  ): Promise<WritebackPreview[]> {
    const saved = await this.d.store.settings(realmId);
    const variants: WritebackSettings[] = proposals.map((p) => ({ ...saved, ...p }));
    const run = await this.d.scoreRuns.latestRun(realmId);
    const company = await this.d.companies.getCompany(realmId);
    const [scored, customers, invoices, excluded] = await Promise.all([
      run && mode === 'label' ? this.d.scoreRuns.labelFacts(realmId, run.id) : Promise.resolve([]),
      this.d.localCopy.rawEntities(realmId, 'Customer'),
      mode === 'label' && variants.some((v) => v.invoiceFieldId !== null)
        ? this.d.localCopy.openInvoiceEntities(realmId)
        : Promise.resolve([]),
      this.d.customerInputs.excludedCustomerIds(realmId),
    ]);
    const onFile = new Map(customers.map((c) => [c.Id, customerOnFile(c)]));
    const openInvoices = invoices.map(invoiceOnFile);
    return variants.map((settings) => ({
      plan: planWriteback({
        mode,
        runAsOf: run?.asOf ?? '',
        currency: company?.homeCurrency ?? 'USD',
        scored,
        customers: onFile,
        excluded,
        openInvoices,
        settings,
      }),
      run,
      settings,
    }));
  }

  /** One row of the company's outbox; undefined for another company's id. */
  get(realmId: string, id: number): Promise<Writeback | undefined> {
    return this.d.store.get(realmId, id);
  }

  /**
   * Plans and queues in one transaction, without draining: for callers that drain in the background (the panel's
   * "Write into QuickBooks now", the removal before a disconnect). Excluded customers are never queued.
   */
  async enqueue(
    realmId: string,
    o: { mode?: WritebackMode; origin: WritebackOrigin; actor: string },
  ): Promise<WritebackRunResult> {
    const preview = await this.preview(realmId, o.mode ?? 'label');
    const queued = await this.queue(realmId, preview.plan, o);
    return { ...preview, queued, drained: undefined };
  }

  /**
   * Plans and queues (one transaction), then drains unless `dryRun`. `mode: 'remove'` takes Duesense's blocks out
   * of Notes. Excluded customers are never written, whoever asks.
   */
  async run(
    realmId: string,
    o: {
      mode?: WritebackMode;
      origin: WritebackOrigin;
      actor: string;
      dryRun?: boolean;
      onProgress?: (r: DrainReport) => void;
    },
  ): Promise<WritebackRunResult> {
    if (o.dryRun) return { ...(await this.preview(realmId, o.mode ?? 'label')), queued: 0, drained: undefined };
    const queued = await this.enqueue(realmId, o);
    return { ...queued, drained: await this.drain(realmId, o) };
  }

  /** The nightly step after scoring: writes what changed when the owner has turned nightly write-back on. */
  async afterScoring(realmId: string): Promise<string> {
    const settings = await this.d.store.settings(realmId);
    if (!settings.nightlyEnabled) return 'write-back off';
    const result = await this.run(realmId, { origin: 'nightly', actor: 'Nightly schedule' });
    return `write-back: ${runSummary(result)}`;
  }

  /** Drains a company's due rows unless a drain of it is already running (then undefined). */
  async drain(realmId: string, o: { onProgress?: (r: DrainReport) => void } = {}): Promise<DrainReport | undefined> {
    const lock = { job: WRITEBACK_JOB, bucket: realmId, staleAfterMs: DRAIN_STALE_AFTER_MS, rerunFinished: true };
    const locked = await withJobLock(this.d.locks, this.d.clock, lock, async () => {
      const report = await this.d.executor.drain(realmId, o);
      if (report.failed > 0)
        await this.d.activity.record(realmId, {
          actor: 'Write-back',
          kind: 'write',
          summary: `${report.failed} write${report.failed === 1 ? '' : 's'} into QuickBooks failed; see Write-back`,
          detail: { ...report },
        });
      return { value: report, status: report.reconnectNeeded ? ('failed' as const) : ('succeeded' as const) };
    });
    return locked.acquired ? locked.value : undefined;
  }

  /** Every company with rows due (retries whose time has come, rows a dead process left in flight); one at a time. */
  async drainDue(): Promise<string> {
    const now = this.d.clock.now();
    const realms = await this.d.store.realmsWithDueRows(now, this.d.executor.staleBefore(now));
    const lines: string[] = [];
    for (const realmId of realms) {
      const company = await this.d.companies.getCompany(realmId);
      if (company?.status !== 'connected') continue;
      const report = await this.drain(realmId);
      lines.push(`${realmId}: ${report ? drainSummary(report) : 'already draining'}`);
    }
    return lines.length === 0 ? 'nothing due' : lines.join('\n');
  }

  /**
   * Queues one dated line for an invoice's PrivateNote (the `invoice_note` kind): the trace of a reminder emailed,
   * where the bookkeeper sees it in QuickBooks. Called by the reminders sender in the flow that sent the email; the
   * row is written by the next drain (`drain(realmId)` after a run's emails, or the `writeback-drain` job). Once per
   * `key` (the reminder's id): a second call with the same key adds nothing and returns undefined. Written whether or
   * not nightly write-back is on (the owner chose the email channel, which records its emails there), never for a
   * customer excluded from automatic actions. Throws a RangeError for a line that is not one of ours
   * (`invoiceNoteLineProblem`).
   */
  async queueInvoiceNote(
    realmId: string,
    n: { invoiceId: string; customerId: string; targetName: string; line: string; key: string; actor: string },
  ): Promise<Writeback | undefined> {
    const problem = invoiceNoteLineProblem(n.line);
    if (problem) throw new RangeError(`Invoice note line ${JSON.stringify(n.line)}: ${problem}`);
    // The stored key is cut at 200 characters with the realm in front: a longer key could meet another.
    if (n.key === '' || n.key.length > 100) throw new RangeError('An invoice note key is 1 to 100 characters');
    const [added] = await this.d.store.enqueue(
      [
        {
          realmId,
          kind: 'invoice_note',
          targetType: 'Invoice',
          targetId: n.invoiceId,
          customerId: n.customerId,
          targetName: n.targetName,
          payload: { line: n.line, key: n.key },
          idempotencyKey: `invoice_note:${n.invoiceId}:${n.key}`,
          origin: 'reminders',
          actor: n.actor,
        },
      ],
      this.d.clock.now(),
    );
    return added;
  }

  /** The company's outbox rows, newest first (filters and keyset paging as the store takes them). */
  list(realmId: string, q?: WritebackQuery): Promise<Writeback[]> {
    return this.d.store.list(realmId, q);
  }

  counts(realmId: string): Promise<Record<WritebackStatus, number>> {
    return this.d.store.counts(realmId);
  }

  async retry(realmId: string, id: number, actor: string): Promise<boolean> {
    const row = await this.d.store.get(realmId, id);
    if (!row || !(await this.d.store.retry(realmId, id, this.d.clock.now()))) return false;
    await this.d.activity.record(realmId, {
      actor,
      kind: 'write',
      summary: `Asked to retry the write into QuickBooks for ${row.targetName}`,
      customerId: row.customerId,
      detail: { writebackId: id },
    });
    return true;
  }

  private async queue(
    realmId: string,
    plan: WritebackPlan,
    o: { origin: WritebackOrigin; actor: string },
  ): Promise<number> {
    const origin: WritebackOrigin = plan.mode === 'remove' ? 'removal' : o.origin;
    const rows: NewWriteback[] = plan.writes.map((w) => ({
      realmId,
      kind: w.kind,
      targetType: w.targetType,
      targetId: w.targetId,
      customerId: w.customerId,
      targetName: w.targetName,
      payload: w.payload,
      idempotencyKey: w.idempotencyKey,
      origin,
      actor: o.actor,
    }));
    // A person's edit of the block is recorded once per edit: the row's key is the edited block's hash.
    const notices: NewWriteback[] = plan.editedBlocks.map((e) => ({
      realmId,
      kind: plan.mode === 'remove' ? 'customer_unlabel' : 'customer_label',
      targetType: 'Customer',
      targetId: e.customerId,
      customerId: e.customerId,
      targetName: e.name,
      payload: { editedBlock: 'keep' },
      idempotencyKey: `edited-block:${e.customerId}:${e.blockHash}`,
      origin,
      actor: o.actor,
      status: 'skipped',
      result: { outcome: 'edited-block-kept', fields: [] },
    }));
    const added = await this.d.store.enqueue([...rows, ...notices], this.d.clock.now());
    for (const notice of added.filter((a) => a.status === 'skipped')) await this.recordEditedBlock(notice);
    return added.filter((a) => a.status === 'pending').length;
  }

  private recordEditedBlock(row: Writeback): Promise<void> {
    return this.d.activity.record(row.realmId, {
      actor: 'QuickBooks',
      kind: 'write',
      summary:
        `Someone edited the Duesense block in ${row.targetName}'s notes in QuickBooks; ` +
        'Duesense keeps their version and writes no label there until the block is deleted',
      customerId: row.customerId,
      detail: { writebackId: row.id },
    });
  }
}

function customerOnFile(c: QboEntity): CustomerOnFile {
  const type = c.CustomerTypeRef as { value?: unknown } | undefined;
  return {
    customerId: c.Id,
    name: String(c.DisplayName ?? c.Id),
    syncToken: String(c.SyncToken),
    notes: typeof c.Notes === 'string' ? c.Notes : '',
    customerTypeId: type?.value === undefined ? null : String(type.value),
  };
}

function invoiceOnFile(i: QboEntity): OpenInvoiceOnFile {
  const customer = i.CustomerRef as { value?: unknown } | undefined;
  return {
    invoiceId: i.Id,
    customerId: String(customer?.value ?? ''),
    docNumber: typeof i.DocNumber === 'string' ? i.DocNumber : null,
    syncToken: String(i.SyncToken),
    balanceCents: toCents(typeof i.Balance === 'number' || typeof i.Balance === 'string' ? i.Balance : 0),
    customFields: Array.isArray(i.CustomField) ? (i.CustomField as Array<Record<string, unknown>>) : [],
  };
}

export function drainSummary(r: DrainReport): string {
  const parts = [`${r.written} written`];
  if (r.alreadyThere) parts.push(`${r.alreadyThere} already in QuickBooks`);
  if (r.skipped) parts.push(`${r.skipped} skipped`);
  if (r.conflicts) parts.push(`${r.conflicts} conflicts merged`);
  if (r.retrying) parts.push(`${r.retrying} to retry`);
  if (r.failed) parts.push(`${r.failed} failed`);
  if (r.reconnectNeeded) parts.push('stopped: reconnect to QuickBooks');
  return parts.join(', ');
}

export function runSummary(r: WritebackRunResult): string {
  if (!r.run && r.plan.mode === 'label') return 'nothing to write before the first score run';
  const queued = `${r.queued} queued`;
  return r.drained ? `${queued}; ${drainSummary(r.drained)}` : `${queued}; another drain is running`;
}

function describeSettingsChange(
  before: WritebackSettings,
  after: Omit<WritebackSettings, 'updatedAt' | 'updatedBy'>,
): string[] {
  const changes: string[] = [];
  if (before.nightlyEnabled !== after.nightlyEnabled)
    changes.push(after.nightlyEnabled ? 'nightly write-back turned on' : 'nightly write-back turned off');
  if (before.editedBlock !== after.editedBlock)
    changes.push(
      after.editedBlock === 'replace' ? 'edited blocks are replaced on the next change' : 'edited blocks are kept',
    );
  if (JSON.stringify(before.customerTypes) !== JSON.stringify(after.customerTypes))
    changes.push(after.customerTypes ? 'risk tier → customer type mapping set' : 'customer type mapping off');
  if (before.invoiceFieldId !== after.invoiceFieldId)
    changes.push(
      after.invoiceFieldId ? `risk tier on open invoices in custom field ${after.invoiceFieldId}` : 'invoice field off',
    );
  return changes;
}
