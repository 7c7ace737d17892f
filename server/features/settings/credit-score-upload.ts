import type { Table } from '../risk/exports.js';

/** The largest credit-score file accepted: about 25,000 rows. */
export const CREDIT_SCORE_UPLOAD_BYTES = 1024 * 1024;

/**
 * An uploaded file's text: UTF-8 (with or without a byte-order mark), else Windows-1252, which spreadsheets
 * on Windows still write. A file with NUL bytes is a spreadsheet or an image, not a CSV.
 */
export function decodeUpload(buffer: Buffer): { text: string } | { error: string } {
  if (buffer.length === 0)
    return { error: 'The file is empty: choose a CSV file with a header line and one line per customer.' };
  if (buffer.includes(0))
    return {
      error:
        'This is not a CSV file (it holds binary data). In your spreadsheet, choose Save As or Download, ' +
        'then CSV (comma-separated values), and upload that file.',
    };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(buffer) };
  } catch {
    return { text: new TextDecoder('windows-1252').decode(buffer) };
  }
}

/**
 * The template: every customer with its Id and name and its current credit score, if any, to fill in and upload
 * back. Only `customer_id` and `score` are read when both are there; the name is for people.
 */
export function creditScoreTemplate(
  customers: ReadonlyMap<string, string>,
  scores: ReadonlyMap<string, number>,
): Table {
  const rows = [...customers].sort((a, b) =>
    a[1].toLowerCase() < b[1].toLowerCase() ? -1 : a[1].toLowerCase() > b[1].toLowerCase() ? 1 : a[0] < b[0] ? -1 : 1,
  );
  return {
    columns: ['customer_id', 'customer', 'score'],
    rows: rows.map(([id, name]) => [id, name, scores.get(id) ?? null]),
  };
}
