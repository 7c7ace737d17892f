import { LRUCache } from 'lru-cache';
import type { Db } from '../../db/knex.js';
import type { QboEntity } from '../../qbo/qbo-api-client.js';
import { loadCompanyFacts } from './company-facts-loader.js';
import type {
  CoveredCustomer,
  CustomerOverview,
  InvoiceOnFile,
  LocalCopyReader,
  MoneyWaiting,
} from './local-copy-reader-type.js';

/** Ids per IN (…) list: well under every database's limit on bound parameters. */
const CHUNK = 500;
/** How deep jobs of jobs go: the engine's roll-up stops at the same depth (topLevelParent). */
const MAX_JOB_DEPTH = 8;

type Row = Record<string, unknown>;

/** The local copy's reads for risk and the panel, on the read-only pool (`readDb`). */
/** Companies whose customer overview is kept, and for how long: it changes only when a sync or webhook lands. */
const OVERVIEWS_KEPT = 256;
const OVERVIEW_TTL_MS = 30_000;

export function createLocalCopyReader(readDb: Db): LocalCopyReader {
  // Several pages show the overview on every view; counting a large company's customers each time was the largest
  // part of those pages' time under load (docs/benchmarks.md, "Panel"). Kept per finished sync.
  const overviews = new LRUCache<string, Promise<CustomerOverview>>({ max: OVERVIEWS_KEPT, ttl: OVERVIEW_TTL_MS });
  const customers = (realmId: string) => readDb('qbo_customers').where({ realm_id: realmId });

  async function inChunks(ids: readonly string[], read: (chunk: string[]) => Promise<Row[]>): Promise<Row[]> {
    const rows: Row[] = [];
    for (let i = 0; i < ids.length; i += CHUNK) rows.push(...(await read(ids.slice(i, i + CHUNK))));
    return rows;
  }

  const RAW_TABLES = { Customer: 'qbo_customers', Invoice: 'qbo_invoices' } as const;
  const parseRaw = (rows: Row[]): QboEntity[] => rows.map((r) => JSON.parse(String(r.raw_json)) as QboEntity);

  return {
    companyFacts: (realmId, o) => loadCompanyFacts(readDb, realmId, o),

    async rawEntities(realmId, entity, ids) {
      const live = () => readDb(RAW_TABLES[entity]).where({ realm_id: realmId }).whereNull('deleted_at');
      if (ids === undefined) return parseRaw(await live().orderBy('qbo_id').select('raw_json'));
      return parseRaw(await inChunks(ids, (chunk) => live().whereIn('qbo_id', chunk).select('raw_json')));
    },

    async openInvoiceEntities(realmId, customerId) {
      const rows = (await readDb('qbo_invoices')
        .where({ realm_id: realmId, voided: false })
        .where((q) => (customerId === undefined ? q : q.where('customer_qbo_id', customerId)))
        .whereNull('deleted_at')
        .andWhere('balance_cents', '>', 0)
        .select('qbo_id', 'raw_json')) as Row[];
      // Sorted here: an ORDER BY qbo_id made SQLite walk every invoice of the company in Id order instead of using
      // the (realm, customer) index for one customer's.
      rows.sort((a, b) => (String(a.qbo_id) < String(b.qbo_id) ? -1 : String(a.qbo_id) > String(b.qbo_id) ? 1 : 0));
      return parseRaw(rows);
    },

    async moneyWaiting(realmId, customerId) {
      const sums = async (table: string, column: string) =>
        (await readDb(table)
          .where({ realm_id: realmId })
          .where((q) => (customerId === undefined ? q : q.where('customer_qbo_id', customerId)))
          .whereNull('deleted_at')
          .andWhere(column, '>', 0)
          .groupBy('customer_qbo_id')
          .select('customer_qbo_id')
          .sum({ cents: column })) as Row[];
      const waiting = new Map<string, MoneyWaiting>();
      const of = (id: unknown) => {
        const key = String(id);
        const found = waiting.get(key) ?? { unappliedPaymentCents: 0, unusedCreditCents: 0 };
        waiting.set(key, found);
        return found;
      };
      const [payments, credits] = await Promise.all([
        sums('qbo_payments', 'unapplied_cents'),
        sums('qbo_credit_memos', 'remaining_credit_cents'),
      ]);
      for (const r of payments) of(r.customer_qbo_id).unappliedPaymentCents = Number(r.cents);
      for (const r of credits) of(r.customer_qbo_id).unusedCreditCents = Number(r.cents);
      return waiting;
    },

    async customerAndJobs(realmId: string, customerId: string, rollUpJobs: boolean): Promise<CoveredCustomer[]> {
      if (!rollUpJobs) {
        const self = await customers(realmId).where({ qbo_id: customerId }).first('qbo_id', 'display_name');
        return self ? [{ id: String(self.qbo_id), name: String(self.display_name), depth: 0 }] : [];
      }
      // Level by level: one indexed read per level.
      const self = await customers(realmId)
        .where({ qbo_id: customerId })
        .whereNull('deleted_at')
        .first('qbo_id', 'display_name');
      if (!self) return [];
      const all: CoveredCustomer[] = [{ id: String(self.qbo_id), name: String(self.display_name), depth: 0 }];
      let frontier = [all[0]!.id];
      for (let depth = 1; depth <= MAX_JOB_DEPTH && frontier.length > 0; depth++) {
        const children = await inChunks(frontier, (chunk) =>
          customers(realmId).whereIn('parent_qbo_id', chunk).whereNull('deleted_at').select('qbo_id', 'display_name'),
        );
        const seen = new Set(all.map((c) => c.id));
        const next = children
          .filter((c) => !seen.has(String(c.qbo_id)))
          .map((c) => ({ id: String(c.qbo_id), name: String(c.display_name), depth }));
        next.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        all.push(...next);
        frontier = next.map((c) => c.id);
      }
      return all;
    },

    async customerContact(realmId: string, customerId: string) {
      const r = await customers(realmId).where({ qbo_id: customerId }).first('email', 'active');
      return r ? { email: (r.email as string | null) ?? null, active: Boolean(r.active) } : undefined;
    },

    async invoicesOnFile(realmId: string, invoiceIds: readonly string[]): Promise<Map<string, InvoiceOnFile>> {
      const rows = await inChunks(invoiceIds, (chunk) =>
        readDb('qbo_invoices')
          .where({ realm_id: realmId })
          .whereIn('qbo_id', chunk)
          .select('qbo_id', 'txn_date', 'total_cents', 'exchange_rate'),
      );
      return new Map(
        rows.map((r) => {
          const rate = r.exchange_rate === null || r.exchange_rate === undefined ? 1 : Number(r.exchange_rate);
          const totalCents =
            r.total_cents === null || r.total_cents === undefined ? null : Math.round(Number(r.total_cents) * rate);
          return [String(r.qbo_id), { txnDate: r.txn_date ? String(r.txn_date) : null, totalCents }];
        }),
      );
    },

    async customerTypes(realmId) {
      const rows = (await readDb('qbo_customer_types')
        .where({ realm_id: realmId, active: true })
        .whereNull('deleted_at')
        .orderBy('name')
        .select('qbo_id', 'name')) as Row[];
      return rows.map((r) => ({ id: String(r.qbo_id), name: String(r.name) }));
    },

    async customerNames(realmId: string): Promise<Map<string, string>> {
      const rows = await customers(realmId).whereNull('deleted_at').select('qbo_id', 'display_name');
      return new Map(rows.map((r: { qbo_id: string; display_name: string }) => [String(r.qbo_id), r.display_name]));
    },

    customerOverview(realmId: string, syncedAt: Date | null): Promise<CustomerOverview> {
      const key = `${realmId}\u0000${syncedAt?.getTime() ?? 'never'}`;
      let overview = overviews.get(key);
      if (!overview) {
        overview = countCustomers(realmId);
        overview.catch(() => overviews.delete(key));
        overviews.set(key, overview);
      }
      return overview;
    },
  };

  /** Counted in SQL, not by reading every customer. */
  async function countCustomers(realmId: string): Promise<CustomerOverview> {
    const live = () => customers(realmId).whereNull('deleted_at');
    const [counts, examples] = await Promise.all([
      live()
        .select(
          readDb.raw('count(*) as all_n'),
          readDb.raw('sum(case when parent_qbo_id is not null then 1 else 0 end) as jobs_n'),
          readDb.raw('sum(case when parent_qbo_id is null and not active then 1 else 0 end) as inactive_n'),
        )
        .first(),
      // Ids are numeric strings: shorter first, then by text, is numeric order.
      live()
        .whereNull('parent_qbo_id')
        .where({ active: true })
        .orderByRaw('length(qbo_id), qbo_id')
        .limit(2)
        .select('qbo_id', 'display_name'),
    ]);
    const c = (counts ?? {}) as Row;
    return {
      all: Number(c.all_n ?? 0),
      jobs: Number(c.jobs_n ?? 0),
      inactive: Number(c.inactive_n ?? 0),
      examples: (examples as Row[]).map((r) => ({ id: String(r.qbo_id), name: String(r.display_name) })),
    };
  }
}
