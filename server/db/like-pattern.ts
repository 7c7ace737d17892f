import { foldForSearch } from '../shared/search-text.js';

/**
 * Text for a LIKE pattern in which `%`, `_` and the escape character match literally (ESCAPE '!', the same on SQLite
 * and PostgreSQL).
 */
export function escapeLike(text: string): string {
  return text.replace(/[!%_]/g, (ch) => `!${ch}`);
}

/** A "contains" pattern for a folded column (search-text.ts): case and accents ignored, `LIKE ? ESCAPE '!'`. */
export function likeContains(text: string): string {
  return `%${escapeLike(foldForSearch(text))}%`;
}
