/**
 * Parsers for the Lucene classic query syntax (`query_string`, the `q=` parameter) and the
 * `simple_query_string` syntax, producing a small tree the query binder turns into matchers per
 * index. Clause semantics follow Lucene's QueryParserBase.addClause and SimpleQueryParser, so
 * `a AND b OR c`, `-x` alone and `a -b` behave as they do in Elasticsearch.
 */

export type Occur = 'must' | 'should' | 'must_not';

export type QsNode =
  | { k: 'bool'; clauses: { occur: Occur; q: QsNode }[]; boost: number }
  | {
      k: 'term';
      field?: string;
      text: string;
      /** Quoted phrase. */
      phrase: boolean;
      /** Has unescaped `*` or `?`. */
      wildcard: boolean;
      regex: boolean;
      fuzzy?: number;
      slop?: number;
      boost: number;
    }
  | { k: 'range'; field?: string; lo?: string; hi?: string; incLo: boolean; incHi: boolean; boost: number }
  | { k: 'exists'; field: string; boost: number }
  | { k: 'all'; boost: number };

export class QsSyntaxError extends Error {}

type Tok =
  | { t: 'term'; v: string; quoted: boolean; regex: boolean }
  | { t: 'and' | 'or' | 'not' | 'plus' | 'minus' | 'lp' | 'rp' | 'colon' | 'caret' | 'tilde' | 'lb' | 'rb' | 'lc' | 'rc' | 'to' | 'eof' };

const SPECIAL = new Set(['+', '-', '&', '|', '!', '(', ')', '{', '}', '[', ']', '^', '"', '~', ':', '\\', '/', ' ', '\t', '\n', '\r']);

function lex(input: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const n = input.length;
  while (i < n) {
    const ch = input[i] as string;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\u3000') {
      i += 1;
      continue;
    }
    if (ch === '(') out.push({ t: 'lp' });
    else if (ch === ')') out.push({ t: 'rp' });
    else if (ch === '[') out.push({ t: 'lb' });
    else if (ch === ']') out.push({ t: 'rb' });
    else if (ch === '{') out.push({ t: 'lc' });
    else if (ch === '}') out.push({ t: 'rc' });
    else if (ch === ':') out.push({ t: 'colon' });
    else if (ch === '^') out.push({ t: 'caret' });
    else if (ch === '~') out.push({ t: 'tilde' });
    else if (ch === '+') out.push({ t: 'plus' });
    else if (ch === '-') out.push({ t: 'minus' });
    else if (ch === '!') out.push({ t: 'not' });
    else if (ch === '&' && input[i + 1] === '&') {
      out.push({ t: 'and' });
      i += 2;
      continue;
    } else if (ch === '|' && input[i + 1] === '|') {
      out.push({ t: 'or' });
      i += 2;
      continue;
    } else if (ch === '"') {
      let j = i + 1;
      let v = '';
      while (j < n && input[j] !== '"') {
        if (input[j] === '\\' && j + 1 < n) {
          v += input[j + 1];
          j += 2;
          continue;
        }
        v += input[j];
        j += 1;
      }
      if (j >= n) throw new QsSyntaxError(`Cannot parse '${input}': Lexical error at line 1, column ${n + 1}.  Encountered: <EOF> after : "\\"${v}"`);
      out.push({ t: 'term', v, quoted: true, regex: false });
      i = j + 1;
      continue;
    } else if (ch === '/') {
      let j = i + 1;
      let v = '';
      while (j < n && input[j] !== '/') {
        if (input[j] === '\\' && j + 1 < n) {
          v += input[j] === '\\' && input[j + 1] === '/' ? '/' : `\\${input[j + 1]}`;
          j += 2;
          continue;
        }
        v += input[j];
        j += 1;
      }
      if (j >= n) throw new QsSyntaxError(`Cannot parse '${input}': Lexical error at line 1, column ${n + 1}.  Encountered: <EOF> after : "/${v}"`);
      out.push({ t: 'term', v, quoted: false, regex: true });
      i = j + 1;
      continue;
    } else {
      let j = i;
      let v = '';
      while (j < n) {
        const c = input[j] as string;
        if (c === '\\' && j + 1 < n) {
          // Keep wildcard escapes visible to the wildcard matcher.
          v += input[j + 1] === '*' || input[j + 1] === '?' ? `\\${input[j + 1]}` : input[j + 1];
          j += 2;
          continue;
        }
        if (SPECIAL.has(c) && !(c === '-' && j > i) && !(c === '+' && j > i) && !(c === '!' && j > i)) break;
        if ((c === '&' && input[j + 1] === '&') || (c === '|' && input[j + 1] === '|')) break;
        v += c;
        j += 1;
      }
      if (v === 'AND') out.push({ t: 'and' });
      else if (v === 'OR') out.push({ t: 'or' });
      else if (v === 'NOT') out.push({ t: 'not' });
      else if (v === 'TO') out.push({ t: 'to' });
      else out.push({ t: 'term', v, quoted: false, regex: false });
      i = j;
      continue;
    }
    i += 1;
  }
  out.push({ t: 'eof' });
  return out;
}

