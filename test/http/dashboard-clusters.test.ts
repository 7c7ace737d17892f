import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCompany } from '../../server/emulator/generator/generate-company.js';
import type { ClusterProfile } from '../../server/features/risk/clusters/customer-clusters.js';
import { fmt } from '../../server/http/view-helpers.js';
import { connectCompany, newAgent, type Agent } from '../support/connect-helper.js';
import { syncWorld, type SyncWorld } from '../support/sync-harness.js';

const clustersTable = (html: string) => /<table class="table" id="table-clusters">([\s\S]*?)<\/table>/.exec(html)![1]!;

describe('forward-looking chances on the dashboard and in the exports', () => {
  let w: SyncWorld;
  let agent: Agent;
  beforeAll(async () => {
    w = await syncWorld({ file: generateCompany({ seed: 5, customers: 50, months: 24, asOf: '2026-10-31' }) });
    agent = newAgent(w.t.app);
    await connectCompany(agent, w.realmId);
    expect((await w.t.container.sync.sync(w.realmId)).status).toBe('succeeded');
    await w.t.container.risk.score(w.realmId, { asOf: '2026-10-31' });
  });
  afterAll(() => w.close());

  it("the clusters table shows each cluster's not-yet-due late and past-due unpaid chances, and says so", async () => {
    const run = (await w.t.container.scoreRuns.latestRunDetails(w.realmId))!;
    const page = await agent.get('/dashboard');
    expect(page.status).toBe(200);
    const table = clustersTable(page.text);
    expect(table).toContain('<th scope="col" class="num">Not yet due: average chance of being paid late</th>');
    expect(table).toContain('<th scope="col" class="num">Past due: average chance still unpaid in 30 days</th>');
    expect(table).not.toContain('Average late probability');
    expect(page.text).toContain('id="clusters-chances-explained"');
    expect(run.company.clusters.profiles.length).toBeGreaterThan(0);
    for (const p of run.company.clusters.profiles) {
      expect(table).toContain(
        `<td class="num">${fmt.probability(p.notYetDueLateProbability)} ` +
          `<span class="muted">of ${fmt.number(p.notYetDueInvoices)}</span></td>` +
          `<td class="num">${fmt.probability(p.pastDueNotCollectedWithin30Days)} ` +
          `<span class="muted">of ${fmt.number(p.pastDueInvoices)}</span></td>`,
      );
    }
    // The counts are the run's open invoices, split by whether they are past due.
    const open = await w.t.container
      .db('invoice_scores')
      .where({ run_id: run.id })
      .select('customer_qbo_id', 'days_past_due');
    const clusteredIds = await w.t.container
      .db('customer_scores')
      .where({ run_id: run.id })
      .whereNotNull('cluster_id')
      .pluck('customer_qbo_id');
    const clustered = new Set(clusteredIds.map(String));
    const inClusters = open.filter((i: { customer_qbo_id: string }) => clustered.has(String(i.customer_qbo_id)));
    const sum = (f: (p: ClusterProfile) => number) => run.company.clusters.profiles.reduce((s, p) => s + f(p), 0);
    expect(sum((p) => p.pastDueInvoices)).toBe(
      inClusters.filter((i: { days_past_due: number }) => Number(i.days_past_due) >= 1).length,
    );
    expect(sum((p) => p.notYetDueInvoices)).toBe(
      inClusters.filter((i: { days_past_due: number }) => Number(i.days_past_due) < 1).length,
    );
  });

  it('exports past-due invoices with collection chances, not-yet-due ones with their late probability', async () => {
    const res = await agent.get('/exports/invoices.json');
    const rows = JSON.parse(res.text) as Array<Record<string, number | null>>;
    const pastDue = rows.filter((r) => Number(r.days_past_due) >= 1);
    const ahead = rows.filter((r) => Number(r.days_past_due) < 1);
    expect(pastDue.length).toBeGreaterThan(0);
    expect(ahead.length).toBeGreaterThan(0);
    for (const r of pastDue) {
      expect(r.late_probability).toBeNull();
      expect(r.chance_collected_within_30_days).toBeGreaterThanOrEqual(0);
      expect(r.chance_never_collected).toBeGreaterThanOrEqual(0);
      expect(r.chance_collected_within_30_days! + r.chance_never_collected!).toBeLessThanOrEqual(1.0001);
    }
    for (const r of ahead) {
      expect(r.late_probability).toBeGreaterThanOrEqual(0);
      expect([r.chance_collected_within_30_days, r.chance_never_collected]).toEqual([null, null]);
    }
    // The chances are the cash forecast's, for the same as-of date.
    const { outlooks } = await w.t.container.risk.score(w.realmId, { persist: false });
    const round = (p: number) => Math.round(p * 10_000) / 10_000;
    for (const r of pastDue) {
      const o = outlooks.get(String(r.invoice_id))!;
      expect([r.chance_collected_within_30_days, r.chance_never_collected]).toEqual([
        round(o.collectedWithin30Days),
        round(o.neverCollected),
      ]);
    }
    const clusters = await agent.get('/exports/clusters.csv');
    expect(clusters.text.split('\r\n')[0]).toBe(
      'cluster_id,name,customers,invoices_per_month,share_of_invoiced,risk_level,' +
        'not_yet_due_invoices,not_yet_due_avg_late_probability,' +
        'past_due_invoices,past_due_avg_chance_not_collected_within_30_days,' +
        'avg_customer_late_probability_ahead,as_of,what_if',
    );
  });

  it('still shows a run from before these figures, with its average late probability', async () => {
    const latest = await w.t.container
      .db('risk_score_runs')
      .where({ realm_id: w.realmId })
      .orderBy('id', 'desc')
      .first();
    const company = JSON.parse(latest.company_json);
    const profiles = company.clusters.profiles.map((p: ClusterProfile) => ({
      id: p.id,
      name: p.name,
      customers: p.customers,
      invoiceVolume: p.invoiceVolume,
      avgLateProbability: 0.9437,
      shareOfInvoiced: p.shareOfInvoiced,
      riskLevel: p.riskLevel,
    }));
    const old = { ...company, clusters: { ...company.clusters, profiles } };
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
    const table = clustersTable(page.text);
    expect(table).toContain('<th scope="col" class="num">Average late probability</th>');
    expect(table).toContain('<td class="num">94%</td>');
    expect(table).not.toContain('Not yet due');
    expect(page.text).not.toContain('id="clusters-chances-explained"');
  });
});
