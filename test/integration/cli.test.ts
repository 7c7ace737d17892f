import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../server/clock.js';
import { EMULATOR_DEMO_CLIENT } from '../../server/config.js';
import { createDb } from '../../server/db/knex.js';
import { createActivityLog } from '../../server/features/activity/activity-log.js';
import { WEEKDAYS } from '../../server/features/reminders/domain/calendar.js';
import { createReminderStore } from '../../server/features/reminders/reminder-store.js';
import type { ActivityEntry, ActivityKind } from '../../server/features/activity/activity-log-type.js';
import { startEmulator, type RunningEmulator } from '../support/emulator-harness.js';
import { fixtureCompany, FIXTURE_REALM } from '../support/fixture-company.js';

const run = promisify(execFile);
const BIN = path.resolve('bin/duesense.js');

/** The `duesense` command as an operator runs it: a separate process, its own configuration. */
async function duesense(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { ...process.env, LOG_LEVEL: 'silent', ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('the duesense CLI', () => {
  let dir: string;
  let emulator: RunningEmulator;
  let env: Record<string, string>;
  /** Who the activity log says ran a CLI command: this process's operating-system user. */
  const cliUser = `${os.userInfo().username} (CLI)`;

  /** The company's activity entries of one kind, newest first, read from the CLI's database file. */
  async function activity(kind: ActivityKind): Promise<ActivityEntry[]> {
    const db = createDb({ client: 'sqlite', filename: env.DATABASE_FILE! });
    try {
      return await createActivityLog(db, systemClock).list(FIXTURE_REALM, { kind });
    } finally {
      await db.destroy();
    }
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duesense-cli-'));
    emulator = await startEmulator({
      companies: [fixtureCompany()],
      clients: [
        {
          clientId: EMULATOR_DEMO_CLIENT.clientId,
          clientSecret: EMULATOR_DEMO_CLIENT.clientSecret,
          redirectUris: ['http://localhost:3000/oauth/callback'],
        },
      ],
      now: new Date().toISOString(), // a separate process checks id_token expiry against its own clock
    });
    env = {
      DATABASE_FILE: path.join(dir, 'duesense.sqlite'),
      EMULATOR_URL: emulator.url,
      INTUIT_ENVIRONMENT: 'emulator',
    };
  });
  afterAll(async () => {
    await emulator.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('generates and saves a company, then refuses a broken company file with every problem listed', async () => {
    const file = path.join(dir, 'small.json');
    const saved = await duesense(
      [
        'emulator',
        '--generate',
        '--customers',
        '12',
        '--months',
        '2',
        '--seed',
        '9',
        '--as-of',
        '2026-03-31',
        '--save',
        file,
      ],
      env,
    );
    expect(saved.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).Customers).toHaveLength(12);
    fs.writeFileSync(path.join(dir, 'bad.json'), '{"realmId": "x"}');
    const bad = await duesense(
      ['emulator', '--company', path.join(dir, 'bad.json'), '--save', path.join(dir, 'out.json')],
      env,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/realmId: must be a numeric string/);
    expect((await duesense(['emulator', '--customers', 'lots'], env)).stderr).toMatch(
      /--customers must be a whole number/,
    );
  });

  it('connects the demo company without a browser, then lists it without any token', async () => {
    expect((await duesense(['companies'], env)).stdout).toMatch(/No companies are connected/);
    const connected = await duesense(['connect-demo', '--realm', FIXTURE_REALM], env);
    expect(connected.stderr).toBe('');
    expect(connected.stdout).toMatch(
      /Connected Fixture Landscaping \(realm 9130350000000001\) for owner@duesense-demo.test/,
    );
    expect(await activity('connection')).toMatchObject([
      { actor: cliUser, summary: 'Connected Fixture Landscaping to Duesense' },
    ]);
    const listed = await duesense(['companies', '--json'], env);
    const [company] = JSON.parse(listed.stdout) as Array<{
      realmId: string;
      status: string;
      tokens: Record<string, string>;
    }>;
    expect(company).toMatchObject({ realmId: FIXTURE_REALM, status: 'connected' });
    expect(Object.keys(company!.tokens).sort()).toEqual([
      'accessExpiresAt',
      'lastRefreshAt',
      'refreshExpiresAt',
      'refreshHardExpiresAt',
    ]);
    expect((await duesense(['connect-demo', '--realm', '42'], env)).stderr).toMatch(
      /serves no company 42; it serves: 9130350000000001 \(Fixture Landscaping\)/,
    );
  });

  it('syncs, reports status and runs the nightly job once per local date', async () => {
    const synced = await duesense(['sync'], env);
    expect(synced.stdout).toMatch(/Fixture Landscaping \(9130350000000001\): succeeded, full, 9 API calls/);
    expect((await activity('sync'))[0]).toMatchObject({ actor: cliUser, summary: expect.stringMatching(/^Synced /) });
    const status = JSON.parse((await duesense(['status', '--json'], env)).stdout) as Array<{
      rows: Record<string, number>;
      runs: Array<{ status: string }>;
    }>;
    expect(status[0]!.rows).toMatchObject({ Customer: 6, Invoice: 4, Payment: 3, CreditMemo: 1, Item: 2, Term: 3 });
    expect(status[0]!.runs[0]!.status).toBe('succeeded');
    expect((await duesense(['job', 'nightly'], env)).stdout).toMatch(
      /Fixture Landscaping: sync succeeded \(cdc, 3 API calls\)/,
    );
    // The nightly run started by hand is the CLI user's, not the schedule's.
    expect((await activity('sync'))[0]!.actor).toBe(cliUser);
    expect((await activity('score'))[0]!.actor).toBe(cliUser);
    expect((await duesense(['job', 'nightly'], env)).stdout).toMatch(/already done for \d{4}-\d{2}-\d{2}/);
    expect((await duesense(['export', '--what', 'nonsense'], env)).stderr).toMatch(/argument 'nonsense' is invalid/);
    const bogus = await duesense(['job', 'bogus'], env);
    expect([bogus.code, bogus.stderr]).toEqual([
      2,
      expect.stringMatching(
        /no job "bogus"; jobs: nightly, nightly-dispatch, token-keepalive, writeback-drain, reminders-send/,
      ),
    ]);
  }, 90_000);

  it('scores and exports what-ifs with --as-of, labelled and never saved; refuses a date after today', async () => {
    // The nightly job saved today's run; the exports read it, and a what-if changes nothing they read.
    const saved = await duesense(['export', '--what', 'company', '--format', 'json'], env);
    const figures = JSON.parse(saved.stdout) as Array<{ metric: string; value: unknown }>;
    expect(figures.slice(0, 3)).toEqual([
      { metric: 'as_of', value: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) },
      { metric: 'what_if', value: false },
      { metric: 'score_run_id', value: expect.any(Number) },
    ]);
    const scored = await duesense(['score', '--as-of', '2025-06-15'], env);
    expect(scored.stdout).toMatch(
      /^9130350000000001 WHAT-IF as of 2025-06-15 \(not saved: the dashboard, smoothing and alerts are unchanged\): 5 customers, AR \$215/,
    );
    expect((await duesense(['export', '--what', 'company', '--format', 'json'], env)).stdout).toBe(saved.stdout);
    const csv = await duesense(['export', '--what', 'customers', '--format', 'csv', '--as-of', '2025-06-15'], env);
    expect(csv.stdout.split('\r\n')[0]).toMatch(/^customer_id,name,.*,as_of,what_if$/);
    expect(csv.stdout.split('\r\n')[1]).toMatch(/,2025-06-15,true$/);
    for (const command of ['score', 'export']) {
      const future = await duesense(
        [command, '--as-of', '2999-01-01', ...(command === 'export' ? ['--what', 'customers'] : [])],
        env,
      );
      expect([future.code, future.stdout]).toEqual([2, '']);
      expect(future.stderr).toMatch(
        /^duesense: Cannot score as of 2999-01-01: it is after today \(\d{4}-\d{2}-\d{2}\) in the company's time zone\.\n$/,
      );
    }
  }, 90_000);

  it('writes risk labels with `duesense writeback`: a dry run writes nothing, a rerun nothing more', async () => {
    const company = emulator.emulator.companies.get(FIXTURE_REALM)!;
    const notes = () => [...company.table('Customer').values()].map((x) => [x.Id, x.Notes ?? null, x.SyncToken]);
    const before = notes();
    const dry = await duesense(['writeback', '--dry-run'], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(
      /Fixture Landscaping \(9130350000000001\): dry run, nothing written: \d+ customers to label/,
    );
    expect(dry.stdout).toMatch(/^ {2}would write .+ \(\d+\): Notes — (Low|Medium|High) risk/m);
    expect(notes()).toEqual(before);

    const written = await duesense(['writeback'], env);
    expect(written.code).toBe(0);
    const queued = written.stdout.match(/^ {2}queued /gm)?.length ?? 0;
    expect(queued).toBeGreaterThan(0);
    expect(written.stdout).toContain(`${queued} written`);
    const labelled = [...company.table('Customer').values()].filter((x) => String(x.Notes ?? '').includes('Duesense'));
    expect(labelled).toHaveLength(queued);
    expect((await activity('write')).length).toBeGreaterThanOrEqual(queued);
    expect((await activity('write'))[0]!.actor).toBe(cliUser);

    const again = await duesense(['writeback'], env);
    expect(again.stdout).toMatch(/: 0 customers to label; \d+ already as they should be/);
    expect(again.stdout).not.toMatch(/^ {2}queued /m);

    const removed = await duesense(['writeback', '--remove', '--realm', FIXTURE_REALM], env);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(new RegExp(`${queued} blocks to remove`));
    const restored = new Map(notes().map(([id, n]) => [id, n]));
    // A customer who had no Notes gets empty Notes back (whether QBO then omits the field is unconfirmed).
    for (const [id, n] of before) expect(restored.get(id) ?? '', `customer ${String(id)}`).toEqual(n ?? '');
    expect((await duesense(['writeback', '--realm', '42'], env)).code).toBe(2);
  }, 90_000);

  it('reminds with `duesense remind`: dry run, then approval mode queues, --approve-all sends once', async () => {
    const db = createDb({ client: 'sqlite', filename: env.DATABASE_FILE! });
    try {
      // Every day a business day, so the test does not depend on the weekday it runs on (the CLI has the real clock).
      const { policy } = await createReminderStore(db).policy(FIXTURE_REALM);
      const everyDay = [...WEEKDAYS];
      await createReminderStore(db).savePolicy(
        FIXTURE_REALM,
        { ...policy, businessDays: everyDay },
        'test',
        new Date(),
      );
    } finally {
      await db.destroy();
    }
    const emails = () => emulator.emulator.outbox.list({ realmId: FIXTURE_REALM });
    const before = emails().length;
    const dry = await duesense(['remind', '--dry-run'], env);
    expect(dry.code).toBe(0);
    const due = Number(/dry run, nothing queued or sent: (\d+) due/.exec(dry.stdout)?.[1]);
    expect(due).toBeGreaterThan(0);
    expect(dry.stdout.match(/^ {2}would queue {2}invoice .+ to .+ by QuickBooks, /gm)).toHaveLength(due);
    expect(emails()).toHaveLength(before);

    const queued = await duesense(['remind'], env);
    expect(queued.code).toBe(0);
    expect(queued.stdout).toContain(`approval mode: ${due} queued for approval, 0 sent`);
    expect(queued.stdout.match(/^ {2}queued {7}invoice .+: awaiting approval$/gm)).toHaveLength(due);
    expect(emails()).toHaveLength(before);

    const sent = await duesense(['remind', '--approve-all', '--realm', FIXTURE_REALM], env);
    expect(sent.code).toBe(0);
    expect(sent.stdout).toContain(`0 queued for approval, ${due} sent`);
    expect(sent.stdout.match(/^ {2}sent {9}invoice /gm)).toHaveLength(due);
    expect(emails()).toHaveLength(before + due);
    expect((await activity('email')).filter((e) => e.summary.startsWith('Reminder sent'))).toHaveLength(due);

    const again = await duesense(['remind', '--approve-all'], env);
    expect(again.stdout).toContain('0 queued for approval, 0 sent');
    expect(emails()).toHaveLength(before + due);
    expect((await duesense(['remind', '--realm', '42'], env)).code).toBe(2);
  }, 90_000);

  it('answers every wrong use with exit code 2 and one line plus a hint, never the whole help', async () => {
    const wrong: Array<[string[], RegExp]> = [
      [['score', '--bogus'], /^duesense: unknown option '--bogus'$/],
      [['nosuchcommand'], /^duesense: unknown command 'nosuchcommand'$/],
      [
        ['score', '--as-of', '2026-13-45'],
        /^duesense: option '--as-of <date>' argument '2026-13-45' is invalid\. the date must be written YYYY-MM-DD/,
      ],
      [['export'], /^duesense: required option '--what <what>' not specified$/],
      [
        ['export', '--what', 'customers', '--format', 'xml'],
        /^duesense: option '--format <format>' argument 'xml' is invalid\. Allowed choices are csv, json\.$/,
      ],
      [['sync', '--realm'], /^duesense: option '--realm <realmId>' argument missing$/],
    ];
    for (const [args, reason] of wrong) {
      const r = await duesense(args, env);
      const lines = r.stderr.trimEnd().split('\n');
      expect({ args, code: r.code, lines: lines.length, stdout: r.stdout }).toEqual({
        args,
        code: 2,
        lines: 2,
        stdout: '',
      });
      expect(lines[0]).toMatch(reason);
      expect(lines[1]).toBe('(run with --help for usage)');
    }
    expect((await duesense(['--help'], env)).code).toBe(0);
  }, 90_000);

  it('reports a runtime failure in one line with exit code 1, and the stack only with DEBUG', async () => {
    const out = path.join(dir, 'no-such-folder', 'x.csv');
    const failed = await duesense(['export', '--what', 'customers', '--out', out], env);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toBe(
      `duesense: cannot write or read ${out}: no such file or folder (set DEBUG=1 for details)\n`,
    );
    const debug = await duesense(['export', '--what', 'customers', '--out', out], { ...env, DEBUG: '1' });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/ENOENT[\s\S]*\n +at /);
  }, 90_000);

  it('prints an access token that the API accepts, and lists the companies', async () => {
    const token = (
      await duesense(['emulator', 'token', '--url', emulator.url, '--realm', FIXTURE_REALM], env)
    ).stdout.trim();
    const res = await fetch(`${emulator.url}/v3/company/${FIXTURE_REALM}/companyinfo/${FIXTURE_REALM}`, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    });
    expect(res.status).toBe(200);
    expect((await duesense(['emulator', 'companies', '--url', emulator.url], env)).stdout).toMatch(
      /9130350000000001 {2}Fixture Landscaping/,
    );
  });

  it('logs a credit score set and credit scores imported through the CLI as its user did them', async () => {
    const set = await duesense(['credit-scores', 'set', '--customer', '3', '--score', '700'], env);
    expect([set.code, set.stdout]).toEqual([0, 'Credit score of customer 3 set to 700.\n']);
    const file = path.join(dir, 'scores.csv');
    fs.writeFileSync(file, 'customer_id,score\n1,650\n2,720\n');
    expect((await duesense(['credit-scores', 'import', file], env)).stdout).toBe('Imported 2 credit score(s).\n');
    expect((await activity('customer'))[0]).toMatchObject({
      actor: cliUser,
      summary: 'Set the credit score of Cool Cars to 700',
      customerId: '3',
    });
    expect((await activity('settings'))[0]).toMatchObject({
      actor: cliUser,
      summary: 'Imported 2 credit scores from scores.csv',
      section: 'credit-scores',
    });
  }, 90_000);
});
