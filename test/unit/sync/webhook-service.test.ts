import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../server/clock.js';
import { createFakeConnectionStore } from '../../../server/features/connections/fake-connection-store.js';
import { createFakeSyncStore } from '../../../server/features/sync/fake-sync-store.js';
import { createFakeWebhookEventStore } from '../../../server/features/sync/fake-webhook-event-store.js';
import { syncEntity } from '../../../server/features/sync/sync-entities.js';
import { WebhookService } from '../../../server/features/sync/webhook-service.js';
import { silentLogger } from '../../../server/logger.js';
import type { QboEntity } from '../../../server/qbo/qbo-api-client.js';

const REALM = '4620816365';
const clock = fixedClock('2026-11-25T09:00:00Z');

async function setup() {
  const connections = createFakeConnectionStore();
  const now = clock.now();
  await connections.saveConnected(
    {
      realmId: REALM,
      companyName: 'Fixture',
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
  const store = createFakeSyncStore();
  const reads: string[] = [];
  const api = {
    async read(entity: string, id: string): Promise<QboEntity | undefined> {
      reads.push(`${entity} ${id}`);
      return {
        Id: id,
        SyncToken: '3',
        DisplayName: `Customer ${id}`,
        MetaData: { LastUpdatedTime: '2026-11-25T08:59:00Z' },
      };
    },
  };
  const webhooks = new WebhookService({
    store,
    events: createFakeWebhookEventStore(),
    connections,
    clock,
    logger: silentLogger,
    qbo: (_realmId, call) => call(api),
  });
  return { store, reads, webhooks };
}

const note = (id: string, operation = 'Update', realmId = REALM, entity = 'Customer') => ({
  realmId,
  entity,
  id,
  operation,
  lastUpdated: null,
});

describe('WebhookService', () => {
  it('queues notifications of connected companies for entities it keeps, one per object', async () => {
    const t = await setup();
    expect(
      await t.webhooks.enqueue([
        note('1'),
        note('1'),
        note('2'),
        note('3', 'Update', 'unknown-realm'),
        note('4', 'Update', REALM, 'Estimate'),
      ]),
    ).toBe(2);
  });

  it('refreshes each named object with one read, and marks deleted objects without reading them', async () => {
    const t = await setup();
    await t.webhooks.drain();
    await t.webhooks.enqueue([note('1'), note('2'), note('1')]);
    expect(await t.webhooks.drain()).toBe(2);
    expect(t.reads).toEqual(['Customer 1', 'Customer 2']);
    await t.webhooks.enqueue([note('2', 'Delete')]);
    await t.webhooks.drain();
    expect(t.reads).toHaveLength(2);
    const rows = t.store.rows(REALM, syncEntity('Customer')!);
    expect([rows.get('1')!.sync_token, rows.get('2')!.deleted_at]).toEqual(['3', clock.now()]);
    expect(await t.webhooks.drain()).toBe(0);
  });

  it('reads nothing for a version the local copy holds (the echo of our own write); reads anything newer', async () => {
    const t = await setup();
    const Customer = syncEntity('Customer')!;
    const held = '2026-11-25T08:59:00Z';
    // The local copy holds customers 1-3 as of `held` (say, the answers to Duesense's writes); 4 is not held.
    await t.store.writePage(REALM, Customer, {
      upserts: ['1', '2', '3'].map((id) =>
        Customer.map(REALM, {
          Id: id,
          SyncToken: '3',
          DisplayName: `Customer ${id}`,
          MetaData: { LastUpdatedTime: held },
        }),
      ),
      sweepId: null,
      state: null,
    });
    const at = (id: string, lastUpdated: string | null, operation = 'Update') => ({
      ...note(id, operation),
      lastUpdated,
    });
    await t.webhooks.enqueue([
      at('1', held),
      at('2', '2026-11-25T00:58:59-08:00'), // an older version, in another offset
      at('3', '2026-11-25T08:59:01Z'), // a person's change a second later
      at('4', held),
    ]);
    expect(await t.webhooks.drain()).toBe(4);
    expect(t.reads).toEqual(['Customer 3', 'Customer 4']);

    // Without a time, or for a deletion, the notification is acted on.
    await t.webhooks.enqueue([at('1', null), at('2', held, 'Delete')]);
    await t.webhooks.drain();
    expect(t.reads).toEqual(['Customer 3', 'Customer 4', 'Customer 1']);
    expect(t.store.rows(REALM, Customer).get('2')!.deleted_at).toEqual(clock.now());
  });

  it('an echo joined by a later change of the record is read: the waiting one keeps the later time', async () => {
    const t = await setup();
    const Customer = syncEntity('Customer')!;
    await t.store.writePage(REALM, Customer, {
      upserts: [
        Customer.map(REALM, { Id: '1', SyncToken: '3', MetaData: { LastUpdatedTime: '2026-11-25T08:58:00Z' } }),
      ],
      sweepId: null,
      state: null,
    });
    await t.webhooks.enqueue([{ ...note('1'), lastUpdated: '2026-11-25T08:58:00Z' }]);
    await t.webhooks.enqueue([{ ...note('1'), lastUpdated: '2026-11-25T08:59:00Z' }]);
    await t.webhooks.drain();
    expect(t.reads).toEqual(['Customer 1']);
  });
});
