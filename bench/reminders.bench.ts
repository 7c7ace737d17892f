import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pLimit from 'p-limit';
import { WEEKDAYS } from '../server/features/reminders/domain/calendar.js';
import { DEFAULT_REMINDER_POLICY } from '../server/features/reminders/domain/reminder-policy.js';
import { localDate } from '../server/time-zone.js';
import { type Benchmark, connectedApp, percentile, round, startEmulatorProcess } from './bench-support.js';

/** 200 companies of 250 customers and six months of history: about 500 open invoices each, 300 of them overdue. */
const COMPANIES = Number(process.env.BENCH_REMINDER_COMPANIES ?? 200);
const CUSTOMERS = 250;
const MONTHS = 6;
/** The app's default company time zone (QuickBooks does not report one): the companies' "today". */
const ZONE = 'America/Los_Angeles';
const MAX_CALLS_PER_REMINDER = 1.2;
const NIGHT_TARGET_MINUTES = 60;

interface Generated {
  realmId: string;
  file: string;
  invoices: number;
}

interface Logged {
  seq: number;
  method: string;
  path: string;
  status?: number;
}

/**
 * The emulator's request log from `after` on, read every second while a run goes (the log keeps its last 10,000
 * requests; a night makes more).
 */
function followRequestLog(url: string, after: number) {
  const requests: Logged[] = [];
  let last = after;
  const read = async () => {
    const res = await fetch(`${url}/emulator/requests?after=${last}`);
    const page = ((await res.json()) as { requests: Logged[] }).requests;
    requests.push(...page);
    last = page.at(-1)?.seq ?? last;
  };
  let reading = Promise.resolve();
  const timer = setInterval(() => (reading = reading.then(read)), 1000);
  return {
    async stop(): Promise<Logged[]> {
      clearInterval(timer);
      await reading;
      // Answers still in flight when a page was read have their status by now: read the whole tail again.
      await read();
      const bySeq = new Map(requests.map((r) => [r.seq, r]));
      return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
    },
  };
}

async function lastSeq(url: string): Promise<number> {
  const res = await fetch(`${url}/emulator/requests?after=0`);
  return ((await res.json()) as { requests: Logged[] }).requests.at(-1)?.seq ?? 0;
}

/** What each request was for: a reminder's send or read-ahead, or the sync's reads. */
function kindOf(r: Logged): string {
  const p = r.path.replace(/^\/v3\/company\/[^/]+/, '');
  if (/^\/invoice\/[^/]+\/send$/.test(p)) return 'send';
  if (p === '/batch') return 'batch';
  if (/^\/invoice\/[^/]+$/.test(p) && r.method === 'GET') return 'invoiceRead';
  if (p === '/query') return 'query';
  if (p === '/cdc') return 'cdc';
  if (r.path.startsWith('/oauth2')) return 'oauth';
  return 'other';
}

/**
 * A nightly run over many companies with the emulator's throttle on (QBO's 10/s, 500/min and 40 batch requests a
 * minute, per company), reminders in automatic mode: wall time, QuickBooks calls per reminder sent, 429s, and
 * whether any invoice got the same reminder twice.
 */
