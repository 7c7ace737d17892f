import type { Command } from 'commander';
import { migrateToLatest } from '../db/knex.js';
import { cliContainer, configOrExit } from './cli-support.js';

export function registerCompaniesCommand(program: Command): void {
  program
    .command('companies')
    .description('List connected companies with their connection status and token expiries (never the tokens).')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const container = cliContainer(configOrExit());
      try {
        await migrateToLatest(container.db);
        const rows = [];
        for (const company of await container.connections.listCompanies()) {
          rows.push({ ...company, tokens: (await container.connections.tokenTimes(company.realmId)) ?? null });
        }
        if (o.json) return void process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        if (rows.length === 0)
          return void process.stdout.write(
            'No companies are connected. Connect one in the app, or run `npx duesense connect-demo` in demo mode.\n',
          );
        const day = (d: Date | null | undefined) => (d ? d.toISOString().slice(0, 16).replace('T', ' ') : '—');
        const table = [['REALM', 'COMPANY', 'STATUS', 'ACCESS EXPIRES', 'REFRESH EXPIRES', 'HARD EXPIRY']].concat(
          rows.map((r) => [
            r.realmId,
            r.companyName,
            r.status,
            day(r.tokens?.accessExpiresAt),
            day(r.tokens?.refreshExpiresAt),
            day(r.tokens?.refreshHardExpiresAt),
          ]),
        );
        const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
        for (const row of table) process.stdout.write(`${row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')}\n`);
      } finally {
        await container.close();
      }
    });
}
