import type { Command } from 'commander';
import { createDb, migrateToLatest } from '../db/knex.js';
import { configOrExit } from './cli-support.js';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('Bring the database schema up to date (the app also does this on start).')
    .action(async () => {
      const config = configOrExit();
      const db = createDb(config.db);
      try {
        const applied = await migrateToLatest(db);
        process.stdout.write(
          applied.length
            ? `Applied ${applied.length} migration(s):\n${applied.map((m) => `  ${m}`).join('\n')}\n`
            : 'The database is up to date.\n',
        );
      } finally {
        await db.destroy();
      }
    });
}
