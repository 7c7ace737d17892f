import { afterEach, describe, expect, it } from 'vitest';
import { readNotesBlock } from '../../../server/features/writeback/domain/notes-block.js';
import { connectCompany, newAgent } from '../../support/connect-helper.js';
import { writebackWorld, type WritebackWorld } from '../../support/writeback-harness.js';

const RETRY_MS = 60_000;
/** The rate limiter's own attempts at one request (the first included): a fault must outlast them to reach a row. */
const LIMITER_ATTEMPTS = 6;

describe('write-back under QuickBooks faults (the emulator’s fault injector)', () => {
  let w: WritebackWorld | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });
  const labelled = (world: WritebackWorld) =>
    world.scored.filter((s) => readNotesBlock(String(world.customer(s.id).Notes ?? '')).state === 'ours').length;

  it('a transient failure waits its retry time, fails after the last attempt, retry puts it back', async () => {
    w = await writebackWorld({ customers: 8, writeback: { maxAttempts: 2, retryBaseMs: RETRY_MS } });
    const world = w;
    const c = world.t.container;
    const n = world.scored.length;
    world.emulator.emulator.faults.failNext({ kind: 'status', status: 503 }, LIMITER_ATTEMPTS);
    const first = await world.run();
    expect(first.drained).toMatchObject({ written: 0, retrying: n, failed: 0 });
    let rows = await world.outbox.list(world.realmId);
    expect(rows.every((r) => r.status === 'pending' && r.attempts === 1)).toBe(true);
    expect(rows[0]!.nextAttemptAt.getTime() - c.clock.now().getTime()).toBe(RETRY_MS);
    expect(rows[0]!.lastError).toMatchObject({ errorClass: 'transient', code: '10000' });
    expect(rows[0]!.lastError!.intuitTid).toMatch(/^1-/);
    expect(labelled(world)).toBe(0);

    // Not due yet: drainDue leaves them; when due they fail again, and that was the last attempt.
    expect(await c.writeback.drainDue()).toBe('nothing due');
    world.emulator.clock.advance(RETRY_MS);
    world.emulator.emulator.faults.failNext({ kind: 'status', status: 503 }, LIMITER_ATTEMPTS);
    expect(await c.writeback.drainDue()).toBe(`${world.realmId}: 0 written, ${n} failed`);
    rows = await world.outbox.list(world.realmId);
    expect(rows.every((r) => r.status === 'failed' && r.attempts === 2)).toBe(true);
    const failedNotice = (await c.activity.list(world.realmId)).find((e) => e.summary.includes('failed'));
    expect(failedNotice?.summary).toBe(`${n} writes into QuickBooks failed; see Write-back`);

    for (const r of rows) expect(await c.writeback.retry(world.realmId, r.id, 'ada')).toBe(true);
    expect(await c.writeback.drainDue()).toBe(`${world.realmId}: ${n} written`);
    expect(labelled(world)).toBe(n);
  });

  it('a permanent failure is parked at once with QuickBooks’ words and intuit_tid; retry writes it', async () => {
    w = await writebackWorld({ customers: 8 });
    const world = w;
    const c = world.t.container;
    world.emulator.emulator.faults.failNext({ kind: 'fault', code: '2010' }, 1);
    const result = await world.run();
    expect(result.drained).toMatchObject({ failed: world.scored.length, retrying: 0 });
    const [row] = await world.outbox.list(world.realmId, { status: 'failed', limit: 1 });
    expect(row!.attempts).toBe(1);
    expect(row!.lastError).toMatchObject({ errorClass: 'permanent', code: '2010' });
    expect(row!.lastError!.message).toMatch(/^QuickBooks batch of \d+ updates: Request has invalid or unsupported/);
    expect(row!.lastError!.intuitTid).toMatch(/^1-[0-9a-f]+-[0-9a-f]+$/);
    expect(labelled(world)).toBe(0);
    // Nothing comes back by itself.
    world.emulator.clock.advance(24 * 3_600_000);
    expect(await c.writeback.drainDue()).toBe('nothing due');

    expect(await c.writeback.retry(world.realmId, row!.id, 'ada')).toBe(true);
    expect(await c.writeback.retry(world.realmId, row!.id, 'ada')).toBe(false);
    expect(await c.writeback.drainDue()).toBe(`${world.realmId}: 1 written`);
    expect(labelled(world)).toBe(1);
    expect((await c.activity.list(world.realmId, { kind: 'write' })).map((e) => e.summary)).toContain(
      `Asked to retry the write into QuickBooks for ${row!.targetName}`,
    );
  });

  it('a revoked connection stops the drain: the rows wait, and are written once the company reconnects', async () => {
    w = await writebackWorld({ customers: 8 });
    const world = w;
    const c = world.t.container;
    await fetch(`${world.emulator.url}/emulator/realms/${world.realmId}/revoke`, { method: 'POST' });
    const result = await world.run();
    expect(result.drained).toMatchObject({ reconnectNeeded: true, written: 0, failed: 0 });
    expect((await c.connections.getCompany(world.realmId))?.status).toBe('needs_reauth');
    const rows = await world.outbox.list(world.realmId);
    expect(rows).toHaveLength(world.scored.length);
    expect(rows.every((r) => r.status === 'pending' && r.attempts === 0)).toBe(true);
    // Nothing is tried while the company must reconnect.
    const mark = world.mark();
    expect(await c.writeback.drainDue()).toBe('nothing due');
    expect(world.posts(mark)).toEqual([]);

    const reconnected = await connectCompany(newAgent(world.t.app), world.realmId);
    expect(reconnected.status).toBe(200);
    expect(await c.writeback.drainDue()).toBe(`${world.realmId}: ${world.scored.length} written`);
    expect(labelled(world)).toBe(world.scored.length);
  });
});
