import { writeCompanyFile } from '../server/emulator/company/company-file.js';
import { generateCompany } from '../server/emulator/generator/generate-company.js';
import { LARGE_COMPANY } from './emulator.bench.js';

/** Writes the benchmark company to the file named on the command line (run in its own process). */
const file = process.argv[2];
if (!file) throw new Error('usage: generate-large-company.ts FILE');
const company = generateCompany(LARGE_COMPANY);
writeCompanyFile(file, company);
process.stdout.write(
  `${JSON.stringify({
    realmId: company.realmId,
    Customer: company.Customers.length,
    Invoice: company.Invoices.length,
    Payment: company.Payments.length,
    CreditMemo: company.CreditMemos.length,
    Item: company.Items.length,
    Term: company.Terms.length,
    CustomerType: company.CustomerTypes?.length ?? 0,
  })}\n`,
);
