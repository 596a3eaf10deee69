/**
 * The filter box language: the subset of Kibana's KQL attendees type in the handout
 * (`event.dataset: "system.auth"`, `user.name: hAx*`, `not process.name: sudo`, …).
 *
 * Text is parsed here into an AST and translated into query DSL clauses built field by field; the
 * user's text never reaches Elasticsearch as a query string, so it cannot smuggle in query_string
 * syntax (ranges over other fields, regexes, expensive leading wildcards on every field).
 *
 * Grammar (keywords case-insensitive, as in KQL):
 *   query      := or
 *   or         := and ( 'or' and )*
 *   and        := not ( 'and' not )*
 *   not        := 'not' not | primary
 *   primary    := '(' or ')' | field ':' values | field ('<'|'<='|'>'|'>=') value | value
 *   values     := '(' value-or ')' | value        value-or/-and/-not: the same with values only
 *   value      := "quoted phrase" | unquoted words, * as wildcard, \ escapes the next character
 * An unquoted value may hold spaces (`message: Failed password`), as in KQL; it ends at a
 * keyword surrounded by spaces, a parenthesis or a colon.
 */
import type { Dsl } from './common';

export type RangeOperator = 'gt' | 'gte' | 'lt' | 'lte';

export type FilterAst =
  | { type: 'all' }
  | { type: 'and'; clauses: FilterAst[] }
  | { type: 'or'; clauses: FilterAst[] }
  | { type: 'not'; clause: FilterAst }
  /** `field` null: free text over the default fields. `phrase`: the value was quoted. */
  | { type: 'match'; field: string | null; value: string; phrase: boolean }
  /** `pattern` is in Elasticsearch wildcard syntax: `*` wildcard, literal `*`, `?`, `\` escaped. */
  | { type: 'wildcard'; field: string | null; pattern: string }
  | { type: 'exists'; field: string }
  | { type: 'range'; field: string; operator: RangeOperator; value: string };

/** What is wrong, as a stable code: the UI words it in the reader's language (lib/errors-text.ts). */
export type FilterSyntax =
  | 'too_long'
  | 'not_without_operator'
  | 'expected_condition_after'
  | 'unmatched_close'
  | 'expected_field_before'
  | 'quoted_field'
  | 'expected_value_after'
  | 'expected_value_for'
  | 'empty_group'
  | 'unclosed_group'
  | 'field_wildcard'
  | 'field_spaces'
  | 'nothing_to_escape'
  | 'unclosed_quote'
  | 'unexpected_open'
  | 'unexpected_colon'
  | 'nested_braces'
  | 'unexpected';

/** English wording of each syntax code; `token` is the keyword, operator, field or character involved. */
const REASONS: Record<FilterSyntax, (token: string) => string> = {
  too_long: (t) => `The filter is longer than ${t} characters`,
  not_without_operator: () => "Expected 'and' or 'or' before 'not'",
  expected_condition_after: (t) => `Expected a condition after '${t}'`,
  unmatched_close: () => "Unexpected ')' without a matching '('",
  expected_field_before: (t) => `Expected a field name before '${t}'`,
  quoted_field: () => 'A field name cannot be quoted',
  expected_value_after: (t) => `Expected a value after '${t}'`,
  expected_value_for: (t) => `Expected a value for '${t}'`,
  empty_group: () => "Expected a condition inside '( )'",
  unclosed_group: () => "Expected ')' to close this '('",
  field_wildcard: () => 'Wildcards in field names are not supported',
  field_spaces: (t) => `Field name '${t}' cannot contain spaces (join conditions with 'and' or 'or')`,
  nothing_to_escape: () => "Nothing to escape after '\\'",
  unclosed_quote: () => `Missing closing '"' for the quoted value that starts`,
  unexpected_open: () => "Unexpected '(' (quote values that contain '(' or ')')",
  unexpected_colon: () => "Unexpected ':' (quote values that contain ':' or join conditions with 'and')",
  nested_braces: () => 'Nested field queries with { } are not supported',
  unexpected: (t) => `Unexpected '${t}'`,
};

/** A syntax error in the filter text; `position` is the 0-based character offset of the problem. */
export class FilterSyntaxError extends Error {
  readonly position: number;
  readonly syntax: FilterSyntax;
  /** The keyword, operator, field name or character the error is about ('' when none). */
  readonly token: string;
  /** The message without the position, in English (logs, tests); the UI words `syntax` itself. */
  readonly reason: string;

