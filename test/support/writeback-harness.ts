import type { Container } from '../../server/container.js';
import type { CompanyFile } from '../../server/emulator/company-file-format.js';
import type { QboObject } from '../../server/emulator/entity-registry.js';
import { generateCompany } from '../../server/emulator/generator/generate-company.js';
import { createLocalCopyWriter, type LocalCopyWriter } from '../../server/features/sync/local-copy-writer.js';
import {
  WritebackExecutor,
  type WritebackExecutorOptions,
} from '../../server/features/writeback/writeback-executor.js';
import { WritebackService, type WritebackMode } from '../../server/features/writeback/writeback-service.js';
import { createWritebackStore } from '../../server/features/writeback/writeback-store.js';
import type { WritebackStore } from '../../server/features/writeback/writeback-store-type.js';
import { scoreOn } from './score-on.js';
import { syncWorld, type SyncWorld } from './sync-harness.js';

export const AS_OF = '2026-10-31';

export interface WritebackWorld extends SyncWorld {
  /** Customers the score run gave a risk tier (the ones a label run writes), in Id order. */
  scored: Array<{ id: string; tier: 'Low' | 'Medium' | 'High' }>;
  /** The customer as QuickBooks (the emulator) has it now. */
  customer(id: string): QboObject;
  /** A person changes a customer in QuickBooks (a second later than anything before, as a person would). */
  personEdits(id: string, fields: Record<string, unknown>): QboObject;
  /** Writes (POST requests) the emulator received since a mark taken with `mark()`. */
  posts(since: number): Array<{ method: string; path: string }>;
  mark(): number;
  /** An incremental sync of the app's local copy. */
  syncNow(): Promise<void>;
  run(mode?: WritebackMode): ReturnType<Container['writeback']['run']>;
  /** The app's outbox (qbo_writebacks), read through its store. */
  outbox: WritebackStore;
}

const TIER = { low: 'Low', medium: 'Medium', high: 'High' } as const;

/**
 * A generated company served by the emulator, the app connected, synced and scored as of 2026-10-31: ready to write
 * labels. `edit` changes the company file first (what a person set up in QuickBooks before connecting).
 */
export async function writebackWorld(
  o: {
    customers?: number;
    months?: number;
    seed?: number;
    edit?: (file: CompanyFile) => void;
    writeback?: Partial<WritebackExecutorOptions>;
  } = {},
): Promise<WritebackWorld> {
  const file = generateCompany({
    seed: o.seed ?? 11,
    customers: o.customers ?? 12,
    months: o.months ?? 12,
    asOf: AS_OF,
  });
  o.edit?.(file);
  const w = await syncWorld({ file, ...(o.writeback ? { writeback: o.writeback } : {}) });
  const c = w.t.container;
  await c.sync.sync(w.realmId);
  await scoreOn(c, w.emulator.clock, w.realmId, AS_OF);
  const run = (await c.scoreRuns.latestRun(w.realmId))!;
  const scored = (await c.scoreRuns.labelFacts(w.realmId, run.id))
    .filter((s) => s.band !== null)
    .map((s) => ({ id: s.customerId, tier: TIER[s.band!] }))
    .sort((a, b) => Number(a.id) - Number(b.id));
  const customer = (id: string) => w.company.table('Customer').get(id)!;
  const requests = () => w.emulator.emulator.requests();
  return {
    ...w,
    scored,
    customer,
    personEdits(id, fields) {
      w.emulator.clock.advance(1_000);
      return w.company.update('Customer', { Id: id, SyncToken: customer(id).SyncToken, ...fields }, true);
    },
    mark: () => requests().length,
    posts: (since) =>
      requests()
        .slice(since)
        .filter((r) => r.method === 'POST'),
    async syncNow() {
      const result = await c.sync.sync(w.realmId);
      if (result.status !== 'succeeded') throw new Error(`sync ${result.status}: ${String(result.errorMessage)}`);
    },
    run: (mode = 'label') => c.writeback.run(w.realmId, { mode, origin: 'cli', actor: 'test' }),
    outbox: createWritebackStore(c.db),
  };
}

/**
 * The container's write-back service built again over a store the test wraps (to make it fail at a chosen step),
 * with the container's own local copy, exclusions, QuickBooks client and clock.
 */
export function writebackWith(
  c: Container,
  o: {
    wrapStore?: (store: WritebackStore) => WritebackStore;
    wrapLocalCopyWriter?: (writer: LocalCopyWriter) => LocalCopyWriter;
    options?: Partial<WritebackExecutorOptions>;
  } = {},
): { service: WritebackService; executor: WritebackExecutor; store: WritebackStore } {
  const base = createWritebackStore(c.db);
  const store = o.wrapStore ? o.wrapStore(base) : base;
  const executor = new WritebackExecutor({
    store,
    localCopy: c.localCopy,
    localCopyWriter: (o.wrapLocalCopyWriter ?? ((writer) => writer))(createLocalCopyWriter(c.syncStore)),
    excludedCustomers: (realmId) => c.customerInputs.excludedCustomerIds(realmId),
    qbo: c.qbo,
    clock: c.clock,
    logger: c.logger,
    activity: c.activity,
    ...(o.options ? { options: o.options } : {}),
  });
  const service = new WritebackService({
    store,
    executor,
    scoreRuns: c.scoreRuns,
    localCopy: c.localCopy,
    customerInputs: c.customerInputs,
    companies: c.connections,
    locks: c.locks,
    clock: c.clock,
    logger: c.logger,
    activity: c.activity,
  });
  return { service, executor, store };
}

/** Wraps a store so that its first `times` finishes throw: the process dying after QuickBooks answered the batch. */
export function dyingAfterTheAnswer(times = 1): (store: WritebackStore) => WritebackStore {
  let left = times;
  return (store) => ({
    ...store,
    async finish(id, o) {
      if (left-- > 0) throw new Error('the process died after QuickBooks answered the batch');
      return store.finish(id, o);
    },
  });
}
