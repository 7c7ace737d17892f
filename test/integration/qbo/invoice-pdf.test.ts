import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpointsFor } from '../../../server/qbo/endpoints.js';
import { QboApiClient } from '../../../server/qbo/qbo-api-client.js';
import { QboPermanent, QboReauthRequired } from '../../../server/qbo/qbo-errors.js';
import { FIXTURE_REALM } from '../../support/fixture-company.js';
import { startEmulator, TEST_CLIENT, tokenFor, type RunningEmulator } from '../../support/emulator-harness.js';

let running: RunningEmulator;
let api: QboApiClient;
const settings = () => ({
  clientId: TEST_CLIENT.clientId,
  clientSecret: TEST_CLIENT.clientSecret,
  endpoints: endpointsFor('emulator', running.url),
  environment: 'emulator' as const,
});

beforeAll(async () => {
  running = await startEmulator();
  api = new QboApiClient(settings(), FIXTURE_REALM, await tokenFor(running.url, FIXTURE_REALM));
});
afterAll(() => running.close());

describe('the invoice PDF', () => {
  it('When asked for an invoice as a PDF, then the emulator answers application/pdf with a whole PDF', async () => {
    const token = await tokenFor(running.url, FIXTURE_REALM);
    const res = await fetch(`${running.url}/v3/company/${FIXTURE_REALM}/invoice/102/pdf?minorversion=75`, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/pdf' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/pdf/);
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = bytes.toString('latin1');
    expect(text.startsWith('%PDF-1.4\n')).toBe(true);
    expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
    // The cross-reference table points at each object exactly: a PDF reader can open it.
    const startxref = Number(/startxref\n(\d+)\n/.exec(text)![1]);
    expect(text.slice(startxref, startxref + 4)).toBe('xref');
    const offsets = [...text.slice(startxref).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    offsets.forEach((off, i) => expect(text.slice(off, off + `${i + 1} 0 obj`.length)).toBe(`${i + 1} 0 obj`));
  });

  it('When the app asks through node-quickbooks, then it gets the PDF bytes with the invoice in them', async () => {
    const pdf = await api.invoicePdf('102');
    expect(Buffer.isBuffer(pdf)).toBe(true);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const invoice = running.emulator.companies.get(FIXTURE_REALM)!.read('Invoice', '102');
    expect(pdf.toString('latin1')).toContain(`(INVOICE ${String(invoice.DocNumber)})`);
  });

  it("When the invoice does not exist, then the failure is classified permanent with QuickBooks' 610", async () => {
    const err = await api.invoicePdf('99999').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QboPermanent);
    expect((err as QboPermanent).code).toBe('610');
    expect((err as QboPermanent).details.status).toBe(400);
    expect((err as QboPermanent).message).toMatch(/invoice 99999 as a PDF: Object Not Found/);
  });

  it('When the token is not valid, then the failure says to reconnect', async () => {
    const stale = new QboApiClient(settings(), FIXTURE_REALM, 'not-a-token-at-all-not-a-token-at-all');
    await expect(stale.invoicePdf('102')).rejects.toBeInstanceOf(QboReauthRequired);
  });
});
