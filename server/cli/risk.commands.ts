import fs from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import {
  EXPORTS,
  exportTable,
  toCsv,
  toJson,
  whatIfExport,
  type ExportRun,
  type ExportWhat,
} from '../features/risk/exports.js';
import type { ScoreResult } from '../features/risk/risk-service.js';
import { ValidationError } from '../errors.js';
import { compactMoney } from '../features/risk/domain/risk-score.js';
import { parseCreditScoreCsv } from '../features/risk/credit-score-import.js';
import { CREDIT_SCORE_RULE, readCreditScore } from '../features/risk/domain/credit-score.js';
import { cliActor } from './cli-actor.js';
import { CliError, companiesFor, withCliContainer, parseIsoDate } from './cli-support.js';
import type { Container } from '../container.js';

async function realmsFor(c: Container, realm: string | undefined): Promise<string[]> {
  return (await companiesFor(c, realm)).map((co) => co.realmId);
}

/** Scores, turning the service's refusal (a date after today) into one line and exit code 2. */
async function scoreOrRefuse(
  c: Container,
  realmId: string,
  o: Parameters<Container['risk']['score']>[1],
): Promise<ScoreResult> {
  try {
    return await c.risk.score(realmId, o);
  } catch (err) {
    if (err instanceof ValidationError) throw new CliError(err.message, 2);
    throw err;
  }
}

/** The latest saved run, or with --as-of a what-if scored on the spot (never saved). */
async function exportRunFor(c: Container, realmId: string, asOf: string | undefined): Promise<ExportRun> {
  if (asOf) return whatIfExport(await scoreOrRefuse(c, realmId, { asOf, persist: false }));
  const latest = await c.scoreRuns.latestRun(realmId);
  const run = latest ? await c.scoreRuns.runExport(realmId, latest) : undefined;
  if (!run)
    throw new CliError(
      `${realmId} has no saved score run yet; run \`duesense score\` first, or export a what-if with --as-of`,
      2,
    );
  return run;
}

