import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csrfFrom, newAgent, connectCompany, type Agent } from '../support/connect-helper.js';
import { syncWorld, type SyncWorld } from '../support/sync-harness.js';

describe('the sync page', () => {
  let w: SyncWorld;
  let agent: Agent;
  beforeAll(async () => {
    w = await syncWorld({ customers: 15, months: 3 });
    agent = newAgent(w.t.app);
    await connectCompany(agent, w.realmId);
  });
  afterAll(() => w.close());

  it('says nothing has synced yet, starts a sync with CSRF, and shows the run with its figures', async () => {
    const before = await agent.get('/sync');
    expect(before.status).toBe(200);
    expect(before.text).toContain('No sync has run yet');
    expect((await agent.post('/sync').type('form').send({})).status).toBe(403);
    const started = await agent
      .post('/sync')
      .type('form')
      .send({ _csrf: csrfFrom(before.text) });
    expect(started.status).toBe(303);
    for (let i = 0; i < 100 && (await w.t.container.syncStore.runs(w.realmId, 1))[0]?.status !== 'succeeded'; i++)
      await new Promise((r) => setTimeout(r, 20));
    const after = await agent.get('/sync');
    expect(after.text).toContain('succeeded');
    expect(after.text).toMatch(/<td>Invoice<\/td><td>\d+<\/td><td>incremental<\/td>/);
  });

  it('shows a running sync with its progress and refreshes itself', async () => {
    const runId = await w.t.container.syncStore.startRun(w.realmId, 'manual', 'full', w.emulator.clock.now());
    await w.t.container.syncStore.updateRun(runId, {
      progress: { entity: 'Invoice', rows: 1000, pages: 1 },
      apiCalls: 7,
    });
    const page = await agent.get('/sync');
    expect(page.text).toContain('data-sync-running');
    expect(page.text).toContain('<meta http-equiv="refresh" content="3">');
    expect(page.text).toMatch(/Syncing <strong>Invoice<\/strong>\s*\(\): 1000 rows, 1 pages so far/);
    await w.t.container.syncStore.finishRun(runId, {
      status: 'failed',
      at: w.emulator.clock.now(),
      errorMessage: 'test',
    });
  });

  it('needs a connected company', async () => {
    const stranger = await newAgent(w.t.app).get('/sync');
    expect([stranger.status, stranger.headers.location]).toEqual([303, '/?next=%2Fsync']);
  });
});

describe('connecting starts the first sync', () => {
  it('syncs and scores in the background right after the callback', async () => {
    const { startEmulator } = await import('../support/emulator-harness.js');
    const { startApp } = await import('../support/app-harness.js');
    const { fixtureCompany, FIXTURE_REALM } = await import('../support/fixture-company.js');
    const emulator = await startEmulator({ companies: [fixtureCompany()] });
    const t = await startApp(emulator, { syncOnConnect: true, rateLimit: { perSecond: 1000, perMinute: 100_000 } });
    try {
      const page = await connectCompany(newAgent(t.app), FIXTURE_REALM);
      expect(page.text).toContain('The first full sync has started');
      for (let i = 0; i < 200 && !(await t.container.scoreRuns.latestRun(FIXTURE_REALM)); i++)
        await new Promise((r) => setTimeout(r, 20));
      expect((await t.container.syncStore.runs(FIXTURE_REALM))[0]).toMatchObject({
        trigger: 'connect',
        status: 'succeeded',
      });
      expect((await t.container.scoreRuns.latestRun(FIXTURE_REALM))?.trigger).toBe('connect');
    } finally {
      await t.close();
      await emulator.close();
    }
  });
});
