import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNotesBlock } from '../../../server/features/writeback/domain/notes-block.js';
import { scoreOn } from '../../support/score-on.js';
import { syncWorld, type SyncWorld } from '../../support/sync-harness.js';

describe('write-back against the emulator', () => {
  let w: SyncWorld;
  const customer = (id: string) => w.company.table('Customer').get(id)!;
  const writes = (since: number) =>
    w.emulator.emulator
      .requests()
      .slice(since)
      .filter((r) => r.method === 'POST');

  beforeAll(async () => {
    w = await syncWorld({ customers: 40, months: 12 });
    await w.t.container.sync.sync(w.realmId);
    await scoreOn(w.t.container, w.emulator.clock, w.realmId, '2026-10-31');
  });
  afterAll(() => w.close());

  it('labels every scored customer in batches, then a second run writes nothing', async () => {
    const c = w.t.container;
    const before = w.emulator.emulator.requests().length;
    const preview = await c.writeback.preview(w.realmId);
    expect(preview.plan.counts.customerWrites).toBeGreaterThan(0);
    const result = await c.writeback.run(w.realmId, { origin: 'cli', actor: 'test' });
    expect(result.drained).toMatchObject({ failed: 0, retrying: 0 });
    expect(result.drained!.written).toBe(preview.plan.counts.customerWrites);
    const posts = writes(before);
    expect(posts.every((r) => r.path.endsWith('/batch'))).toBe(true);
    expect(posts.length).toBe(Math.ceil(result.drained!.written / 30));
    const labelled = [...w.company.table('Customer').values()].filter(
      (x) => readNotesBlock(String(x.Notes ?? '')).state === 'ours',
    );
    expect(labelled.length).toBe(result.drained!.written);

    const again = await c.writeback.run(w.realmId, { origin: 'cli', actor: 'test' });
    expect(again.queued).toBe(0);
    expect(again.plan.counts.customerWrites).toBe(0);
    expect(customer(labelled[0]!.Id).SyncToken).toBe(labelled[0]!.SyncToken);
  });
});
