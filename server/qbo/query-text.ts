/** A string value in a QuickBooks query, quoted, with its quotes escaped the way QuickBooks and node-quickbooks do. */
export function quoted(value: string): string {
  return `'${value.replace(/'/g, "\\'")}'`;
}

/** `('1','2')`: a list for `IN`. */
export function quotedList(values: readonly string[]): string {
  return `(${values.map(quoted).join(',')})`;
}
