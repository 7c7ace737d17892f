import fs from 'node:fs';
import type { Clock } from '../clock.js';
import { readCompanyFile, writeCompanyFile } from './company/company-file.js';
import type { CompanyFile } from './company-file-format.js';
import { DEFAULT_TIME_ZONE } from './company-file-format.js';
import { generateCompany } from './generator/generate-company.js';
import { formatQboDate } from './qbo-time.js';

export interface DemoCompanyOptions {
  /** A company file to load (must exist). */
  file: string | undefined;
  /** Where the generated demo company is kept between runs when no file is given. */
  defaultFile: string;
  customers: number;
  months: number;
  seed: number;
  asOf: string | undefined;
  clock: Clock;
}

/**
 * The demo's company: the configured file, or the one generated on a previous run, or a new one generated
 * now (and saved, so the demo keeps the same books across restarts).
 */
export function loadOrCreateDemoCompany(o: DemoCompanyOptions): {
  company: CompanyFile;
  source: string;
  generated: boolean;
} {
  if (o.file) return { company: readCompanyFile(o.file), source: o.file, generated: false };
  if (fs.existsSync(o.defaultFile))
    return { company: readCompanyFile(o.defaultFile), source: o.defaultFile, generated: false };
  const company = generateCompany({
    seed: o.seed,
    customers: o.customers,
    months: o.months,
    asOf: o.asOf ?? formatQboDate(o.clock.now(), DEFAULT_TIME_ZONE),
  });
  writeCompanyFile(o.defaultFile, company);
  return { company, source: o.defaultFile, generated: true };
}
