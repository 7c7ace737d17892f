import type { QboObject } from '../entity-registry.js';

/**
 * GET /invoice/{id}/pdf: a real, minimal PDF 1.4 document (one page, Helvetica, a correct cross-reference table) with
 * the invoice's number, dates, customer, lines, total and balance due. QuickBooks renders its own form layout; what
 * matters to a client is the contract: `Content-Type: application/pdf` and a body that is a PDF
 * ([REAL-CAPTURE get_pdf/invoice.yml] in docs/reference qbo-api.md).
 */
export function invoicePdf(invoice: QboObject, companyName: string): Buffer {
  const ref = (v: unknown) => (v && typeof v === 'object' ? (v as { name?: unknown; value?: unknown }) : {});
  const lines: string[] = [
    companyName,
    '',
    `INVOICE ${String(invoice.DocNumber ?? invoice.Id)}`,
    `Bill to: ${String(ref(invoice.CustomerRef).name ?? ref(invoice.CustomerRef).value ?? '')}`,
    `Date: ${String(invoice.TxnDate ?? '')}`,
    `Due date: ${String(invoice.DueDate ?? '')}`,
    '',
  ];
  for (const line of Array.isArray(invoice.Line) ? (invoice.Line as Array<Record<string, unknown>>) : []) {
    if (line.DetailType !== 'SalesItemLineDetail') continue;
    const item = ref((line.SalesItemLineDetail as Record<string, unknown> | undefined)?.ItemRef).name;
    lines.push(`${String(line.Description ?? item ?? '')}  ${money(line.Amount)}`);
  }
  lines.push('', `Total: ${money(invoice.TotalAmt)}`, `Balance due: ${money(invoice.Balance)}`);
  return pdfDocument(lines);
}

function money(v: unknown): string {
  const n = typeof v === 'number' ? v : Number(v ?? 0);
  return Number.isFinite(n) ? n.toFixed(2) : '0.00';
}

/** A PDF string literal: printable ASCII only (the standard fonts' encoding), with its delimiters escaped. */
function pdfText(s: string): string {
  const ascii = s.replace(/[^\x20-\x7e]/g, '?');
  return `(${ascii.replace(/[\\()]/g, (c) => `\\${c}`)})`;
}

function pdfDocument(lines: readonly string[]): Buffer {
  const content = [
    'BT',
    '/F1 11 Tf',
    '14 TL',
    '56 780 Td',
    ...lines.slice(0, 50).map((l) => `${pdfText(l.slice(0, 90))} '`),
    'ET',
  ].join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) body += `${String(off).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}
