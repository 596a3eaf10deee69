import { analyzeText } from './analysis';
import { compileRegexp, compileWildcard, type Dfa, RegexpSyntaxError, TooComplexError } from './automaton';
import { valuesAtPath } from './doc-store';
import { illegalArgument, isPlainObject, locate, parsingException } from './errors';
import type { IndexState } from './index-state';
import type { FieldDef } from './mapping';
import { type QueryNode, QueryParser } from './query';
import { fuzzyDistance } from './query/bind';
import { levenshtein } from './query/parse';
import { parseQueryString, parseSimpleQueryString, type QsNode } from './query/query-string';
import { hasWildcard, simpleMatch } from './wildcard';

/**
 * `highlight` with the plain highlighter's behaviour (Lucene's Highlighter as ES's
 * PlainHighlighter drives it): the query's terms, per field, are marked in the field's text with
 * `pre_tags`/`post_tags`; the text is cut into fragments of about `fragment_size` characters at
 * token boundaries (a new fragment starts at the first token ending past the next multiple of
 * the size, unless less than 80 % of a fragment would remain); fragments that hold a query term
 * are scored by the distinct terms they hold and the best `number_of_fragments` returned, best
 * first (0 returns the whole value highlighted). The `unified` type (ES's default) is answered the
 * same way; `fvh` needs term vectors the practice cluster does not keep.
 */

export interface HighlightOptions {
  preTags: string[];
  postTags: string[];
  fragmentSize: number;
  numberOfFragments: number;
  noMatchSize: number;
  requireFieldMatch: boolean;
  encoder: 'default' | 'html';
  highlightQuery?: QueryNode;
}

export interface HighlightSpec {
  fields: { pattern: string; options: HighlightOptions }[];
}

type Path = (string | number)[];

const OPTION_KEYS = new Set([
  'pre_tags',
  'post_tags',
  'tags_schema',
  'fragment_size',
  'number_of_fragments',
  'no_match_size',
  'require_field_match',
  'encoder',
  'highlight_query',
  'type',
  'fragmenter',
  'order',
  'boundary_scanner',
  'boundary_chars',
  'boundary_max_scan',
  'boundary_scanner_locale',
  'fragment_offset',
  'matched_fields',
  'phrase_limit',
  'force_source',
  'max_analyzed_offset',
  'max_fragment_length',
]);

const STYLED = Array.from({ length: 10 }, (_, i) => `<em class="hlt${i + 1}">`);

function intOption(value: unknown, name: string, root: unknown, path: Path): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  throw parsingException(`[highlight] failed to parse field [${name}]`, locate(root, path));
}

function tags(value: unknown, name: string, root: unknown, path: Path): string[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((t) => typeof t === 'string')) throw parsingException(`[highlight] failed to parse field [${name}]`, locate(root, path));
  return list as string[];
}

