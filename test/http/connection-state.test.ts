import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCompany, csrfFrom, newAgent, type Agent } from '../support/connect-helper.js';
import { syncWorld, type SyncWorld } from '../support/sync-harness.js';

const HOUR = 3_600_000;

/** Every page of the panel with the main-nav tab it highlights (`company` is the header's company link). */
const PANEL: Array<[path: string, tab: string]> = [
  ['/dashboard', 'Dashboard'],
  ['/customers', 'Customers'],
  ['/alerts', 'Alerts'],
  ['/sync', 'Sync'],
  ['/activity', 'Activity'],
  ['/settings', 'Settings'],
  ['/mailbox', 'Mailbox'],
  ['/company', 'company'],
];

/** The connection banners a page shows, by their data-banner name. */
const banners = (html: string) => [...html.matchAll(/data-banner="([a-z-]+)"/g)].map((m) => m[1]);

/** The links marked as the current page. */
const currentLinks = (html: string) =>
  [...html.matchAll(/<a [^>]*href="([^"]+)"[^>]*aria-current="page"[^>]*>/g)].map((m) => m[1]);

describe('the connection state on every page', () => {
  let w: SyncWorld;
  let agent: Agent;
  let firstConnect: Awaited<ReturnType<typeof connectCompany>>;
  let pages: Array<[path: string, tab: string]>;

  beforeAll(async () => {
    w = await syncWorld({ customers: 15, months: 3 });
    agent = newAgent(w.t.app);
    firstConnect = await connectCompany(agent, w.realmId);
  });
  afterAll(() => w.close());

  it('When first connected, then the Connected page says the first full sync started, with Sign out', () => {
    expect(firstConnect.status).toBe(200);
    expect(firstConnect.text).toContain('data-sync="first"');
    expect(firstConnect.text).toContain('The first full sync has started');
    expect(firstConnect.text).toMatch(/<a class="company-name company-link" href="\/company">[^<]+<\/a>/);
    expect(firstConnect.text).toContain('Sign out');
    expect(firstConnect.text).toContain('class="mainnav"');
    // The page explains the sync itself; no banner repeats it.
    expect(banners(firstConnect.text)).toEqual([]);
  });

  it('When no sync has finished yet, then every page says so and offers to watch the sync', async () => {
    for (const [path] of PANEL) {
      const page = await agent.get(path);
      expect(page.status, path).toBe(200);
      expect(banners(page.text), path).toEqual(['first-sync']);
      if (path === '/sync') {
        expect(page.text).toContain('Its progress is below.');
        expect(page.text).not.toContain('>Watch the sync</a>');
      } else expect(page.text, path).toContain('<a class="btn btn-small" href="/sync">Watch the sync</a>');
    }
    // A first sync needs QuickBooks, which is connected: Sync now works.
    expect((await agent.get('/sync')).text).not.toMatch(/id="action-sync" disabled/);
  });

  it('When synced and connected, then no page shows a banner and each highlights its own tab', async () => {
    expect((await w.t.container.sync.sync(w.realmId)).status).toBe('succeeded');
    await w.t.container.risk.score(w.realmId, { trigger: 'manual' });
    const list = await agent.get('/customers');
    const customerPath = /href="(\/customers\/[^"?/]+)"/.exec(list.text)?.[1];
    expect(customerPath).toBeDefined();
    pages = [...PANEL.slice(0, 2), [customerPath!, 'Customers'], ...PANEL.slice(2)];
    for (const [path, tab] of pages) {
      const page = await agent.get(path);
      expect(page.status, path).toBe(200);
      expect(banners(page.text), path).toEqual([]);
      const current = currentLinks(page.text);
      if (tab === 'company') {
        expect(current, path).toEqual(['/company']);
      } else {
        expect(current, path).toHaveLength(1);
        expect(page.text, path).toMatch(new RegExp(`aria-current="page">${tab}</a>`));
      }
    }
  });

  it('When signing in again on a synced company, then the Connected page says it is catching up', async () => {
    const again = await connectCompany(newAgent(w.t.app), w.realmId);
    expect(again.status).toBe(200);
    expect(again.text).toContain('data-sync="catch-up"');
    expect(again.text).toMatch(/synced \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d P[SD]T/);
    expect(again.text).toContain('catching up on the changes made in QuickBooks since then');
    expect(again.text).not.toContain('first full sync');
    expect(again.text).toContain('Sign out');
  });

  it('When QuickBooks needs reconnecting, then every page says so with Reconnect, and syncing waits', async () => {
    await fetch(`${w.emulator.url}/emulator/realms/${w.realmId}/revoke`, { method: 'POST' });
    w.emulator.clock.advance(HOUR);
    expect((await w.t.container.sync.sync(w.realmId)).status).toBe('failed');
    for (const [path] of pages) {
      const page = await agent.get(path);
      expect(banners(page.text), path).toEqual(['reconnect']);
      expect(page.text, path).toContain('<a class="btn btn-small" href="/connect">Reconnect</a>');
    }
    const sync = await agent.get('/sync');
    expect(sync.text).toMatch(/id="action-sync" disabled aria-describedby="sync-unavailable"/);
    // Reconnecting through the normal flow clears it.
    expect((await connectCompany(agent, w.realmId)).status).toBe(200);
    expect(banners((await agent.get('/dashboard')).text)).toEqual([]);
  });

  it('When disconnected, then every page says so with Reconnect; scoring still works, syncing is refused', async () => {
    const company = await agent.get('/company');
    expect(
      (
        await agent
          .post('/disconnect')
          .type('form')
          .send({ _csrf: csrfFrom(company.text) })
      ).status,
    ).toBe(303);
    for (const [path] of [['/', 'home'], ...pages]) {
      const page = await agent.get(path!);
      expect(page.status, path).toBe(200);
      expect(banners(page.text), path).toEqual(['disconnected']);
      expect(page.text, path).toMatch(/is disconnected from QuickBooks\.<\/strong>/);
      expect(page.text, path).toMatch(
        /Everything here is from the copy synced \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d P[SD]T/,
      );
      expect(page.text, path).toContain('<a class="btn btn-small" href="/connect">Reconnect</a>');
    }

    // The dashboard keeps its figures and says what "Score again now" does without QuickBooks.
    const dashboard = await agent.get('/dashboard');
    expect(dashboard.text).toContain('id="tile-');
    expect(dashboard.text).toContain('Score again now');
    expect(dashboard.text).toContain('id="dashboard-offline"');
    const scored = await agent
      .post('/risk/score')
      .type('form')
      .send({ _csrf: csrfFrom(dashboard.text) });
    expect([scored.status, scored.headers.location]).toEqual([303, '/dashboard']);

    // Sync now is disabled with its reason, and a post anyway is refused without starting a run.
    const sync = await agent.get('/sync');
    expect(sync.text).toMatch(/id="action-sync" disabled aria-describedby="sync-unavailable"/);
    expect(sync.text).toContain('id="sync-unavailable"');
    const runsBefore = (await w.t.container.syncStore.runs(w.realmId, 100)).length;
    const refused = await agent
      .post('/sync')
      .type('form')
      .send({ _csrf: csrfFrom(sync.text) });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('is not connected to QuickBooks');
    expect((await w.t.container.syncStore.runs(w.realmId, 100)).length).toBe(runsBefore);
    expect((await w.t.container.connections.getCompany(w.realmId))?.status).toBe('disconnected');

    // Reconnecting catches up rather than starting over, and the banner goes.
    const back = await connectCompany(agent, w.realmId);
    expect(back.text).toContain('data-sync="catch-up"');
    expect(banners((await agent.get('/dashboard')).text)).toEqual([]);
  });
});
