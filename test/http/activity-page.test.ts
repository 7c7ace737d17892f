import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVITY_PAGE_SIZE } from '../../server/http/activity.routes.js';
import { newAgent } from '../support/connect-helper.js';
import { HOSTILE_NAME, panelWorld } from '../integration/panel/panel-world.js';

type World = Awaited<ReturnType<typeof panelWorld>>;

/** The ids of the entries on a page, in page order. */
const idsOn = (html: string): number[] => [...html.matchAll(/<tr id="activity-(\d+)">/g)].map((m) => Number(m[1]));
const olderHref = (html: string): string | undefined =>
  /<a href="([^"]+)" id="page-older"/.exec(html)?.[1]?.replace(/&amp;/g, '&');

describe('the activity log page', () => {
  let world: World;

  beforeAll(async () => {
    world = await panelWorld({ customers: 16 });
  });
  afterAll(() => world.w.close());

  it('lists the connection, the sync and the score runs with who and when, newest first', async () => {
    const page = await world.agent.get('/activity');
    expect(page.status).toBe(200);
    expect(page.text).toContain('aria-current="page">Activity</a>');
    expect(page.text).toContain('<link rel="stylesheet" href="/assets/css/settings.css">');
    const ids = idsOn(page.text);
    expect(ids.length).toBeGreaterThanOrEqual(3);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    expect(page.text).toContain('Score run</span>');
    expect(page.text).toMatch(/Scored \d+ customers as of 2026-10-31/);
    expect(page.text).toContain('Sync</span>');
    // In words, in the company's zone (Los Angeles), never an ISO timestamp.
    expect(page.text).toMatch(
      /<time datetime="\d{4}-\d{2}-\d{2}T[^"]+">\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} P[SD]T<\/time>/,
    );
    expect(page.text).toContain('<th scope="col">When</th>');
    expect(page.text).not.toContain('UTC');
    // Manual runs from the test harness are the CLI's system actor; the connection is the person who connected.
    expect(page.text).toContain('Someone (CLI)');
    expect(page.text).not.toMatch(/ style="/);
    expect(page.text).not.toMatch(/<script>(?!<\/script>)/);
  });

  it('filters by kind and says so when nothing of that kind exists', async () => {
    const scores = await world.agent.get('/activity?kind=score');
    expect(scores.status).toBe(200);
    expect(scores.text).toContain('<option value="score" selected>Score run</option>');
    const kinds = [...scores.text.matchAll(/<span class="kind kind-([a-z]+)">/g)].map((m) => m[1]);
    expect(kinds.length).toBe(2);
    expect(new Set(kinds)).toEqual(new Set(['score']));
    const writes = await world.agent.get('/activity?kind=write');
    expect(writes.status).toBe(200);
    expect(writes.text).toContain('id="activity-none-match"');
    // An empty value is what the filter form sends for "Everything".
    expect((await world.agent.get('/activity?kind=')).text).toContain('<option value="">Everything</option>');
  });

  it('pages back with Older (before=id) without repeating or skipping, to the end of the log', async () => {
    const { activity } = world.w.t.container;
    for (let i = 0; i < 2 * ACTIVITY_PAGE_SIZE + 7; i++)
      await activity.record(world.w.realmId, {
        actor: 'Nightly schedule',
        kind: 'email',
        summary: `Email number ${i}`,
      });
    const total = await world.w.t.container
      .db('activity_log')
      .where({ realm_id: world.w.realmId, kind: 'email' })
      .count({ n: '*' })
      .first();
    const seen: number[] = [];
    let href: string | undefined = '/activity?kind=email';
    let pages = 0;
    while (href) {
      const page = await world.agent.get(href);
      expect(page.status).toBe(200);
      const ids = idsOn(page.text);
      expect(ids.length).toBeLessThanOrEqual(ACTIVITY_PAGE_SIZE);
      seen.push(...ids);
      href = olderHref(page.text);
      if (href) expect(href).toBe(`/activity?kind=email&before=${ids[ids.length - 1]}`);
      if (pages > 0) expect(page.text).toContain('id="page-newest"');
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen.length).toBe(Number(total!.n));
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);
    // Past the oldest entry: no error, a way back.
    const end = await world.agent.get(`/activity?kind=email&before=${seen[seen.length - 1]}`);
    expect(end.status).toBe(200);
    expect(end.text).toContain('id="activity-past-end"');
    expect(end.text).toContain('href="/activity?kind=email" id="page-newest"');
    // A before= above every id is the newest page.
    expect(idsOn((await world.agent.get('/activity?kind=email&before=999999999')).text)).toEqual(
      seen.slice(0, ACTIVITY_PAGE_SIZE),
    );
  });

  it('answers bad parameters with a 400 that says what is allowed, never a 500', async () => {
    const cases: Array<[string, RegExp]> = [
      [
        '/activity?kind=bogus',
        /Unknown kind &#34;bogus&#34;: use one of sync, score, write, email, settings, customer, connection\./,
      ],
      ['/activity?before=abc', /Before &#34;abc&#34; is not an entry number/],
      ['/activity?before=0', /Before &#34;0&#34; is not an entry number/],
      ['/activity?before=-4', /Before &#34;-4&#34; is not an entry number/],
      ['/activity?before=1.5', /not an entry number/],
      ['/activity?before=99999999999999999999', /not an entry number/],
      ['/activity?kind=sync&kind=score', /Give &#34;kind&#34; once\./],
    ];
    for (const [url, message] of cases) {
      const res = await world.agent.get(url);
      expect(res.status, url).toBe(400);
      expect(res.text, url).toMatch(message);
    }
    const json = await world.agent.get('/activity?kind=bogus').set('Accept', 'application/json');
    expect(json.status).toBe(400);
    expect(json.body.error.code).toBe('validation_failed');
  });

  it('shows summaries and actors as text, and links an entry about a customer to its page', async () => {
    await world.w.t.container.activity.record(world.w.realmId, {
      actor: HOSTILE_NAME,
      kind: 'customer',
      summary: `Paused reminders for ${HOSTILE_NAME}`,
      customerId: world.names.hostile,
      detail: { action: 'pause_reminders' },
    });
    const page = await world.agent.get('/activity?kind=customer');
    expect(page.text).not.toContain(HOSTILE_NAME);
    expect(page.text).toContain('Paused reminders for &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.text).toContain(`<a href="/customers/${world.names.hostile}">Open the customer</a>`);
  });

  it('is there only for a signed-in user with a company', async () => {
    const stranger = newAgent(world.w.t.app);
    expect((await stranger.get('/activity')).headers.location).toBe('/?next=%2Factivity');
  });
});
