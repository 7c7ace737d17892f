import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldForSearch } from '../../server/shared/search-text.js';
import { newAgent } from '../support/connect-helper.js';
import {
  FORMULA_NAME,
  HOSTILE_NAME,
  LOOKALIKE_NAME,
  WILDCARD_NAME,
  panelWorld,
  scoreTwice,
} from '../integration/panel/panel-world.js';

type World = Awaited<ReturnType<typeof panelWorld>>;
interface Scored {
  id: string;
  name: string;
  smoothed: number | null;
  band: string | null;
  strategy: string;
  cluster: number | null;
  tier: string;
  highRisk: boolean;
  outstanding: number;
  overdue: number;
  rate: number | null;
  profit: number;
}

/** The customer ids of the list's rows, in page order. */
const idsOn = (html: string): string[] =>
  [...html.matchAll(/<th scope="row" class="cust-name"><a href="\/customers\/([^"]+)"/g)].map((m) =>
    decodeURIComponent(m[1]!),
  );
const unescape = (s: string) =>
  s.replace(/&amp;/g, '&').replace(/&#34;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');

describe('the customer list', () => {
  let world: World;
  let all: Scored[];

  beforeAll(async () => {
    world = await panelWorld({ score: false });
  });
  afterAll(() => world.w.close());

  it('before the first score run, says so and points to the dashboard to score now', async () => {
    const page = await world.agent.get('/customers');
    expect(page.status).toBe(200);
    expect(page.text).toContain('id="customers-no-run"');
    expect(page.text).toContain('No scores yet');
    expect(page.text).toMatch(/<a class="btn btn-primary" id="customers-score-now" href="\/dashboard">/);
    expect((await world.agent.get('/customers.csv')).status).toBe(404);
    // Parameters are checked before there is a run too (a cluster only once there are clusters to check it against).
    expect((await world.agent.get('/customers?sort=nonsense')).status).toBe(400);
    expect((await world.agent.get('/customers?cluster=3&risk=high')).status).toBe(200);

    await scoreTwice(world.w);
    const { db } = world.w.t.container;
    const run = await db('risk_score_runs').where({ realm_id: world.w.realmId }).orderBy('id', 'desc').first('id');
    all = (await db('customer_scores').where({ run_id: run.id })).map((r: Record<string, unknown>) => ({
      id: String(r.customer_qbo_id),
      name: String(r.display_name),
      smoothed: r.smoothed_score === null ? null : Number(r.smoothed_score),
      band: (r.stable_band as string | null) ?? null,
      strategy: String(r.strategy),
      cluster: r.cluster_id === null ? null : Number(r.cluster_id),
      tier: String(r.profitability_tier),
      highRisk: Boolean(r.high_risk),
      outstanding: Number(r.outstanding_cents),
      overdue: Number(r.overdue_cents),
      rate: r.payment_rate === null ? null : Number(r.payment_rate),
      profit: Number(r.gross_profit_cents),
    }));
    expect(all.length).toBeGreaterThan(50);
  });

  /** The expected order: the key, missing values last in either direction, then the customer id the same way. */
  function sorted(rows: Scored[], key: (r: Scored) => number | string | null, dir: 'asc' | 'desc'): string[] {
    const sign = dir === 'asc' ? 1 : -1;
    return [...rows]
      .sort((a, b) => {
        const ka = key(a);
        const kb = key(b);
        if (ka === null || kb === null)
          return ka === kb ? sign * (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : ka === null ? 1 : -1;
        if (ka !== kb) return sign * (ka < kb ? -1 : 1);
        return sign * (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
      })
      .map((r) => r.id);
  }

  it('shows the riskiest customers first, 25 a page, with sort headers as links that carry aria-sort', async () => {
    const page = await world.agent.get('/customers');
    expect(page.status).toBe(200);
    expect(page.text).toContain('id="customers-table"');
    expect(page.text).toContain('id="customer-filters"');
    expect(idsOn(page.text)).toEqual(sorted(all, (r) => r.smoothed, 'desc').slice(0, 25));
    expect(page.text).toMatch(
      /<th scope="col" class="sortable num" aria-sort="descending"><a id="sort-score" href="\/customers\?sort=score&amp;dir=asc">/,
    );
    // The other headers have no aria-sort and sort their own way first (names A–Z, figures largest first).
    expect(page.text).toMatch(
      /<th scope="col" class="sortable "><a id="sort-name" href="\/customers\?sort=name&amp;dir=asc">/,
    );
    expect(page.text).toMatch(/<a id="sort-outstanding" href="\/customers\?sort=outstanding&amp;dir=desc">/);
    expect(page.text).toContain(`${all.length} customers · scores as of 31 Oct 2026`);
    expect(page.text).toContain('id="page-next"');
    expect(page.text).not.toContain('id="page-prev"');
  });

  it('sorts by every column both ways, the same as sorting every row in memory', async () => {
    const keys: Record<string, (r: Scored) => number | string | null> = {
      name: (r) => foldForSearch(r.name),
      score: (r) => r.smoothed,
      outstanding: (r) => r.outstanding,
      overdue: (r) => r.overdue,
      paymentRate: (r) => r.rate,
      grossProfit: (r) => r.profit,
    };
    for (const [sort, key] of Object.entries(keys)) {
      for (const dir of ['asc', 'desc'] as const) {
        const page = await world.agent.get(`/customers?sort=${sort}&dir=${dir}&size=100`);
        expect(page.status, `${sort} ${dir}`).toBe(200);
        expect(idsOn(page.text), `${sort} ${dir}`).toEqual(sorted(all, key, dir));
        expect(page.text).toContain(`aria-sort="${dir === 'asc' ? 'ascending' : 'descending'}"><a id="sort-${sort}"`);
      }
    }
    // Without a direction, names go A–Z and figures largest first.
    expect(idsOn((await world.agent.get('/customers?sort=name&size=100')).text)).toEqual(
      sorted(all, keys.name!, 'asc'),
    );
    expect(idsOn((await world.agent.get('/customers?sort=overdue&size=100')).text)).toEqual(
      sorted(all, keys.overdue!, 'desc'),
    );
  });

  it('filters by tier, strategy, cluster, profitability, high risk, alone and together, kept in links', async () => {
    const check = async (qs: string, keep: (r: Scored) => boolean) => {
      const page = await world.agent.get(`/customers?${qs}&size=100`);
      expect(page.status, qs).toBe(200);
      const want = sorted(all.filter(keep), (r) => r.smoothed, 'desc');
      expect(idsOn(page.text), qs).toEqual(want);
      return { page, want };
    };
    await check('risk=high', (r) => r.band === 'high');
    await check('risk=low', (r) => r.band === 'low');
    await check('strategy=ar-follow-up', (r) => r.strategy === 'AR follow-up');
    await check('strategy=credit-restriction', (r) => r.strategy === 'Credit restriction');
    await check('profit=high', (r) => r.tier === 'High');
    await check('highRisk=1', (r) => r.highRisk);
    const cluster = all.find((r) => r.cluster !== null)!.cluster!;
    await check(`cluster=${cluster}`, (r) => r.cluster === cluster);
    const { page, want } = await check('risk=high&profit=low', (r) => r.band === 'high' && r.tier === 'Low');
    expect(want.length).toBeGreaterThan(0);
    expect(page.text).toContain(`${want.length} ${want.length === 1 ? 'customer' : 'customers'} match`);
    // Sort links and the pager keep the filters; the form shows them selected; sorting keeps them too.
    expect(page.text).toMatch(
      /id="sort-name" href="\/customers\?risk=high&amp;profit=low&amp;sort=name&amp;dir=asc&amp;size=100"/,
    );
    expect(page.text).toMatch(/<option value="high" selected>High<\/option>/);
    expect(page.text).toContain('id="filter-clear"');
    const sortedByName = await world.agent.get('/customers?risk=high&profit=low&sort=name&dir=asc&size=100');
    expect(sortedByName.text).toMatch(/<input type="hidden" name="sort" value="name">/);
    expect(idsOn(sortedByName.text)).toEqual(
      sorted(
        all.filter((r) => r.band === 'high' && r.tier === 'Low'),
        (r) => r.name.toLowerCase(),
        'asc',
      ),
    );
    // Empty values are what the form sends for "Any": they filter nothing.
    expect(idsOn((await world.agent.get('/customers?q=&risk=&strategy=&cluster=&profit=&size=100')).text)).toHaveLength(
      all.length,
    );
  });

  it('searches names case-insensitively, with % and _ in the search taken literally', async () => {
    const hostile = await world.agent.get('/customers?q=SCRIPT%3Ealert');
    expect(idsOn(hostile.text)).toEqual([world.names.hostile]);
    const wildcard = await world.agent.get(`/customers?q=${encodeURIComponent('0% pure_w')}`);
    expect(idsOn(wildcard.text)).toEqual([world.names.wildcard]);
    expect(all.find((r) => r.id === world.names.lookalike)!.name).toBe(LOOKALIKE_NAME);
    expect(idsOn((await world.agent.get('/customers?q=%25')).text)).toEqual([world.names.wildcard]);
    expect(idsOn((await world.agent.get('/customers?q=_')).text)).toEqual([world.names.wildcard]);
    // The search box keeps what was typed.
    expect(wildcard.text).toContain('value="0% pure_w"');
  });

  it('shows a no-match state with a link that clears the filters but keeps the sort', async () => {
    const page = await world.agent.get('/customers?q=no-such-customer-anywhere&risk=high&sort=name&dir=asc');
    expect(page.status).toBe(200);
    expect(page.text).toContain('id="customers-no-match"');
    expect(page.text).toContain('No customer matches these filters.');
    expect(page.text).toMatch(/id="customers-clear-filters" href="\/customers\?sort=name&amp;dir=asc"/);
    expect(page.text).not.toContain('id="customers-table"');
  });

  it('pages in SQL: page sizes 25, 50 and 100, a partial last page, a page past the end with a link back', async () => {
    const order = sorted(all, (r) => r.smoothed, 'desc');
    const second = await world.agent.get('/customers?size=25&page=2');
    expect(idsOn(second.text)).toEqual(order.slice(25, 50));
    expect(second.text).toContain(`Showing 26–50 of ${all.length}`);
    expect(second.text).toMatch(/id="page-prev" rel="prev" href="\/customers"/);
    const lastPage = Math.ceil(all.length / 25);
    const last = await world.agent.get(`/customers?page=${lastPage}`);
    expect(idsOn(last.text)).toEqual(order.slice((lastPage - 1) * 25));
    expect(last.text).not.toContain('id="page-next"');
    expect(idsOn((await world.agent.get('/customers?size=50')).text)).toEqual(order.slice(0, 50));
    expect(idsOn((await world.agent.get('/customers?size=100')).text)).toEqual(order);
    const past = await world.agent.get(`/customers?page=${lastPage + 1}&risk=`);
    expect(past.status).toBe(200);
    expect(past.text).toContain('id="customers-past-end"');
    expect(past.text).toContain(`Page ${lastPage + 1} is past the end of the list`);
    expect(past.text).toMatch(new RegExp(`id="customers-last-page" href="/customers\\?page=${lastPage}"`));
    expect((await world.agent.get('/customers?page=999999999')).status).toBe(200);
  });

  it('answers bad parameters with a 400 that says what is allowed, never a 500', async () => {
    const cases: Array<[string, RegExp]> = [
      [
        'sort=colour',
        /Unknown sort &#34;colour&#34;: use one of name, score, outstanding, overdue, paymentRate, grossProfit\./,
      ],
      ['dir=up', /Unknown sort direction &#34;up&#34;: use one of asc, desc\./],
      ['page=0', /Page &#34;0&#34; is not a page number: use a whole number from 1\./],
      ['page=-1', /Page &#34;-1&#34; is not a page number/],
      ['page=abc', /Page &#34;abc&#34; is not a page number/],
      ['page=1.5', /Page &#34;1.5&#34; is not a page number/],
      ['page=99999999999999999999', /is not a page number/],
      ['size=30', /Page size &#34;30&#34; is not offered: use 25, 50, 100\./],
      ['size=lots', /Page size &#34;lots&#34; is not offered/],
      [
        'strategy=shouting',
        /Unknown strategy &#34;shouting&#34;: use one of standard, loyalty, send-reminders, ar-follow-up, credit-restriction\./,
      ],
      ['risk=extreme', /Unknown risk tier &#34;extreme&#34;: use one of low, medium, high\./],
      ['profit=huge', /Unknown profitability tier &#34;huge&#34;: use one of high, medium, low\./],
      ['cluster=99', /Unknown cluster &#34;99&#34;: use one of 0 \(/],
      ['cluster=abc', /Unknown cluster &#34;abc&#34;/],
      ['highRisk=maybe', /&#34;highRisk&#34; is &#34;maybe&#34;: use 1 for high-risk customers only/],
      ['sort=name&sort=score', /Give &#34;sort&#34; once\./],
      [`q=${'x'.repeat(101)}`, /use at most 100/],
    ];
    for (const [qs, message] of cases) {
      const res = await world.agent.get(`/customers?${qs}`);
      expect(res.status, qs).toBe(400);
      expect(res.text, qs).toMatch(message);
      expect(res.text, qs).toContain('The customer list cannot show that.');
      const csv = await world.agent.get(`/customers.csv?${qs}`);
      expect(csv.status, `csv ${qs}`).toBe(400);
    }
    // Several problems at once are all named.
    const many = await world.agent.get('/customers?sort=colour&page=0');
    expect(many.text).toMatch(/Unknown sort.*Page &#34;0&#34;/s);
    // As JSON for clients that ask for it.
    const json = await world.agent.get('/customers?dir=sideways').set('Accept', 'application/json');
    expect(json.status).toBe(400);
    expect(json.body.error.code).toBe('validation_failed');
  });

  it('escapes every name: a customer called <script>alert(1)</script> shows as text', async () => {
    const page = await world.agent.get('/customers?q=alert');
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.text).not.toContain(HOSTILE_NAME);
    const search = await world.agent.get(`/customers?q=${encodeURIComponent('"><script>x</script>')}`);
    expect(search.status).toBe(200);
    expect(search.text).not.toContain('<script>x</script>');
    expect(search.text).toContain('value="&#34;&gt;&lt;script&gt;x&lt;/script&gt;"');
  });

  it('downloads the CSV of what is shown: same filters and order, every matching row, formulas defused', async () => {
    const csv = await world.agent.get('/customers.csv?sort=name&dir=asc');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="?duesense-customers-2026-10-31\.csv"?$/);
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'customer_id,name,risk_score,raw_risk_score,risk_tier,meets_high_risk_rule,outstanding,overdue,' +
        'payment_rate_pct,gross_profit,profitability_tier,strategy,cluster,recommended_credit_limit',
    );
    expect(lines).toHaveLength(all.length + 1); // every row, not one page
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(sorted(all, (r) => r.name.toLowerCase(), 'asc'));
    const formula = lines.find((l) => l.startsWith(`${world.names.formula},`))!;
    expect(formula).toContain(`"'${FORMULA_NAME.replace(/"/g, '""')}"`);
    expect(lines.find((l) => l.startsWith(`${world.names.hostile},`))).toContain(HOSTILE_NAME);
    expect(lines.find((l) => l.startsWith(`${world.names.wildcard},`))).toContain(WILDCARD_NAME);

    const filtered = await world.agent.get('/customers.csv?risk=high&page=1&size=25');
    const rows = filtered.text.trimEnd().split('\r\n').slice(1);
    expect(rows.map((l) => l.split(',')[0])).toEqual(
      sorted(
        all.filter((r) => r.band === 'high'),
        (r) => r.smoothed,
        'desc',
      ),
    );
    // The download link on the page carries the page's filters and sort (not its page).
    const page = await world.agent.get('/customers?risk=high&sort=overdue&dir=asc&page=2');
    expect(unescape(/id="customers-csv" href="([^"]+)"/.exec(page.text)![1]!)).toBe(
      '/customers.csv?risk=high&sort=overdue&dir=asc',
    );
  });

  it('needs a signed-in user with a company: a stranger is sent to sign in', async () => {
    const stranger = newAgent(world.w.t.app);
    expect((await stranger.get('/customers')).headers.location).toBe('/?next=%2Fcustomers');
    expect((await stranger.get('/customers.csv')).headers.location).toBe('/?next=%2Fcustomers.csv');
  });
});
