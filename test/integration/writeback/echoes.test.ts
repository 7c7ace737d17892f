import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNotesBlock } from '../../../server/features/writeback/domain/notes-block.js';
import { serve } from '../../support/browser.js';
import { differences } from '../../support/sync-harness.js';
import { writebackWorld, type WritebackWorld } from '../../support/writeback-harness.js';

const VERIFIER = 'duesense-demo-verifier';

/**
 * Duesense's own writes come back: as webhook notifications and in the next CDC sync. They update the local copy and
 * nothing else: no API read for a version the copy already holds, no new outbox row, no score run. A person's later
 * change in QuickBooks is read and respected.
 */
describe('the echoes of our own writes, against the emulator', () => {
  let w: WritebackWorld;
  let app: Awaited<ReturnType<typeof serve>>;
  const c = () => w.t.container;
  /** GET requests for single records (the webhook drain's reads), by path. */
  const reads = (since: number) =>
    w.emulator.emulator
      .requests()
      .slice(since)
      .filter((r) => r.method === 'GET' && /\/(customer|invoice)\/\d+$/.test(r.path))
      .map((r) => r.path.replace(/^\/v3\/company\/\d+/, ''));
  /** What must not move: the outbox and the score runs. */
  const footprint = async () => ({
    outbox: Object.values(await w.outbox.counts(w.realmId)).reduce((a, b) => a + b, 0),
    runs: Number(
      ((await c().db('risk_score_runs').where({ realm_id: w.realmId }).count({ n: '*' })) as Array<{ n: unknown }>)[0]!
        .n,
    ),
    latestRun: (await c().scoreRuns.latestRun(w.realmId))!.id,
  });
  const localNotes = async (id: string) =>
    JSON.parse(String((await c().db('qbo_customers').where({ realm_id: w.realmId, qbo_id: id }).first()).raw_json))
      .Notes as string;
  const deliver = async () => {
    await w.emulator.emulator.webhooks.flush();
    await c().webhooks.drain();
  };

  beforeAll(async () => {
    w = await writebackWorld({ customers: 12 });
    app = await serve(w.t.app, 0);
    w.emulator.emulator.webhooks.setTarget({
      url: `${app.url}/webhooks/intuit`,
      verifierToken: VERIFIER,
      format: 'legacy',
    });
    await deliver(); // nothing is waiting from before
  });
  afterAll(async () => {
    await app.close();
    await w.close();
  });

  it('webhook notifications of our writes cost no API call and change nothing the write did not', async () => {
    const result = await w.run();
    expect(result.drained!.written).toBe(w.scored.length);
    const before = await footprint();
    const copy = await c().db('qbo_customers').where({ realm_id: w.realmId }).orderBy('qbo_id');
    const mark = w.mark();
    await deliver();
    const delivered = w.emulator.emulator.webhooks.deliveries();
    expect(delivered.length).toBeGreaterThan(0);
    expect(delivered.at(-1)!.body).toContain('"operation":"Update"');
    expect(reads(mark)).toEqual([]);
    expect(await c().db('qbo_customers').where({ realm_id: w.realmId }).orderBy('qbo_id')).toEqual(copy);
    expect(await footprint()).toEqual(before);
    expect(await differences(w)).toEqual([]);
  });

  it('a CDC sync of our writes updates the local copy and plans no write', async () => {
    const before = await footprint();
    await w.syncNow();
    expect(await differences(w)).toEqual([]);
    for (const s of w.scored) expect(await localNotes(s.id)).toBe(w.customer(s.id).Notes);
    expect(await footprint()).toEqual(before);
    const preview = await c().writeback.preview(w.realmId);
    expect(preview.plan.writes).toEqual([]);
    const mark = w.mark();
    expect((await w.run()).queued).toBe(0);
    expect(w.posts(mark)).toEqual([]);
  });

  it('a person’s later change is read from its notification, and their own text above the block is kept', async () => {
    const id = w.scored[0]!.id;
    const block = readNotesBlock(String(w.customer(id).Notes));
    expect(block.state).toBe('ours');
    const changed = `Call Sam before shipping.\n\n${block.state === 'ours' ? block.block : ''}`;
    w.personEdits(id, { Notes: changed });
    const mark = w.mark();
    await deliver();
    expect(reads(mark)).toEqual([`/customer/${id}`]);
    expect(await localNotes(id)).toBe(changed);
    const run = await w.run();
    expect(run.queued).toBe(0);
    expect(w.customer(id).Notes).toBe(changed);
  });

  it('a person’s edit of the Duesense block is noticed once and kept, with no write and no score run', async () => {
    const id = w.scored[1]!.id;
    const edited = String(w.customer(id).Notes).replace('Risk tier: ', 'Risk tier (agreed with Sam): ');
    w.personEdits(id, { Notes: edited });
    const mark = w.mark();
    await deliver();
    expect(reads(mark)).toEqual([`/customer/${id}`]);
    const before = await footprint();
    const posts = w.mark();
    const first = await w.run();
    const second = await w.run();
    expect([first.plan.counts.editedBlocksKept, second.plan.counts.editedBlocksKept]).toEqual([1, 1]);
    expect(w.posts(posts)).toEqual([]);
    expect(w.customer(id).Notes).toBe(edited);
    const after = await footprint();
    expect(after.outbox).toBe(before.outbox + 1); // one notice row, recorded once
    expect([after.runs, after.latestRun]).toEqual([before.runs, before.latestRun]);
    const notices = (await c().activity.list(w.realmId, { customerId: id })).filter((e) => e.actor === 'QuickBooks');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.summary).toMatch(/Duesense keeps their version/);
  });
});