  constructor(syntax: FilterSyntax, position: number, token = '') {
    const reason = REASONS[syntax](token);
    super(`${reason} at position ${position}`);
    this.name = 'FilterSyntaxError';
    this.position = position;
    this.syntax = syntax;
    this.token = token;
    this.reason = reason;
  }
}

export interface FilterToQueryOptions {
  /** Fields searched by free text (a value without `field:`). */
  defaultFields?: string[];
}

export const DEFAULT_TEXT_FIELDS = ['message'];

const RANGE_OPERATORS: Record<string, RangeOperator> = { '>=': 'gte', '<=': 'lte', '>': 'gt', '<': 'lt' };

/** Characters that end an unquoted value (KQL's special characters, minus the `*` wildcard). */
const SPECIAL = new Set(['\\', '(', ')', ':', '<', '>', '"', '{', '}']);

const MAX_LENGTH = 2_000;

interface Literal {
  /** The value with escapes resolved. */
  text: string;
  /** The same value in ES wildcard syntax, when it contains an unescaped `*`. */
  pattern: string | null;
  start: number;
}

export function parseFilter(text: string): FilterAst {
  if (text.length > MAX_LENGTH) {
    throw new FilterSyntaxError('too_long', MAX_LENGTH, String(MAX_LENGTH));
  }
  return new Parser(text).parse();
}

class Parser {
  private pos = 0;

  constructor(private readonly text: string) {}

  parse(): FilterAst {
    this.skipSpaces();
    if (this.atEnd()) return { type: 'all' };
    const ast = this.parseOr(false);
    this.skipSpaces();
    if (!this.atEnd()) this.unexpected();
    return ast;
  }

  // Boolean structure, shared by whole conditions and by value lists (`user.name: (a or b)`).

  private parseOr(inValues: boolean, field?: string): FilterAst {
    const clauses = [this.parseAnd(inValues, field)];
    while (this.keywordAhead('or')) {
      this.consumeKeyword('or');
      clauses.push(this.requireOperand('or', () => this.parseAnd(inValues, field)));
    }
    return clauses.length === 1 ? clauses[0]! : { type: 'or', clauses };
  }

  private parseAnd(inValues: boolean, field?: string): FilterAst {
    const clauses = [this.parseNot(inValues, field)];
    for (;;) {
      if (this.keywordAhead('and')) {
        this.consumeKeyword('and');
        clauses.push(this.requireOperand('and', () => this.parseNot(inValues, field)));
      } else if (this.keywordAhead('not')) {
        this.skipSpaces();
        throw new FilterSyntaxError('not_without_operator', this.pos);
      } else {
        return clauses.length === 1 ? clauses[0]! : { type: 'and', clauses };
      }
    }
  }

  private parseNot(inValues: boolean, field?: string): FilterAst {
    this.skipSpaces();
    if (this.keywordAhead('not', false)) {
      this.consumeKeyword('not');
      return { type: 'not', clause: this.requireOperand('not', () => this.parseNot(inValues, field)) };
    }
    return inValues ? this.parseValueTerm(field!) : this.parsePrimary();
  }

  private requireOperand(keyword: string, parse: () => FilterAst): FilterAst {
    this.skipSpaces();
    if (this.atEnd() || this.peek() === ')') {
      throw new FilterSyntaxError('expected_condition_after', this.pos, keyword);
    }
    return parse();
  }

  private parsePrimary(): FilterAst {
    this.skipSpaces();
    const c = this.peek();
    if (c === '(') return this.parseGroup(() => this.parseOr(false));
    if (c === ')') throw new FilterSyntaxError('unmatched_close', this.pos);
    if (c === ':') throw new FilterSyntaxError('expected_field_before', this.pos, ':');
    if (c === '"') {
      const start = this.pos;
      const phrase = this.readQuoted();
      this.skipSpaces();
      if (this.peek() === ':') throw new FilterSyntaxError('quoted_field', start);
      return { type: 'match', field: null, value: phrase, phrase: true };
    }

    const literal = this.readLiteral();
    const afterLiteral = this.pos;
    this.skipSpaces();
    if (this.peek() === ':') {
      const field = this.fieldName(literal);
      this.pos++;
      this.skipSpaces();
      if (this.atEnd() || this.peek() === ')') {
        throw new FilterSyntaxError('expected_value_after', this.pos, ':');
      }
      if (this.peek() === '(') return this.parseGroup(() => this.parseOr(true, field));
      return this.parseValueTerm(field);
    }
    const operator = this.readRangeOperator();
    if (operator) {
      const field = this.fieldName(literal);
      this.skipSpaces();
      const valueAt = this.pos;
      const value = this.peek() === '"' ? this.readQuoted() : this.readLiteral(true).text;
      if (value === '') throw new FilterSyntaxError('expected_value_after', valueAt, operator.symbol);
      return { type: 'range', field, operator: operator.op, value };
    }
    this.pos = afterLiteral;
    return this.valueNode(null, literal);
  }

