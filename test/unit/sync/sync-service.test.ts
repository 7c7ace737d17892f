import { describe, expect, it } from 'vitest';
import { manualClock } from '../../../server/clock.js';
import { createFakeConnectionStore } from '../../../server/features/connections/fake-connection-store.js';
import { createFakeJobLockStore } from '../../../server/features/jobs/fake-job-lock-store.js';
import { createFakeCompanySettingsStore } from '../../../server/features/sync/fake-company-settings-store.js';
import { createFakeSyncStore } from '../../../server/features/sync/fake-sync-store.js';
import { syncEntity } from '../../../server/features/sync/sync-entities.js';
import { SyncBusyError, SyncService } from '../../../server/features/sync/sync-service.js';
import type { SyncStore } from '../../../server/features/sync/sync-store-type.js';
import { silentLogger } from '../../../server/logger.js';
import { QboReauthRequired, QboTransient } from '../../../server/qbo/qbo-errors.js';
import { fakeQbo } from '../../support/fake-qbo.js';

const REALM = '4620816365';
const CUSTOMERS = 2500; // three pages of 1,000
const Customer = syncEntity('Customer')!;
const DATA_START = Date.parse('2026-11-01T00:00:00Z');
/** Customer i (from 0) was last updated at second i/3: three customers share each second, across page ends. */
const updatedSecond = (i: number) => new Date(DATA_START + Math.floor(i / 3) * 1000);

async function setup() {
  const clock = manualClock(new Date(DATA_START));
  const qbo = fakeQbo(clock);
  for (let i = 0; i < CUSTOMERS; i++) {
    clock.set(updatedSecond(i));
    qbo.put('Customer', { Id: String(i + 1), DisplayName: `Customer ${i + 1}` });
  }
  clock.set('2026-11-25T09:00:00Z');
  const store = createFakeSyncStore();
  const locks = createFakeJobLockStore();
  const connections = createFakeConnectionStore();
  const settings = createFakeCompanySettingsStore();
  const service = (s: SyncStore = store) =>
    new SyncService({
      store: s,
      connections,
      locks,
      qbo: qbo.qbo,
      settings,
      clock,
      logger: silentLogger,
      callStats: () => ({ calls: qbo.calls.length, throttledMs: 0, retries: 0 }),
    });
  const customerQueries = () => qbo.calls.filter((c) => c.startsWith('query Customer '));
  const liveCustomers = () => [...store.rows(REALM, Customer).values()].filter((r) => r.deleted_at === null);
  return { clock, qbo, store, locks, connections, settings, service, customerQueries, liveCustomers };
}

