import { LIST_COLUMNS } from '../../../server/features/risk/score-run-rows.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, migrateToLatest, type Db } from '../../../server/db/knex.js';
import { escapeLike, likeContains } from '../../../server/db/like-pattern.js';
import { CustomerListService } from '../../../server/features/panel/customer-list-service.js';
import { createScoreRunStore } from '../../../server/features/risk/score-run-store.js';
import type { CustomerListQuery } from '../../../server/features/risk/score-run-store-type.js';
import { foldForSearch } from '../../../server/shared/search-text.js';
import { createPgDatabase, PG_ADMIN_URL } from '../../support/pg-database.js';

const A = 'realm-a';
const B = 'realm-b';
const AT = new Date('2026-10-31T20:00:00Z');

interface Seed {
  id: string;
  name: string;
  smoothed: number | null;
  band: 'low' | 'medium' | 'high' | null;
  strategy: string;
  cluster: number | null;
  tier: 'High' | 'Medium' | 'Low';
  highRisk?: boolean;
  outstanding?: number;
  overdue?: number;
  rate?: number | null;
  profit?: number;
}

/** The latest run of company A: ties, missing scores and rates, mixed case, and names with LIKE wildcards in them. */
const SEEDS: Seed[] = [
  {
    id: '1',
    name: 'alpha Works',
    smoothed: 80,
    band: 'high',
    strategy: 'AR follow-up',
    cluster: 0,
    tier: 'Low',
    highRisk: true,
    outstanding: 5_000_00,
    overdue: 4_000_00,
    rate: 40,
    profit: 100_00,
  },
  {
    id: '2',
    name: 'Beta Supply',
    smoothed: 80,
    band: 'high',
    strategy: 'Credit restriction',
    cluster: 1,
    tier: 'Medium',
    outstanding: 2_000_00,
    overdue: 2_000_00,
    rate: 60,
    profit: 900_00,
  },
  {
    id: '3',
    name: 'ALPHA Co',
    smoothed: 20,
    band: 'low',
    strategy: 'Loyalty',
    cluster: 0,
    tier: 'High',
    outstanding: 100_00,
    overdue: 0,
    rate: 99.5,
    profit: 5_000_00,
  },
  {
    id: '4',
    name: 'Unscored Ltd',
    smoothed: null,
    band: null,
    strategy: 'Standard',
    cluster: null,
    tier: 'Low',
    outstanding: 0,
    overdue: 0,
    rate: null,
    profit: 0,
  },
  {
    id: '5',
    name: '100% Juice',
    smoothed: 45.5,
    band: 'medium',
    strategy: 'Send reminders',
    cluster: 1,
    tier: 'Low',
    outstanding: 300_00,
    overdue: 50_00,
    rate: null,
    profit: -20_00,
  },
  {
    id: '6',
    name: '1000 Juicers',
    smoothed: 50,
    band: 'medium',
    strategy: 'Send reminders',
    cluster: 1,
    tier: 'Medium',
    outstanding: 300_00,
    overdue: 300_00,
    rate: 75,
    profit: 10_00,
  },
  {
    id: '7',
    name: 'Under_score Inc',
    smoothed: 10,
    band: 'low',
    strategy: 'Standard',
    cluster: 0,
    tier: 'Low',
    outstanding: 0,
    overdue: 0,
    rate: 100,
    profit: 1_00,
  },
  {
    id: '8',
    name: 'UnderXscore Inc',
    smoothed: 12,
    band: 'low',
    strategy: 'Standard',
    cluster: 0,
    tier: 'Low',
    outstanding: 0,
    overdue: 0,
    rate: 100,
    profit: 2_00,
  },
  {
    id: '9',
    name: 'Bang! Bros',
    smoothed: 30,
    band: 'low',
    strategy: 'Standard',
    cluster: 0,
    tier: 'Low',
    outstanding: 0,
    overdue: 0,
    rate: 100,
    profit: 3_00,
  },
];

