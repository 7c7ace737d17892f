import { type Command, Option } from 'commander';
import { offsetClock, systemClock } from '../clock.js';
import { EMULATOR_DEMO_CLIENT } from '../config.js';
import { readCompanyFile, writeCompanyFile, CompanyFileError } from '../emulator/company/company-file.js';
import type { CompanyFile } from '../emulator/company-file-format.js';
import { DEFAULT_TIME_ZONE } from '../emulator/company-file-format.js';
import { createEmulator } from '../emulator/emulator.js';
import { generateCompany } from '../emulator/generator/generate-company.js';
import { formatQboDate, parseQboDateTime } from '../emulator/qbo-time.js';
import { createLogger } from '../logger.js';
import {
  CliError,
  configOrExit,
  emulatorRequest,
  emulatorUrlFrom,
  parseIsoDate,
  parsePort,
  parsePositiveInt,
  parseUrl,
} from './cli-support.js';

interface ServeOptions {
  port: number;
  host: string;
  company: string[];
  generate?: boolean;
  customers: number;
  months: number;
  seed: number;
  asOf?: string;
  save?: string;
  throttle: boolean;
  clientId: string;
  clientSecret: string;
  redirectUri: string[];
  webhookUrl?: string;
  webhookVerifier: string;
  webhookFormat: 'legacy' | 'cloudevents';
  emailDailyLimit?: number;
}

