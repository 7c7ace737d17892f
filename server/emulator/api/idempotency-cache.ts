/**
 * QBO answers a repeated `requestid` with the original response instead of doing the write twice
 * (qbo-api.md §1), which is what makes a retried create safe. Bounded per realm, oldest forgotten first.
 */
export interface CachedResponse {
  status: number;
  body: unknown;
}

export class IdempotencyCache {
  private readonly byRealm = new Map<string, Map<string, CachedResponse>>();

  constructor(private readonly perRealmCapacity = 5_000) {}

  get(realmId: string, requestId: string): CachedResponse | undefined {
    return this.byRealm.get(realmId)?.get(requestId);
  }

  set(realmId: string, requestId: string, response: CachedResponse): void {
    let realm = this.byRealm.get(realmId);
    if (!realm) this.byRealm.set(realmId, (realm = new Map()));
    realm.set(requestId, response);
    if (realm.size > this.perRealmCapacity) realm.delete(realm.keys().next().value as string);
  }
}
