import type { Command } from 'commander';
import { migrateToLatest } from '../db/knex.js';
import { ConnectError } from '../features/connections/connection-service.js';
import { cliActor } from './cli-actor.js';
import { CliError, cliContainer, configOrExit, emulatorRequest, emulatorUrlFrom, parseUrl } from './cli-support.js';
import { submitEmulatorConsent } from './emulator-consent.js';

interface ConnectDemoOptions {
  realm?: string;
  url?: string;
}

export function registerConnectDemoCommand(program: Command): void {
  program
    .command('connect-demo')
    .description(
      'Connect the app to an emulator company through the real OAuth code flow, ' +
        "approving the emulator's consent page for you.",
    )
    .option('--realm <realmId>', 'the company to connect (default: the first one the emulator serves)')
    .option(
      '--url <url>',
      'emulator URL (default: EMULATOR_URL or the one `npm start` runs on EMULATOR_PORT)',
      parseUrl,
    )
    .action(connectDemo);
}

async function connectDemo(o: ConnectDemoOptions): Promise<void> {
  const config = configOrExit();
  if (config.intuit.environment !== 'emulator') {
    throw new CliError(
      `connect-demo only works against the emulator; INTUIT_ENVIRONMENT is ${config.intuit.environment}.`,
      2,
    );
  }
  const url = o.url ?? emulatorUrlFrom(config);
  const { companies } = await emulatorRequest<{ companies: Array<{ realmId: string; companyName: string }> }>(
    url,
    '/emulator/companies',
  );
  const company = o.realm ? companies.find((c) => c.realmId === o.realm) : companies[0];
  if (!company) {
    const served = companies.map((c) => `${c.realmId} (${c.companyName})`).join(', ') || 'none';
    throw new CliError(
      o.realm
        ? `the emulator at ${url} serves no company ${o.realm}; it serves: ${served}.`
        : `the emulator at ${url} serves no companies.`,
      2,
    );
  }

  const container = cliContainer(config, { emulatorUrl: url });
  try {
    await migrateToLatest(container.db);
    const authorizeUrl = await container.connections.beginConnect({ sessionId: null });
    let callbackUrl: string;
    try {
      callbackUrl = await submitEmulatorConsent({ authorizeUrl, realmId: company.realmId });
    } catch (err) {
      throw new CliError(
        `${(err as Error).message}. Is the app's client ` +
          `(${config.intuit.clientId}, redirect ${config.intuit.redirectUri}) registered with this emulator?`,
      );
    }
    const { company: connected, identity } = await container.connections.completeConnect(callbackUrl, {
      sessionId: null,
    });
    if (identity) {
      // The Intuit user who approved becomes a user of the company, so signing in from a browser opens it.
      const user = await container.users.upsertFromIntuit(identity, container.clock.now());
      await container.users.linkCompany(user.id, connected.realmId, container.clock.now());
    }
    // Logged as the browser's connect logs it (connect.routes.ts), by the CLI's user.
    await container.activity.record(connected.realmId, {
      actor: cliActor(),
      kind: 'connection',
      summary: `Connected ${connected.companyName} to Duesense`,
    });
    process.stdout.write(
      `Connected ${connected.companyName} (realm ${connected.realmId})` +
        `${identity?.email ? ` for ${identity.email}` : ''}.\n`,
    );
  } catch (err) {
    if (err instanceof ConnectError) throw new CliError(`${err.message} ${err.help ?? ''}`.trim());
    throw err;
  } finally {
    await container.close();
  }
}
