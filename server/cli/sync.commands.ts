import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { JOBS } from '../../jobs/schedule.js';
import type { Container } from '../container.js';
import { SYNC_ENTITIES } from '../features/sync/sync-entities.js';
import { SyncBusyError, type SyncProgress } from '../features/sync/sync-service.js';
import { cliActor } from './cli-actor.js';
import { CliError, companiesFor, withCliContainer } from './cli-support.js';

/** A progress bar on a terminal; plain lines (one per entity) when output is piped. */
function progressReporter(label: string): { update(p: SyncProgress): void; stop(): void } {
  if (!process.stderr.isTTY) {
    let last = '';
    return {
      update(p) {
        if (p.entity !== last) process.stderr.write(`  ${label}: ${p.entity} (${p.mode})\n`);
        last = p.entity;
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: `  ${label} {entity} ({mode}) | {rows} rows, {pages} pages`,
      stream: process.stderr,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(1, 0, { entity: '…', mode: '', rows: 0, pages: 0 });
  return { update: (p) => bar.update(0, { ...p }), stop: () => bar.stop() };
}

export function registerSyncCommands(program: Command): void {
  program
    .command('sync')
    .description('Sync connected companies from QuickBooks now (incremental unless --full).')
    .option('--realm <realmId>', 'only this company')
    .option('--full', 'a full pass with mark-and-sweep instead of an incremental sync')
    .action((o: { realm?: string; full?: boolean }) =>
      withCliContainer(async (c) => {
        const companies = await companiesFor(c, o.realm);
        if (companies.length === 0)
          return void process.stdout.write(
            'No connected companies. Connect one first (`npx duesense connect-demo` in demo mode).\n',
          );
        let failed = 0;
        for (const company of companies) {
          const progress = progressReporter(company.companyName);
          try {
            const run = await c.sync.sync(company.realmId, {
              full: o.full === true,
              trigger: 'manual',
              actor: cliActor(),
              onProgress: (p) => progress.update(p),
            });
            progress.stop();
            const rows = Object.entries(run.counts ?? {})
              .map(([e, n]) => `${e} ${n.upserted}${n.deleted ? `/-${n.deleted}` : ''}`)
              .join(', ');
            const seconds = (run.finishedAt!.getTime() - run.startedAt.getTime()) / 1000;
            process.stdout.write(
              `${company.companyName} (${company.realmId}): ${run.status}, ${run.mode}, ${run.apiCalls} API calls, ` +
                `${seconds.toFixed(1)} s${rows ? ` — ${rows}` : ''}\n`,
            );
            if (run.status !== 'succeeded') {
              failed++;
              process.stdout.write(
                `  error (${run.errorClass}${run.errorCode ? ` ${run.errorCode}` : ''}): ${run.errorMessage}` +
                  `${run.intuitTid ? ` [intuit_tid ${run.intuitTid}]` : ''}\n`,
              );
            }
          } catch (err) {
            progress.stop();
            if (!(err instanceof SyncBusyError)) throw err;
            failed++;
            process.stdout.write(`${company.companyName}: ${err.message}\n`);
          }
        }
        if (failed > 0) process.exitCode = 1;
      }),
    );

  program
    .command('status')
    .description("Each company's connection, its last sync runs and the local row count per entity.")
    .option('--realm <realmId>', 'only this company')
    .option('--json', 'print JSON')
    .action((o: { realm?: string; json?: boolean }) =>
      withCliContainer(async (c) => {
        const all = await c.connections.listCompanies();
        const companies = o.realm ? all.filter((co) => co.realmId === o.realm) : all;
        if (o.realm && companies.length === 0) throw new CliError(`no company ${o.realm}`, 2);
        const report = [];
        for (const company of companies) {
          report.push({
            ...company,
            runs: await c.syncStore.runs(company.realmId, 5),
            rows: await c.syncStore.rowCounts(company.realmId, SYNC_ENTITIES),
          });
        }
        if (o.json) return void process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        if (report.length === 0) return void process.stdout.write('No companies are connected.\n');
        for (const r of report) {
          process.stdout.write(`${r.companyName} (${r.realmId}) — ${r.status}\n`);
          process.stdout.write(
            `  rows: ${Object.entries(r.rows)
              .map(([e, n]) => `${e} ${n}`)
              .join(', ')}\n`,
          );
          if (r.runs.length === 0) process.stdout.write('  no sync yet\n');
          for (const run of r.runs) {
            process.stdout.write(
              `  ${run.startedAt.toISOString().slice(0, 19).replace('T', ' ')}  ` +
                `${run.status.padEnd(9)} ${run.mode.padEnd(10)} ${String(run.apiCalls).padStart(5)} calls` +
                `${run.errorMessage ? `  ${run.errorClass}: ${run.errorMessage}` : ''}\n`,
            );
          }
        }
      }),
    );

  program
    .command('job')
    .description(`Run a scheduled job by hand: ${Object.keys(JOBS).join(', ')}.`)
    .argument('<name>', 'the job')
    .option('--realm <realmId>', 'only this company (where the job works per company)')
    .option('--force', 'run even if this period has already run (nightly)')
    .action((name: string, o: { realm?: string; force?: boolean }) =>
      withCliContainer(async (c) => {
        const job = (
          JOBS as Record<
            string,
            { run(c: Container, o?: { realmId?: string; force?: boolean; actor?: string }): Promise<string> }
          >
        )[name];
        if (!job) throw new CliError(`no job "${name}"; jobs: ${Object.keys(JOBS).join(', ')}`, 2);
        const options = { ...(o.realm ? { realmId: o.realm } : {}), ...(o.force ? { force: true } : {}) };
        process.stdout.write(`${await job.run(c, { ...options, actor: cliActor() })}\n`);
      }),
    );
}
