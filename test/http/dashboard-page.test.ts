import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCompany } from '../../server/emulator/generator/generate-company.js';
import { DEFAULT_RISK_POLICY } from '../../server/features/risk/domain/risk-policy.js';
import { fmt } from '../../server/http/view-helpers.js';
import { connectCompany, csrfFrom, newAgent, type Agent } from '../support/connect-helper.js';
import { syncWorld, type SyncWorld } from '../support/sync-harness.js';

const CHART_IDS = ['collection-rate', 'aging', 'risk-bands', 'score-histogram', 'invoice-by-tier', 'cash-forecast'];
const HOSTILE = '"><img src=x onerror=alert(1)><script>alert(1)</script>';

/** Every chart's JSON block on a page, parsed (throws on invalid JSON). */
function chartData(html: string): Map<
  string,
  {
    type: string;
    data: { labels: string[]; datasets: Array<{ label: string; data: Array<number | null> }> };
    format?: Record<string, string>;
  }
> {
  const blocks = new Map();
  for (const m of html.matchAll(/<script type="application\/json" id="chart-([a-z-]+)-data">([\s\S]*?)<\/script>/g))
    blocks.set(m[1], JSON.parse(m[2]!));
  return blocks;
}

function tileValue(html: string, id: string): string {
  const m = new RegExp(`id="tile-${id}">\\s*<dt>[^<]*</dt>\\s*<dd class="tile-value">([^<]*)</dd>`).exec(html);
  if (!m) throw new Error(`no tile ${id}`);
  return m[1]!;
}

/** The exported CSV as objects keyed by its header, read by the same library that reads credit-score uploads. */
function parseCsv(text: string): Array<Record<string, string>> {
  return parse(text, { columns: true }) as Array<Record<string, string>>;
}
const byCustomer = (rows: Array<Record<string, string>>) => new Map(rows.map((r) => [r.customer_id!, r]));

