import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERTS_PAGE_SIZE } from '../../server/http/alerts.routes.js';
import { csrfFrom, newAgent } from '../support/connect-helper.js';
import { HOSTILE_NAME, panelWorld } from '../integration/panel/panel-world.js';

type World = Awaited<ReturnType<typeof panelWorld>>;

const idsOn = (html: string): number[] => [...html.matchAll(/<tr id="alert-(\d+)">/g)].map((m) => Number(m[1]));
const olderHref = (html: string): string | undefined =>
  /<a href="([^"]+)" id="page-older"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
/** The ids "Acknowledge all shown" would send. */
const bulkIds = (html: string): string[] => {
  const form =
    /<form method="post" action="\/alerts\/acknowledge" id="form-acknowledge-all"[\s\S]*?<\/form>/.exec(html)?.[0] ??
    '';
  return [...form.matchAll(/name="ids" value="(\d+)"/g)].map((m) => m[1]!);
};

describe('the alerts page', () => {
  let world: World;
  let runId: number;
  let customers: string[];

  const db = () => world.w.t.container.db;
  /** Alerts as score runs write them, oldest first, alternating kinds across the given customers. */
  async function addAlerts(n: number, o: { message?: (i: number) => string } = {}): Promise<void> {
    const at = world.w.t.container.clock.now();
    const rows = Array.from({ length: n }, (_, i) => ({
      realm_id: world.w.realmId,
      customer_qbo_id: customers[i % customers.length]!,
      run_id: runId,
      kind: i % 2 === 0 ? 'band_up' : 'rising',
      message: o.message?.(i) ?? `Customer ${customers[i % customers.length]} alert ${i}`,
      created_at: at,
    }));
    for (let i = 0; i < rows.length; i += 100) await db()('risk_alerts').insert(rows.slice(i, i + 100));
  }

  beforeAll(async () => {
    world = await panelWorld({ customers: 16 });
    runId = Number(
      (await db()('risk_score_runs').where({ realm_id: world.w.realmId }).orderBy('id', 'desc').first('id')).id,
    );
    customers = (
      await db()('customer_scores').where({ run_id: runId }).orderBy('customer_qbo_id').pluck('customer_qbo_id')
    ).map(String);
    await db()('risk_alerts').where({ realm_id: world.w.realmId }).delete();
  });
  afterAll(() => world.w.close());

  it('says what alerts are and when they appear while there are none', async () => {
    const page = await world.agent.get('/alerts');
    expect(page.status).toBe(200);
    expect(page.text).toContain('aria-current="page">Alerts</a>');
    expect(page.text).toContain('id="alerts-empty"');
    expect(page.text).toContain('moved to a riskier risk tier or whose risk score rose three runs in a row');
    expect(page.text).not.toContain('id="alerts-table"');
    expect(page.text).not.toMatch(/ style="/);
  });

  it('lists open alerts newest first, each linking to its customer, in pages with Older links', async () => {
    await addAlerts(2 * ALERTS_PAGE_SIZE + 3);
    const seen: number[] = [];
    let href: string | undefined = '/alerts';
    let pages = 0;
    while (href) {
      const page = await world.agent.get(href);
      expect(page.status).toBe(200);
      const ids = idsOn(page.text);
      seen.push(...ids);
      href = olderHref(page.text);
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen.length).toBe(2 * ALERTS_PAGE_SIZE + 3);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);
    const first = await world.agent.get('/alerts');
    expect(first.text).toContain(`${2 * ALERTS_PAGE_SIZE + 3} open · 0 acknowledged`);
    const newest = await db()('risk_alerts').where({ id: seen[0] }).first();
    expect(first.text).toContain(`<a href="/customers/${newest.customer_qbo_id}">${newest.message}</a>`);
    expect(first.text).toContain(`id="action-acknowledge-${seen[0]}"`);
    // The last page: no Older, a way back to the newest.
    const last = await world.agent.get(`/alerts?before=${seen[2 * ALERTS_PAGE_SIZE]}`);
    expect(idsOn(last.text)).toEqual(seen.slice(2 * ALERTS_PAGE_SIZE + 1));
    expect(last.text).not.toContain('id="page-older"');
    expect(last.text).toContain('href="/alerts" id="page-newest"');
    const past = await world.agent.get(`/alerts?before=${seen[seen.length - 1]}`);
    expect(past.status).toBe(200);
    expect(past.text).toContain('id="alerts-past-end"');
  });

  it('filters by kind and status, keeping the filters in the Older link', async () => {
    const rising = await world.agent.get('/alerts?kind=rising');
    expect(rising.status).toBe(200);
    const ids = idsOn(rising.text);
    expect(ids.length).toBe(ALERTS_PAGE_SIZE);
    const kinds = await db()('risk_alerts').whereIn('id', ids).distinct('kind');
    expect(kinds).toEqual([{ kind: 'rising' }]);
    expect(olderHref(rising.text)).toBe(`/alerts?kind=rising&before=${ids[ids.length - 1]}`);
    expect(rising.text).toContain('<option value="rising" selected>Rising score</option>');
    const acknowledged = await world.agent.get('/alerts?status=acknowledged');
    expect(acknowledged.text).toContain('id="alerts-none-match"');
    expect((await world.agent.get('/alerts?status=all&kind=band_up')).status).toBe(200);
    // What the filter form sends for "Any".
    expect((await world.agent.get('/alerts?status=open&kind=')).status).toBe(200);
  });

  it('answers bad parameters with a 400 that says what is allowed', async () => {
    const cases: Array<[string, RegExp]> = [
      ['/alerts?status=closed', /Unknown status &#34;closed&#34;: use one of open, acknowledged, all\./],
      ['/alerts?kind=late', /Unknown alert kind &#34;late&#34;: use one of band_up, rising\./],
      ['/alerts?before=abc', /Before &#34;abc&#34; is not an entry number/],
      ['/alerts?before=0', /not an entry number/],
      ['/alerts?before=-1', /not an entry number/],
      ['/alerts?status=open&status=all', /Give &#34;status&#34; once\./],
    ];
    for (const [url, message] of cases) {
      const res = await world.agent.get(url);
      expect(res.status, url).toBe(400);
      expect(res.text, url).toMatch(message);
    }
    const json = await world.agent.get('/alerts?status=closed').set('Accept', 'application/json');
    expect(json.body.error.code).toBe('validation_failed');
  });

  it('acknowledges one alert, with who and when, and records it in the activity log', async () => {
    const page = await world.agent.get('/alerts?kind=band_up');
    const id = idsOn(page.text)[0]!;
    const res = await world.agent
      .post(`/alerts/${id}/acknowledge`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), status: 'open', kind: 'band_up' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/alerts?kind=band_up&done=acknowledged#alerts-notice');
    const row = await db()('risk_alerts').where({ id }).first();
    expect(row.acknowledged_at).not.toBeNull();
    expect(row.acknowledged_by).toBe('Dana Demo');
    const [entry] = await world.w.t.container.activity.list(world.w.realmId, { kind: 'customer', limit: 1 });
    expect(entry).toMatchObject({
      actor: 'Dana Demo',
      summary: `Acknowledged the alert "${row.message}"`,
      customerId: row.customer_qbo_id,
      detail: { action: 'acknowledge_alert', alertId: id },
    });
    const after = await world.agent.get(res.headers.location!);
    expect(after.text).toContain('id="alerts-notice"');
    expect(after.text).toContain('Alert acknowledged.');
    expect(idsOn(after.text)).not.toContain(id);
    const done = await world.agent.get('/alerts?status=acknowledged');
    expect(idsOn(done.text)).toEqual([id]);
    expect(done.text).toContain('Acknowledged<span class="muted"> by Dana Demo');
    expect(done.text).not.toContain(`id="action-acknowledge-${id}"`);
    // Again: nothing to do, nothing logged.
    const count = async () =>
      Number(
        (await db()('activity_log').where({ realm_id: world.w.realmId, kind: 'customer' }).count({ n: '*' }).first())!
          .n,
      );
    const before = await count();
    const again = await world.agent
      .post(`/alerts/${id}/acknowledge`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), status: 'open' });
    expect(again.headers.location).toBe('/alerts?done=already-acknowledged#alerts-notice');
    expect(await count()).toBe(before);
  });

  it('acknowledges all the alerts shown, and only those', async () => {
    const page = await world.agent.get('/alerts?kind=rising');
    const ids = bulkIds(page.text);
    expect(ids.length).toBe(ALERTS_PAGE_SIZE);
    expect(page.text).toContain(`Acknowledge all shown (${ALERTS_PAGE_SIZE})`);
    const openBefore = Number(
      (await db()('risk_alerts')
        .where({ realm_id: world.w.realmId })
        .whereNull('acknowledged_at')
        .count({ n: '*' })
        .first())!.n,
    );
    const res = await world.agent
      .post('/alerts/acknowledge')
      .type('form')
      .send(
        `_csrf=${encodeURIComponent(csrfFrom(page.text))}&status=open&kind=rising&` +
          ids.map((i) => `ids=${i}`).join('&'),
      );
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/alerts?kind=rising&done=acknowledged-all#alerts-notice');
    const acknowledged = await db()('risk_alerts')
      .whereIn('id', ids.map(Number))
      .whereNotNull('acknowledged_at')
      .count({ n: '*' })
      .first();
    expect(Number(acknowledged!.n)).toBe(ALERTS_PAGE_SIZE);
    const openAfter = Number(
      (await db()('risk_alerts')
        .where({ realm_id: world.w.realmId })
        .whereNull('acknowledged_at')
        .count({ n: '*' })
        .first())!.n,
    );
    expect(openAfter).toBe(openBefore - ALERTS_PAGE_SIZE);
    const [entry] = await world.w.t.container.activity.list(world.w.realmId, { kind: 'customer', limit: 1 });
    expect(entry!.actor).toBe('Dana Demo');
    expect(entry!.summary).toMatch(
      new RegExp(`^Acknowledged ${ALERTS_PAGE_SIZE} alerts: .+; and ${ALERTS_PAGE_SIZE - 3} more$`),
    );
    expect((entry!.detail as { alertIds: number[] }).alertIds.length).toBe(ALERTS_PAGE_SIZE);
    // The rest of the rising alerts are now the first page.
    const next = await world.agent.get('/alerts?kind=rising');
    expect(idsOn(next.text).length).toBe(1);
  });

  it('refuses to acknowledge without a valid CSRF token, and answers bad input with 400 or 404', async () => {
    const page = await world.agent.get('/alerts');
    const csrf = csrfFrom(page.text);
    const id = idsOn(page.text)[0]!;
    expect((await world.agent.post(`/alerts/${id}/acknowledge`).type('form').send({})).status).toBe(403);
    expect(
      (
        await world.agent
          .post(`/alerts/${id}/acknowledge`)
          .type('form')
          .send({ _csrf: 'x'.repeat(csrf.length) })
      ).status,
    ).toBe(403);
    expect(
      (
        await world.agent
          .post('/alerts/acknowledge')
          .type('form')
          .send({ ids: String(id) })
      ).status,
    ).toBe(403);
    expect((await db()('risk_alerts').where({ id }).first()).acknowledged_at).toBeNull();
    expect((await world.agent.post('/alerts/999999/acknowledge').type('form').send({ _csrf: csrf })).status).toBe(404);
    expect((await world.agent.post('/alerts/abc/acknowledge').type('form').send({ _csrf: csrf })).status).toBe(404);
    const none = await world.agent.post('/alerts/acknowledge').type('form').send({ _csrf: csrf });
    expect(none.status).toBe(400);
    expect(none.text).toContain('no alert was shown to acknowledge');
    expect((await world.agent.post('/alerts/acknowledge').type('form').send({ _csrf: csrf, ids: 'abc' })).status).toBe(
      400,
    );
    expect(
      (
        await world.agent
          .post('/alerts/acknowledge')
          .type('form')
          .send({ _csrf: csrf, ids: String(id), status: 'closed' })
      ).status,
    ).toBe(400);
    expect(
      (await world.agent.post(`/alerts/${id}/acknowledge`).type('form').send({ _csrf: csrf, before: 'x' })).status,
    ).toBe(400);
    expect((await db()('risk_alerts').where({ id }).first()).acknowledged_at).toBeNull();
    expect((await newAgent(world.w.t.app).get('/alerts')).headers.location).toBe('/?next=%2Falerts');
  });

  it('shows a customer name in an alert as text', async () => {
    await addAlerts(1, { message: () => `${HOSTILE_NAME} moved from low to high risk` });
    const page = await world.agent.get('/alerts');
    expect(page.text).not.toContain(HOSTILE_NAME);
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; moved from low to high risk');
  });
});
