import { manualClock, type ManualClock } from '../../server/clock.js';
import type { CompanyFile } from '../../server/emulator/company-file-format.js';
import { createEmulator, type Emulator, type EmulatorOptions } from '../../server/emulator/emulator.js';
import { endpointsFor, pointLibrariesAt } from '../../server/qbo/endpoints.js';
import { NodeQuickBooks } from '../../server/qbo/node-quickbooks-module.js';
import { fixtureCompany } from './fixture-company.js';

export const TEST_CLIENT = {
  clientId: 'test-client',
  clientSecret: 'test-secret',
  redirectUris: ['http://127.0.0.1:3999/oauth/callback'],
};

export interface RunningEmulator {
  emulator: Emulator;
  url: string;
  clock: ManualClock;
  close(): Promise<void>;
}

/** An emulator on a free port with a frozen clock; throttling off unless asked for. */
export async function startEmulator(
  o: Partial<EmulatorOptions> & { companies?: CompanyFile[]; now?: string } = {},
): Promise<RunningEmulator> {
  const clock = manualClock(new Date(o.now ?? '2025-06-15T17:00:00Z'));
  const emulator = createEmulator({
    clients: [TEST_CLIENT],
    throttle: false,
    ...o,
    clock,
    companies: o.companies ?? [fixtureCompany()],
  });
  const url = await emulator.listen(0);
  return { emulator, url, clock, close: () => emulator.close() };
}

type Callback = (err: unknown, data: unknown, res?: unknown) => void;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type QbCall = (method: string, ...args: unknown[]) => Promise<any>;

/**
 * The real node-quickbooks client, pointed at the emulator, with its callback API wrapped in promises.
 * Rejections carry what node-quickbooks gives: an AxiosError (status and Fault body under .response).
 */
export function nodeQuickBooks(
  url: string,
  realmId: string,
  accessToken: string,
): { call: QbCall; raw: Record<string, unknown> } {
  pointLibrariesAt(endpointsFor('emulator', url));
  const qb = new NodeQuickBooks(
    TEST_CLIENT.clientId,
    TEST_CLIENT.clientSecret,
    accessToken,
    false,
    realmId,
    true,
    false,
    '75',
    '2.0',
  ) as Record<string, unknown>;
  qb.endpoint = `${url}/v3/company/`;
  const call: QbCall = (method, ...args) =>
    new Promise((resolve, reject) => {
      const fn = qb[method] as ((...a: unknown[]) => void) | undefined;
      if (typeof fn !== 'function') return reject(new Error(`node-quickbooks has no ${method}`));
      fn.call(qb, ...args, ((err, data) => (err ? reject(err) : resolve(data))) as Callback);
    });
  return { call, raw: qb };
}

/** An access token from the emulator's control API, as `duesense emulator token` prints it. */
export async function tokenFor(url: string, realmId: string): Promise<string> {
  const res = await fetch(`${url}/emulator/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ realmId }),
  });
  if (!res.ok) throw new Error(`token request failed: ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** The HTTP status and body a node-quickbooks call failed with. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read any fault or entity body
export function failureOf(err: unknown): { status: number | undefined; body: any } {
  const e = err as { response?: { status?: number; data?: unknown }; Fault?: unknown };
  if (e.response) return { status: e.response.status, body: e.response.data };
  return { status: undefined, body: err };
}
