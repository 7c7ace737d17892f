import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { panelWorld } from '../integration/panel/panel-world.js';

type World = Awaited<ReturnType<typeof panelWorld>>;

/** The page without attribute values (a <time datetime> carries ISO on purpose, for machines). */
const shown = (html: string) => html.replace(/="[^"]*"/g, '=""');
const IN_WORDS = /\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} P[SD]T/;
const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');

describe('numbers and words on the panel pages', () => {
  let world: World;
  let jobs: number;
  let inactive: number;
  beforeAll(async () => {
    world = await panelWorld({ customers: 80 });
    jobs = world.file.Customers.filter((c) => c.ParentRef).length;
    inactive = world.file.Customers.filter((c) => !c.ParentRef && c.Active === false).length;
  });
  afterAll(() => world.w.close());

  it("shows the Company page's token times in the company's zone, in words, never as ISO timestamps", async () => {
    const page = await world.agent.get('/company');
    expect(page.status).toBe(200);
    expect(page.text).toMatch(new RegExp(`<dt>Access token expires</dt><dd>${IN_WORDS.source}</dd>`));
    expect(page.text).toMatch(new RegExp(`<dt>Refresh token expires</dt><dd>${IN_WORDS.source} \\(renewed`));
    expect(shown(page.text)).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
  });

  it('says what the customer counts count on the Customers page and in Settings', async () => {
    const all = world.file.Customers.length;
    const scored = all - jobs;
    expect(jobs).toBeGreaterThan(0);
    const sentence =
      `${all} customers in QuickBooks: ${scored} scored (${scored - inactive} active, ${inactive} marked inactive ` +
      `in QuickBooks) and ${jobs} ` +
      `${jobs === 1 ? 'job, whose invoices count under its' : 'jobs, whose invoices count under their'} ` +
      'parent customer.';
    const list = await world.agent.get('/customers');
    expect(list.text).toContain(`${scored} customers · scores as of 31 Oct 2026`);
    expect(list.text).toContain(`<p class="muted" id="customers-counted">${sentence}</p>`);
    const settings = await world.agent.get('/settings');
    expect(settings.text).toContain(`<span id="credit-scores-counted" class="muted">${sentence}</span>`);
  });

  it("shows the credit-score CSV example with the company's own first two active customers", async () => {
    const active = world.file.Customers.filter((c) => !c.ParentRef && c.Active !== false).sort(
      (a, b) => Number(a.Id) - Number(b.Id),
    );
    const [first, second] = active as unknown as Array<{ Id: string; DisplayName: string }>;
    const quote = (v: string) => (/[",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    const page = await world.agent.get('/settings');
    expect(page.text).toContain(
      `<pre class="settings-example" id="credit-scores-example">customer_id,customer,score\n` +
        `${first!.Id},${escapeHtml(quote(first!.DisplayName))},720\n` +
        `${second!.Id},${escapeHtml(quote(second!.DisplayName))},655</pre>`,
    );
    expect(page.text).toContain('For example, with two of your customers:');
    expect(page.text).not.toContain('Bird Sanctuary');
  });

  it('falls back to the static example when the company has no active customer', async () => {
    const html = await new Promise<string>((resolve, reject) =>
      world.w.t.app.render(
        'partials/settings/credit-scores',
        { csrfToken: 't', creditScores: { count: 0, customers: 0, counted: '', examples: [], limitLabel: '1 MB' } },
        (err, out) => (err ? reject(err) : resolve(out)),
      ),
    );
    expect(html).toContain("customer_id,customer,score\n58,Amy's Bird Sanctuary,720\n61,Cool Cars,655</pre>");
    expect(html).toContain('<p>For example:</p>');
  });

  it('shows times on Alerts and Activity in the company zone, with no "UTC" left', async () => {
    const c = world.w.t.container;
    const run = (await c.scoreRuns.latestRun(world.w.realmId))!;
    await c.db('risk_alerts').insert({
      realm_id: world.w.realmId,
      customer_qbo_id: String(world.file.Customers[0]!.Id),
      run_id: run.id,
      kind: 'rising',
      message: 'An alert to show the time of',
      created_at: c.clock.now(),
    });
    for (const path of ['/alerts?status=all', '/activity']) {
      const page = await world.agent.get(path);
      expect(page.status, path).toBe(200);
      expect(page.text, path).toMatch(new RegExp(`<time datetime="[^"]+">${IN_WORDS.source}</time>`));
      expect(page.text, path).not.toContain('UTC');
    }
  });
});
