import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_REALM } from '../../support/fixture-company.js';
import {
  failureOf,
  nodeQuickBooks,
  startEmulator,
  tokenFor,
  type QbCall,
  type RunningEmulator,
} from '../../support/emulator-harness.js';

// The v3 Accounting API as the app meets it: the real node-quickbooks over HTTP against the emulator.
let running: RunningEmulator;
let qb: QbCall;

beforeAll(async () => {
  running = await startEmulator();
  qb = nodeQuickBooks(running.url, FIXTURE_REALM, await tokenFor(running.url, FIXTURE_REALM)).call;
});
afterAll(() => running.close());

describe('reads and derived balances', () => {
  it('reads CompanyInfo and Preferences', async () => {
    const info = await qb('getCompanyInfo', FIXTURE_REALM);
    expect(info.CompanyName).toBe('Fixture Landscaping');
    const prefs = await qb('getPreferences');
    expect(prefs.CurrencyPrefs.HomeCurrency.value).toBe('USD');
  });

  it('keeps invoice, credit memo and customer balances consistent with payments', async () => {
    expect((await qb('getInvoice', '101')).Balance).toBe(0);
    expect((await qb('getInvoice', '102')).Balance).toBe(125);
    expect((await qb('getInvoice', '103')).Balance).toBe(50);
    expect((await qb('getCreditMemo', '201')).RemainingCredit).toBe(0);
    expect((await qb('getCustomer', '1')).Balance).toBe(125);
    const freeman = await qb('getCustomer', '4');
    expect([freeman.Balance, freeman.BalanceWithJobs]).toEqual([0, 40]);
    const invoice = await qb('getInvoice', '102');
    expect(invoice.LinkedTxn).toEqual([{ TxnId: '302', TxnType: 'Payment' }]);
  });

  it('answers an unknown id with the object-not-found fault', async () => {
    const f = failureOf(await qb('getInvoice', '99999').catch((e) => e));
    expect(f.status).toBe(400);
    expect(f.body.Fault.Error[0].code).toBe('610');
  });
});

describe('queries', () => {
  it('hides inactive customers unless asked, like QBO', async () => {
    const active = await qb('findCustomers', {});
    expect(active.QueryResponse.Customer.map((c: { DisplayName: string }) => c.DisplayName)).not.toContain(
      'Dormant Dan',
    );
    const all = await qb('findCustomers', [{ field: 'Active', value: [true, false], operator: 'IN' }]);
    expect(all.QueryResponse.Customer).toHaveLength(6);
  });

  it('pages with fetchAll exactly as node-quickbooks expects (maxResults = rows returned)', async () => {
    const paged = await qb('findCustomers', [
      { field: 'fetchAll', value: true },
      { field: 'limit', value: 2 },
    ]);
    expect(paged.QueryResponse.Customer).toHaveLength(5);
    // Default order is FullyQualifiedName, jobs after their parent.
    expect(paged.QueryResponse.Customer.map((c: { FullyQualifiedName: string }) => c.FullyQualifiedName)).toEqual([
      "Amy's Bird Sanctuary",
      "Bill's Windsurf Shop",
      'Cool Cars',
      'Freeman Sporting Goods',
      'Freeman Sporting Goods:0969 Ocean View Road',
    ]);
  });

  it('filters with the documented operators, escapes and dotted paths', async () => {
    const like = await qb('findCustomers', [{ field: 'DisplayName', value: "Amy's%", operator: 'LIKE' }]);
    expect(like.QueryResponse.Customer.map((c: { Id: string }) => c.Id)).toEqual(['1']);
    const big = await qb('findInvoices', [{ field: 'TotalAmt', value: 90, operator: '>' }]);
    expect(big.QueryResponse.Invoice.map((i: { Id: string }) => i.Id)).toEqual(['101', '102']);
    const byCustomer = await qb('findInvoices', { CustomerRef: '1' });
    expect(byCustomer.QueryResponse.Invoice).toHaveLength(2);
    const inList = await qb('findInvoices', { Id: ['103', '104'] });
    expect(inList.QueryResponse.Invoice.map((i: { Id: string }) => i.Id)).toEqual(['103', '104']);
    const small = await qb('findInvoices', [
      { field: 'TotalAmt', value: 80, operator: '<=' },
      { field: 'Balance', value: 50, operator: '<' },
    ]);
    expect(small.QueryResponse.Invoice.map((i: { Id: string }) => i.Id)).toEqual(['104']);
    const recent = await qb('findInvoices', [
      { field: 'MetaData.LastUpdatedTime', value: '2025-04-05T00:00:00-08:00', operator: '>=' },
      { field: 'desc', value: 'TxnDate' },
    ]);
    expect(recent.QueryResponse.Invoice.map((i: { Id: string }) => i.Id)).toEqual(['104', '103']);
  });

  it('counts, and answers no rows with an empty QueryResponse', async () => {
    expect((await qb('findInvoices', { count: true })).QueryResponse).toEqual({ totalCount: 4 });
    expect((await qb('findInvoices', { DocNumber: 'nope' })).QueryResponse).toEqual({});
  });

  it('rejects a bad entity and MAXRESULTS over 1000 with fault 4001', async () => {
    const token = await tokenFor(running.url, FIXTURE_REALM);
    for (const query of [
      'select * from Custmoer',
      'select * from Invoice maxresults 1500',
      'select * from Invoice where TotalAmt > 1 OR Balance > 0',
      'select * from Customer where Colour = 1',
      'select Id from Customer',
    ]) {
      const res = await fetch(`${running.url}/v3/company/${FIXTURE_REALM}/query?query=${encodeURIComponent(query)}`, {
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { Fault: { Error: Array<{ code: string }> } }).Fault.Error[0]!.code).toBe('4001');
    }
  });
});

