import type { Clock } from '../../server/clock.js';
import type { SyncApi } from '../../server/features/sync/sync-service.js';
import type { CdcResult, QboEntity, QueryPage } from '../../server/qbo/qbo-api-client.js';

const WATERMARK = /MetaData\.LastUpdatedTime >= '([^']+)'/;
const WINDOW = /startposition (\d+) maxresults (\d+)/;
const updatedAt = (e: QboEntity) =>
  new Date(String((e.MetaData as { LastUpdatedTime: string }).LastUpdatedTime)).getTime();

/**
 * QuickBooks for one company in memory, answering the sync's calls: queries by the keyset criteria the sync writes
 * (LastUpdatedTime from, position, page size), CDC since an instant, deletions as CDC "Deleted" stubs.
 * `failNext` makes a chosen call throw once.
 */
export function fakeQbo(clock: Clock, entities: Record<string, QboEntity[]> = {}) {
  const lists = new Map<string, QboEntity[]>(Object.entries(entities));
  const deletions: Array<{ entity: string; id: string; at: number }> = [];
  const calls: string[] = [];
  const failures: Array<{ matches: (call: string) => boolean; error: Error }> = [];
  const list = (entity: string) => lists.get(entity) ?? [];
  const record = (call: string) => {
    calls.push(call);
    const i = failures.findIndex((f) => f.matches(call));
    if (i >= 0) throw failures.splice(i, 1)[0]!.error;
  };
  const stamp = () => clock.now().toISOString();

  const api: SyncApi = {
    async getCompanyInfo() {
      record('CompanyInfo');
      return { Id: '1', SyncToken: '0', CompanyName: 'Fixture Landscaping', Country: 'US' };
    },
    async getPreferences() {
      record('Preferences');
      return {
        Id: '1',
        SyncToken: '0',
        CurrencyPrefs: { HomeCurrency: { value: 'USD' }, MultiCurrencyEnabled: false },
      };
    },
    async query(entity: string, criteria: string): Promise<QueryPage> {
      record(`query ${entity} ${criteria}`);
      const from = WATERMARK.exec(criteria)?.[1];
      const [, start, max] = WINDOW.exec(criteria) ?? [];
      const rows = list(entity)
        .filter((e) => from === undefined || updatedAt(e) >= new Date(from).getTime())
        .sort((a, b) => updatedAt(a) - updatedAt(b) || Number(a.Id) - Number(b.Id));
      return { rows: rows.slice(Number(start) - 1, Number(start) - 1 + Number(max)), time: stamp() };
    },
    async cdc(names: readonly string[], since: Date): Promise<CdcResult> {
      record(`cdc ${names.join(',')}`);
      const byEntity = new Map<string, QboEntity[]>(
        names.map((name) => [
          name,
          [
            ...list(name).filter((e) => updatedAt(e) >= since.getTime()),
            ...deletions
              .filter((d) => d.entity === name && d.at >= since.getTime())
              .map((d) => ({
                Id: d.id,
                SyncToken: '0',
                status: 'Deleted',
                MetaData: { LastUpdatedTime: new Date(d.at).toISOString() },
              })),
          ],
        ]),
      );
      return { byEntity, time: stamp() };
    },
  };

  return {
    calls,
    /** What the sync's `qbo` dependency does: hands the API to the call. */
    qbo: <T>(_realmId: string, call: (api: SyncApi) => Promise<T>): Promise<T> => call(api),
    /** Adds or replaces an entity, stamped with the clock's time. */
    put(entity: string, e: Record<string, unknown> & { Id: string }) {
      const at = stamp();
      const stamped: QboEntity = { SyncToken: '0', ...e, MetaData: { CreateTime: at, LastUpdatedTime: at } };
      lists.set(entity, [...list(entity).filter((x) => x.Id !== e.Id), stamped]);
    },
    delete(entity: string, id: string) {
      lists.set(
        entity,
        list(entity).filter((x) => x.Id !== id),
      );
      deletions.push({ entity, id, at: clock.now().getTime() });
    },
    failNext(matches: (call: string) => boolean, error: Error) {
      failures.push({ matches, error });
    },
  };
}