  /** One value after `field:` (or inside its parenthesised list). */
  private parseValueTerm(field: string): FilterAst {
    this.skipSpaces();
    const c = this.peek();
    if (c === '(') return this.parseGroup(() => this.parseOr(true, field));
    if (c === '"') return { type: 'match', field, value: this.readQuoted(), phrase: true };
    if (this.atEnd() || c === ')') throw new FilterSyntaxError('expected_value_for', this.pos, field);
    const literal = this.readLiteral();
    if (literal.pattern === '*') return { type: 'exists', field };
    return this.valueNode(field, literal);
  }

  private valueNode(field: string | null, literal: Literal): FilterAst {
    return literal.pattern === null
      ? { type: 'match', field, value: literal.text, phrase: false }
      : { type: 'wildcard', field, pattern: literal.pattern };
  }

  private parseGroup(inner: () => FilterAst): FilterAst {
    const open = this.pos;
    this.pos++;
    this.skipSpaces();
    if (this.peek() === ')') throw new FilterSyntaxError('empty_group', this.pos);
    if (this.atEnd()) throw new FilterSyntaxError('expected_condition_after', this.pos, '(');
    const ast = inner();
    this.skipSpaces();
    if (this.peek() !== ')') {
      if (this.atEnd()) throw new FilterSyntaxError('unclosed_group', open);
      this.unexpected();
    }
    this.pos++;
    return ast;
  }

  private fieldName(literal: Literal): string {
    if (literal.text === '') throw new FilterSyntaxError('expected_field_before', literal.start, ':');
    if (literal.pattern !== null) {
      throw new FilterSyntaxError('field_wildcard', literal.start);
    }
    if (/\s/.test(literal.text)) {
      throw new FilterSyntaxError('field_spaces', literal.start, literal.text);
    }
    return literal.text;
  }

  private readRangeOperator(): { op: RangeOperator; symbol: string } | null {
    for (const symbol of ['>=', '<=', '>', '<']) {
      if (this.text.startsWith(symbol, this.pos)) {
        this.pos += symbol.length;
        return { op: RANGE_OPERATORS[symbol]!, symbol };
      }
    }
    return null;
  }

  /**
   * An unquoted value: runs until a special character or a keyword between spaces; trailing
   * spaces are not part of it. `stopAtSpace` is for range values, which are one word.
   */
  private readLiteral(stopAtSpace = false): Literal {
    const start = this.pos;
    let text = '';
    let pattern = '';
    let wildcard = false;
    let pendingSpace = '';
    while (!this.atEnd()) {
      const c = this.peek();
      if (/\s/.test(c)) {
        if (stopAtSpace || this.keywordAhead('or') || this.keywordAhead('and') || this.keywordAhead('not')) break;
        pendingSpace += c;
        this.pos++;
        continue;
      }
      if (c === '\\') {
        const next = this.text[this.pos + 1];
        if (next === undefined) throw new FilterSyntaxError('nothing_to_escape', this.pos);
        text += pendingSpace + next;
        pattern += pendingSpace + escapeWildcard(next);
        pendingSpace = '';
        this.pos += 2;
        continue;
      }
      if (SPECIAL.has(c)) break;
      text += pendingSpace + c;
      pattern += pendingSpace + (c === '*' ? '*' : escapeWildcard(c));
      if (c === '*') wildcard = true;
      pendingSpace = '';
      this.pos++;
    }
    this.pos -= pendingSpace.length;
    if (text === '' && !this.atEnd() && this.peek() !== ')' && !/\s/.test(this.peek())) {
      this.unexpected();
    }
    return { text, pattern: wildcard ? pattern : null, start };
  }

  private readQuoted(): string {
    const start = this.pos;
    this.pos++;
    let value = '';
    while (!this.atEnd()) {
      const c = this.peek();
      if (c === '"') {
        this.pos++;
        return value;
      }
      if (c === '\\') {
        const next = this.text[this.pos + 1];
        if (next === undefined) break;
        value += next;
        this.pos += 2;
        continue;
      }
      value += c;
      this.pos++;
    }
    throw new FilterSyntaxError('unclosed_quote', start);
  }

