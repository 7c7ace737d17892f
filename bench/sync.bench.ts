import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { type Benchmark, connectedApp, generateLargeCompany, startEmulatorProcess, round } from './bench-support.js';

async function control(url: string, p: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${url}/emulator${p}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return res.status === 204 ? undefined : res.json();
}

/** Changes `count` distinct objects of one entity through the API (sparse updates), as a busy day would. */
async function changeObjects(
  url: string,
  realmId: string,
  entity: 'Invoice' | 'Customer',
  count: number,
): Promise<void> {
  const { access_token: token } = (await control(url, '/tokens', { realmId })) as { access_token: string };
  const headers = { authorization: `Bearer ${token}`, accept: 'application/json', 'content-type': 'application/json' };
  const api = (p: string, init?: RequestInit) =>
    fetch(`${url}/v3/company/${realmId}${p}`, { headers, ...init }).then((r) => r.json() as Promise<unknown>);
  const query = `select * from ${entity} orderby Id desc maxresults 1000`;
  type QueryAnswer = { QueryResponse: Record<string, Array<{ Id: string; SyncToken: string }>> };
  const found = (await api(`/query?query=${encodeURIComponent(query)}`)) as QueryAnswer;
  const rows = found.QueryResponse[entity] ?? [];
  const targets = rows.slice(0, count);
  const change = entity === 'Invoice' ? { PrivateNote: 'bench change' } : { Notes: 'bench change' };
  for (let i = 0; i < targets.length; i += 16) {
    await Promise.all(
      targets.slice(i, i + 16).map((o) =>
        api(`/${entity.toLowerCase()}`, {
          method: 'POST',
          body: JSON.stringify({ Id: o.Id, SyncToken: o.SyncToken, sparse: true, ...change }),
        }),
      ),
    );
  }
}

export const syncBenchmark: Benchmark = {
  name: 'sync',
  async run() {
    const {
      dir,
      companyFile,
      company: { realmId, ...sizes },
    } = generateLargeCompany('duesense-bench-');
    const file = { realmId };
    const totalRows = Object.values(sizes).reduce((a, b) => a + b, 0);
    const minimumCalls = 2 + Object.values(sizes).reduce((n, s) => n + Math.floor(s / 1000) + 1, 0);
    const { url, child } = await startEmulatorProcess(companyFile);
    const c = await connectedApp(dir, url, file.realmId);
    try {
      // Full sync with the production rate limiter (8/s, 450/min) against QBO's limits, emulator throttling on.
      let peakRss = 0;
      const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
      const t0 = performance.now();
      const full = await c.sync.sync(file.realmId, { full: true });
      const fullSeconds = (performance.now() - t0) / 1000;
      clearInterval(sampler);
      if (full.status !== 'succeeded') throw new Error(`full sync failed: ${full.errorMessage}`);

      await control(url, '/throttle', { enabled: false });
      await changeObjects(url, file.realmId, 'Invoice', 900);
      await control(url, '/throttle', { enabled: true });
      const t1 = performance.now();
      const small = await c.sync.sync(file.realmId);
      const smallSeconds = (performance.now() - t1) / 1000;

      const onePercent = Math.round(totalRows / 100);
      await control(url, '/throttle', { enabled: false });
      await changeObjects(url, file.realmId, 'Invoice', Math.min(onePercent, 1000));
      await changeObjects(url, file.realmId, 'Customer', Math.max(0, onePercent - 1000));
      await control(url, '/throttle', { enabled: true });
      const t2 = performance.now();
      const large = await c.sync.sync(file.realmId);
      const largeSeconds = (performance.now() - t2) / 1000;

      const rowsPerSecond = totalRows / fullSeconds;
      const callsOverMinimum = (full.apiCalls - minimumCalls) / minimumCalls;
      return {
        name: 'sync',
        description:
          `Full sync of a generated ${sizes.Customer}-customer company (${sizes.Invoice} invoices, ` +
          `${sizes.Payment} payments, ${sizes.CreditMemo} credit memos) from an emulator in another process, ` +
          'production rate limits, SQLite file; then incremental syncs after 900 changed invoices ' +
          'and after 1% of all rows changed (1,000 invoices and the rest customers).',
        figures: {
          rows: totalRows,
          fullApiCalls: full.apiCalls,
          minimumApiCalls: minimumCalls,
          fullSeconds: round(fullSeconds, 1),
          rowsPerSecond: Math.round(rowsPerSecond),
          throttledMsFull: full.throttledMs,
          peakRssMB: Math.round(peakRss / 2 ** 20),
          incremental900Calls: small.apiCalls,
          incremental900Seconds: round(smallSeconds, 2),
          incremental900Mode: small.mode,
          incremental1PctChanged: onePercent,
          incremental1PctCalls: large.apiCalls,
          incremental1PctSeconds: round(largeSeconds, 2),
          incremental1PctMode: large.mode,
        },
        targets: [
          {
            what: 'full-sync API calls',
            target: 'within 2% of the minimum',
            actual: `${full.apiCalls} vs ${minimumCalls} (+${round(callsOverMinimum * 100, 1)}%)`,
            met: callsOverMinimum <= 0.02,
          },
          {
            what: 'rows written per second',
            target: '>= 5,000',
            actual: `${Math.round(rowsPerSecond)}`,
            met: rowsPerSecond >= 5000,
          },
          {
            what: 'peak memory (app process)',
            target: '< 500 MB',
            actual: `${Math.round(peakRss / 2 ** 20)} MB`,
            met: peakRss < 500 * 2 ** 20,
          },
          {
            what: 'incremental sync, 900 changed objects',
            target: '<= 3 API calls',
            actual: `${small.apiCalls}`,
            met: small.apiCalls <= 3,
          },
        ],
      };
    } finally {
      await c.close();
      child.kill('SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