function hasUnescapedWildcard(s: string): boolean {
  for (let i = 0; i < s.length; i += 1) {
    if (s[i] === '\\') {
      i += 1;
      continue;
    }
    if (s[i] === '*' || s[i] === '?') return true;
  }
  return false;
}

function unescapeWildcards(s: string): string {
  return s.replace(/\\([*?])/g, '$1');
}

/** Parses the classic syntax. `defaultOperator` decides whether bare clauses are required. */
export function parseQueryString(input: string, defaultOperator: 'or' | 'and'): QsNode {
  const toks = lex(input);
  let p = 0;
  const peek = (): Tok => toks[p] as Tok;
  const next = (): Tok => toks[p++] as Tok;
  const fail = (what: string): never => {
    throw new QsSyntaxError(`Cannot parse '${input}': Encountered "${what}" at line 1, column ${p}.`);
  };

  const parseQuery = (field: string | undefined, nested: boolean): QsNode => {
    const clauses: { occur: Occur; q: QsNode }[] = [];
    let first = true;
    for (;;) {
      const tk = peek();
      if (tk.t === 'eof') break;
      if (tk.t === 'rp') {
        if (nested) break;
        fail(')');
      }
      let conj: 'and' | 'or' | undefined;
      if (!first && (tk.t === 'and' || tk.t === 'or')) {
        conj = tk.t;
        next();
      } else if (first && (tk.t === 'and' || tk.t === 'or')) {
        fail(tk.t === 'and' ? 'AND' : 'OR');
      }
      let mod: 'req' | 'not' | undefined;
      const m = peek();
      if (m.t === 'plus') {
        mod = 'req';
        next();
      } else if (m.t === 'minus' || m.t === 'not') {
        mod = 'not';
        next();
      }
      const q = parseClause(field);
      addClause(clauses, conj, mod, q, defaultOperator);
      first = false;
    }
    if (clauses.length === 1 && clauses[0]?.occur !== 'must_not') return (clauses[0] as { q: QsNode }).q;
    return { k: 'bool', clauses, boost: 1 };
  };

  const parseBoost = (): number => {
    if (peek().t !== 'caret') return 1;
    next();
    const b = next();
    if (b.t !== 'term' || !Number.isFinite(Number(b.v))) fail('^');
    return Number((b as { v: string }).v);
  };

  const parseClause = (field: string | undefined): QsNode => {
    let tk = peek();
    let f = field;
    if (tk.t === 'term' && !tk.quoted && !tk.regex && toks[p + 1]?.t === 'colon') {
      f = unescapeWildcards(tk.v);
      next();
      next();
      tk = peek();
    }
    if (tk.t === 'lp') {
      next();
      const inner = parseQuery(f, true);
      if (next().t !== 'rp') fail('<EOF>');
      const boost = parseBoost();
      if (boost !== 1) return { k: 'bool', clauses: [{ occur: 'must', q: inner }], boost };
      return inner;
    }
    if (tk.t === 'lb' || tk.t === 'lc') {
      next();
      const incLo = tk.t === 'lb';
      const lo = next();
      if (lo.t !== 'term') fail('TO');
      if (next().t !== 'to') fail((lo as { v: string }).v);
      const hi = next();
      if (hi.t !== 'term') fail(']');
      const close = next();
      if (close.t !== 'rb' && close.t !== 'rc') fail('<EOF>');
      const loV = (lo as { v: string }).v;
      const hiV = (hi as { v: string }).v;
      return { k: 'range', field: f, lo: loV === '*' ? undefined : loV, hi: hiV === '*' ? undefined : hiV, incLo, incHi: close.t === 'rb', boost: parseBoost() };
    }
    if (tk.t === 'term') {
      next();
      if (f === '_exists_') return { k: 'exists', field: tk.v, boost: parseBoost() };
      // `field:>5`, `field:<=2026-01-01`
      if (!tk.quoted && !tk.regex && /^[<>]=?/.test(tk.v)) {
        const op = /^[<>]=?/.exec(tk.v)?.[0] as string;
        const v = tk.v.slice(op.length);
        const boost = parseBoost();
        if (op.startsWith('>')) return { k: 'range', field: f, lo: v, incLo: op === '>=', incHi: true, boost };
        return { k: 'range', field: f, hi: v, incLo: true, incHi: op === '<=', boost };
      }
      let fuzzy: number | undefined;
      let slop: number | undefined;
      if (peek().t === 'tilde') {
        next();
        const n = peek();
        let amount: number | undefined;
        if (n.t === 'term' && /^\d+(\.\d+)?$/.test(n.v)) {
          next();
          amount = Number(n.v);
        }
        if (tk.quoted) slop = amount ?? 0;
        else fuzzy = amount ?? 2;
      }
      const boost = parseBoost();
      if (!tk.quoted && !tk.regex && tk.v === '*' && f !== undefined) {
        return { k: 'exists', field: f, boost };
      }
      if (!tk.quoted && !tk.regex && tk.v === '*' && f === undefined) return { k: 'all', boost };
      const wildcard = !tk.quoted && !tk.regex && hasUnescapedWildcard(tk.v);
      const node: QsNode = { k: 'term', field: f, text: wildcard ? tk.v : unescapeWildcards(tk.v), phrase: tk.quoted, wildcard, regex: tk.regex, boost };
      if (fuzzy !== undefined) node.fuzzy = fuzzy;
      if (slop !== undefined) node.slop = slop;
      return node;
    }
    if (tk.t === 'eof') fail('<EOF>');
    return fail(tk.t);
  };

  const result = parseQuery(undefined, false);
  if (peek().t !== 'eof') fail(')');
  return result;
}