  /**
   * Whether the keyword `word` starts here. Between operands a keyword needs spaces before it
   * (`a and b`), as in KQL, so `brand` or `android` in a value stay words; `not` opening an operand
   * needs none. After the keyword comes a space, '(' or the end.
   */
  private keywordAhead(word: 'and' | 'or' | 'not', afterSpace = true): boolean {
    const re = new RegExp(`${afterSpace ? '\\s+' : ''}${word}(?=\\s|\\(|$)`, 'iy');
    re.lastIndex = this.pos;
    return re.test(this.text);
  }

  /** Consumes the keyword and the spaces before it. */
  private consumeKeyword(word: string): void {
    this.skipSpaces();
    this.pos += word.length;
  }

  private unexpected(): never {
    const c = this.peek();
    if (c === ')') throw new FilterSyntaxError('unmatched_close', this.pos);
    if (c === '(') throw new FilterSyntaxError('unexpected_open', this.pos);
    if (c === ':') throw new FilterSyntaxError('unexpected_colon', this.pos);
    if (c === '{' || c === '}') throw new FilterSyntaxError('nested_braces', this.pos, c);
    if (c === '<' || c === '>') throw new FilterSyntaxError('expected_field_before', this.pos, c);
    throw new FilterSyntaxError('unexpected', this.pos, c);
  }

  private skipSpaces(): void {
    while (!this.atEnd() && /\s/.test(this.peek())) this.pos++;
  }

  private peek(): string {
    return this.text[this.pos] ?? '';
  }

  private atEnd(): boolean {
    return this.pos >= this.text.length;
  }
}

function escapeWildcard(c: string): string {
  return c === '*' || c === '?' || c === '\\' ? `\\${c}` : c;
}

/** Escapes every query_string operator character except the wildcard `*` (already escaped when literal). */
function wildcardToQueryString(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      out += `\\${pattern[i + 1] ?? ''}`;
      i++;
    } else if (c === '*' || /\s/.test(c)) {
      out += c;
    } else if ('+-=&|><!(){}[]^"~?:/'.includes(c)) {
      out += `\\${c}`;
    } else {
      out += c;
    }
  }
  return out;
}

/** Translates the AST into query DSL clauses (bool, match, match_phrase, multi_match, wildcard, exists, range). */
export function filterToQuery(ast: FilterAst, options: FilterToQueryOptions = {}): Dsl {
  const fields = options.defaultFields ?? DEFAULT_TEXT_FIELDS;
  switch (ast.type) {
    case 'all':
      return { match_all: {} };
    case 'and':
      return { bool: { filter: flatten(ast.clauses, 'and').map((c) => filterToQuery(c, options)) } };
    case 'or':
      return {
        bool: { should: flatten(ast.clauses, 'or').map((c) => filterToQuery(c, options)), minimum_should_match: 1 },
      };
    case 'not':
      return { bool: { must_not: [filterToQuery(ast.clause, options)] } };
    case 'exists':
      return { exists: { field: ast.field } };
    case 'range':
      return { range: { [ast.field]: { [ast.operator]: numericOrText(ast.value) } } };
    case 'match':
      if (ast.field !== null) {
        // `match` rather than `term`: right for keyword, numeric, ip and text fields alike, as KQL does.
        return ast.phrase ? { match_phrase: { [ast.field]: ast.value } } : { match: { [ast.field]: ast.value } };
      }
      return {
        multi_match: ast.phrase ? { query: ast.value, fields, type: 'phrase' } : { query: ast.value, fields },
      };
    case 'wildcard':
      if (ast.field !== null) return { wildcard: { [ast.field]: { value: ast.pattern } } };
      // Free text over text fields: query_string normalises the pattern with each field's analyser
      // (so `Fail*` finds "failed"); the pattern is escaped here, only `*` stays an operator.
      return {
        query_string: {
          query: wildcardToQueryString(ast.pattern),
          fields,
          analyze_wildcard: true,
          default_operator: 'AND',
        },
      };
  }
}

function flatten(clauses: FilterAst[], type: 'and' | 'or'): FilterAst[] {
  return clauses.flatMap((c) => (c.type === type ? flatten(c.clauses, type) : [c]));
}

function numericOrText(value: string): string | number {
  return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
}

/** Parses and translates in one step; throws `FilterSyntaxError`. Blank text matches everything. */
export function compileFilter(text: string | undefined, options?: FilterToQueryOptions): Dsl {
  return filterToQuery(parseFilter(text ?? ''), options);
}
