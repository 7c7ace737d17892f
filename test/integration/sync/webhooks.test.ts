import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '../../support/browser.js';
import { syncWorld, type SyncWorld } from '../../support/sync-harness.js';

const VERIFIER = 'duesense-demo-verifier';

describe('webhooks → targeted refresh', () => {
  let w: SyncWorld;
  let app: Awaited<ReturnType<typeof serve>>;
  const reads = (since: number) =>
    w.emulator.emulator
      .requests()
      .slice(since)
      .filter(
        (r) =>
          r.method === 'GET' &&
          !r.path.endsWith('/query') &&
          !r.path.includes('/companyinfo') &&
          !r.path.endsWith('/preferences'),
      )
      .map((r) => r.path.replace(/^\/v3\/company\/\d+/, ''));

  beforeAll(async () => {
    w = await syncWorld({ customers: 20, months: 3 });
    await w.t.container.sync.sync(w.realmId);
    app = await serve(w.t.app, 0);
  });
  afterAll(async () => {
    await app.close();
    await w.close();
  });

  for (const format of ['legacy', 'cloudevents'] as const) {
    it(`refreshes exactly the entities named in a ${format} notification`, async () => {
      w.emulator.emulator.webhooks.setTarget({ url: `${app.url}/webhooks/intuit`, verifierToken: VERIFIER, format });
      const c = w.company;
      const customer = [...c.table('Customer').values()].find((x) => x.Active !== false)!;
      const invoice = [...c.table('Invoice').values()].at(-1)!;
      w.emulator.clock.advance(60_000);
      const mark = w.emulator.emulator.requests().length;
      c.update('Customer', { Id: customer.Id, SyncToken: customer.SyncToken, Notes: `via ${format}` }, true);
      c.update('Invoice', { Id: invoice.Id, SyncToken: invoice.SyncToken, PrivateNote: `via ${format}` }, true);
      await w.emulator.emulator.webhooks.flush();
      await w.t.container.webhooks.drain();
      expect(reads(mark).sort()).toEqual([`/customer/${customer.Id}`, `/invoice/${invoice.Id}`].sort());
      const row = await w.t.container.db('qbo_customers').where({ realm_id: w.realmId, qbo_id: customer.Id }).first();
      expect(JSON.parse(row.raw_json).Notes).toBe(`via ${format}`);
      expect(row.sync_token).toBe(c.table('Customer').get(customer.Id)!.SyncToken);
    });
  }

  it('marks a deleted invoice; a repeated notification reads the object once more and changes nothing', async () => {
    w.emulator.emulator.webhooks.setTarget({
      url: `${app.url}/webhooks/intuit`,
      verifierToken: VERIFIER,
      format: 'legacy',
    });
    const c = w.company;
    const invoice = [...c.table('Invoice').values()].find((i) => !(i.LinkedTxn as unknown[] | undefined)?.length)!;
    c.delete('Invoice', { Id: invoice.Id, SyncToken: invoice.SyncToken });
    await w.emulator.emulator.webhooks.flush();
    await w.t.container.webhooks.drain();
    expect(
      (await w.t.container.db('qbo_invoices').where({ realm_id: w.realmId, qbo_id: invoice.Id }).first()).deleted_at,
    ).not.toBeNull();

    const last = w.emulator.emulator.webhooks.deliveries().at(-1)!;
    const again = await fetch(`${app.url}/webhooks/intuit`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'intuit-signature': createHmac('sha256', VERIFIER).update(last.body).digest('base64'),
      },
      body: last.body,
    });
    expect(await again.json()).toEqual({ queued: 1 });
    await w.t.container.webhooks.drain();
    expect(
      (await w.t.container.db('qbo_invoices').where({ realm_id: w.realmId, qbo_id: invoice.Id }).first()).deleted_at,
    ).not.toBeNull();
  });

  it('rejects a forged signature and queues nothing', async () => {
    const body = JSON.stringify({
      eventNotifications: [
        {
          realmId: w.realmId,
          dataChangeEvent: {
            entities: [{ id: '1', operation: 'Update', name: 'Customer', lastUpdated: '2026-10-31T10:00:00Z' }],
          },
        },
      ],
    });
    const forged = await fetch(`${app.url}/webhooks/intuit`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'intuit-signature': createHmac('sha256', 'wrong-verifier').update(body).digest('base64'),
      },
      body,
    });
    expect(forged.status).toBe(401);
    const unsigned = await fetch(`${app.url}/webhooks/intuit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(unsigned.status).toBe(401);
    const pending = await w.t.container.db('qbo_webhook_events').whereNull('processed_at');
    expect(pending).toEqual([]);
  });
});