function addClause(clauses: { occur: Occur; q: QsNode }[], conj: 'and' | 'or' | undefined, mod: 'req' | 'not' | undefined, q: QsNode, operator: 'or' | 'and'): void {
  const last = clauses[clauses.length - 1];
  if (last && conj === 'and' && last.occur !== 'must_not') last.occur = 'must';
  if (last && operator === 'and' && conj === 'or' && last.occur !== 'must_not') last.occur = 'should';
  let required: boolean;
  let prohibited: boolean;
  if (operator === 'or') {
    prohibited = mod === 'not';
    required = mod === 'req';
    if (conj === 'and' && !prohibited) required = true;
  } else {
    prohibited = mod === 'not';
    required = !prohibited && conj !== 'or';
  }
  clauses.push({ q, occur: prohibited ? 'must_not' : required ? 'must' : 'should' });
}

// ---------------------------------------------------------------------------------------------
// simple_query_string

const ALL_FLAGS = ['AND', 'OR', 'NOT', 'PREFIX', 'PHRASE', 'PRECEDENCE', 'ESCAPE', 'WHITESPACE', 'FUZZY', 'NEAR', 'SLOP'];

export function parseSimpleFlags(flags: unknown): Set<string> {
  if (flags === undefined || flags === null || flags === 'ALL') return new Set(ALL_FLAGS);
  if (typeof flags === 'number') return new Set(ALL_FLAGS);
  if (flags === 'NONE') return new Set();
  return new Set(
    String(flags)
      .split('|')
      .map((f) => f.trim().toUpperCase())
      .flatMap((f) => (f === 'ALL' ? ALL_FLAGS : [f])),
  );
}

