/**
 * A name as the customer search compares it: lower case, accents and other combining marks removed, so
 * "elan cafe" and "ÉLAN" both find "Élan Café". Done here rather than in SQL because SQLite's LOWER() and
 * LIKE fold ASCII letters only; the folded name is stored with each score row (customer_scores.search_name).
 */
export function foldForSearch(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}
