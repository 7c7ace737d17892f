import { performance } from 'node:perf_hooks';
import { createEmulator } from '../server/emulator/emulator.js';
import { generateCompany } from '../server/emulator/generator/generate-company.js';
import { type Benchmark, percentile, round } from './bench-support.js';

/** The size the sync benchmark uses: 5,000 customers, about 100,000 invoices and 80,000 payments. */
export const LARGE_COMPANY = {
  seed: 7,
  customers: 5_000,
  months: 24,
  asOf: '2026-10-31',
  invoicesPerCustomerMonth: 0.78,
} as const;

export const generationBenchmark: Benchmark = {
  name: 'emulator-generate',
  async run() {
    const started = performance.now();
    const company = generateCompany(LARGE_COMPANY);
    const seconds = (performance.now() - started) / 1000;
    return {
      name: 'emulator-generate',
      description: 'Generate the 5,000-customer, two-year company the sync benchmark uses (deterministic, seed 7).',
      figures: {
        customers: company.Customers.length,
        invoices: company.Invoices.length,
        payments: company.Payments.length,
        creditMemos: company.CreditMemos.length,
        seconds: round(seconds, 2),
      },
      targets: [{ what: 'generation time', target: '< 30 s', actual: `${round(seconds, 1)} s`, met: seconds < 30 }],
    };
  },
};

export const queryBenchmark: Benchmark = {
  name: 'emulator-query',
  async run() {
    const company = generateCompany(LARGE_COMPANY);
    const emulator = createEmulator({
      companies: [company],
      clients: [{ clientId: 'bench', clientSecret: 'bench', redirectUris: ['http://127.0.0.1/cb'] }],
      throttle: false,
    });
    const url = await emulator.listen(0);
    try {
      const { access_token: token } = emulator.authority.issueTokensForRealm(company.realmId, 'bench');
      const page = async (query: string) => {
        const t0 = performance.now();
        const res = await fetch(
          `${url}/v3/company/${company.realmId}/query?query=${encodeURIComponent(query)}&minorversion=75`,
          { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } },
        );
        const body = (await res.json()) as { QueryResponse: { Invoice?: unknown[] } };
        if (res.status !== 200) throw new Error(`query failed: ${res.status}`);
        return { ms: performance.now() - t0, rows: body.QueryResponse.Invoice?.length ?? 0 };
      };
      // A full pass the way a first sync pages: ORDERBY MetaData.LastUpdatedTime, 1000 rows a page.
      const started = performance.now();
      const latencies: number[] = [];
      let rows = 0;
      for (let start = 1; ; start += 1000) {
        const r = await page(
          `select * from Invoice orderby MetaData.LastUpdatedTime startposition ${start} maxresults 1000`,
        );
        latencies.push(r.ms);
        rows += r.rows;
        if (r.rows < 1000) break;
      }
      const seconds = (performance.now() - started) / 1000;
      // A filtered query (incremental sync): changed since a recent time.
      const filtered: number[] = [];
      for (let i = 0; i < 20; i++)
        filtered.push(
          (
            await page(
              "select * from Invoice where MetaData.LastUpdatedTime >= '2026-10-01T00:00:00-07:00' maxresults 1000",
            )
          ).ms,
        );
      latencies.sort((a, b) => a - b);
      filtered.sort((a, b) => a - b);
      const pagesPerSecond = latencies.length / seconds;
      return {
        name: 'emulator-query',
        description:
          'Page every invoice of the 5,000-customer company through the emulator over HTTP, 1,000 rows a page, ' +
          'ordered by MetaData.LastUpdatedTime; then 20 filtered incremental queries.',
        figures: {
          invoices: rows,
          pages: latencies.length,
          seconds: round(seconds, 2),
          pagesPerSecond: round(pagesPerSecond, 1),
          rowsPerSecond: Math.round(rows / seconds),
          pageP50ms: round(percentile(latencies, 50)),
          pageP95ms: round(percentile(latencies, 95)),
          filteredP50ms: round(percentile(filtered, 50)),
          filteredP95ms: round(percentile(filtered, 95)),
        },
        targets: [
          {
            what: 'full-pass page rate',
            target: '>= 20 pages/s',
            actual: `${round(pagesPerSecond, 1)} pages/s`,
            met: pagesPerSecond >= 20,
          },
        ],
      };
    } finally {
      await emulator.close();
    }
  },
};
