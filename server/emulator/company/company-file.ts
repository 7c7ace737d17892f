import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Clock } from '../../clock.js';
import { type CompanyFile, DEFAULT_TIME_ZONE } from '../company-file-format.js';
import { canonicalProperty, ENTITIES, type EntityName, type QboObject } from '../entity-registry.js';
import { parseQboDateTime } from '../qbo-time.js';
import { defaultPreferences } from './default-preferences.js';
import { EmulatedCompany } from './emulated-company.js';
import { paymentLinks, refValue } from './ledger.js';
import { isTimeZone } from '../../time-zone.js';

/** A company file that cannot be loaded; the message names the file and every problem found. */
export class CompanyFileError extends Error {
  constructor(
    source: string,
    readonly problems: string[],
  ) {
    const shown = problems.slice(0, 20);
    const more = problems.length > shown.length ? `\n  … and ${problems.length - shown.length} more` : '';
    super(`Cannot load company file ${source}:\n${shown.map((p) => `  - ${p}`).join('\n')}${more}`);
    this.name = 'CompanyFileError';
  }
}

const dateTime = z
  .string()
  .refine((s) => parseQboDateTime(s, 'UTC') !== undefined, 'must be a QBO DateTime like 2015-10-01T16:48:43-07:00');
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
const ref = z.object({ value: z.string().min(1) }).loose();
const baseEntity = z
  .object({
    Id: z.string().regex(/^\d+$/, 'must be a numeric string'),
    SyncToken: z.string().regex(/^\d+$/, 'must be a numeric string'),
    MetaData: z.object({ CreateTime: dateTime, LastUpdatedTime: dateTime }).loose(),
  })
  .loose();

const ENTITY_SCHEMAS: Record<EntityName, z.ZodType> = {
  Customer: baseEntity.extend({ DisplayName: z.string().min(1) }),
  Item: baseEntity.extend({ Name: z.string().min(1) }),
  Term: baseEntity.extend({ Name: z.string().min(1) }),
  CustomerType: baseEntity.extend({ Name: z.string().min(1) }),
  Invoice: baseEntity.extend({
    CustomerRef: ref,
    TxnDate: date,
    TotalAmt: z.number(),
    Line: z.array(z.object({}).loose()),
  }),
  CreditMemo: baseEntity.extend({
    CustomerRef: ref,
    TxnDate: date,
    TotalAmt: z.number(),
    Line: z.array(z.object({}).loose()),
  }),
  Payment: baseEntity.extend({ CustomerRef: ref, TxnDate: date, TotalAmt: z.number().nonnegative() }),
  CompanyInfo: baseEntity.extend({ CompanyName: z.string().min(1) }),
  Preferences: baseEntity,
};

/** File key → entity, in load order (references point backwards). */
const FILE_KEYS: Array<[keyof CompanyFile, EntityName]> = [
  ['Terms', 'Term'],
  ['CustomerTypes', 'CustomerType'],
  ['Items', 'Item'],
  ['Customers', 'Customer'],
  ['Invoices', 'Invoice'],
  ['CreditMemos', 'CreditMemo'],
  ['Payments', 'Payment'],
];

/** Validates a parsed JSON document as a company file; throws CompanyFileError listing every problem. */
export function parseCompanyFile(json: unknown, source: string): CompanyFile {
  const problems: string[] = [];
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new CompanyFileError(source, ['the file must contain a JSON object']);
  const doc = json as Record<string, unknown>;
  if (typeof doc.realmId !== 'string' || !/^\d+$/.test(doc.realmId))
    problems.push('realmId: must be a numeric string, e.g. "9341453597365010"');
  if (doc.timeZone !== undefined && (typeof doc.timeZone !== 'string' || !isTimeZone(doc.timeZone)))
    problems.push(`timeZone: not an IANA time zone: ${String(doc.timeZone)}`);
  const known = new Set(['realmId', 'timeZone', 'CompanyInfo', 'Preferences', ...FILE_KEYS.map(([k]) => k)]);
  for (const key of Object.keys(doc))
    if (!known.has(key)) problems.push(`${key}: unknown key (expected ${[...known].join(', ')})`);
  checkEntity(doc.CompanyInfo, 'CompanyInfo', 'CompanyInfo', problems, true);
  checkEntity(doc.Preferences, 'Preferences', 'Preferences', problems, false);
  for (const [key, entity] of FILE_KEYS) {
    const list = doc[key];
    if (list === undefined && key === 'CustomerTypes') continue;
    if (!Array.isArray(list)) {
      problems.push(`${key}: must be an array of ${entity} objects`);
      continue;
    }
    const ids = new Set<string>();
    list.forEach((item, i) => {
      checkEntity(item, entity, `${key}[${i}]`, problems, true);
      const id = (item as { Id?: unknown } | null)?.Id;
      if (typeof id === 'string') {
        if (ids.has(id)) problems.push(`${key}[${i}].Id: duplicate Id ${id}`);
        ids.add(id);
      }
    });
  }
  if (problems.length === 0) checkReferences(doc as unknown as CompanyFile, problems);
  if (problems.length > 0) throw new CompanyFileError(source, problems);
  return doc as unknown as CompanyFile;
}

