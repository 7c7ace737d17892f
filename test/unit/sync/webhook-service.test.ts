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
});