function parseOptions(o: Record<string, unknown>, base: HighlightOptions, root: unknown, path: Path): HighlightOptions {
  for (const k of Object.keys(o)) {
    if (!OPTION_KEYS.has(k) && k !== 'fields') throw parsingException(`[highlight] unknown field [${k}]`, locate(root, [...path, k]));
  }
  if (o.type === 'fvh') throw illegalArgument('the fast vector highlighter needs term vectors, which the practice cluster does not keep; use the plain or unified highlighter');
  if (o.type !== undefined && o.type !== 'plain' && o.type !== 'unified') throw illegalArgument(`unknown highlighter type [${String(o.type)}] for the field`);
  const out: HighlightOptions = { ...base };
  if (o.tags_schema === 'styled') {
    out.preTags = STYLED;
    out.postTags = ['</em>'];
  } else if (o.tags_schema !== undefined) {
    throw illegalArgument(`Unknown tag schema [${String(o.tags_schema)}]`);
  }
  out.preTags = tags(o.pre_tags, 'pre_tags', root, [...path, 'pre_tags']) ?? out.preTags;
  out.postTags = tags(o.post_tags, 'post_tags', root, [...path, 'post_tags']) ?? out.postTags;
  out.fragmentSize = intOption(o.fragment_size, 'fragment_size', root, [...path, 'fragment_size']) ?? out.fragmentSize;
  out.numberOfFragments = intOption(o.number_of_fragments, 'number_of_fragments', root, [...path, 'number_of_fragments']) ?? out.numberOfFragments;
  out.noMatchSize = intOption(o.no_match_size, 'no_match_size', root, [...path, 'no_match_size']) ?? out.noMatchSize;
  if (o.require_field_match !== undefined) out.requireFieldMatch = o.require_field_match === true || o.require_field_match === 'true';
  if (o.encoder !== undefined) out.encoder = o.encoder === 'html' ? 'html' : 'default';
  if (o.highlight_query !== undefined) out.highlightQuery = new QueryParser(root).parse(o.highlight_query, [...path, 'highlight_query']);
  if (out.numberOfFragments < 0) throw illegalArgument(`[number_of_fragments] must be greater than or equal to 0`);
  if (out.fragmentSize < 1 && out.numberOfFragments > 0) throw illegalArgument(`[fragment_size] must be greater than 0`);
  return out;
}

/** Parses the search body's `highlight` (`fields` as an object, or an array of one-key objects to keep their order). */
export function parseHighlight(value: unknown, root: unknown, path: Path): HighlightSpec {
  if (!isPlainObject(value)) throw parsingException('[highlight] failed to parse object', locate(root, path));
  const defaults: HighlightOptions = { preTags: ['<em>'], postTags: ['</em>'], fragmentSize: 100, numberOfFragments: 5, noMatchSize: 0, requireFieldMatch: true, encoder: 'default' };
  const global = parseOptions(value, defaults, root, path);
  const fields: HighlightSpec['fields'] = [];
  const add = (name: string, o: unknown, at: Path) => {
    if (!isPlainObject(o)) throw parsingException(`[highlight_field] failed to parse field [${name}]`, locate(root, at));
    fields.push({ pattern: name, options: parseOptions(o, global, root, at) });
  };
  if (Array.isArray(value.fields)) {
    value.fields.forEach((entry, i) => {
      if (!isPlainObject(entry) || Object.keys(entry).length !== 1) throw parsingException('[highlight] failed to parse field [fields]', locate(root, [...path, 'fields', i]));
      const [name, o] = Object.entries(entry)[0] as [string, unknown];
      add(name, o, [...path, 'fields', i, name]);
    });
  } else if (isPlainObject(value.fields)) {
    for (const [name, o] of Object.entries(value.fields)) add(name, o, [...path, 'fields', name]);
  } else if (value.fields !== undefined) {
    throw parsingException('[highlight] failed to parse field [fields]', locate(root, [...path, 'fields']));
  }
  return { fields };
}

// ---------------------------------------------------------------------------------------------
// What the query asks for, per field

interface Clause {
  /** Field patterns the clause queried (`*` for every field). */
  fields: string[];
  kind: 'analyzed' | 'exact' | 'phrase' | 'pattern';
  /** The query text (analyzed per target field), or the exact values. */
  texts: string[];
  /** For patterns: the test on a token (text fields) or a whole value (keyword fields). */
  test?: (token: string, text: boolean) => boolean;
}

function fieldName(spec: string): string {
  const caret = spec.lastIndexOf('^');
  return caret > 0 ? spec.slice(0, caret) : spec;
}

/**
 * A wildcard or regexp as the query matched it: a DFA (automaton.ts), linear in each token, built
 * once per clause. The query was bound first, so a pattern too complex to determinize has already
 * failed the search; should the lowercased form still be refused, it highlights nothing.
 */