function checkEntity(value: unknown, entity: EntityName, where: string, problems: string[], required: boolean): void {
  if (value === undefined && !required) return;
  const result = ENTITY_SCHEMAS[entity].safeParse(value);
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(`${[where, ...issue.path].join('.')}: ${issue.message}`);
    return;
  }
  for (const key of Object.keys(value as object)) {
    if (canonicalProperty(ENTITIES[entity], key) !== key) problems.push(`${where}.${key}: not a ${entity} property`);
  }
}

function checkReferences(file: CompanyFile, problems: string[]): void {
  const ids = (list: QboObject[] | undefined) => new Set((list ?? []).map((o) => o.Id));
  const customers = ids(file.Customers);
  const invoices = ids(file.Invoices);
  const creditMemos = ids(file.CreditMemos);
  const items = ids(file.Items);
  file.Customers.forEach((c, i) => {
    const parent = refValue(c.ParentRef);
    if (parent && !customers.has(parent)) problems.push(`Customers[${i}].ParentRef: no customer with Id ${parent}`);
  });
  for (const [key, list] of [
    ['Invoices', file.Invoices],
    ['CreditMemos', file.CreditMemos],
    ['Payments', file.Payments],
  ] as const) {
    list.forEach((t, i) => {
      const c = refValue(t.CustomerRef);
      if (!c || !customers.has(c)) problems.push(`${key}[${i}].CustomerRef: no customer with Id ${String(c)}`);
      for (const line of Array.isArray(t.Line) ? (t.Line as Array<Record<string, unknown>>) : []) {
        const item = refValue((line.SalesItemLineDetail as Record<string, unknown> | undefined)?.ItemRef);
        if (item && !items.has(item)) problems.push(`${key}[${i}].Line: no item with Id ${item}`);
      }
    });
  }
  file.Payments.forEach((p, i) => {
    for (const l of paymentLinks(p)) {
      const exists = l.kind === 'Invoice' ? invoices.has(l.id) : creditMemos.has(l.id);
      if (!exists) problems.push(`Payments[${i}].Line.LinkedTxn: no ${l.kind} with Id ${l.id}`);
    }
  });
}

/**
 * Builds an in-memory company from a validated file; derived fields are recomputed, not trusted. With
 * `adopt` the company takes the file's objects as they are instead of copying them (copying a
 * 100,000-invoice company costs seconds); the caller must not use the file afterwards.
 */
export function companyFromFile(file: CompanyFile, clock: Clock, options: { adopt?: boolean } = {}): EmulatedCompany {
  const own = <T>(value: T): T => (options.adopt ? value : structuredClone(value));
  const company = new EmulatedCompany(file.realmId, file.timeZone ?? DEFAULT_TIME_ZONE, clock);
  company.loadObjects('CompanyInfo', [own(file.CompanyInfo)]);
  company.loadObjects('Preferences', [file.Preferences ? own(file.Preferences) : defaultPreferences(file.CompanyInfo)]);
  for (const [key, entity] of FILE_KEYS) {
    company.loadObjects(entity, own((file[key] as QboObject[] | undefined) ?? []));
  }
  company.finishLoading();
  return company;
}

export function companyToFile(company: EmulatedCompany): CompanyFile {
  const list = (entity: EntityName) => [...company.table(entity).values()].sort((a, b) => Number(a.Id) - Number(b.Id));
  const file: CompanyFile = {
    realmId: company.realmId,
    timeZone: company.timeZone,
    CompanyInfo: company.table('CompanyInfo').get('1')!,
    Customers: list('Customer'),
    Items: list('Item'),
    Terms: list('Term'),
    CustomerTypes: list('CustomerType'),
    Invoices: list('Invoice'),
    Payments: list('Payment'),
    CreditMemos: list('CreditMemo'),
  };
  const prefs = company.table('Preferences').get('1');
  if (prefs) file.Preferences = prefs;
  return file;
}

export function readCompanyFile(filePath: string): CompanyFile {
  let text: string;
  try {
    text = fs.readFileSync(filePath, 'utf8');
  } catch (err) {
    throw new CompanyFileError(filePath, [`cannot read the file: ${(err as Error).message}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CompanyFileError(filePath, [`not valid JSON: ${(err as Error).message}`]);
  }
  return parseCompanyFile(json, filePath);
}

export function writeCompanyFile(filePath: string, file: CompanyFile): void {
  fs.mkdirSync(path.dirname(path.resolve(filePath)), { recursive: true });
  const tmp = `${filePath}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(file));
  fs.renameSync(tmp, filePath); // never leave a half-written company behind
}
