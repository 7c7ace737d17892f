import { parse } from 'csv-parse/sync';
import { CREDIT_SCORE_RULE, readCreditScore } from './domain/credit-score.js';

export interface CreditScoreRow {
  customerId: string;
  score: number;
}

export interface CreditScoreImportReport {
  accepted: CreditScoreRow[];
  rejected: Array<{ line: number; value: string; reason: string }>;
}

/**
 * Reads a CSV of credit scores: a header with `customer_id` (the QBO customer Id) or `customer` (its display
 * name), and `score` (a whole number from 300 to 850). Every row is checked; the report says what was
 * rejected and why, and the caller imports nothing unless every row was accepted.
 */
export function parseCreditScoreCsv(text: string, customers: ReadonlyMap<string, string>): CreditScoreImportReport {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: true }) as string[][];
  } catch (err) {
    return { accepted: [], rejected: [csvProblem(text, err as CsvError)] };
  }
  const header = (records[0] ?? []).map((h) => h.toLowerCase().replace(/[^a-z]/g, ''));
  const idColumn = header.indexOf('customerid');
  const nameColumn = header.indexOf('customer');
  const scoreColumn = header.indexOf('score');
  if (scoreColumn < 0 || (idColumn < 0 && nameColumn < 0)) {
    return {
      accepted: [],
      rejected: [
        {
          line: 1,
          value: (records[0] ?? []).join(','),
          reason: 'the first line must name the columns: customer_id (or customer) and score',
        },
      ],
    };
  }
  const byName = new Map<string, string[]>();
  for (const [id, name] of customers) byName.set(name.toLowerCase(), [...(byName.get(name.toLowerCase()) ?? []), id]);
  const report: CreditScoreImportReport = { accepted: [], rejected: [] };
  const seen = new Set<string>();
  records.slice(1).forEach((r, i) => {
    const line = i + 2;
    const value = r.join(',');
    const key = idColumn >= 0 ? (r[idColumn] ?? '') : (r[nameColumn] ?? '');
    let customerId: string | undefined;
    if (idColumn >= 0) customerId = customers.has(key) ? key : undefined;
    else {
      const matches = byName.get(key.toLowerCase()) ?? [];
      if (matches.length > 1)
        return void report.rejected.push({
          line,
          value,
          reason: `${matches.length} customers are named "${key}"; use customer_id`,
        });
      customerId = matches[0];
    }
    if (!customerId)
      return void report.rejected.push({
        line,
        value,
        reason: `no customer ${idColumn >= 0 ? 'with Id' : 'named'} "${key}"`,
      });
    const raw = r[scoreColumn] ?? '';
    const score = readCreditScore(raw);
    if (score === undefined)
      return void report.rejected.push({ line, value, reason: `score "${raw}" must be ${CREDIT_SCORE_RULE}` });
    if (seen.has(customerId)) return void report.rejected.push({ line, value, reason: 'this customer appears twice' });
    seen.add(customerId);
    report.accepted.push({ customerId, score });
  });
  if (records.length <= 1)
    report.rejected.push({ line: 1, value: '', reason: 'the file has no rows after the header' });
  return report;
}

type CsvError = Error & { code?: string; lines?: number };

/** What csv-parse's error codes mean, in the words of someone fixing the file. */
const CSV_PROBLEMS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED:
    'a quote opens on this line and is never closed; add the closing quote after the value or remove the quote',
  INVALID_OPENING_QUOTE:
    'a quote in the middle of a value; put quotes around the whole value and double any quote inside it',
  CSV_INVALID_CLOSING_QUOTE: 'text follows a closing quote; put the quotes around the whole value',
};

/** The line a CSV syntax error is on (for an unclosed quote, where it opened), the line's text, and the problem. */
function csvProblem(text: string, err: CsvError): { line: number; value: string; reason: string } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const line = err.code === 'CSV_QUOTE_NOT_CLOSED' ? (unclosedQuoteLine(lines) ?? err.lines ?? 1) : (err.lines ?? 1);
  const reason = (err.code && CSV_PROBLEMS[err.code]) ?? 'this line is not valid CSV';
  return { line, value: (lines[line - 1] ?? '').slice(0, 200), reason };
}

/** The 1-based line where a quoted value opens and never closes ("" inside quotes is an escaped quote). */
function unclosedQuoteLine(lines: readonly string[]): number | undefined {
  let openedOn: number | undefined;
  lines.forEach((text, i) => {
    for (let at = 0; at < text.length; at++) {
      if (text[at] !== '"') continue;
      if (openedOn === undefined) openedOn = i + 1;
      else if (text[at + 1] === '"') at++;
      else openedOn = undefined;
    }
  });
  return openedOn;
}