function rowsFor(runId: number, realmId: string, seeds: Seed[]) {
  return seeds.map((s) => ({
    run_id: runId,
    realm_id: realmId,
    customer_qbo_id: s.id,
    display_name: s.name,
    search_name: foldForSearch(s.name),
    score: s.smoothed === null ? null : s.smoothed + 1,
    band: s.band,
    smoothed_score: s.smoothed,
    stable_band: s.band,
    high_risk: s.highRisk ?? false,
    payment_rate: s.rate ?? null,
    outstanding_cents: s.outstanding ?? 0,
    overdue_cents: s.overdue ?? 0,
    gross_profit_cents: s.profit ?? 0,
    profitability_tier: s.tier,
    strategy: s.strategy,
    cluster_id: s.cluster,
    credit_limit_cents: 1_000_00,
    metrics_json: '{}',
    reasons_json: '[]',
  }));
}

async function insertRun(db: Db, realmId: string, company: unknown): Promise<number> {
  const [row] = await db('risk_score_runs')
    .insert({
      realm_id: realmId,
      as_of: '2026-10-31',
      policy_version: 1,
      trigger: 'manual',
      created_at: AT,
      company_json: JSON.stringify(company),
    })
    .returning('id');
  return Number(typeof row === 'object' ? (row as { id: number }).id : row);
}

const base: CustomerListQuery = { sort: 'score', dir: 'desc', page: 1, pageSize: 25 };

