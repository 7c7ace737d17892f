import path from 'node:path';
import { writeCompanyFile } from '../server/emulator/company/company-file.js';
import { generateCompany } from '../server/emulator/generator/generate-company.js';

/**
 * `generate-companies.ts DIR COUNT CUSTOMERS MONTHS AS_OF`: COUNT companies (seeds 1001…) into DIR/company-N.json,
 * in its own process; prints their realm ids and open invoice counts as JSON.
 */
const [dir, count, customers, months, asOf] = process.argv.slice(2);
if (!dir || !count || !customers || !months || !asOf)
  throw new Error('usage: generate-companies.ts DIR COUNT CUSTOMERS MONTHS AS_OF');
const companies = [];
for (let i = 0; i < Number(count); i++) {
  const company = generateCompany({
    seed: 1001 + i,
    customers: Number(customers),
    months: Number(months),
    asOf,
    companyName: `Benchmark Company ${i + 1}`,
  });
  const file = path.join(dir, `company-${i + 1}.json`);
  writeCompanyFile(file, company);
  companies.push({ realmId: company.realmId, file, invoices: company.Invoices.length });
}
process.stdout.write(`${JSON.stringify(companies)}\n`);