/** SimpleQueryParser: never fails; `+` and, `|` or, `-` not, `"` phrase, `*` prefix, `( )`, `~N`. */
export function parseSimpleQueryString(input: string, defaultOperator: 'or' | 'and', flags: Set<string> = new Set(ALL_FLAGS)): QsNode | undefined {
  let i = 0;
  const n = input.length;
  const defOcc: Occur = defaultOperator === 'and' ? 'must' : 'should';

  interface State {
    top?: QsNode;
    current?: Occur;
    previous?: Occur;
    not: number;
  }

  const build = (state: State, branch: QsNode | undefined): void => {
    if (!branch) return;
    let b = branch;
    if (state.not % 2 === 1) {
      b = { k: 'bool', clauses: [{ occur: 'must_not', q: b }, { occur: 'should', q: { k: 'all', boost: 1 } }], boost: 1 };
    }
    state.not = 0;
    if (!state.top) {
      state.top = b;
    } else {
      const op = state.current ?? defOcc;
      if (state.previous !== op || state.top.k !== 'bool' || (state.top as { wrapped?: boolean }).wrapped !== true) {
        const wrapped = { k: 'bool', clauses: [{ occur: op, q: state.top }], boost: 1, wrapped: true } as QsNode;
        state.top = wrapped;
      }
      (state.top as { clauses: { occur: Occur; q: QsNode }[] }).clauses.push({ occur: op, q: b });
      state.previous = op;
    }
    state.current = undefined;
  };

  const parse = (nested: boolean): QsNode | undefined => {
    const state: State = { not: 0 };
    while (i < n) {
      const ch = input[i] as string;
      if (ch === '(' && flags.has('PRECEDENCE')) {
        i += 1;
        const inner = parse(true);
        build(state, inner);
        continue;
      }
      if (ch === ')' && flags.has('PRECEDENCE')) {
        i += 1;
        if (nested) break;
        continue;
      }
      if (ch === '"' && flags.has('PHRASE')) {
        let j = i + 1;
        let v = '';
        while (j < n && input[j] !== '"') {
          if (input[j] === '\\' && flags.has('ESCAPE') && j + 1 < n) {
            v += input[j + 1];
            j += 2;
            continue;
          }
          v += input[j];
          j += 1;
        }
        if (j >= n) {
          // An unclosed quote is a literal quote followed by terms.
          i += 1;
          continue;
        }
        i = j + 1;
        let slop: number | undefined;
        if (input[i] === '~' && flags.has('SLOP')) {
          const m = /^~(\d*)/.exec(input.slice(i));
          slop = m && m[1] ? Number(m[1]) : 0;
          i += m ? m[0].length : 1;
        }
        const node: QsNode = { k: 'term', text: v, phrase: true, wildcard: false, regex: false, boost: 1 };
        if (slop !== undefined) node.slop = slop;
        build(state, node);
        continue;
      }
      if (ch === '+' && flags.has('AND')) {
        state.current = 'must';
        i += 1;
        continue;
      }
      if (ch === '|' && flags.has('OR')) {
        state.current = 'should';
        i += 1;
        continue;
      }
      if (ch === '-' && flags.has('NOT') && (state.not > 0 || i === 0 || /[\s(+|]/.test(input[i - 1] as string))) {
        state.not += 1;
        i += 1;
        continue;
      }
      if (/\s/.test(ch) && flags.has('WHITESPACE')) {
        i += 1;
        continue;
      }
      let v = '';
      while (i < n) {
        const c = input[i] as string;
        if (c === '\\' && flags.has('ESCAPE') && i + 1 < n) {
          v += input[i + 1];
          i += 2;
          continue;
        }
        if ((/\s/.test(c) && flags.has('WHITESPACE')) || (c === '"' && flags.has('PHRASE')) || (c === '|' && flags.has('OR')) || (c === '+' && flags.has('AND')) || ((c === '(' || c === ')') && flags.has('PRECEDENCE'))) break;
        v += c;
        i += 1;
      }
      let fuzzy: number | undefined;
      const tilde = v.lastIndexOf('~');
      if (tilde > 0 && flags.has('FUZZY') && /^\d*$/.test(v.slice(tilde + 1))) {
        fuzzy = v.slice(tilde + 1) === '' ? 2 : Number(v.slice(tilde + 1));
        v = v.slice(0, tilde);
      }
      if (v === '') continue;
      const prefix = v.endsWith('*') && flags.has('PREFIX') && v.length > 1;
      const node: QsNode = { k: 'term', text: v, phrase: false, wildcard: prefix, regex: false, boost: 1 };
      if (prefix) node.text = `${v.slice(0, -1).replace(/[*?]/g, (m) => `\\${m}`)}*`;
      if (fuzzy !== undefined) node.fuzzy = fuzzy;
      build(state, node);
    }
    return state.top;
  };
  return parse(false);
}
