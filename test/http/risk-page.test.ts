import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCompany } from '../../server/emulator/generator/generate-company.js';
import { connectCompany, csrfFrom, newAgent, type Agent } from '../support/connect-helper.js';
import { syncWorld, type SyncWorld } from '../support/sync-harness.js';

describe('the risk overview and downloads', () => {
  let w: SyncWorld;
  let agent: Agent;
  beforeAll(async () => {
    const file = generateCompany({ seed: 4, customers: 60, months: 24, asOf: '2026-10-31' });
    file.Customers[0]!.DisplayName = '<script>alert(1)</script>';
    w = await syncWorld({ file });
    agent = newAgent(w.t.app);
    await connectCompany(agent, w.realmId);
    await w.t.container.sync.sync(w.realmId);
  });
  afterAll(() => w.close());

  it('offers to score, scores with CSRF, and shows the model card, strategies, clusters and forecast', async () => {
    const empty = await agent.get('/risk');
    expect(empty.text).toContain('No scores yet');
    expect((await agent.post('/risk/score').type('form').send({})).status).toBe(403);
    expect((await agent.post('/risk/score').type('form').send({ _csrf: csrfFrom(empty.text) })).status).toBe(303);
    const page = await agent.get('/risk');
    expect(page.status).toBe(200);
    for (const text of ['Late-payment model', 'AUC', 'Strategies', 'Behavioural clusters', 'Cash forecast, next 6 months']) expect(page.text).toContain(text);
  });

  it('downloads CSV and JSON, with names escaped and formulas defused', async () => {
    const csv = await agent.get('/exports/customers.csv');
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="?duesense-customers-\d{4}-\d{2}-\d{2}\.csv"?/);
    expect(csv.text.split('\r\n')[0]).toMatch(/^customer_id,name,active,risk_score/);
    const invoices = await agent.get('/exports/invoices.json');
    const rows = JSON.parse(invoices.text) as Array<{ invoice_id: string; late_probability: number }>;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.late_probability >= 0 && r.late_probability <= 1)).toBe(true);
    expect((await agent.get('/exports/secrets.csv')).status).toBe(404);
    expect((await newAgent(w.t.app).get('/exports/customers.csv')).status).toBe(404); // no company selected
  });
});
