import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncWorld, type SyncWorld } from '../../support/sync-harness.js';

describe('the nightly run and write-back', () => {
  let w: SyncWorld;
  const posts = (since: number) =>
    w.emulator.emulator
      .requests()
      .slice(since)
      .filter((r) => r.method === 'POST');
  const company = async () => (await w.t.container.connections.listCompanies()).find((c) => c.realmId === w.realmId)!;

  beforeAll(async () => {
    w = await syncWorld({ customers: 30, months: 12 });
  });
  afterAll(() => w.close());

  it('writes nothing while nightly write-back is off (the default), then only what changed once it is on', async () => {
    const c = w.t.container;
    expect((await c.writeback.settings(w.realmId)).nightlyEnabled).toBe(false);
    const before = w.emulator.emulator.requests().length;
    expect(await c.nightly.runFor(await company())).toMatch(
      /scored \d+ customers; write-back off; reminders: [^;]*; digest/,
    );
    expect(posts(before)).toEqual([]);

    const settings = await c.writeback.settings(w.realmId);
    await c.writeback.saveSettings(w.realmId, { ...settings, nightlyEnabled: true }, 'Ada Lovelace');
    const on = await c.nightly.runFor(await company(), { force: true });
    const [, queued, written] = /write-back: (\d+) queued; (\d+) written/.exec(on) ?? [];
    expect(Number(queued)).toBeGreaterThan(0);
    expect(written).toBe(queued);

    const again = w.emulator.emulator.requests().length;
    expect(await c.nightly.runFor(await company(), { force: true })).toMatch(/write-back: 0 queued; 0 written/);
    expect(posts(again).filter((r) => r.path.endsWith('/batch'))).toEqual([]);
    const entry = (await c.activity.list(w.realmId, { kind: 'settings' }))[0];
    expect(entry).toMatchObject({ actor: 'Ada Lovelace', section: 'writeback' });
    expect(entry!.summary).toMatch(/nightly write-back turned on/);
  });
});
