import type { QboEntity } from '../../qbo/qbo-api-client.js';
import { syncEntity } from './sync-entities.js';
import type { SyncStore } from './sync-store-type.js';

/**
 * Puts records QuickBooks has just returned (the answer to a write, a fresh read) into the local copy, the way a sync
 * page would: guarded by LastUpdatedTime, so the webhook or CDC echo of the same change arriving later is a no-op.
 */
export interface LocalCopyWriter {
  apply(realmId: string, entity: 'Customer' | 'Invoice', records: readonly QboEntity[]): Promise<void>;
}

export function createLocalCopyWriter(store: Pick<SyncStore, 'writePage'>): LocalCopyWriter {
  return {
    async apply(realmId, entityName, records) {
      if (records.length === 0) return;
      const entity = syncEntity(entityName)!;
      await store.writePage(realmId, entity, {
        upserts: records.map((r) => entity.map(realmId, r)),
        sweepId: null,
        state: null,
      });
    },
  };
}