function suite(dialect: string, open: () => Promise<{ db: Db; close(): Promise<void> }>) {
  describe(`the customer list (score-run store) on ${dialect}`, () => {
    let db: Db;
    let close: () => Promise<void>;
    let store: CustomerListService;
    let runA: number;
    let runB: number;

    beforeAll(async () => {
      ({ db, close } = await open());
      await migrateToLatest(db);
      for (const realm of [A, B])
        await db('companies').insert({
          realm_id: realm,
          company_name: realm,
          environment: 'emulator',
          status: 'connected',
          created_at: AT,
          updated_at: AT,
        });
      const old = await insertRun(db, A, { clusters: { profiles: [{ id: 0, name: 'Old name' }] } });
      await db('customer_scores').insert(rowsFor(old, A, SEEDS.slice(0, 3)));
      runA = await insertRun(db, A, {
        totals: {},
        clusters: {
          centres: [],
          profiles: [
            { id: 0, name: 'Steady payers', customers: 5 },
            { id: 1, name: 'Large, slow payers', customers: 3 },
          ],
        },
      });
      await db('customer_scores').insert(rowsFor(runA, A, SEEDS));
      runB = await insertRun(db, B, {});
      await db('customer_scores').insert(
        rowsFor(runB, B, [
          { id: '1', name: 'Bravo only', smoothed: 99, band: 'high', strategy: 'Standard', cluster: null, tier: 'Low' },
          { id: '2', name: 'Élan Café', smoothed: 10, band: 'low', strategy: 'Standard', cluster: null, tier: 'Low' },
          {
            id: '3',
            name: 'ÖLWERK Düsseldorf',
            smoothed: 20,
            band: 'low',
            strategy: 'Standard',
            cluster: null,
            tier: 'Low',
          },
          { id: '4', name: 'Zebra', smoothed: 30, band: 'low', strategy: 'Standard', cluster: null, tier: 'Low' },
        ]),
      );
      store = new CustomerListService(createScoreRunStore({ db, readDb: db }));
    });
    afterAll(() => close());

    const ids = async (q: Partial<CustomerListQuery>, realmId = A, runId?: number) =>
      (await store.page(realmId, runId ?? runA, { ...base, ...q })).rows.map((r) => r.customerId);

    it("finds each company's latest run with its cluster names, read from company_json in SQL", async () => {
      expect(await store.latestRun(A)).toMatchObject({
        id: runA,
        asOf: '2026-10-31',
        policyVersion: 1,
        clusters: [
          { id: 0, name: 'Steady payers' },
          { id: 1, name: 'Large, slow payers' },
        ],
      });
      expect(await store.latestRun(B)).toMatchObject({ id: runB, clusters: [] }); // a run without clusters
      expect(await store.latestRun('nobody')).toBeUndefined();
    });

    it('sorts by every key both ways, missing values last either way, ties broken by the customer id', async () => {
      expect(await ids({ sort: 'score', dir: 'desc' })).toEqual(['2', '1', '6', '5', '9', '3', '8', '7', '4']);
      expect(await ids({ sort: 'score', dir: 'asc' })).toEqual(['7', '8', '3', '9', '5', '6', '1', '2', '4']);
      expect(await ids({ sort: 'name', dir: 'asc' })).toEqual(['5', '6', '3', '1', '9', '2', '7', '8', '4']);
      expect(await ids({ sort: 'paymentRate', dir: 'asc' })).toEqual(['1', '2', '6', '3', '7', '8', '9', '4', '5']);
      expect(await ids({ sort: 'paymentRate', dir: 'desc' })).toEqual(['9', '8', '7', '3', '6', '2', '1', '5', '4']);
      expect(await ids({ sort: 'outstanding', dir: 'desc' })).toEqual(['1', '2', '6', '5', '3', '9', '8', '7', '4']);
      expect(await ids({ sort: 'overdue', dir: 'desc' })).toEqual(['1', '2', '6', '5', '9', '8', '7', '4', '3']);
      expect(await ids({ sort: 'grossProfit', dir: 'asc' })).toEqual(['5', '4', '7', '8', '9', '6', '1', '2', '3']);
    });

    it('filters by stable band, strategy, cluster, profitability, high risk; counts the matches in SQL', async () => {
      expect(await store.page(A, runA, { ...base, risk: 'high' })).toMatchObject({
        total: 2,
        rows: [{ customerId: '2' }, { customerId: '1' }],
      });
      expect(await ids({ strategy: 'Send reminders' })).toEqual(['6', '5']);
      expect(await ids({ clusterId: 1 })).toEqual(['2', '6', '5']);
      expect(await ids({ clusterId: 0, risk: 'low' })).toEqual(['9', '3', '8', '7']);
      expect(await ids({ profitability: 'Medium' })).toEqual(['2', '6']);
      expect(await ids({ highRiskOnly: true })).toEqual(['1']);
      expect(await store.page(A, runA, { ...base, risk: 'medium', profitability: 'High' })).toEqual({
        rows: [],
        total: 0,
      });
    });

    it('searches case-insensitively, with %, _ and the escape character taken literally', async () => {
      expect(await ids({ search: 'ALPHA', sort: 'name', dir: 'asc' })).toEqual(['3', '1']);
      expect(await ids({ search: '100%' })).toEqual(['5']); // not "1000 Juicers"
      expect(await ids({ search: 'r_s' })).toEqual(['7']); // not "UnderXscore"
      expect(await ids({ search: '%' })).toEqual(['5']);
      expect(await ids({ search: 'g! b' })).toEqual(['9']);
      expect(await ids({ search: '!' })).toEqual(['9']);
      expect(likeContains('A%b_C!')).toBe('%a!%b!_c!!%');
      expect(escapeLike('"customerId":"1"')).toBe('"customerId":"1"');
    });

    it('ignores case and accents beyond ASCII in search and in name order (SQLite folds ASCII only)', async () => {
      expect(await ids({ search: 'elan cafe' }, B, runB)).toEqual(['2']);
      expect(await ids({ search: 'ÉLAN' }, B, runB)).toEqual(['2']);
      expect(await ids({ search: 'CAFÉ' }, B, runB)).toEqual(['2']);
      expect(await ids({ search: 'ölwerk düss' }, B, runB)).toEqual(['3']);
      expect(await ids({ search: 'olwerk dusseldorf' }, B, runB)).toEqual(['3']);
      expect(await ids({ sort: 'name', dir: 'asc' }, B, runB)).toEqual(['1', '2', '3', '4']);
      expect(foldForSearch('Ǆemal Ŝtraße')).toBe('dzemal straße');
    });

    it('pages with LIMIT and OFFSET; the total is every match, and a page past the end is empty', async () => {
      const order = await ids({ pageSize: 100 });
      const pages = await Promise.all([1, 2].map((page) => store.page(A, runA, { ...base, pageSize: 25, page })));
      expect(pages[0]!.rows.map((r) => r.customerId)).toEqual(order);
      expect(pages[1]).toEqual({ rows: [], total: 9 });
      expect((await store.all(A, runA, { sort: 'score', dir: 'desc', risk: 'low' })).map((r) => r.customerId)).toEqual([
        '9',
        '3',
        '8',
        '7',
      ]);
    });

    it('maps a row: the smoothed score and stable band are shown, the raw score kept beside them', async () => {
      const [row] = (await store.page(A, runA, { ...base, search: 'alpha works' })).rows;
      expect(row).toEqual({
        customerId: '1',
        name: 'alpha Works',
        score: 80,
        rawScore: 81,
        band: 'high',
        highRisk: true,
        paymentRate: 40,
        outstandingCents: 500_000,
        overdueCents: 400_000,
        grossProfitCents: 10_000,
        profitabilityTier: 'Low',
        strategy: 'AR follow-up',
        clusterId: 0,
        creditLimitCents: 100_000,
      });
    });

    it('keeps recent pages per run: the same query on a new run reads that run', async () => {
      const q = { ...base, risk: 'high' as const };
      const kept = await store.page(A, runA, q);
      expect(await store.page(A, runA, { ...q })).toBe(kept);
      const newer = await insertRun(db, A, {});
      await db('customer_scores').insert(
        rowsFor(newer, A, [
          {
            id: '1',
            name: 'alpha Works',
            smoothed: 90,
            band: 'high',
            strategy: 'AR follow-up',
            cluster: null,
            tier: 'Low',
          },
        ]),
      );
      expect((await store.latestRun(A))!.id).toBe(newer);
      expect(await store.page(A, newer, q)).toMatchObject({ total: 1, rows: [{ customerId: '1', score: 90 }] });
      await db('risk_score_runs').where({ id: newer }).delete();
    });

    it('keeps the 200 most recently read pages: reading one keeps it, the least recent is read again', async () => {
      const pageOf = (page: number) => store.page(A, runA, { ...base, strategy: 'AR follow-up', page });
      const first = await pageOf(1);
      const second = await pageOf(2);
      for (let page = 3; page <= 200; page++) await pageOf(page);
      expect(await pageOf(1)).toBe(first);
      await pageOf(201);
      expect(await pageOf(1)).toBe(first);
      const reread = await pageOf(2);
      expect(reread).not.toBe(second);
      expect(reread).toEqual(second);
    });

    it("never mixes companies: another company's run id gives nothing", async () => {
      expect(await store.page(A, runB, base)).toEqual({ rows: [], total: 0 });
      expect(await store.all(B, runA, base)).toEqual([]);
      expect(await ids({ search: 'bravo' }, B, runB)).toEqual(['1']);
    });

    if (dialect === 'SQLite') {
      it('answers the page and the count from the covering index alone (no read of the wide rows)', async () => {
        const plan = async (sql: string, bindings: unknown[]) =>
          ((await db.raw(`EXPLAIN QUERY PLAN ${sql}`, bindings as never[])) as Array<{ detail: string }>)
            .map((r) => r.detail)
            .join(' | ');
        const page = db('customer_scores')
          .where({ run_id: runA, realm_id: A })
          .where('stable_band', 'high')
          .select(...LIST_COLUMNS)
          .orderBy('smoothed_score', 'desc')
          .limit(25)
          .toSQL();
        expect(await plan(page.sql, [...page.bindings])).toMatch(/USING COVERING INDEX customer_scores_list_idx/);
        const count = db('customer_scores')
          .where({ run_id: runA, realm_id: A })
          .whereRaw(`search_name LIKE ? ESCAPE '!'`, ['%a%'])
          .count({ n: '*' })
          .toSQL();
        expect(await plan(count.sql, [...count.bindings])).toMatch(/USING COVERING INDEX customer_scores_list_idx/);
      });
    }
  });
}

suite('SQLite', async () => {
  const db = createDb({ client: 'sqlite', filename: ':memory:' });
  return { db, close: () => db.destroy() };
});

if (!PG_ADMIN_URL) console.warn('customer list store: PostgreSQL variant skipped (set DUESENSE_TEST_PG_URL)');
if (PG_ADMIN_URL) {
  suite('PostgreSQL', async () => {
    const pg = await createPgDatabase();
    const db = createDb({ client: 'pg', connectionString: pg.url });
    return {
      db,
      async close() {
        await db.destroy();
        await pg.drop();
      },
    };
  });
}
