import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpointsFor } from '../../../server/qbo/endpoints.js';
import { QboApiClient } from '../../../server/qbo/qbo-api-client.js';
import { QboPermanent } from '../../../server/qbo/qbo-errors.js';
import { quotedList } from '../../../server/qbo/query-text.js';
import { FIXTURE_REALM } from '../../support/fixture-company.js';
import { startEmulator, TEST_CLIENT, tokenFor, type RunningEmulator } from '../../support/emulator-harness.js';

let running: RunningEmulator;
let api: QboApiClient;

beforeAll(async () => {
  running = await startEmulator();
  const settings = {
    clientId: TEST_CLIENT.clientId,
    clientSecret: TEST_CLIENT.clientSecret,
    endpoints: endpointsFor('emulator', running.url),
    environment: 'emulator' as const,
  };
  api = new QboApiClient(settings, FIXTURE_REALM, await tokenFor(running.url, FIXTURE_REALM));
});
afterAll(() => running.close());

describe('queries in one batch request', () => {
  it('answers each query by its bId: rows, no rows, or its own fault; one request reaches QuickBooks', async () => {
    const company = running.emulator.companies.get(FIXTURE_REALM)!;
    const invoice = company.read('Invoice', '102');
    const customerId = (invoice.CustomerRef as { value: string }).value;
    const before = running.emulator.requests().length;
    const answers = await api.batchQuery([
      { bId: 'inv', query: `select * from Invoice where Id in ${quotedList(['102', '99999'])}` },
      { bId: 'none', query: `select * from Payment where CustomerRef = '99999'` },
      { bId: 'bad', query: 'select * from Custmoer' },
      { bId: 'cust', query: `select * from Customer where Id = '${customerId}'` },
    ]);
    expect(running.emulator.requests().length - before).toBe(1);
    expect(answers.get('inv')!.rows!.map((r) => [r.Id, r.Balance])).toEqual([['102', invoice.Balance]]);
    expect(answers.get('none')).toEqual({ rows: [] });
    const fault = answers.get('bad')!.error;
    expect(fault).toBeInstanceOf(QboPermanent);
    expect(fault!.code).toBe('4001');
    expect(answers.get('cust')!.rows!.map((r) => r.Id)).toEqual([customerId]);
  });

  it('refuses more than 30 queries before asking QuickBooks', async () => {
    const queries = Array.from({ length: 31 }, (_, i) => ({ bId: `q${i}`, query: 'select * from Term' }));
    await expect(api.batchQuery(queries)).rejects.toThrow('A batch holds at most 30 operations, not 31');
  });
});