describe('writes', () => {
  it('creates, sparse-updates with SyncToken checks, and refuses duplicate names', async () => {
    const created = await qb('createCustomer', { DisplayName: 'Zed & Co' });
    expect(created).toMatchObject({ DisplayName: 'Zed & Co', SyncToken: '0', Active: true, Balance: 0 });
    const updated = await qb('updateCustomer', { Id: created.Id, SyncToken: '0', sparse: true, Notes: 'net 30 only' });
    expect(updated).toMatchObject({ SyncToken: '1', Notes: 'net 30 only', DisplayName: 'Zed & Co' });
    expect(updated.MetaData.LastUpdatedTime >= created.MetaData.LastUpdatedTime).toBe(true);
    const stale = failureOf(
      await qb('updateCustomer', { Id: created.Id, SyncToken: '0', sparse: true, Notes: 'x' }).catch((e) => e),
    );
    expect([stale.status, stale.body.Fault.Error[0].code]).toEqual([400, '5010']);
    const dup = failureOf(await qb('createCustomer', { DisplayName: 'Zed & Co' }).catch((e) => e));
    expect(dup.body.Fault.Error[0].code).toBe('6240');
  });

  it("keeps Customer.Notes within QuickBooks' 1,024 characters", async () => {
    // What write-back relies on (qbo-api.md: Notes max 1,024 per the XSD, longer is fault 2050).
    const created = await qb('createCustomer', { DisplayName: 'Notes Limit Co' });
    const full = await qb('updateCustomer', { Id: created.Id, SyncToken: '0', sparse: true, Notes: 'é'.repeat(1024) });
    expect([full.SyncToken, full.Notes.length]).toEqual(['1', 1024]);
    const tooLong = failureOf(
      await qb('updateCustomer', { Id: created.Id, SyncToken: '1', sparse: true, Notes: 'x'.repeat(1025) }).catch(
        (e) => e,
      ),
    );
    expect([tooLong.status, tooLong.body.Fault.Error[0].code]).toEqual([400, '2050']);
    // The user's text is untouched by the refused write.
    expect((await qb('getCustomer', created.Id)).Notes).toBe('é'.repeat(1024));
  });

  it('recomputes balances when a payment is created, and voids and deletes invoices', async () => {
    await qb('createPayment', {
      CustomerRef: { value: '5' },
      TotalAmt: 15,
      Line: [{ Amount: 15, LinkedTxn: [{ TxnId: '104', TxnType: 'Invoice' }] }],
    });
    expect((await qb('getInvoice', '104')).Balance).toBe(25);
    expect((await qb('getCustomer', '4')).BalanceWithJobs).toBe(25);

    const inv = await qb('createInvoice', {
      CustomerRef: { value: '3' },
      Line: [{ Amount: 60, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: '1' } } }],
    });
    expect((await qb('getCustomer', '3')).Balance).toBe(60);
    const voided = await qb('voidInvoice', { Id: inv.Id, SyncToken: inv.SyncToken });
    expect(voided.Balance ?? 0).toBe(0);
    expect((await qb('getCustomer', '3')).Balance).toBe(0);

    const other = await qb('createInvoice', {
      CustomerRef: { value: '3' },
      Line: [{ Amount: 20, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: '2' } } }],
    });
    const deleted = await qb('deleteInvoice', { Id: other.Id, SyncToken: other.SyncToken });
    expect(deleted.Invoice).toMatchObject({ status: 'Deleted', Id: other.Id });
    expect(failureOf(await qb('getInvoice', other.Id).catch((e) => e)).body.Fault.Error[0].code).toBe('610');
  });

  it('sends an invoice through QBO: outbox entry, EmailStatus and DeliveryInfo', async () => {
    const sent = await qb('sendInvoicePdf', '102', encodeURIComponent('ap+billing@example.test'));
    expect(sent.EmailStatus).toBe('EmailSent');
    expect(sent.DeliveryInfo.DeliveryType).toBe('Email');
    expect(sent.BillEmail.Address).toBe('ap+billing@example.test');
    const { emails } = (await (await fetch(`${running.url}/emulator/outbox?realmId=${FIXTURE_REALM}`)).json()) as {
      emails: Array<{ invoiceId: string; to: string }>;
    };
    expect(emails.at(-1)).toMatchObject({ invoiceId: '102', to: 'ap+billing@example.test' });
  });
});