describe('SyncService', () => {
  it('copies everything with a full pass in pages, then only the changes through CDC', async () => {
    const t = await setup();
    const first = await t.service().sync(REALM, { trigger: 'manual' });
    // settings, one page per entity, two more of customers
    expect(first).toMatchObject({ status: 'succeeded', mode: 'full', apiCalls: 2 + 7 + 2 });
    expect(t.customerQueries()).toHaveLength(3);
    expect(t.liveCustomers()).toHaveLength(CUSTOMERS);
    expect(t.settings.saved.get(REALM)).toMatchObject({ companyName: 'Fixture Landscaping', homeCurrency: 'USD' });
    const cursor = (await t.store.states(REALM)).get('Customer')!;
    // The next sync starts where the full pass began: the server's time at its first page.
    expect(cursor).toMatchObject({
      phase: 'incremental',
      watermarkAt: t.clock.now(),
      watermarkSkip: 0,
      fullSweepId: null,
    });

    t.clock.advance(3600_000);
    t.qbo.put('Customer', { Id: '5', DisplayName: 'Renamed customer' });
    t.qbo.put('Customer', { Id: '9001', DisplayName: 'New customer' });
    t.qbo.delete('Customer', '7');
    const calls = t.qbo.calls.length;
    const second = await t.service().sync(REALM, { trigger: 'nightly' });
    expect(second).toMatchObject({
      status: 'succeeded',
      mode: 'cdc',
      counts: expect.objectContaining({ Customer: { upserted: 2, deleted: 1 } }),
    });
    expect(t.qbo.calls.slice(calls)).toEqual([
      'CompanyInfo',
      'Preferences',
      'cdc Term,Item,Customer,Invoice,CreditMemo,Payment',
    ]);
    const rows = t.store.rows(REALM, Customer);
    expect(rows.get('5')!.display_name).toBe('Renamed customer');
    expect(rows.get('7')!.deleted_at).toEqual(t.clock.now());
    expect(t.liveCustomers()).toHaveLength(CUSTOMERS);
    expect((await t.store.states(REALM)).get('Customer')!.watermarkAt).toEqual(t.clock.now());
  });

  it('keeps the cursor of the last page written when a run fails mid-pass; the next run resumes there', async () => {
    const t = await setup();
    let customerPages = 0;
    t.qbo.failNext(
      (call) => call.startsWith('query Customer ') && ++customerPages === 3,
      new QboTransient('QuickBooks answered 503', { status: 503 }),
    );
    const failed = await t.service().sync(REALM);
    expect(failed).toMatchObject({
      status: 'failed',
      errorClass: 'transient',
      errorMessage: 'QuickBooks answered 503',
    });
    expect(t.liveCustomers()).toHaveLength(2000);
    // Page two ended with customers 1999 and 2000, the first two of the three updated at second 666.
    const cursor = (await t.store.states(REALM)).get('Customer')!;
    expect(cursor).toMatchObject({
      phase: 'full',
      watermarkAt: updatedSecond(1999),
      watermarkSkip: 2,
      fullSweepId: expect.any(String),
    });

    const resumed = await t.service().sync(REALM);
    expect(resumed.status).toBe('succeeded');
    const [resumedQuery, ...more] = t.customerQueries().slice(3);
    expect(more).toEqual([]); // the last 500 customers in one page
    expect(resumedQuery).toContain(`MetaData.LastUpdatedTime >= '${cursor.watermarkRaw}'`);
    expect(resumedQuery).toContain('startposition 3 maxresults 1000');
    expect(t.liveCustomers()).toHaveLength(CUSTOMERS); // nobody was swept: both runs belong to one full pass
  });

  it('releases the sync lock as failed when finishing the run fails, so the next sync can run', async () => {
    const t = await setup();
    const broken: SyncStore = {
      ...t.store,
      finishRun: async () => {
        throw new Error('the database went away');
      },
    };
    await expect(t.service(broken).sync(REALM)).rejects.toThrow('the database went away');
    expect(t.locks.held('sync', REALM)).toMatchObject({ status: 'failed' });
    await expect(t.service().sync(REALM)).resolves.toMatchObject({ status: 'succeeded' });
  });

  it('refuses to start while another sync of the company holds the lock', async () => {
    const t = await setup();
    const now = t.clock.now();
    expect(
      await t.locks.tryAcquire('sync', REALM, 'another-process', now, {
        staleAfterMs: 30 * 60_000,
        rerunFinished: true,
      }),
    ).toBe(true);
    await expect(t.service().sync(REALM)).rejects.toBeInstanceOf(SyncBusyError);
    expect(t.qbo.calls).toEqual([]);
    expect(await t.store.runs(REALM)).toEqual([]);
  });

  it('marks the company for reconnecting when QuickBooks refuses its token', async () => {
    const t = await setup();
    const now = t.clock.now();
    await t.connections.saveConnected(
      {
        realmId: REALM,
        companyName: 'Fixture Landscaping',
        environment: 'sandbox',
        status: 'connected',
        timeZone: null,
        homeCurrency: null,
        connectedAt: now,
      },
      {
        realmId: REALM,
        accessTokenEnc: 'sealed',
        accessExpiresAt: now,
        refreshTokenEnc: 'sealed',
        refreshExpiresAt: now,
        refreshHardExpiresAt: null,
        scopes: '',
        lastRefreshAt: null,
        lastIntuitTid: null,
      },
      now,
    );
    t.qbo.failNext(
      (call) => call === 'CompanyInfo',
      new QboReauthRequired('Intuit token refresh failed: invalid_grant', { code: 'invalid_grant' }),
    );
    expect(await t.service().sync(REALM)).toMatchObject({
      status: 'failed',
      errorClass: 'reauth',
      errorCode: 'invalid_grant',
    });
    expect((await t.connections.getCompany(REALM))!.status).toBe('needs_reauth');
  });
});