export function registerRiskCommands(program: Command): void {
  program
    .command('score')
    .description(
      'Score every customer of connected companies from the local copy ' +
        "as of today in the company's time zone and save the run; " +
        'with --as-of an earlier date, a what-if that is shown but never saved.',
    )
    .option('--realm <realmId>', 'only this company')
    .addOption(
      new Option(
        '--as-of <date>',
        'what-if: score as the books stood on this earlier date (YYYY-MM-DD); not saved',
      ).argParser(parseIsoDate),
    )
    .action((o: { realm?: string; asOf?: string }) =>
      withCliContainer(async (c) => {
        const realms = await realmsFor(c, o.realm);
        if (realms.length === 0) return void process.stdout.write('No connected companies.\n');
        for (const realmId of realms) {
          const scored = await scoreOrRefuse(c, realmId, {
            ...(o.asOf ? { asOf: o.asOf } : {}),
            trigger: 'manual',
            actor: cliActor(),
          });
          const { runId, whatIf, assessment: a, facts, model, forecast, clusters } = scored;
          const m = (cents: number) => compactMoney(cents, facts.homeCurrency);
          const latest = a.collectionRates.at(-1);
          const trend = a.collectionTrend;
          const fallen =
            trend.consecutiveDeclines > 0
              ? ` (fallen ${trend.consecutiveDeclines} months in a row, down ${trend.totalDropPoints} points)`
              : '';
          const modelLine = model.fallback
            ? "too little history, using each customer's smoothed late share"
            : `trained on ${model.trainedOn} invoices, ` +
              `holdout AUC ${model.auc?.toFixed(3) ?? '—'} on ${model.holdoutSize}`;
          const label = whatIf
            ? `WHAT-IF as of ${a.asOf} (not saved: the dashboard, smoothing and alerts are unchanged)`
            : `as of ${a.asOf} (score run ${runId})`;
          process.stdout.write(
            `${realmId} ${label}: ${a.customers.length} customers, ` +
              `AR ${m(a.totals.outstandingCents)}, overdue ${m(a.totals.overdueCents)}, ` +
              `${a.highRisk.count} high-risk (${m(a.highRisk.exposureCents)}, ` +
              `${a.highRisk.grossProfitShare ?? 0}% of gross profit), DSO ${a.dso ?? '—'}` +
              `${latest?.rate !== null && latest ? `, collection rate ${latest.rate}% in ${latest.month}` : ''}` +
              `${fallen}\n` +
              `  6-month forecast: ${forecast.months.map((f) => `${f.month} ${m(f.expectedCents)}`).join(', ')}; ` +
              `never collected ${m(forecast.neverCollectedCents)}\n` +
              `  clusters: ${clusters.profiles.map((p) => `${p.name} (${p.customers})`).join(', ')}\n` +
              `  late-payment model: ${modelLine}\n`,
          );
        }
      }),
    );

  program
    .command('export')
    .description(
      'Export the latest saved score run as CSV or JSON; ' +
        'with --as-of an earlier date, a what-if (labelled, not saved).',
    )
    .option('--realm <realmId>', 'the company (required when several are connected)')
    .addOption(
      new Option('--as-of <date>', 'what-if: as the books stood on this earlier date (YYYY-MM-DD)').argParser(
        parseIsoDate,
      ),
    )
    .addOption(new Option('--what <what>', 'what to export').choices(EXPORTS).makeOptionMandatory())
    .addOption(new Option('--format <format>', 'file format').choices(['csv', 'json']).default('csv'))
    .option('--out <file>', 'write to this file instead of standard output')
    .action((o: { realm?: string; asOf?: string; what: ExportWhat; format: 'csv' | 'json'; out?: string }) =>
      withCliContainer(async (c) => {
        const realms = await realmsFor(c, o.realm);
        if (realms.length !== 1)
          throw new CliError(
            realms.length === 0
              ? 'no connected company to export'
              : `several companies are connected; choose one with --realm (${realms.join(', ')})`,
            2,
          );
        const run = await exportRunFor(c, realms[0]!, o.asOf);
        const table = exportTable(run, o.what);
        const text = o.format === 'csv' ? toCsv(table) : toJson(table);
        if (o.out) {
          fs.writeFileSync(o.out, text);
          const source = run.whatIf
            ? `what-if as of ${run.asOf}, not a saved run`
            : `score run ${run.runId} as of ${run.asOf}`;
          process.stderr.write(`Wrote ${table.rows.length} rows to ${o.out} (${source})\n`);
        } else {
          process.stdout.write(text);
        }
      }),
    );

  const credit = program
    .command('credit-scores')
    .description('Credit scores (300–850) that QuickBooks does not have: enter them or import a CSV.');
  credit
    .command('import')
    .description(
      'Import a CSV with columns customer_id (or customer) and score; nothing is imported unless every row is valid.',
    )
    .argument('<file>', 'the CSV file')
    .option('--realm <realmId>', 'the company (required when several are connected)')
    .action((file: string, o: { realm?: string }) =>
      withCliContainer(async (c) => {
        const realms = await realmsFor(c, o.realm);
        if (realms.length !== 1) throw new CliError('choose the company with --realm', 2);
        let text: string;
        try {
          text = fs.readFileSync(file, 'utf8');
        } catch (err) {
          throw new CliError(`cannot read ${file}: ${(err as Error).message}`, 2);
        }
        const report = parseCreditScoreCsv(text, await c.localCopy.customerNames(realms[0]!));
        if (report.rejected.length > 0) {
          process.stdout.write(
            `Nothing imported: ${report.rejected.length} row(s) rejected, ${report.accepted.length} valid.\n`,
          );
          for (const r of report.rejected)
            process.stdout.write(`  line ${r.line}: ${r.reason}${r.value ? ` (${r.value})` : ''}\n`);
          process.exitCode = 1;
          return;
        }
        await c.customerInputs.importCreditScores(realms[0]!, report.accepted, c.clock.now());
        const n = report.accepted.length;
        const fileName = path.basename(file);
        await c.activity.record(realms[0]!, {
          actor: cliActor(),
          kind: 'settings',
          summary: `Imported ${n.toLocaleString('en-US')} credit score${n === 1 ? '' : 's'} from ${fileName}`,
          section: 'credit-scores',
          detail: { count: n, fileName },
        });
        process.stdout.write(`Imported ${n} credit score(s).\n`);
      }),
    );
  credit
    .command('set')
    .description("Set one customer's credit score.")
    .requiredOption('--customer <id>', 'the QBO customer Id')
    .addOption(
      new Option('--score <n>', CREDIT_SCORE_RULE).makeOptionMandatory().argParser((v: string) => {
        const n = readCreditScore(v);
        if (n === undefined) throw new CliError(`--score must be ${CREDIT_SCORE_RULE}`, 2);
        return n;
      }),
    )
    .option('--realm <realmId>', 'the company (required when several are connected)')
    .action((o: { customer: string; score: number; realm?: string }) =>
      withCliContainer(async (c) => {
        const realms = await realmsFor(c, o.realm);
        if (realms.length !== 1) throw new CliError('choose the company with --realm', 2);
        const name = (await c.localCopy.customerNames(realms[0]!)).get(o.customer);
        if (name === undefined) throw new CliError(`no customer with Id ${o.customer}`, 2);
        await c.customerInputs.setCreditScore(realms[0]!, o.customer, o.score, 'manual', c.clock.now());
        await c.activity.record(realms[0]!, {
          actor: cliActor(),
          kind: 'customer',
          summary: `Set the credit score of ${name} to ${o.score}`,
          customerId: o.customer,
          detail: { action: 'set_credit_score', score: o.score },
        });
        process.stdout.write(`Credit score of customer ${o.customer} set to ${o.score}.\n`);
      }),
    );

  program
    .command('digest')
    .description('The optional daily email digest of risk alerts: on (to the owner or an address) or off.')
    .option('--realm <realmId>', 'the company (required when several are connected)')
    .option('--to <email>', 'send to this address instead of the owner')
    .option('--owner', 'send to the owner (the first user who connected the company)')
    .option('--off', 'stop sending')
    .action((o: { realm?: string; to?: string; owner?: boolean; off?: boolean }) =>
      withCliContainer(async (c) => {
        const realms = await realmsFor(c, o.realm);
        if (realms.length !== 1) throw new CliError('choose the company with --realm', 2);
        const realmId = realms[0]!;
        if ([o.to, o.owner, o.off].filter(Boolean).length > 1)
          throw new CliError('give one of --to, --owner or --off', 2);
        if (o.to !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(o.to))
          throw new CliError(`not an email address: ${o.to}`, 2);
        if (o.off) await c.digests.setPreferences(realmId, { enabled: false, to: null });
        else if (o.to || o.owner) await c.digests.setPreferences(realmId, { enabled: true, to: o.to ?? null });
        const p = await c.digests.preferences(realmId);
        const owner = await c.digests.ownerEmail(realmId);
        process.stdout.write(
          p.enabled
            ? `Daily alert digest: on, to ${p.to ?? `the owner (${owner ?? 'no email known yet'})`}` +
                `${c.config.mail.smtpUrl ? '' : ". No SMTP_URL is set, so messages stay in the app's Mailbox."}\n`
            : 'Daily alert digest: off.\n',
        );
      }),
    );
}
