import { canonicalProperty, entityByName, type EntityDefinition } from '../entity-registry.js';
import { KEYWORDS, LexError, tokenize, type Token } from './query-lexer.js';

/** A query QBO would reject; `detail` is the Fault's Detail text (code 4001). */
export class QueryError extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = 'QueryError';
  }
}

export type Operator = '=' | '<' | '>' | '<=' | '>=' | 'IN' | 'LIKE';
export type Literal = string | number | boolean | null;

export interface Condition {
  /** Property path, first segment in its canonical spelling (e.g. ['MetaData', 'LastUpdatedTime']). */
  path: string[];
  operator: Operator;
  /** One value, or the list for IN. `' '` (a quoted space) is null. */
  values: Literal[];
}

export interface ParsedQuery {
  entity: EntityDefinition;
  count: boolean;
  where: Condition[];
  orderBy: Array<{ path: string[]; direction: 'ASC' | 'DESC' }>;
  startPosition: number;
  maxResults: number;
}

export const DEFAULT_MAX_RESULTS = 100;
export const MAX_MAX_RESULTS = 1000;

/** Parses `SELECT * | COUNT(*) FROM Entity [WHERE …] [ORDERBY …] [STARTPOSITION n] [MAXRESULTS n]`. */
export function parseQuery(text: string): ParsedQuery {
  let tokens: Token[];
  try {
    tokens = tokenize(text);
  } catch (err) {
    if (err instanceof LexError) throw new QueryError(`QueryParserError: ${err.message}`);
    throw err;
  }
  return new Parser(tokens).parse();
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): ParsedQuery {
    this.keyword('SELECT');
    let count = false;
    if (this.isKeyword('COUNT')) {
      this.next();
      this.punct('(');
      this.punct('*');
      this.punct(')');
      count = true;
    } else {
      this.punct('*');
    }
    this.keyword('FROM');
    const entityToken = this.expectWord();
    const entity = entityByName(entityToken.text);
    if (!entity) throw new QueryError(`QueryValidationError: invalid context declaration: ${entityToken.text}`);

    const q: ParsedQuery = { entity, count, where: [], orderBy: [], startPosition: 1, maxResults: DEFAULT_MAX_RESULTS };
    if (this.isKeyword('WHERE')) {
      this.next();
      q.where.push(this.condition(entity));
      while (this.isKeyword('AND')) {
        this.next();
        q.where.push(this.condition(entity));
      }
    }
    if (this.isKeyword('ORDERBY') || (this.isKeyword('ORDER') && this.peekKeyword(1, 'BY'))) {
      if (this.next().text.toUpperCase() === 'ORDER') this.next();
      do {
        const path = this.path(entity);
        let direction: 'ASC' | 'DESC' = 'ASC';
        if (this.isKeyword('ASC') || this.isKeyword('DESC'))
          direction = this.next().text.toUpperCase() as 'ASC' | 'DESC';
        q.orderBy.push({ path, direction });
      } while (this.peek().text === ',' && this.next());
    }
    for (let clauses = 0; clauses < 2; clauses++) {
      if (this.isKeyword('STARTPOSITION')) {
        this.next();
        q.startPosition = this.positiveInt('STARTPOSITION');
      } else if (this.isKeyword('MAXRESULTS')) {
        this.next();
        q.maxResults = this.positiveInt('MAXRESULTS');
        if (q.maxResults > MAX_MAX_RESULTS)
          throw new QueryError(
            `QueryValidationError: value ${q.maxResults} is too large. Max allowed value is ${MAX_MAX_RESULTS}`,
          );
      }
    }
    if (this.peek().kind !== 'eof') this.fail();
    return q;
  }

  private condition(entity: EntityDefinition): Condition {
    const path = this.path(entity);
    const opToken = this.peek();
    if (opToken.kind === 'op') {
      this.next();
      if (opToken.text === '!=' || opToken.text === '<>') this.fail(opToken); // QBO has no inequality operator
      return { path, operator: opToken.text, values: [this.literal()] };
    }
    if (this.isKeyword('LIKE')) {
      this.next();
      const value = this.literal();
      if (typeof value !== 'string') this.fail(this.tokens[this.pos - 1]);
      return { path, operator: 'LIKE', values: [value] };
    }
    if (this.isKeyword('IN')) {
      this.next();
      this.punct('(');
      const values = [this.literal()];
      while (this.peek().text === ',') {
        this.next();
        values.push(this.literal());
      }
      this.punct(')');
      return { path, operator: 'IN', values };
    }
    return this.fail();
  }

  private path(entity: EntityDefinition): string[] {
    const token = this.expectWord();
    if (KEYWORDS.has(token.text.toUpperCase())) this.fail(token);
    const [first, ...rest] = token.text.split('.');
    if (rest.some((s) => s === '')) this.fail(token);
    const property = canonicalProperty(entity, first!);
    if (!property) throw new QueryError(`QueryValidationError: property '${first}' is not queryable`);
    return [property, ...rest];
  }

  private literal(): Literal {
    const t = this.next();
    if (t.kind === 'string') return t.value === ' ' ? null : t.value;
    if (t.kind === 'number') return t.value;
    if (t.kind === 'word' && /^(true|false)$/i.test(t.text)) return t.text.toLowerCase() === 'true';
    return this.fail(t);
  }

  private positiveInt(clause: string): number {
    const t = this.next();
    if (t.kind !== 'number' || !Number.isInteger(t.value)) return this.fail(t);
    if (t.value < 1) throw new QueryError(`QueryValidationError: ${clause} must be a positive number, not ${t.value}`);
    return t.value;
  }

  private keyword(word: string): void {
    if (!this.isKeyword(word)) this.fail();
    this.next();
  }

  private punct(p: string): void {
    if (this.peek().text !== p) this.fail();
    this.next();
  }

  private expectWord(): Token {
    const t = this.peek();
    if (t.kind !== 'word') this.fail();
    return this.next();
  }

  private isKeyword(word: string): boolean {
    const t = this.peek();
    return t.kind === 'word' && t.text.toUpperCase() === word;
  }

  private peekKeyword(offset: number, word: string): boolean {
    const t = this.tokens[this.pos + offset];
    return t?.kind === 'word' && t.text.toUpperCase() === word;
  }

  private peek(): Token {
    return this.tokens[this.pos]!;
  }

  private next(): Token {
    const t = this.tokens[this.pos]!;
    if (t.kind !== 'eof') this.pos++;
    return t;
  }

  /** Mirrors the JavaCC message QBO returns, e.g. `Encountered " <ID> "Custmoer "" at line 1, column 15.` */
  private fail(at: Token = this.peek()): never {
    throw new QueryError(`QueryParserError: Encountered ${describe(at)} at line 1, column ${at.column}.`);
  }
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return '"<EOF>"';
    case 'word':
      return KEYWORDS.has(t.text.toUpperCase()) ? `" "${t.text.toUpperCase()}" "${t.text} ""` : `" <ID> "${t.text} ""`;
    case 'string':
      return `" <STRING_LITERAL> "${t.text} ""`;
    case 'number':
      return `" <INTEGER> "${t.text} ""`;
    default:
      return `" "${t.text}" "${t.text} ""`;
  }
}