/** The emulator the CLI talks to: EMULATOR_URL, else the demo emulator on this machine. */
export function registerEmulatorCommands(program: Command): void {
  const emulator = program.command('emulator').description('Run or query the QuickBooks Online emulator.');

  emulator
    .command('serve', { isDefault: true })
    .description('Run the emulator standalone (the default when no subcommand is given).')
    .addOption(new Option('--port <port>', 'port to listen on (0 = any free port)').argParser(parsePort).default(4010))
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option(
      '--company <file>',
      'load a company file (repeatable)',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option('--generate', 'generate a demo company (the default when no --company is given)')
    .addOption(
      new Option('--customers <n>', 'customers in a generated company')
        .argParser(parsePositiveInt('--customers', 20_000))
        .default(300),
    )
    .addOption(
      new Option('--months <m>', 'months of history in a generated company')
        .argParser(parsePositiveInt('--months', 120))
        .default(24),
    )
    .addOption(
      new Option('--seed <s>', 'random seed for the generator').argParser(parsePositiveInt('--seed')).default(42),
    )
    .addOption(
      new Option(
        '--as-of <date>',
        "the company's today: generated history ends here and the emulator clock starts here",
      ).argParser(parseIsoDate),
    )
    .option('--save <file>', 'write the loaded or generated company to a file and exit')
    .option('--no-throttle', "turn off QBO's per-realm rate limits (500/min, 10/s)")
    .option('--client-id <id>', 'OAuth client id the emulator accepts', EMULATOR_DEMO_CLIENT.clientId)
    .option('--client-secret <secret>', 'OAuth client secret the emulator accepts', EMULATOR_DEMO_CLIENT.clientSecret)
    .option(
      '--redirect-uri <uri>',
      'redirect URI registered for the client (repeatable)',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option('--webhook-url <url>', "deliver change notifications to this URL (the app's /webhooks/intuit)")
    .option(
      '--webhook-verifier <token>',
      'verifier token that signs webhook deliveries',
      EMULATOR_DEMO_CLIENT.webhookVerifierToken,
    )
    .addOption(
      new Option('--webhook-format <format>', 'webhook payload format')
        .choices(['legacy', 'cloudevents'])
        .default('cloudevents'),
    )
    .addOption(
      new Option('--email-daily-limit <n>', "emails per realm per day, like Intuit's sandbox (40)").argParser(
        parsePositiveInt('--email-daily-limit'),
      ),
    )
    .action(serve);

  emulator
    .command('token')
    .description("Print a valid access token for a company (like Intuit's OAuth Playground).")
    .option('--url <url>', 'emulator URL (default: EMULATOR_URL or http://127.0.0.1:4010)', parseUrl)
    .requiredOption('--realm <realmId>', 'the company (realm id)')
    .option('--json', 'print the whole token response as JSON')
    .action(async (o: { url?: string; realm: string; json?: boolean }) => {
      const url = o.url ?? emulatorUrlFrom(configOrExit());
      const tokens = await emulatorRequest<{ access_token: string }>(url, '/emulator/tokens', {
        method: 'POST',
        body: JSON.stringify({ realmId: o.realm }),
      });
      process.stdout.write(o.json ? `${JSON.stringify(tokens, null, 2)}\n` : `${tokens.access_token}\n`);
    });

  emulator
    .command('companies')
    .description('List the companies (realm ids and names) an emulator serves.')
    .option('--url <url>', 'emulator URL (default: EMULATOR_URL or http://127.0.0.1:4010)', parseUrl)
    .option('--json', 'print JSON')
    .action(async (o: { url?: string; json?: boolean }) => {
      const url = o.url ?? emulatorUrlFrom(configOrExit());
      const { companies } = await emulatorRequest<{
        companies: Array<{ realmId: string; companyName: string; counts: Record<string, number> }>;
      }>(url, '/emulator/companies');
      if (o.json) return void process.stdout.write(`${JSON.stringify(companies, null, 2)}\n`);
      if (companies.length === 0) return void process.stdout.write('The emulator serves no companies.\n');
      for (const c of companies) {
        process.stdout.write(
          `${c.realmId}  ${c.companyName}  ` +
            `(${c.counts.Customer} customers, ${c.counts.Invoice} invoices, ${c.counts.Payment} payments)\n`,
        );
      }
    });

  emulator
    .command('outbox')
    .description('List the invoice emails the emulator has "sent".')
    .option('--url <url>', 'emulator URL (default: EMULATOR_URL or http://127.0.0.1:4010)', parseUrl)
    .option('--realm <realmId>', 'only this company')
    .option('--json', 'print JSON')
    .action(async (o: { url?: string; realm?: string; json?: boolean }) => {
      const url = o.url ?? emulatorUrlFrom(configOrExit());
      const query = o.realm ? `?realmId=${encodeURIComponent(o.realm)}` : '';
      const { emails } = await emulatorRequest<{
        emails: Array<{
          sentAt: string;
          realmId: string;
          docNumber?: string;
          invoiceId: string;
          to: string;
          subject: string;
        }>;
      }>(url, `/emulator/outbox${query}`);
      if (o.json) return void process.stdout.write(`${JSON.stringify(emails, null, 2)}\n`);
      if (emails.length === 0) return void process.stdout.write('No emails sent.\n');
      for (const e of emails)
        process.stdout.write(
          `${e.sentAt}  realm ${e.realmId}  invoice ${e.docNumber ?? e.invoiceId}  to ${e.to}  "${e.subject}"\n`,
        );
    });
}

async function serve(o: ServeOptions): Promise<void> {
  const started = Date.now();
  const companies: CompanyFile[] = [];
  try {
    for (const file of o.company) companies.push(readCompanyFile(file));
  } catch (err) {
    if (err instanceof CompanyFileError) throw new CliError(err.message, 2);
    throw err;
  }
  const asOf = o.asOf ?? formatQboDate(new Date(), DEFAULT_TIME_ZONE);
  if (o.generate || companies.length === 0) {
    process.stderr.write(
      `Generating a company: ${o.customers} customers, ${o.months} months up to ${asOf}, seed ${o.seed}…\n`,
    );
    const generated = generateCompany({ seed: o.seed, customers: o.customers, months: o.months, asOf });
    companies.push(generated);
    process.stderr.write(
      `  ${generated.Customers.length} customers, ${generated.Invoices.length} invoices, ` +
        `${generated.Payments.length} payments in ${Date.now() - started} ms\n`,
    );
  }
  if (o.save) {
    if (companies.length !== 1)
      throw new CliError('--save writes one company; give at most one --company (or --generate alone).', 2);
    writeCompanyFile(o.save, companies[0]!);
    process.stdout.write(`Saved ${companies[0]!.realmId} to ${o.save}\n`);
    return;
  }
  // --as-of freezes the company at that date: the clock starts there (9:00 in the company's zone) and runs on.
  const clock = o.asOf
    ? offsetClock(
        parseQboDateTime(`${o.asOf}T09:00:00`, companies[0]?.timeZone ?? DEFAULT_TIME_ZONE) ??
          new Date(`${o.asOf}T17:00:00Z`),
      )
    : systemClock;
  const redirectUris =
    o.redirectUri.length > 0
      ? o.redirectUri
      : ['http://localhost:3000/oauth/callback', 'http://127.0.0.1:3000/oauth/callback'];
  const emulator = createEmulator({
    clock,
    companies,
    clients: [{ clientId: o.clientId, clientSecret: o.clientSecret, redirectUris }],
    throttle: o.throttle,
    emailDailyLimit: o.emailDailyLimit ?? null,
    webhook: o.webhookUrl ? { url: o.webhookUrl, verifierToken: o.webhookVerifier, format: o.webhookFormat } : null,
    logger: createLogger({ level: 'info', name: 'emulator' }),
  });
  const url = await emulator.listen(o.port, o.host);
  process.stdout.write(`QuickBooks emulator listening on ${url}\n`);
  for (const c of emulator.companies.list()) process.stdout.write(`  realm ${c.realmId}: ${c.companyName}\n`);
  process.stdout.write(`OAuth client: ${o.clientId} (redirect URIs: ${redirectUris.join(', ')})\n`);
  const stop = async () => {
    await emulator.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}