describe('CDC and batch', () => {
  it('reports changes since a time, deleted objects marked, and refuses more than 30 days back', async () => {
    running.clock.advance(60_000);
    const since = running.clock.now().toISOString();
    running.clock.advance(60_000);
    const amy = await qb('getCustomer', '1');
    await qb('updateCustomer', { Id: '1', SyncToken: amy.SyncToken, sparse: true, Notes: 'changed' });
    const doomed = await qb('createInvoice', {
      CustomerRef: { value: '2' },
      Line: [{ Amount: 5, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: '2' } } }],
    });
    await qb('deleteInvoice', { Id: doomed.Id, SyncToken: doomed.SyncToken });

    const cdc = await qb('changeDataCapture', ['Customer', 'Invoice'], since);
    const responses = cdc.CDCResponse[0].QueryResponse as Array<Record<string, Array<{ Id: string; status?: string }>>>;
    const customers = responses.flatMap((r) => r.Customer ?? []);
    const invoices = responses.flatMap((r) => r.Invoice ?? []);
    expect(customers.map((c) => c.Id)).toEqual(['1']);
    expect(invoices).toEqual([expect.objectContaining({ Id: doomed.Id, status: 'Deleted' })]);

    const tooOld = new Date(running.clock.now().getTime() - 31 * 86_400_000).toISOString();
    const f = failureOf(await qb('changeDataCapture', ['Customer'], tooOld).catch((e) => e));
    expect(f.status).toBe(400);
  });

  it('runs up to 30 batch items and refuses 31', async () => {
    const items = [
      { bId: 'q1', Query: 'select * from Term' },
      { bId: 'c1', operation: 'create', Customer: { DisplayName: 'Batch Buyer' } },
    ];
    const out = await qb('batch', items);
    const byId = Object.fromEntries(out.BatchItemResponse.map((r: { bId: string }) => [r.bId, r]));
    expect(byId.q1.QueryResponse.Term).toHaveLength(3);
    expect(byId.c1.Customer.DisplayName).toBe('Batch Buyer');
    const tooMany = Array.from({ length: 31 }, (_, i) => ({ bId: `q${i}`, Query: 'select * from Term' }));
    expect(failureOf(await qb('batch', tooMany).catch((e) => e)).status).toBe(400);
  });
});

describe('idempotency, auth and headers', () => {
  it('answers a repeated create with the same requestid once', async () => {
    const token = await tokenFor(running.url, FIXTURE_REALM);
    const post = () =>
      fetch(`${running.url}/v3/company/${FIXTURE_REALM}/customer?requestid=abc-123`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ DisplayName: 'Once Only Ltd' }),
      }).then((r) => r.json() as Promise<{ Customer: { Id: string } }>);
    const [a, b] = [await post(), await post()];
    expect(a.Customer.Id).toBe(b.Customer.Id);
    expect((await qb('findCustomers', { DisplayName: 'Once Only Ltd' })).QueryResponse.Customer).toHaveLength(1);
  });

  it('answers a bad token with the lower-case 401 body, WWW-Authenticate and an intuit_tid', async () => {
    const res = await fetch(`${running.url}/v3/company/${FIXTURE_REALM}/customer/1`, {
      headers: { authorization: 'Bearer not-a-real-token-at-all-000000000000', accept: 'application/json' },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="Intuit", error="invalid_token"');
    expect(res.headers.get('intuit_tid')).toMatch(/^1-[0-9a-f]+-[0-9a-f]{24}$/);
    const body = (await res.json()) as { fault: { error: Array<{ code: string }>; type: string } };
    expect([body.fault.error[0]!.code, body.fault.type]).toEqual(['3200', 'AUTHENTICATION']);
  });

  it('answers a missing or expired token with 401, never a 500', async () => {
    expect((await fetch(`${running.url}/v3/company/${FIXTURE_REALM}/customer/1`)).status).toBe(401);
    const token = await tokenFor(running.url, FIXTURE_REALM);
    running.clock.advance(3601_000);
    const expired = await fetch(`${running.url}/v3/company/${FIXTURE_REALM}/customer/1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { fault: { error: Array<{ detail: string }> } }).fault.error[0]!.detail).toBe(
      'Token expired',
    );
  });

  it('refuses a token issued for another company', async () => {
    const other = await startEmulator({
      companies: [
        { ...(await import('../../support/fixture-company.js')).fixtureCompany(), realmId: '4620816365000000002' },
      ],
    });
    try {
      const foreign = await tokenFor(other.url, '4620816365000000002');
      const res = await fetch(`${running.url}/v3/company/${FIXTURE_REALM}/customer/1`, {
        headers: { authorization: `Bearer ${foreign}` },
      });
      expect(res.status).toBe(401);
    } finally {
      await other.close();
    }
  });
});
