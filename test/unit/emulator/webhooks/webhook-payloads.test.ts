import { describe, expect, it } from 'vitest';
import {
  cloudEventsPayload,
  legacyPayload,
  type EntityChange,
} from '../../../../server/emulator/webhooks/webhook-payloads.js';
import { nextRetryDelayMs, WEBHOOK_RETRY_DELAYS_MS } from '../../../../server/emulator/webhooks/webhook-retry.js';

const events: EntityChange[] = [
  { realmId: '310687', entity: 'Customer', id: '1', operation: 'Create', lastUpdated: '2025-09-08T13:52:31-07:00' },
  { realmId: '999', entity: 'Invoice', id: '7', operation: 'Void', lastUpdated: '2025-09-08T20:52:32.657Z' },
  { realmId: '310687', entity: 'Payment', id: '3', operation: 'Emailed', lastUpdated: '2025-09-08T20:52:33Z' },
];

describe('webhook payloads', () => {
  it('legacy: eventNotifications grouped per realm, entities in order, UTC lastUpdated', () => {
    expect(legacyPayload(events)).toEqual({
      eventNotifications: [
        {
          realmId: '310687',
          dataChangeEvent: {
            entities: [
              { id: '1', operation: 'Create', name: 'Customer', lastUpdated: '2025-09-08T20:52:31.000Z' },
              { id: '3', operation: 'Emailed', name: 'Payment', lastUpdated: '2025-09-08T20:52:33.000Z' },
            ],
          },
        },
        {
          realmId: '999',
          dataChangeEvent: {
            entities: [{ id: '7', operation: 'Void', name: 'Invoice', lastUpdated: '2025-09-08T20:52:32.657Z' }],
          },
        },
      ],
    });
  });

  it('CloudEvents: a JSON array of spec 1.0 events with Intuit extension attributes', () => {
    let n = 0;
    const payload = cloudEventsPayload(events, () => `id-${++n}`);
    expect(payload).toHaveLength(3);
    expect(payload[0]).toEqual({
      specversion: '1.0',
      id: 'id-1',
      source: expect.stringMatching(/^intuit\./),
      type: 'qbo.customer.created.v1',
      datacontenttype: 'application/json',
      time: '2025-09-08T20:52:31.000Z',
      intuitentityid: '1',
      intuitaccountid: '310687',
      data: {},
    });
    expect(payload.map((e) => e.type)).toEqual([
      'qbo.customer.created.v1',
      'qbo.invoice.voided.v1',
      'qbo.payment.emailed.v1',
    ]);
    expect(new Set(payload.map((e) => e.id)).size).toBe(3);
  });

  it('maps every operation to a CloudEvents verb', () => {
    const ops = ['Create', 'Update', 'Delete', 'Void', 'Emailed', 'Merge'] as const;
    const types = cloudEventsPayload(
      ops.map((operation) => ({
        realmId: '1',
        entity: 'Invoice',
        id: '1',
        operation,
        lastUpdated: '2025-01-01T00:00:00Z',
      })),
      () => 'x',
    ).map((e) => e.type);
    expect(types).toEqual(
      ['created', 'updated', 'deleted', 'voided', 'emailed', 'merged'].map((v) => `qbo.invoice.${v}.v1`),
    );
  });
});

describe('webhook retry schedule', () => {
  it("follows Intuit's 10s, 20s, 30s, 5m, 20m, 2h, 4h, 6h, then every 6h, for three days", () => {
    expect(WEBHOOK_RETRY_DELAYS_MS).toEqual([
      10_000, 20_000, 30_000, 300_000, 1_200_000, 7_200_000, 14_400_000, 21_600_000,
    ]);
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(nextRetryDelayMs)).toEqual([
      ...WEBHOOK_RETRY_DELAYS_MS,
      21_600_000,
      21_600_000,
    ]);
    let attempt = 1;
    let total = 0;
    for (let d = nextRetryDelayMs(attempt); d !== null; d = nextRetryDelayMs(++attempt)) total += d;
    expect(total).toBeLessThanOrEqual(3 * 24 * 3_600_000);
    expect(total).toBeGreaterThan(2.5 * 24 * 3_600_000);
    expect(attempt).toBe(18); // 8 scheduled + 9 six-hourly retries fit in three days
  });
});
