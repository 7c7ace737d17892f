import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { offsetClock } from '../server/clock.js';
import { loadConfig } from '../server/config.js';
import { createContainer } from '../server/container.js';
import { migrateToLatest } from '../server/db/knex.js';
import { trainLatePaymentModel } from '../server/features/risk/model/late-payment-model.js';
import { loadCompanyFacts } from '../server/features/sync/company-facts-loader.js';
import { silentLogger } from '../server/logger.js';
import { type Benchmark, generateLargeCompany, startEmulatorProcess, round } from './bench-support.js';

/** The SQL floor: one plain aggregate over the same invoice and payment rows the score run reads. */
const SQL_FLOOR = `
  SELECT i.customer_qbo_id, COUNT(*) AS invoices, SUM(i.total_cents) AS billed, SUM(COALESCE(a.applied, 0)) AS applied
  FROM qbo_invoices i
  LEFT JOIN (SELECT txn_qbo_id, SUM(amount_cents) AS applied FROM qbo_payment_applications
             WHERE realm_id = ? AND txn_type = 'Invoice' GROUP BY txn_qbo_id) a
    ON a.txn_qbo_id = i.qbo_id
  WHERE i.realm_id = ? AND i.deleted_at IS NULL
  GROUP BY i.customer_qbo_id`;

const SCORED_RUNS = 3;

export const scoreBenchmark: Benchmark = {
  name: 'score',
  async run() {
    const {
      dir,
      companyFile,
      company: { realmId, Customer: customers, Invoice: invoices },
    } = generateLargeCompany('duesense-score-bench-');
    const { url, child } = await startEmulatorProcess(companyFile, [
      '--no-throttle',
      '--redirect-uri',
      'http://localhost:3000/oauth/callback',
    ]);
    const env = {
      DATABASE_FILE: path.join(dir, 'duesense.sqlite'),
      INTUIT_ENVIRONMENT: 'emulator',
      EMULATOR_URL: url,
      LOG_LEVEL: 'silent',
    };
    // The local copy is filled by the CLI in other processes (a real connect and sync), so this process's
    // memory is the score run's alone.
    for (const args of [
      ['connect-demo', '--realm', realmId],
      ['sync', '--full'],
    ]) {
      const r = spawnSync(process.execPath, [path.resolve('bin/duesense.js'), ...args], {
        env: { ...process.env, ...env },
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`duesense ${args[0]} failed: ${r.stderr || r.stdout}`);
    }
    const asOf = '2026-10-31';
    // Only a run as of today is saved: the clock starts at noon UTC of the as-of date (that date in every zone
    // within 11 hours of UTC) and runs on, so the measured runs are saved ones as before.
    const c = createContainer(loadConfig(env), {
      logger: silentLogger,
      emulatorUrl: url,
      clock: offsetClock(`${asOf}T12:00:00Z`),
    });
    try {
      await migrateToLatest(c.db);

      const sqlTimes: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        await c.db.raw(SQL_FLOOR, [realmId, realmId]);
        sqlTimes.push(performance.now() - t);
      }
      const sqlFloorMs = Math.min(...sqlTimes);

      await c.risk.score(realmId, { asOf, persist: false }); // warm-up (JIT), not counted
      global.gc?.();
      let peak = process.memoryUsage().rss;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
      // Three persisted runs, as the nightly job makes them: the first has no previous run, the others read
      // the one before (score states, cluster centres). One run on a 2-core VM varies by ±10 %; the median
      // is the figure, every run is reported. Each starts from a collected heap, as the single run measured
      // here before did: the peak is a run's, not V8's leftovers from the run before.
      const runs: number[] = [];
      let highRisk = 0;
      // The longest the event loop went without turning during the runs: how long a web request arriving
      // mid-run could wait in the same process.
      const stalls = monitorEventLoopDelay({ resolution: 10 });
      stalls.enable();
      for (let i = 0; i < SCORED_RUNS; i++) {
        global.gc?.();
        const t1 = performance.now();
        const scored = await c.risk.score(realmId, { asOf, trigger: 'manual' });
        if (scored.runId === null)
          throw new Error(`the run as of ${asOf} was not saved: the benchmark measures saved runs`);
        highRisk = scored.assessment.highRisk.count;
        runs.push(performance.now() - t1);
      }
      stalls.disable();
      const scoreMs = [...runs].sort((a, b) => a - b)[Math.floor(SCORED_RUNS / 2)]!;
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().rss);

      // Loading the facts alone, then training alone (features included) on them: the two largest parts of
      // a run. Training has a target of its own; the load time is reported for the record.
      const tl = performance.now();
      const facts = await loadCompanyFacts(c.readDb, realmId, { rollUpJobs: true });
      const loadMs = performance.now() - tl;
      const t0 = performance.now();
      const model = trainLatePaymentModel(facts.invoices, { asOf });
      const trainingMs = performance.now() - t0;
      return {
        name: 'score',
        description:
          `A score run (median of ${SCORED_RUNS}; load the facts from SQLite, every customer and company metric, ` +
          'train and apply the late-payment model, clusters, forecast, persist the run) ' +
          `for a generated ${customers}-customer, ${invoices}-invoice company, ` +
          'against one plain SQL aggregate over the same invoice and payment rows.',
        figures: {
          customers,
          invoices,
          scoreRunMs: Math.round(scoreMs),
          scoreRunsMs: runs.map((r) => Math.round(r)).join(' '),
          sqlFloorMs: round(sqlFloorMs, 1),
          timesFloor: round(scoreMs / sqlFloorMs, 1),
          loadMs: Math.round(loadMs),
          trainingMs: Math.round(trainingMs),
          trainedOn: model.card.trainedOn,
          holdoutAuc: round(model.card.auc ?? 0, 3),
          peakRssMB: Math.round(peak / 2 ** 20),
          highRisk,
          longestEventLoopStallMs: Math.round(stalls.max / 1e6),
        },
        targets: [
          { what: 'whole score run', target: '< 3 s', actual: `${(scoreMs / 1000).toFixed(2)} s`, met: scoreMs < 3000 },
          {
            what: 'score run against the SQL floor',
            target: '<= 5 ×',
            actual: `${round(scoreMs / sqlFloorMs, 1)} ×`,
            met: scoreMs <= 5 * sqlFloorMs,
          },
          {
            what: 'peak memory',
            target: '< 500 MB',
            actual: `${Math.round(peak / 2 ** 20)} MB`,
            met: peak < 500 * 2 ** 20,
          },
          {
            what: 'model training',
            target: '< 2 s',
            actual: `${(trainingMs / 1000).toFixed(2)} s`,
            met: trainingMs < 2000,
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
