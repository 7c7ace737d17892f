import path from 'node:path';
import { systemClock } from './clock.js';
import type { Config } from './config.js';
import { companyToFile, writeCompanyFile } from './emulator/company/company-file.js';
import { loadOrCreateDemoCompany } from './emulator/demo-company.js';
import { createEmulator, type Emulator } from './emulator/emulator.js';
import type { Logger } from './logger.js';

/** Demo mode: an emulator in this process, with the demo company and the app registered as its OAuth client. */
export async function startDemoEmulator(
  config: Config,
  logger: Logger,
): Promise<{ emulator: Emulator; save: () => void }> {
  const dataDir =
    config.db.client === 'sqlite' && config.db.filename !== ':memory:'
      ? path.dirname(config.db.filename)
      : path.resolve('data');
  const started = Date.now();
  const demo = loadOrCreateDemoCompany({
    file: config.emulator.demo.companyFile,
    defaultFile: path.join(dataDir, 'demo-company.json'),
    customers: config.emulator.demo.customers,
    months: config.emulator.demo.months,
    seed: config.emulator.demo.seed,
    asOf: config.emulator.demo.asOf,
    clock: systemClock,
  });
  logger.info(
    {
      source: demo.source,
      generated: demo.generated,
      customers: demo.company.Customers.length,
      invoices: demo.company.Invoices.length,
      ms: Date.now() - started,
    },
    demo.generated ? 'generated the demo company' : 'loaded the demo company',
  );
  const emulator = createEmulator({
    companies: [demo.company],
    clients: [
      {
        clientId: config.intuit.clientId,
        clientSecret: config.intuit.clientSecret,
        redirectUris: [config.intuit.redirectUri],
      },
    ],
    throttle: config.emulator.throttle,
    logger: logger.child({ component: 'emulator' }),
  });
  const url = await emulator.listen(config.emulator.port, config.http.host);
  logger.info({ url }, 'QuickBooks emulator listening');
  // Keep what the demo wrote (reminders sent, notes) for the next start, unless a fixed file was given.
  const save = () => {
    if (config.emulator.demo.companyFile) return;
    const company = emulator.companies.get(demo.company.realmId);
    if (company) writeCompanyFile(demo.source, companyToFile(company));
  };
  return { emulator, save };
}