function patternMatcher(kind: 'wildcard' | 'regexp', pattern: string, ci: boolean): (token: string) => boolean {
  let dfa: Dfa | null | undefined;
  return (token) => {
    if (dfa === undefined) {
      try {
        dfa = kind === 'wildcard' ? compileWildcard(pattern, { caseInsensitive: ci }) : compileRegexp(pattern, { caseInsensitive: ci });
      } catch (e) {
        if (!(e instanceof TooComplexError || e instanceof RegexpSyntaxError)) throw e;
        dfa = null;
      }
    }
    return dfa !== null && dfa.test(token);
  };
}

function patternClause(fields: string[], kind: 'prefix' | 'wildcard' | 'regexp', value: string, ci: boolean): Clause {
  const lower = value.toLowerCase();
  if (kind === 'prefix') {
    const test = (token: string, text: boolean): boolean => {
      const v = text ? lower : value;
      return ci || text ? token.toLowerCase().startsWith(v.toLowerCase()) : token.startsWith(v);
    };
    return { fields, kind: 'pattern', texts: [], test };
  }
  const onKeyword = patternMatcher(kind, value, ci);
  const onText = patternMatcher(kind, lower, ci);
  return { fields, kind: 'pattern', texts: [], test: (token, text) => (text ? onText(token) : onKeyword(token)) };
}

function fuzzyClause(fields: string[], value: string, fuzziness: unknown): Clause {
  const d = fuzzyDistance(fuzziness, value);
  const lower = value.toLowerCase();
  return { fields, kind: 'pattern', texts: [], test: (token, text) => levenshtein(token, text ? lower : value) <= d };
}

function qsClauses(node: QsNode, defaults: string[], out: Clause[]): void {
  switch (node.k) {
    case 'bool':
      for (const c of node.clauses) if (c.occur !== 'must_not') qsClauses(c.q, defaults, out);
      return;
    case 'term': {
      const fields = node.field !== undefined ? [node.field] : defaults;
      if (node.regex) out.push(patternClause(fields, 'regexp', node.text, false));
      else if (node.wildcard) out.push(patternClause(fields, /^[^*?]*\*$/.test(node.text) ? 'prefix' : 'wildcard', /^[^*?]*\*$/.test(node.text) ? node.text.slice(0, -1) : node.text, false));
      else if (node.fuzzy !== undefined) out.push(fuzzyClause(fields, node.text, node.fuzzy));
      else out.push({ fields, kind: node.phrase ? 'phrase' : 'analyzed', texts: [node.text] });
      return;
    }
    default:
      return;
  }
}

/** The clauses of `q` that can mark text: everything but `must_not` (Lucene's span extractor skips prohibited clauses). */
function clausesOf(q: QueryNode | undefined, out: Clause[] = []): Clause[] {
  if (!q) return out;
  switch (q.t) {
    case 'bool':
      for (const c of [...q.must, ...q.filter, ...q.should]) clausesOf(c, out);
      break;
    case 'term':
      out.push({ fields: [q.field], kind: 'exact', texts: [String(q.value)] });
      break;
    case 'terms':
      out.push({ fields: [q.field], kind: 'exact', texts: q.values.map(String) });
      break;
    case 'match':
      out.push({ fields: [q.field], kind: 'analyzed', texts: [String(q.query)] });
      break;
    case 'phrase':
      out.push({ fields: [q.field], kind: 'phrase', texts: [String(q.query)] });
      break;
    case 'multi':
      out.push({ fields: q.fields.length > 0 ? q.fields.map(fieldName) : ['*'], kind: q.type === 'phrase' || q.type === 'phrase_prefix' ? 'phrase' : 'analyzed', texts: [String(q.query)] });
      break;
    case 'prefix':
    case 'wildcard':
    case 'regexp':
      out.push(patternClause([q.field], q.t, q.value, q.ci));
      break;
    case 'fuzzy':
      out.push(fuzzyClause([q.field], q.value, q.fuzziness));
      break;
    case 'const':
      clausesOf(q.filter, out);
      break;
    case 'dismax':
      for (const c of q.queries) clausesOf(c, out);
      break;
    case 'boosting':
      clausesOf(q.positive, out);
      break;
    case 'qs': {
      let tree: QsNode | undefined;
      try {
        tree = q.simple ? parseSimpleQueryString(q.query, q.operator, q.flags) : parseQueryString(q.query, q.operator);
      } catch {
        tree = undefined;
      }
      const defaults = q.fields ? q.fields.map(fieldName) : q.defaultField !== undefined ? [q.defaultField] : ['*'];
      if (tree) qsClauses(tree, defaults, out);
      break;
    }
    default:
      break;
  }
  return out;
}

