import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csrfFrom, newAgent, connectCompany, type Agent } from '../support/connect-helper.js';
import { syncWorld, type SyncWorld } from '../support/sync-harness.js';
import { SYNC_ENTITIES } from '../../server/features/sync/sync-entities.js';

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
    const rows = await w.t.container.syncStore.rowCounts(w.realmId, SYNC_ENTITIES);
    // Kinds of record in words, counts with separators, the newest change in the company's zone (in words).
    expect(after.text).toContain(
      `<tr><th scope="row">Invoices</th><td class="num">${rows.Invoice!.toLocaleString('en-US')}</td>` +
        '<td>Changes only</td>',
    );
    expect(after.text).toMatch(
      /<th scope="row">Terms<\/th>.*<td>Changed \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} P[SD]T<\/td>/,
    );
    expect(after.text.replace(/datetime="[^"]*"/g, '')).not.toMatch(/\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/);
    expect(after.text).toContain('<td>Sync now</td>');
    // What the customer rows are: every one in QuickBooks, of them the ones scored, the jobs and the inactive.
    const o = await w.t.container.localCopy.customerOverview(
      w.realmId,
      await w.t.container.syncStore.lastSucceededAt(w.realmId),
    );
    expect(o.all).toBe(rows.Customer);
    expect([o.all, o.jobs, o.inactive]).toEqual([15, 0, 2]);
    expect(after.text).toContain(
      '<p class="muted" id="sync-customers-counted">15 customers in QuickBooks, all scored ' +
        '(13 active, 2 marked inactive in QuickBooks).</p>',
    );
  });

  it('shows a running sync with its progress and refreshes itself', async () => {
    const held = (await w.t.container.syncStore.rowCounts(w.realmId, SYNC_ENTITIES)).Invoice!;
    const runId = await w.t.container.syncStore.startRun(w.realmId, 'manual', 'full', w.emulator.clock.now());
    const soFar = Math.floor(held / 2);
    await w.t.container.syncStore.updateRun(runId, {
      progress: { entity: 'Invoice', mode: 'full', rows: soFar, pages: 1 },
      apiCalls: 7,
    });
    const page = await agent.get('/sync');
    expect(page.text).toContain('data-sync-running');
    expect(page.text).toContain('<meta http-equiv="refresh" content="3">');
    expect(page.text).toContain(
      `Reading all Invoices (kind 5 of 7): ${soFar} rows so far, about ${Math.floor((100 * soFar) / held)}% ` +
        `of the ${held} the local copy held.`,
    );
    expect(page.text).not.toContain('0 API calls');
    expect(page.text).toContain('<td class="num">7 so far</td>');
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
