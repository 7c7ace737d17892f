/** Tokens of QBO's query language (qbo-api.md §2). Keywords are recognised case-insensitively by the parser. */
export type Token =
  | { kind: 'word'; text: string; column: number }
  | { kind: 'string'; text: string; value: string; column: number }
  | { kind: 'number'; text: string; value: number; column: number }
  | { kind: 'op'; text: '=' | '<' | '>' | '<=' | '>=' | '!=' | '<>'; column: number }
  | { kind: 'punct'; text: '(' | ')' | ',' | '*'; column: number }
  | { kind: 'eof'; text: '<EOF>'; column: number };

/** Reserved words; the parser matches them case-insensitively, and they cannot name a property. */
export const KEYWORDS: ReadonlySet<string> = new Set([
  'SELECT',
  'FROM',
  'WHERE',
  'AND',
  'IN',
  'LIKE',
  'ORDERBY',
  'ORDER',
  'BY',
  'ASC',
  'DESC',
  'STARTPOSITION',
  'MAXRESULTS',
  'COUNT',
  'OR',
  'NOT',
  'GROUP',
  'JOIN',
  'HAVING',
  'LIMIT',
  'OFFSET',
]);

export class LexError extends Error {
  constructor(
    readonly text: string,
    readonly column: number,
  ) {
    super(`Lexical error at line 1, column ${column}. Encountered: "${text}"`);
  }
}

const WORD = /[A-Za-z_][A-Za-z0-9_.]*/y;
const NUMBER = /-?\d+(\.\d+)?/y;

export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    const column = i + 1;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === "'") {
      // Strings are single-quoted; a quote inside is escaped with a backslash (\').
      let value = '';
      let j = i + 1;
      for (; j < input.length && input[j] !== "'"; j++) {
        if (input[j] === '\\' && j + 1 < input.length) j++;
        value += input[j];
      }
      if (j >= input.length) throw new LexError(input.slice(i), column);
      tokens.push({ kind: 'string', text: input.slice(i, j + 1), value, column });
      i = j + 1;
      continue;
    }
    if ('(),*'.includes(ch)) {
      tokens.push({ kind: 'punct', text: ch as '(' | ')' | ',' | '*', column });
      i++;
      continue;
    }
    const two = input.slice(i, i + 2);
    if (two === '<=' || two === '>=' || two === '!=' || two === '<>') {
      tokens.push({ kind: 'op', text: two, column });
      i += 2;
      continue;
    }
    if (ch === '=' || ch === '<' || ch === '>') {
      tokens.push({ kind: 'op', text: ch, column });
      i++;
      continue;
    }
    NUMBER.lastIndex = i;
    const num = NUMBER.exec(input);
    if (num && (ch === '-' || /\d/.test(ch))) {
      tokens.push({ kind: 'number', text: num[0], value: Number(num[0]), column });
      i += num[0].length;
      continue;
    }
    WORD.lastIndex = i;
    const word = WORD.exec(input);
    if (word) {
      tokens.push({ kind: 'word', text: word[0], column });
      i += word[0].length;
      continue;
    }
    throw new LexError(ch, column);
  }
  tokens.push({ kind: 'eof', text: '<EOF>', column: input.length + 1 });
  return tokens;
}