function appliesTo(clause: Clause, field: string, requireFieldMatch: boolean): boolean {
  if (!requireFieldMatch) return true;
  return clause.fields.some((f) => f === field || f === '*' || (hasWildcard(f) && simpleMatch(f, field)));
}

// ---------------------------------------------------------------------------------------------
// Marking and fragmenting one value

interface Token {
  start: number;
  end: number;
  term: string;
}

/** Word tokens with offsets, lowercased as the standard analyzer leaves them. */
function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const re = /[\p{L}\p{N}_]+(?:[.'’][\p{L}\p{N}_]+)*/gu;
  for (const m of text.matchAll(re)) {
    const start = m.index ?? 0;
    out.push({ start, end: start + m[0].length, term: m[0].toLowerCase() });
  }
  return out;
}

/**
 * Indices of the tokens the clauses mark in a value of a text (`analyzed`) or keyword field, and
 * the phrase matches (first token to last) a fragment must not split.
 */
function markTokens(tokens: Token[], clauses: Clause[], text: boolean, spans: Map<number, number> = new Map()): Set<number> {
  const marked = new Set<number>();
  for (const clause of clauses) {
    if (clause.kind === 'pattern') {
      tokens.forEach((t, i) => {
        if (clause.test?.(t.term, text)) marked.add(i);
      });
      continue;
    }
    for (const raw of clause.texts) {
      if (!text) {
        tokens.forEach((t, i) => {
          if (t.term === raw) marked.add(i);
        });
        continue;
      }
      if (clause.kind === 'exact') {
        tokens.forEach((t, i) => {
          if (t.term === raw) marked.add(i);
        });
      } else if (clause.kind === 'analyzed') {
        const terms = new Set(analyzeText(raw));
        tokens.forEach((t, i) => {
          if (terms.has(t.term)) marked.add(i);
        });
      } else {
        const terms = analyzeText(raw);
        if (terms.length === 0) continue;
        for (let i = 0; i + terms.length <= tokens.length; i += 1) {
          let ok = true;
          for (let j = 0; j < terms.length && ok; j += 1) ok = tokens[i + j]?.term === terms[j];
          if (!ok) continue;
          for (let j = 0; j < terms.length; j += 1) marked.add(i + j);
          if (terms.length > 1) spans.set(i, Math.max(spans.get(i) ?? 0, i + terms.length - 1));
        }
      }
    }
  }
  return marked;
}

function encode(s: string, encoder: 'default' | 'html'): string {
  if (encoder === 'default') return s;
  return s.replace(/[&<>"'/]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;', '/': '&#x2F;' })[c] as string);
}

interface Fragment {
  num: number;
  text: string;
  score: number;
}

function fragmentsOf(value: string, tokens: Token[], marked: Set<number>, o: HighlightOptions, spans: Map<number, number> = new Map()): Fragment[] {
  const pre = o.preTags[0] ?? '<em>';
  const post = o.postTags[0] ?? '</em>';
  const render = (from: number, to: number, first: number, last: number): { text: string; score: number } => {
    let out = '';
    let at = from;
    const terms = new Set<string>();
    for (let i = first; i <= last; i += 1) {
      const t = tokens[i] as Token;
      if (!marked.has(i)) continue;
      out += encode(value.slice(at, t.start), o.encoder) + pre + encode(value.slice(t.start, t.end), o.encoder) + post;
      at = t.end;
      terms.add(t.term);
    }
    out += encode(value.slice(at, to), o.encoder);
    return { text: out, score: terms.size };
  };
  if (o.numberOfFragments === 0) {
    const whole = render(0, value.length, 0, tokens.length - 1);
    return whole.score > 0 ? [{ num: 0, ...whole }] : [];
  }
  // Lucene's SimpleSpanFragmenter: a new fragment at the first token ending past the next
  // multiple of the size while at least half a fragment of text remains, never inside a phrase.
  const frags: Fragment[] = [];
  const minRemaining = o.fragmentSize >>> 1;
  let current = 1;
  let fragStart = 0;
  let firstToken = 0;
  let waitFor = -1;
  for (let i = 1; i < tokens.length; i += 1) {
    const t = tokens[i] as Token;
    if (waitFor <= i) waitFor = -1;
    else if (waitFor !== -1) continue;
    const spanEnd = spans.get(i);
    if (spanEnd !== undefined) waitFor = spanEnd + 1;
    if (t.end >= o.fragmentSize * current && value.length - t.end >= minRemaining) {
      current += 1;
      const end = (tokens[i - 1] as Token).end;
      frags.push({ num: frags.length, ...render(fragStart, end, firstToken, i - 1) });
      fragStart = end;
      firstToken = i;
    }
  }
  frags.push({ num: frags.length, ...render(fragStart, value.length, firstToken, tokens.length - 1) });
  return frags
    .filter((f) => f.score > 0)
    .sort((a, b) => b.score - a.score || a.num - b.num)
    .slice(0, o.numberOfFragments);
}

/** ES's excerpt for `no_match_size`: the value up to the last whole token within the size. */
function noMatchExcerpt(value: string, size: number): string {
  if (value.length <= size) return value;
  let end = 0;
  for (const t of tokenize(value)) {
    if (t.end > size) break;
    end = t.end;
  }
  return value.slice(0, end);
}

function highlightable(def: FieldDef): boolean {
  return def.family === 'text' || def.family === 'keyword';
}

/** The `highlight` object of one hit, or undefined when no field has a fragment. */
export function highlightHit(ix: IndexState, pos: number, spec: HighlightSpec, query: QueryNode | undefined): Record<string, string[]> | undefined {
  const out: Record<string, string[]> = {};
  let source: Record<string, unknown> | undefined;
  const defaultClauses = clausesOf(query);
  for (const { pattern, options } of spec.fields) {
    const defs = hasWildcard(pattern) ? ix.mapping.matchFields(pattern).filter(highlightable) : [ix.mapping.field(pattern)].filter((d): d is FieldDef => d !== undefined && highlightable(d));
    const clauses = options.highlightQuery ? clausesOf(options.highlightQuery) : defaultClauses;
    for (const def of defs) {
      if (out[def.name] !== undefined) continue;
      source ??= ix.source(pos);
      const values = valuesAtPath(source, def.source).filter((v) => v !== null && v !== undefined && typeof v !== 'object').map(String);
      if (values.length === 0) continue;
      const own = clauses.filter((c) => appliesTo(c, def.name, options.requireFieldMatch));
      const isText = def.family === 'text';
      const fragments: string[] = [];
      for (const value of values) {
        if (own.length === 0) break;
        const tokens = isText ? tokenize(value) : [{ start: 0, end: value.length, term: value }];
        const spans = new Map<number, number>();
        const marked = markTokens(tokens, own, isText, spans);
        if (marked.size === 0) continue;
        const frags = isText ? fragmentsOf(value, tokens, marked, options, spans) : fragmentsOf(value, tokens, marked, { ...options, numberOfFragments: 0 });
        for (const f of frags) fragments.push(f.text);
      }
      const limited = options.numberOfFragments > 0 ? fragments.slice(0, Math.max(options.numberOfFragments, 0)) : fragments;
      if (limited.length > 0) out[def.name] = limited;
      else if (options.noMatchSize > 0) {
        const excerpt = noMatchExcerpt(values[0] as string, options.noMatchSize);
        if (excerpt !== '') out[def.name] = [encode(excerpt, options.encoder)];
      }
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