export const remindersBenchmark: Benchmark = {
  name: 'reminders',
  async run() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duesense-reminders-bench-'));
    const asOf = localDate(new Date(), ZONE);
    const generatedAt = performance.now();
    const generated = spawnSync(
      'npx',
      ['tsx', 'bench/generate-companies.ts', dir, String(COMPANIES), String(CUSTOMERS), String(MONTHS), asOf],
      { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 },
    );
    if (generated.status !== 0) throw new Error(`generation failed: ${generated.stderr}`);
    const companies = JSON.parse(generated.stdout.trim().split('\n').at(-1)!) as Generated[];
    const generateSeconds = (performance.now() - generatedAt) / 1000;
    const { url, child } = await startEmulatorProcess(companies.map((co) => co.file)); // throttle on
    const realms = companies.map((co) => co.realmId);
    const setupAt = performance.now();
    const c = await connectedApp(dir, url, realms);
    try {
      // Before the night: each company synced and scored once (its first full sync), reminders on, automatic, on
      // every day of the week (so the day the benchmark runs does not matter).
      const limit = pLimit(c.config.sync.nightlyConcurrency);
      await Promise.all(
        realms.map((realmId) =>
          limit(async () => {
            const synced = await c.sync.sync(realmId, { full: true });
            if (synced.status !== 'succeeded') throw new Error(`full sync failed: ${synced.errorMessage}`);
            await c.risk.score(realmId, { trigger: 'manual' });
            const policy = { ...DEFAULT_REMINDER_POLICY, mode: 'automatic', businessDays: [...WEEKDAYS] };
            const saved = await c.reminders.savePolicy(realmId, policy, 'benchmark');
            if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
          }),
        ),
      );
      const setupSeconds = (performance.now() - setupAt) / 1000;
      const open = (await c
        .db('qbo_invoices')
        .where('balance_cents', '>', 0)
        .where({ voided: false })
        .groupBy('realm_id')
        .select('realm_id')
        .count({ n: '*' })) as Array<{ n: number }>;
      const openCounts = open.map((r) => Number(r.n)).sort((a, b) => a - b);

      const log = followRequestLog(url, await lastSeq(url));
      const nightAt = performance.now();
      const summary = await c.nightly.runAll({ force: true, actor: 'benchmark' });
      const nightSeconds = (performance.now() - nightAt) / 1000;
      const requests = await log.stop();

      const lines = summary.split('\n');
      const failedNights = lines.filter((l) => !/: sync succeeded/.test(l));
      const byKind = new Map<string, number>();
      for (const r of requests) byKind.set(kindOf(r), (byKind.get(kindOf(r)) ?? 0) + 1);
      const throttled429 = requests.filter((r) => r.status === 429).length;
      const statuses = await c.db('reminders').groupBy('status').select('status').count({ n: '*' });
      const sentRows = Number(
        (statuses as Array<{ status: string; n: number }>).find((s) => s.status === 'sent')?.n ?? 0,
      );
      const outbox = (await (await fetch(`${url}/emulator/outbox`)).json()) as {
        emails: Array<{ realmId: string; invoiceId: string }>;
      };
      const emailed = new Set(outbox.emails.map((e) => `${e.realmId}:${e.invoiceId}`));
      const twice = outbox.emails.length - emailed.size;
      const reminderCalls = (byKind.get('send') ?? 0) + (byKind.get('batch') ?? 0) + (byKind.get('invoiceRead') ?? 0);
      const perReminder = sentRows === 0 ? NaN : reminderCalls / sentRows;
      const allPerReminder = sentRows === 0 ? NaN : requests.length / sentRows;
      return {
        name: 'reminders',
        description:
          `One nightly run (sync, score, write-back as set (off), reminders) of ${COMPANIES} generated companies ` +
          `(${CUSTOMERS} customers, ${MONTHS} months of history each) connected to one app (SQLite, the production ` +
          'rate-limit policy, NIGHTLY_CONCURRENCY companies at once), against an emulator in another process with ' +
          "QBO's throttle on; reminders automatic on every day, the default policy otherwise (daily cap 50). " +
          "Requests and 429s from the emulator's request log, emails from its outbox.",
        figures: {
          companies: COMPANIES,
          nightlyConcurrency: c.config.sync.nightlyConcurrency,
          openInvoicesMedian: percentile(openCounts, 50),
          openInvoicesMin: openCounts[0] ?? 0,
          openInvoicesMax: openCounts.at(-1) ?? 0,
          generateSeconds: round(generateSeconds, 1),
          setupSeconds: round(setupSeconds, 1),
          nightSeconds: round(nightSeconds, 1),
          secondsPerCompany: round(nightSeconds / COMPANIES, 2),
          failedNights: failedNights.length,
          remindersSent: sentRows,
          emails: outbox.emails.length,
          requests: requests.length,
          ...Object.fromEntries([...byKind].sort().map(([k, n]) => [`requests_${k}`, n])),
          reminderCallsPerReminder: round(perReminder, 3),
          allCallsPerReminder: round(allPerReminder, 3),
          throttled429,
          sameReminderTwice: twice,
          ...Object.fromEntries(
            (statuses as Array<{ status: string; n: number }>).map((s) => [`rows_${s.status}`, Number(s.n)]),
          ),
        },
        targets: [
          {
            what: 'every company’s night',
            target: 'succeeded',
            actual: failedNights.length === 0 ? `all ${COMPANIES}` : failedNights.slice(0, 3).join(' | '),
            met: failedNights.length === 0,
          },
          {
            what: 'reminders sent, each once',
            target: 'sent rows = QuickBooks emails, no invoice twice',
            actual: `${sentRows} rows, ${outbox.emails.length} emails, ${twice} twice`,
            met: sentRows > 0 && sentRows === outbox.emails.length && twice === 0,
          },
          {
            what: 'QuickBooks calls per reminder sent (reads ahead and sends)',
            target: `<= ${MAX_CALLS_PER_REMINDER}`,
            actual: `${round(perReminder, 3)} (${round(allPerReminder, 3)} with the sync's)`,
            met: perReminder <= MAX_CALLS_PER_REMINDER,
          },
          { what: '429 responses', target: '0', actual: String(throttled429), met: throttled429 === 0 },
          {
            what: `night of ${COMPANIES} companies`,
            target: `< ${NIGHT_TARGET_MINUTES} min`,
            actual: `${round(nightSeconds / 60, 1)} min`,
            met: nightSeconds < NIGHT_TARGET_MINUTES * 60,
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