describe('the dashboard', () => {
  let w: SyncWorld;
  let agent: Agent;
  const file = generateCompany({ seed: 4, customers: 60, months: 24, asOf: '2026-10-31' });
  beforeAll(async () => {
    file.Customers[0]!.DisplayName = '<script>alert(1)</script>';
    w = await syncWorld({ file });
    agent = newAgent(w.t.app);
    await connectCompany(agent, w.realmId);
  });
  afterAll(() => w.close());

  it('sends signed-out visitors to sign in, and keeps the landing page for them', async () => {
    const visitor = newAgent(w.t.app);
    expect((await visitor.get('/dashboard')).headers.location).toBe('/?next=%2Fdashboard');
    const home = await visitor.get('/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('Connect to QuickBooks');
    expect((await visitor.get('/exports/customers.csv')).status).toBe(303);
    // No session, so no CSRF token: refused before anything is scored.
    expect((await visitor.post('/risk/score').type('form').send({})).status).toBe(403);
  });

  it('sends a signed-in user from "/" and from the old risk page to the dashboard', async () => {
    const home = await agent.get('/');
    expect(home.status).toBe(302);
    expect(home.headers.location).toBe('/dashboard');
    const risk = await agent.get('/risk');
    expect(risk.status).toBe(302);
    expect(risk.headers.location).toBe('/dashboard');
  });

  it('says what to do before the first score: sync first, wait for a running sync, then score', async () => {
    const never = await agent.get('/dashboard');
    expect(never.status).toBe(200);
    expect(never.text).toContain('id="dashboard-empty"');
    expect(never.text).toContain('Nothing has been synced from QuickBooks yet');
    expect(never.text).not.toContain('chart.umd.min.js'); // no charts, no chart library

    const runId = await w.t.container.syncStore.startRun(w.realmId, 'manual', 'full', new Date());
    const running = await agent.get('/dashboard');
    expect(running.text).toContain('A sync with QuickBooks is running');
    expect(running.text).toContain('href="/sync"');
    expect(running.text).not.toContain('action="/risk/score"');
    await w.t.container.syncStore.finishRun(runId, { status: 'failed', at: new Date(), errorMessage: 'test run' });

    await w.t.container.sync.sync(w.realmId);
    const ready = await agent.get('/dashboard');
    expect(ready.text).toContain('Not scored yet');
    expect(ready.text).not.toContain('Nothing has been synced');
    expect(ready.text).toMatch(
      /<form method="post" action="\/risk\/score"[^>]*>\s*<input type="hidden" name="_csrf" value="[^"]+">/,
    );
  });

  it('scores only with a CSRF token, records who asked, and lands on the dashboard', async () => {
    expect((await agent.post('/risk/score').type('form').send({})).status).toBe(403);
    expect(await w.t.container.scoreRuns.latestRun(w.realmId)).toBeUndefined();
    // Every customer with a balance and a payment rate under 100% is high risk:
    // the high-risk parts of the page fill up.
    const { version: _v, ...policy } = DEFAULT_RISK_POLICY;
    await w.t.container.riskPolicies.savePolicy(
      w.realmId,
      { ...policy, highRisk: { paymentRateBelow: 100, balanceAboveCents: 0 } },
      new Date(),
    );
    const res = await agent
      .post('/risk/score')
      .type('form')
      .send({ _csrf: csrfFrom((await agent.get('/dashboard')).text) });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/dashboard');
    const activity = await w.t.container
      .db('activity_log')
      .where({ realm_id: w.realmId, kind: 'score' })
      .orderBy('id', 'desc')
      .first();
    expect(activity.actor).toBe('Dana Demo');
  });

  it('says in words how the run was scored and with which policy, and what its customer count counts', async () => {
    const page = await agent.get('/dashboard');
    // Scored by Score now under the policy saved above (version 2), times in the company's zone (Los Angeles).
    const when = String.raw`\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} P[SD]T`;
    expect(page.text).toMatch(
      new RegExp(
        `id="dashboard-run">As of 31 Oct 2026 · scored on request, ${when} · ` + `using the policy saved ${when}`,
      ),
    );
    expect(page.text).not.toContain('policy version');
    expect(page.text).not.toContain('(manual)');
    // The generated company's own list: jobs roll up into their parents, inactive customers are scored too.
    const jobs = file.Customers.filter((c) => c.ParentRef).length;
    const inactive = file.Customers.filter((c) => !c.ParentRef && c.Active === false).length;
    expect(jobs).toBeGreaterThan(0);
    const scored = file.Customers.length - jobs;
    const run = (await w.t.container.scoreRuns.latestRun(w.realmId))!;
    const { bands } = await w.t.container.scoreRuns.runDistribution(w.realmId, run.id);
    expect(bands.low + bands.medium + bands.high + bands.unscored).toBe(scored);
    expect(page.text).toContain(
      `<p class="muted" id="dashboard-customers-counted">${file.Customers.length} customers in QuickBooks: ` +
        `${scored} scored (${scored - inactive} active, ${inactive} marked inactive in QuickBooks) and ${jobs} ` +
        `${jobs === 1 ? 'job, whose invoices count under its' : 'jobs, whose invoices count under their'} ` +
        'parent customer.</p>',
    );
  });

  it('shows tiles, the trend in words, each chart with valid JSON, a label stating its point, a table', async () => {
    const page = await agent.get('/dashboard');
    expect(page.status).toBe(200);
    const run = (await w.t.container.scoreRuns.latestRunDetails(w.realmId))!;
    const co = run.company;
    expect(tileValue(page.text, 'total-ar')).toBe(fmt.cents(co.totals.outstandingCents));
    expect(tileValue(page.text, 'overdue')).toBe(fmt.cents(co.totals.overdueCents));
    expect(tileValue(page.text, 'high-risk')).toBe(fmt.cents(co.highRisk.exposureCents));
    expect(tileValue(page.text, 'dso')).toBe(co.dso === null ? '—' : `${fmt.number(co.dso, 1)} days`);
    expect(page.text).toContain(`Best possible ${fmt.number(co.bestPossibleDso, 1)} days`);
    expect(page.text).toMatch(
      /id="collection-trend">[\s\S]*?Collection rate (has fallen|fell|has risen|rose|held steady|was)/,
    );
    expect(page.text).toContain('<script src="/assets/vendor/chart.umd.min.js" defer></script>');
    expect(page.text).toContain('<script src="/assets/js/charts.js" defer></script>');
    expect(page.text).toContain('href="/assets/css/dashboard.css"');
    expect(page.text).toMatch(/<a href="\/dashboard" aria-current="page">Dashboard<\/a>/);

    const charts = chartData(page.text);
    expect([...charts.keys()].sort()).toEqual([...CHART_IDS].sort());
    for (const id of CHART_IDS) {
      const config = charts.get(id)!;
      expect(config.type, id).toBe('bar');
      expect(config.data.datasets.length, id).toBeGreaterThan(0);
      for (const d of config.data.datasets) expect(d.data.length, `${id} ${d.label}`).toBe(config.data.labels.length);
      expect(page.text, id).toMatch(
        new RegExp(`<canvas id="chart-${id}" data-chart="chart-${id}-data" role="img" aria-label="[^"]{20,}"`),
      );
      expect(page.text, id).toContain(`<table class="table" id="table-${id}">`);
    }
    // The figures are the run's: aging adds up to the receivables, the forecast months are the run's.
    const aging = charts.get('aging')!.data.datasets[0]!.data as number[];
    expect(Math.round(aging.reduce((s, v) => s + v, 0) * 100)).toBe(co.totals.outstandingCents);
    expect(charts.get('collection-rate')!.data.datasets[0]!.data).toEqual(co.collectionRates.map((r) => r.rate));
    expect(charts.get('cash-forecast')!.data.datasets[0]!.data).toEqual(
      co.forecast.months.map((m) => m.expectedCents / 100),
    );
    const bands = charts.get('risk-bands')!.data.datasets[0]!.data as number[];
    const customers = Number(
      (await w.t.container.db('customer_scores').where({ run_id: run.id }).count({ n: '*' }).first())!.n,
    );
    expect(bands.reduce((s, n) => s + n, 0)).toBe(customers);
    expect(charts.get('invoice-by-tier')!.data.labels).toEqual([
      'High profitability',
      'Medium profitability',
      'Low profitability',
    ]);
    expect(page.text).toContain(`Expected never to be collected: ${fmt.cents(co.forecast.neverCollectedCents)}`);

    for (const id of ['table-high-risk', 'table-strategies', 'table-clusters', 'card-model', 'card-downloads'])
      expect(page.text, id).toContain(`id="${id}"`);
    // Plain words first, the statistics folded below; the backtest of the score sits on the same card.
    expect(page.text).toMatch(
      /id="model-ranking">Ranks invoices [^<]+ times in 100\.|Too little history for the model/,
    );
    expect(page.text).toMatch(
      /<details id="model-details">\s*<summary>Technical details<\/summary>[\s\S]*?AUC|Too little history/,
    );
    expect(co.scoreBacktest?.scoredAsOf).toBeDefined();
    expect(co.scoreBacktest!.scoredAsOf).toBe('2026-04-30');
    expect(page.text).toContain('Scored as of 30 Apr 2026');
    for (const href of [
      '/exports/customers.csv',
      '/exports/invoices.json',
      '/exports/company.csv',
      '/exports/clusters.json',
    ])
      expect(page.text).toContain(`href="${href}"`);
  });

  it('names each high-risk group by the strategy it really has; strategy table rows add up to totals', async () => {
    const page = await agent.get('/dashboard');
    const run = (await w.t.container.scoreRuns.latestRunDetails(w.realmId))!;
    const co = run.company;
    expect(co.highRisk.count).toBeGreaterThan(0);
    const summary = /id="high-risk-summary">([\s\S]*?)<\/p>/.exec(page.text)![1]!.replace(/\s+/g, ' ');
    const highCell = DEFAULT_RISK_POLICY.strategies.byCell.high;
    expect(summary).toContain(
      `${co.highRisk.segments['Strategic retention']} highly profitable to keep through ${highCell.High}`,
    );
    expect(summary).toContain(
      `${co.highRisk.segments['Active collection']} of low profitability under ${highCell.Low}`,
    );
    // Every high-risk customer's saved strategy is its High-tier cell's: the sentence and the rows agree.
    const rows = await w.t.container
      .db('customer_scores')
      .where({ run_id: run.id, high_risk: true })
      .select('stable_band', 'profitability_tier', 'strategy');
    for (const r of rows) {
      expect(r.stable_band).toBe('high');
      expect(r.strategy).toBe(
        DEFAULT_RISK_POLICY.strategies.byCell.high[r.profitability_tier as 'High' | 'Medium' | 'Low'],
      );
    }
    const cells = (id: string) => {
      const table = new RegExp(`<table class="table" id="${id}">([\\s\\S]*?)</table>`).exec(page.text)![1]!;
      const row = (tr: string) => [...tr.matchAll(/<td class="num">([^<]*)<\/td>/g)].map((m) => m[1]!);
      const body = /<tbody>([\s\S]*?)<\/tbody>/
        .exec(table)![1]!
        .split('</tr>')
        .filter((tr) => tr.includes('<td'))
        .map(row);
      return { body, total: row(/<tfoot>([\s\S]*?)<\/tfoot>/.exec(table)![1]!) };
    };
    // Amounts to the cent (and counts), so that the rows can add up exactly to the total row.
    const count = (v: string) => Math.round(Number(v.replace(/[$,%]/g, '')) * 100) / 100;
    for (const id of ['table-strategies', 'table-invoice-strategies']) {
      const { body, total } = cells(id);
      expect(body).toHaveLength(5);
      // Counts and amounts add up to the total row; the total customers are all of them, the open invoices all of them.
      for (const col of [0, 1])
        expect(Math.round(body.reduce((n, r) => n + count(r[col]!), 0) * 100), `${id} column ${col}`).toBe(
          Math.round(count(total[col]!) * 100),
        );
    }
    expect(count(cells('table-strategies').total[0]!)).toBe(
      Number((await w.t.container.db('customer_scores').where({ run_id: run.id }).count({ n: '*' }).first())!.n),
    );
    expect(count(cells('table-strategies').total[4]!)).toBe(co.strategies.invoices.reduce((n, s) => n + s.count, 0));
    expect(count(cells('table-invoice-strategies').total[0]!)).toBe(
      co.strategies.invoices.reduce((n, s) => n + s.count, 0),
    );
  });

  it('keeps the run’s company figures small: open invoices and cluster assignments have own rows', async () => {
    const row = await w.t.container.db('risk_score_runs').where({ realm_id: w.realmId }).orderBy('id', 'desc').first();
    const company = JSON.parse(row.company_json);
    expect(company.openInvoices).toBeUndefined();
    expect(company.customers).toBeUndefined();
    expect(company.clusters.assignments).toBeUndefined();
    expect(company.panel.avgInvoiceByTier.map((t: { tier: string }) => t.tier)).toEqual(['High', 'Medium', 'Low']);
    expect(
      Number((await w.t.container.db('invoice_scores').where({ run_id: row.id }).count({ n: '*' }).first())!.n),
    ).toBeGreaterThan(0);
    expect(
      Number(
        (await w.t.container
          .db('customer_scores')
          .where({ run_id: row.id })
          .whereNotNull('cluster_id')
          .count({ n: '*' })
          .first())!.n,
      ),
    ).toBeGreaterThan(0);
  });

  it('shows a hostile customer name as text', async () => {
    // The customer with the largest high-risk balance gets a name that would run as script if not escaped.
    const run = (await w.t.container.scoreRuns.latestRun(w.realmId))!;
    const top = await w.t.container
      .db('customer_scores')
      .where({ run_id: run.id, high_risk: true })
      .orderBy([{ column: 'outstanding_cents', order: 'desc' }, { column: 'customer_qbo_id' }])
      .first();
    expect(top).toBeDefined();
    const customer = w.company.read('Customer', String(top.customer_qbo_id));
    w.company.update(
      'Customer',
      { Id: customer.Id, SyncToken: customer.SyncToken, sparse: true, DisplayName: HOSTILE },
      true,
    );
    w.emulator.clock.advance(60_000);
    await w.t.container.sync.sync(w.realmId);
    await w.t.container.risk.score(w.realmId, { trigger: 'manual' });

    const page = await agent.get('/dashboard');
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('<script>alert(1)</script>');
    expect(page.text).not.toContain('<img src=x');
    expect(page.text).toContain('&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    // Every script on the page is either a file of the app's own or a JSON data block.
    for (const tag of page.text.match(/<script\b[^>]*>/g) ?? [])
      expect(tag).toMatch(/^<script (src="\/assets\/[^"]+" defer|type="application\/json" id="chart-[a-z-]+-data")>$/);
    // No inline style or event handler in any tag (the CSP would block them; escaped text does not count).
    expect(page.text).not.toMatch(/<[a-z][^>]*\sstyle=/i);
    expect(page.text).not.toMatch(/<[a-z][^>]*\son[a-z]+=/i);
  });

  it('never answers 500 to odd query strings', async () => {
    for (const q of [
      '?run=abc',
      '?x[y][z]=1&x=2',
      '?__proto__[polluted]=1',
      '?%ff=%fe',
      `?q=${'a'.repeat(5000)}`,
      '?sort=;drop table risk_score_runs',
    ]) {
      const res = await agent.get(`/dashboard${q}`);
      expect(res.status, q).toBe(200);
    }
    expect((await agent.get('/risk?x[y]=1')).status).toBe(302);
  });

  it('still shows a run written before the dashboard (open invoices inside, no panel summary)', async () => {
    const latest = await w.t.container
      .db('risk_score_runs')
      .where({ realm_id: w.realmId })
      .orderBy('id', 'desc')
      .first();
    const { panel: _panel, ...company } = JSON.parse(latest.company_json);
    const old = {
      ...company,
      openInvoices: [{ invoiceId: '1', openCents: 100 }],
      clusters: { ...company.clusters, assignments: { 1: 0 } },
    };
    await w.t.container.db('risk_score_runs').insert({
      realm_id: w.realmId,
      as_of: latest.as_of,
      policy_version: latest.policy_version,
      trigger: 'nightly',
      created_at: new Date(),
      company_json: JSON.stringify(old),
    });
    const page = await agent.get('/dashboard');
    expect(page.status).toBe(200);
    expect(page.text).toContain('This score run was made before this chart existed');
    expect(page.text).toContain('id="chart-risk-bands-empty"'); // that run has no customer rows
    expect(page.text).toContain('id="chart-aging"');
    const details = await w.t.container.scoreRuns.latestRunDetails(w.realmId);
    expect(details!.company).not.toHaveProperty('openInvoices');
    expect(details!.company.clusters).not.toHaveProperty('assignments');
  });

  it('downloads the saved run: the customers export agrees with the list; a sync alone changes neither', async () => {
    const { runId } = await w.t.container.risk.score(w.realmId, { trigger: 'manual' });
    const exported = byCustomer(parseCsv((await agent.get('/exports/customers.csv')).text));
    const listed = byCustomer(parseCsv((await agent.get('/customers.csv')).text));
    expect([...exported.keys()].sort()).toEqual([...listed.keys()].sort());
    const shared = [
      'name',
      'risk_score',
      'raw_risk_score',
      'risk_tier',
      'meets_high_risk_rule',
      'outstanding',
      'profitability_tier',
      'strategy',
      'cluster',
    ];
    for (const [id, row] of exported)
      for (const column of shared) expect(row[column], `${id} ${column}`).toBe(listed.get(id)![column]);
    expect([...exported.values()].every((r) => r.as_of === '2026-10-31' && r.what_if === 'false')).toBe(true);
    const company = JSON.parse((await agent.get('/exports/company.json')).text) as Array<{
      metric: string;
      value: unknown;
    }>;
    expect(company.slice(0, 3)).toEqual([
      { metric: 'as_of', value: '2026-10-31' },
      { metric: 'what_if', value: false },
      { metric: 'score_run_id', value: runId },
    ]);

    const [id, before] = [...exported].find(([, r]) => r.name !== '' && !r.name!.startsWith("'"))!;
    const customer = w.company.read('Customer', id);
    w.company.update(
      'Customer',
      { Id: customer.Id, SyncToken: customer.SyncToken, sparse: true, DisplayName: 'Renamed After The Run' },
      true,
    );
    w.emulator.clock.advance(60_000);
    await w.t.container.sync.sync(w.realmId);
    expect(byCustomer(parseCsv((await agent.get('/exports/customers.csv')).text)).get(id)!.name).toBe(before.name);
  });

  it('downloads CSV and JSON, with names escaped and formulas defused', async () => {
    const csv = await agent.get('/exports/customers.csv');
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(
      /attachment; filename="?duesense-customers-\d{4}-\d{2}-\d{2}\.csv"?/,
    );
    expect(csv.text.split('\r\n')[0]).toMatch(/^customer_id,name,active,risk_score/);
    const invoices = await agent.get('/exports/invoices.json');
    const rows = JSON.parse(invoices.text) as Array<{ invoice_id: string; late_probability: number }>;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.late_probability >= 0 && r.late_probability <= 1)).toBe(true);
    expect((await agent.get('/exports/secrets.csv')).status).toBe(404);
  });
});
