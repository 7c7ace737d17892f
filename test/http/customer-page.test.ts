import { DEFAULT_RISK_POLICY } from '../../server/features/risk/domain/risk-policy.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATED_USERS } from '../../server/emulator/oauth/oauth-users.js';
import { csrfFrom, newAgent } from '../support/connect-helper.js';
import { HOSTILE_NAME, panelWorld } from '../integration/panel/panel-world.js';
import type { CustomerLabelPayload } from '../../server/features/writeback/domain/entity-changes.js';

type World = Awaited<ReturnType<typeof panelWorld>>;

const jsonBlock = (
  html: string,
  id: string,
): { type: string; data: { labels: string[]; datasets: Array<{ label: string; data: Array<number | null> }> } } => {
  const m = new RegExp(`<script type="application/json" id="${id}">([^<]*)</script>`).exec(html);
  if (!m) throw new Error(`no JSON block ${id}`);
  return JSON.parse(m[1]!);
};
const ariaLabelOf = (html: string, canvasId: string) =>
  new RegExp(`<canvas id="${canvasId}" data-chart="[^"]+" role="img" aria-label="([^"]+)"`).exec(html)?.[1];

describe('a customer page', () => {
  let world: World;
  /** A top-level customer with at least one job, and the one with the most open invoices. */
  let parent: { id: string; jobs: string[] };
  let busiest: string;

  beforeAll(async () => {
    world = await panelWorld();
    const { db } = world.w.t.container;
    const jobs = await db('qbo_customers')
      .where({ realm_id: world.w.realmId })
      .whereNotNull('parent_qbo_id')
      .select('qbo_id', 'parent_qbo_id');
    const byParent = new Map<string, string[]>();
    for (const j of jobs)
      byParent.set(String(j.parent_qbo_id), [...(byParent.get(String(j.parent_qbo_id)) ?? []), String(j.qbo_id)]);
    const withInvoices = await db('qbo_invoices')
      .where({ realm_id: world.w.realmId })
      .whereIn(
        'customer_qbo_id',
        jobs.map((j: { qbo_id: string }) => j.qbo_id),
      )
      .distinct('customer_qbo_id');
    const jobWithInvoices = String(withInvoices[0]!.customer_qbo_id);
    const parentId = String(jobs.find((j: { qbo_id: string }) => String(j.qbo_id) === jobWithInvoices)!.parent_qbo_id);
    parent = { id: parentId, jobs: byParent.get(parentId)! };
    const run = await db('risk_score_runs').where({ realm_id: world.w.realmId }).orderBy('id', 'desc').first('id');
    busiest = String(
      (
        (await db('invoice_scores')
          .where({ run_id: run.id })
          .groupBy('customer_qbo_id')
          .select('customer_qbo_id')
          .count({ n: '*' })
          .orderBy('n', 'desc')
          .first()) as { customer_qbo_id: string }
      ).customer_qbo_id,
    );
  });
  afterAll(() => world.w.close());

  it('shows the stabilised and raw score, the band and its reasons in words, the suggested credit limit', async () => {
    const { db } = world.w.t.container;
    const run = await db('risk_score_runs').where({ realm_id: world.w.realmId }).orderBy('id', 'desc').first('id');
    const row = await db('customer_scores').where({ run_id: run.id, customer_qbo_id: busiest }).first();
    const page = await world.agent.get(`/customers/${busiest}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`<span class="score-value">${Math.round(Number(row.smoothed_score))}</span>`);
    expect(page.text).toContain(`This run alone: ${Math.round(Number(row.score))}`);
    expect(page.text).toContain(`band-${row.stable_band}`);
    const reasons = JSON.parse(row.reasons_json) as Array<{ text: string }>;
    expect(reasons.length).toBeGreaterThan(0);
    for (const r of reasons) expect(page.text).toContain(`<li>${r.text.replace(/&/g, '&amp;')}</li>`);
    const { creditLimit } = JSON.parse(row.metrics_json) as { creditLimit: { cents: number; basis: string } };
    expect(page.text).toContain(
      `<p class="big-figure">$${Math.round(creditLimit.cents / 100).toLocaleString('en-US')}</p>`,
    );
    expect(page.text).toContain(creditLimit.basis);
    expect(page.text).toContain('Scores as of 31 Oct 2026');
  });

  it('shows one risk label per customer, and a strategy that is its risk tier × profitability cell', async () => {
    const { db } = world.w.t.container;
    const run = await db('risk_score_runs').where({ realm_id: world.w.realmId }).orderBy('id', 'desc').first('id');
    const rows = await db('customer_scores')
      .where({ run_id: run.id })
      .whereNotNull('stable_band')
      .orderBy('high_risk', 'desc')
      .limit(6);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const page = await world.agent.get(`/customers/${row.customer_qbo_id}`);
      expect(page.text.match(/class="band band-/g)).toHaveLength(1);
      expect(page.text).not.toContain('flag-high-risk');
      if (row.high_risk) expect(row.stable_band).toBe('high');
      const tier = row.stable_band as 'low' | 'medium' | 'high';
      expect(row.strategy).toBe(
        DEFAULT_RISK_POLICY.strategies.byCell[tier][row.profitability_tier as 'High' | 'Medium' | 'Low'],
      );
      const cap = tier.charAt(0).toUpperCase() + tier.slice(1);
      expect(page.text).toContain(
        `${row.strategy} (${cap} risk, ${String(row.profitability_tier).toLowerCase()} profitability)`,
      );
    }
  });

  it('charts the score history with role="img", a sentence, and the same figures in a table', async () => {
    const page = await world.agent.get(`/customers/${busiest}`);
    const history = await world.w.t.container.scoreRuns.customerHistory(world.w.realmId, busiest);
    expect(history.map((h) => h.asOf)).toEqual(['2026-09-30', '2026-10-31']);
    const config = jsonBlock(page.text, 'chart-score-history-data');
    expect(config.type).toBe('line');
    expect(config.data.labels).toEqual(['2026-09-30', '2026-10-31']);
    expect(config.data.datasets[0]!.data).toEqual(history.map((h) => h.smoothed));
    expect(config.data.datasets[1]!.data).toEqual(history.map((h) => h.score));
    expect(ariaLabelOf(page.text, 'chart-score-history')).toMatch(
      /risk score went from \d+ on 2026-09-30 to \d+ on 2026-10-31 over 2 runs/,
    );
    expect(page.text).toContain('id="table-score-history"');
    expect(page.text).toContain(
      `<tr><th scope="row">2026-10-31</th><td class="num">${Math.round(history[1]!.smoothed!)}</td>`,
    );
    // Chart.js and the drawing script come from the app itself, and no script is inline.
    expect(page.text).toContain('<script src="/assets/vendor/chart.umd.min.js" defer></script>');
    expect(page.text).toContain('<script src="/assets/js/charts.js" defer></script>');
    expect(page.text).not.toMatch(/<script>(?!<\/script>)/);
    expect(page.text).not.toMatch(/ style="/);
  });

  it("shows payment behaviour by month, covering a parent's jobs; the figures add up to the engine's", async () => {
    const { db } = world.w.t.container;
    const page = await world.agent.get(`/customers/${parent.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('id="customer-jobs"');
    const names = await db('qbo_customers')
      .where({ realm_id: world.w.realmId })
      .whereIn('qbo_id', parent.jobs)
      .pluck('display_name');
    for (const n of names) expect(page.text).toContain(String(n).replace(/&/g, '&amp;').replace(/'/g, '&#39;'));
    const chart = jsonBlock(page.text, 'chart-payment-behaviour-data');
    const [invoiced, onTime, late, open] = chart.data.datasets.map((d) => d.data.map(Number));
    // What fell due over the window, and how much of it was paid, are the engine's payment-rate inputs.
    const run = await db('risk_score_runs').where({ realm_id: world.w.realmId }).orderBy('id', 'desc').first('id');
    const metrics = JSON.parse(
      (await db('customer_scores').where({ run_id: run.id, customer_qbo_id: parent.id }).first()).metrics_json,
    );
    const sum = (xs: number[]) => Math.round(xs.reduce((s, x) => s + x, 0) * 100);
    expect(sum([...onTime!, ...late!, ...open!])).toBe(metrics.dueInWindowCents);
    expect(Math.round((10_000 * (sum(onTime!) + sum(late!))) / metrics.dueInWindowCents) / 100).toBeCloseTo(
      metrics.paymentRate,
      1,
    );
    // Invoiced includes the jobs' invoices.
    const jobInvoices = await db('qbo_invoices')
      .where({ realm_id: world.w.realmId, voided: false })
      .whereIn('customer_qbo_id', parent.jobs)
      .whereNull('deleted_at')
      .where('txn_date', '>', '2024-10-31')
      .sum({ c: 'total_cents' })
      .first();
    expect(sum(invoiced!)).toBeGreaterThanOrEqual(Number(jobInvoices!.c));
    expect(ariaLabelOf(page.text, 'chart-payment-behaviour')).toMatch(
      /Of what fell due for .+ in the last \d+ months, \d+% was paid on time, \d+% late and \d+% is still open\./,
    );
    expect(page.text).toContain('id="table-payment-behaviour"');
    expect(page.text).toContain('id="chart-days-beyond-terms"');
    expect(page.text).toContain('id="table-days-beyond-terms"');
  });

  it('lists open invoices: chance of paying late if not yet due, collection chances if past due', async () => {
    const { db } = world.w.t.container;
    const run = await db('risk_score_runs').where({ realm_id: world.w.realmId }).orderBy('id', 'desc').first('id');
    // A customer with open invoices both past due and not yet due.
    const both = await db('invoice_scores')
      .where({ run_id: run.id })
      .groupBy('customer_qbo_id')
      .select('customer_qbo_id')
      .havingRaw('min(days_past_due) < 1 and max(days_past_due) >= 1')
      .orderBy('customer_qbo_id')
      .first();
    const customerId = String(both.customer_qbo_id);
    const invoices = await db('invoice_scores').where({ run_id: run.id, customer_qbo_id: customerId });
    const page = await world.agent.get(`/customers/${customerId}`);
    expect(page.text).toContain('id="customer-invoices-chances"');
    const table = /<table class="table table-compact" id="customer-invoices-table">([\s\S]*?)<\/table>/.exec(
      page.text,
    )![1]!;
    expect(table).toContain(
      '<th scope="col" class="num">Chance of paying late</th>' +
        '<th scope="col" class="num">Chance collected within 30 days</th>' +
        '<th scope="col" class="num">Chance never collected</th>',
    );
    const rows = table.split('<tr>').slice(2);
    expect(rows).toHaveLength(invoices.length);
    const pct = (p: unknown) => `${Math.round(Number(p) * 100)}%`;
    const cells = (inv: Record<string, unknown>) => {
      const row = rows.find((r) => r.includes(`>No. ${String(inv.doc_number)}</th>`))!;
      return [...row.matchAll(/<td class="num">([^<]*)</g)].map((m) => m[1]!.trim()).slice(-3);
    };
    const pastDue = invoices.filter((i: Record<string, unknown>) => Number(i.days_past_due) >= 1);
    const notYetDue = invoices.filter((i: Record<string, unknown>) => Number(i.days_past_due) < 1);
    expect(pastDue.length).toBeGreaterThan(0);
    expect(notYetDue.length).toBeGreaterThan(0);
    for (const inv of pastDue) {
      expect(inv.chance_collected_within_30_days).not.toBeNull();
      expect(cells(inv)).toEqual(['—', pct(inv.chance_collected_within_30_days), pct(inv.chance_never_collected)]);
    }
    for (const inv of notYetDue) {
      expect(inv.chance_collected_within_30_days).toBeNull();
      expect(cells(inv)).toEqual([pct(inv.late_probability), '—', '—']);
    }
  });

  it("explains a not-yet-due invoice's late probability by its strongest features in words", async () => {
    const { db } = world.w.t.container;
    const run = await db('risk_score_runs').where({ realm_id: world.w.realmId }).orderBy('id', 'desc').first('id');
    const ahead = await db('invoice_scores')
      .where({ run_id: run.id })
      .where('days_past_due', '<', 1)
      .orderBy('invoice_qbo_id')
      .first('customer_qbo_id');
    const page = await world.agent.get(`/customers/${String(ahead.customer_qbo_id)}`);
    const table = /<table class="table table-compact" id="customer-invoices-table">([\s\S]*?)<\/table>/.exec(
      page.text,
    )![1]!;
    expect(table).toMatch(/<li>[A-Z][^<]+ \((raises|lowers) the risk\)<\/li>/);
    expect(table).not.toMatch(/priorLateShare|averageDaysBeyondTerms|companyLateRate/);
  });

  it('says plainly that no reminder is on record yet, and nothing was written into QuickBooks yet', async () => {
    const page = await world.agent.get(`/customers/${busiest}`);
    expect(page.text).toContain('id="reminders-none"');
    expect(page.text).toContain('No reminder has been sent, queued or held for this customer yet.');
    expect(page.text).toContain('id="writes-none"');
    expect(page.text).toContain('Duesense has not written anything into QuickBooks for this customer');
    // Once labels are queued (not yet written), the customer's own row is listed, waiting; no one else's.
    const c = world.w.t.container;
    const queued = await c.writeback.enqueue(world.w.realmId, { origin: 'cli', actor: 'test' });
    const own = (await c.writeback.list(world.w.realmId, { customerId: busiest }))[0]!;
    expect(queued.plan.writes.some((p) => p.customerId !== busiest)).toBe(true);
    const others = (await c.writeback.list(world.w.realmId, { limit: 200 })).filter((r) => r.customerId !== busiest);
    const after = await world.agent.get(`/customers/${busiest}`);
    expect(after.text).not.toContain('id="writes-none"');
    expect(after.text).toContain(`<li id="write-${own.id}">`);
    expect(after.text).toMatch(
      /Risk label in the customer’s notes<\/strong> · <span class="wb-status wb-status-pending">Waiting/,
    );
    expect(after.text).toContain(`Risk tier ${(own.payload as CustomerLabelPayload).label.riskTier}, `);
    for (const r of others) expect(after.text).not.toContain(`id="write-${r.id}"`);
  });

  it('pauses and resumes reminders, excludes and includes, with CSRF, recording who did it', async () => {
    const { db } = world.w.t.container;
    const url = `/customers/${busiest}`;
    // No token, or a wrong one: refused, nothing changes.
    expect((await world.agent.post(`${url}/reminders`).type('form').send({ action: 'pause' })).status).toBe(403);
    expect(
      (
        await world.agent
          .post(`${url}/exclusion`)
          .type('form')
          .send({ action: 'exclude', _csrf: 'x'.repeat(32) })
      ).status,
    ).toBe(403);
    expect(
      await db('customer_controls').where({ realm_id: world.w.realmId, customer_qbo_id: busiest }).first(),
    ).toBeUndefined();

    const csrf = csrfFrom((await world.agent.get(url)).text);
    const paused = await world.agent.post(`${url}/reminders`).type('form').send({ _csrf: csrf, action: 'pause' });
    expect(paused.status).toBe(303);
    expect(paused.headers.location).toBe(`${url}?done=reminders-paused#controls`);
    const page = await world.agent.get(`${url}?done=reminders-paused`);
    expect(page.text).toContain('id="customer-notice"');
    expect(page.text).toContain('Reminders paused for');
    expect(page.text).toContain('id="flag-paused"');
    expect(page.text).toMatch(/<input type="hidden" name="action" value="resume">/);
    expect(page.text).toContain('Resume reminders');
    const controls = await db('customer_controls')
      .where({ realm_id: world.w.realmId, customer_qbo_id: busiest })
      .first();
    expect(Boolean(controls.reminders_paused)).toBe(true);
    expect(controls.updated_by).toBe(`${EMULATED_USERS[0]!.givenName} ${EMULATED_USERS[0]!.familyName}`);

    expect(
      (await world.agent.post(`${url}/exclusion`).type('form').send({ _csrf: csrf, action: 'exclude' })).headers
        .location,
    ).toBe(`${url}?done=excluded#controls`);
    expect(
      (await world.agent.post(`${url}/reminders`).type('form').send({ _csrf: csrf, action: 'resume' })).status,
    ).toBe(303);
    const after = await db('customer_controls').where({ realm_id: world.w.realmId, customer_qbo_id: busiest }).first();
    expect([Boolean(after.reminders_paused), Boolean(after.excluded)]).toEqual([false, true]);
    expect((await world.agent.get(url)).text).toContain('id="flag-excluded"');
    expect(
      (await world.agent.post(`${url}/exclusion`).type('form').send({ _csrf: csrf, action: 'include' })).status,
    ).toBe(303);

    const log = await world.w.t.container.activity.list(world.w.realmId, { kind: 'customer' });
    expect(
      log
        .map((e) => e.summary)
        .slice(0, 4)
        .reverse(),
    ).toEqual([
      expect.stringMatching(/^Paused reminders for /),
      expect.stringMatching(/^Excluded .+ from automatic actions$/),
      expect.stringMatching(/^Resumed reminders for /),
      expect.stringMatching(/^Included .+ in automatic actions$/),
    ]);
    expect(log[0]!.actor).toBe(controls.updated_by);
    expect(log[0]).toMatchObject({ customerId: busiest, detail: { action: 'include' } });
    expect((await world.agent.get(url)).text).toContain('id="customer-actions"');

    // An action that does not exist is a 400, not a silent no-op.
    const bad = await world.agent.post(`${url}/reminders`).type('form').send({ _csrf: csrf, action: 'snooze' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Unknown reminder action &#34;snooze&#34;: use pause or resume.');
  });

  it('sets a credit score from 300 to 850, keeps a wrong value with a clear error, and can remove it', async () => {
    const { db } = world.w.t.container;
    const url = `/customers/${busiest}`;
    const csrf = csrfFrom((await world.agent.get(url)).text);
    expect((await world.agent.post(`${url}/credit-score`).type('form').send({ score: '700' })).status).toBe(403);
    for (const [value, message] of <Array<[string, string]>>[
      ['abc', '&#34;abc&#34; is not a credit score: enter a whole number from 300 to 850.'],
      ['299', '&#34;299&#34; is not a credit score'],
      ['851', '&#34;851&#34; is not a credit score'],
      ['700.5', '&#34;700.5&#34; is not a credit score'],
      ['', 'Enter a credit score: a whole number from 300 to 850.'],
    ]) {
      const res = await world.agent.post(`${url}/credit-score`).type('form').send({ _csrf: csrf, score: value });
      expect(res.status, value).toBe(400);
      expect(res.text, value).toContain(message);
      expect(res.text, value).toMatch(
        new RegExp(`<input id="credit-score" name="score" type="number"[^>]*value="${value.replace('.', '\\.')}"`),
      );
      expect(res.text).toContain('aria-invalid="true"');
      expect(res.text).toContain('id="credit-score-error" role="alert"');
    }
    expect(
      await db('customer_credit_scores').where({ realm_id: world.w.realmId, customer_qbo_id: busiest }).first(),
    ).toBeUndefined();

    const saved = await world.agent.post(`${url}/credit-score`).type('form').send({ _csrf: csrf, score: ' 720 ' });
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe(`${url}?done=credit-score-set#controls`);
    expect(
      await db('customer_credit_scores')
        .where({ realm_id: world.w.realmId, customer_qbo_id: busiest })
        .first('score', 'source'),
    ).toEqual({ score: 720, source: 'manual' });
    const page = await world.agent.get(`${url}?done=credit-score-set`);
    expect(page.text).toContain('It counts from the next score run.');
    expect(page.text).toMatch(/<dt>Credit score<\/dt><dd>720 \(entered /);
    expect(page.text).toMatch(/id="credit-score" name="score" type="number"[^>]*value="720"/);
    const log = await world.w.t.container.activity.list(world.w.realmId, { kind: 'customer', limit: 1 });
    expect(log[0]!.summary).toMatch(/^Set the credit score of .+ to 720$/);

    expect(
      (await world.agent.post(`${url}/credit-score`).type('form').send({ _csrf: csrf, action: 'clear' })).headers
        .location,
    ).toBe(`${url}?done=credit-score-cleared#controls`);
    expect(
      await db('customer_credit_scores').where({ realm_id: world.w.realmId, customer_qbo_id: busiest }).first(),
    ).toBeUndefined();
    expect(
      (await world.w.t.container.activity.list(world.w.realmId, { kind: 'customer', limit: 1 }))[0]!.summary,
    ).toMatch(/^Removed the credit score of /);
  });

  it('answers 404 for an unknown id, a malformed one, a job rolled into its parent, and actions on them', async () => {
    const csrf = csrfFrom((await world.agent.get(`/customers/${busiest}`)).text);
    for (const id of ['999999', 'no%20such', '..', parent.jobs[0]!, 'x'.repeat(40)]) {
      expect((await world.agent.get(`/customers/${id}`)).status, id).toBe(404);
      expect(
        (await world.agent.post(`/customers/${id}/reminders`).type('form').send({ _csrf: csrf, action: 'pause' }))
          .status,
        id,
      ).toBe(404);
      expect(
        (await world.agent.post(`/customers/${id}/credit-score`).type('form').send({ _csrf: csrf, score: '700' }))
          .status,
        id,
      ).toBe(404);
    }
    expect(
      await world.w.t.container.db('customer_controls').where({ customer_qbo_id: '999999' }).first(),
    ).toBeUndefined();
    expect((await newAgent(world.w.t.app).get(`/customers/${busiest}`)).status).toBe(303); // sent to sign in
  });

  it('escapes a hostile name everywhere on the page, and a notice never echoes the address', async () => {
    const page = await world.agent.get(`/customers/${world.names.hostile}?done=${encodeURIComponent('<b>hi</b>')}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain(HOSTILE_NAME);
    expect(page.text).toContain('<h1 id="customer-name">&lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    expect(page.text).toContain('<title>&lt;script&gt;alert(1)&lt;/script&gt; · Duesense</title>');
    expect(page.text).not.toContain('<b>hi</b>');
    expect(page.text).not.toContain('id="customer-notice"');
  });
});
