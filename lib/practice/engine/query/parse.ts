import { DEFAULT_MAX_DETERMINIZED_STATES, parseRegexpFlags, REGEXP_FLAGS } from '../automaton';
import { type ErrorBody, isPlainObject, locate, parsingException, tokenName } from '../errors';
import { parseSimpleFlags } from './query-string';

/**
 * The query DSL's parser: validates a request's query JSON exactly where Elasticsearch's parsers
 * would reject it (same error types, reasons, line/col) and produces an index-independent tree
 * that `bind.ts` turns into a matcher per index.
 */

export type QueryNode =
  | { t: 'bool'; must: QueryNode[]; filter: QueryNode[]; should: QueryNode[]; mustNot: QueryNode[]; msm?: string | number; boost: number }
  | { t: 'term'; field: string; value: unknown; boost: number; ci: boolean }
  | { t: 'terms'; field: string; values: unknown[]; boost: number }
  | { t: 'range'; field: string; gt?: unknown; gte?: unknown; lt?: unknown; lte?: unknown; format?: string; timeZone?: string; boost: number }
  | { t: 'exists'; field: string; boost: number }
  | { t: 'ids'; values: string[]; boost: number }
  | { t: 'all'; boost: number }
  | { t: 'none' }
  | { t: 'match'; field: string; query: unknown; operator: 'or' | 'and'; msm?: string | number; lenient: boolean; zeroTerms: 'none' | 'all'; fuzziness?: unknown; prefixLength: number; boost: number }
  | { t: 'phrase'; field: string; query: unknown; slop: number; prefix: boolean; zeroTerms: 'none' | 'all'; boost: number }
  | { t: 'multi'; fields: string[]; query: unknown; type: string; operator: 'or' | 'and'; msm?: string | number; lenient?: boolean; slop: number; tie: number; zeroTerms: 'none' | 'all'; fuzziness?: unknown; boost: number }
  | { t: 'prefix'; field: string; value: string; ci: boolean; boost: number }
  | { t: 'wildcard'; field: string; value: string; ci: boolean; boost: number }
  | { t: 'regexp'; field: string; value: string; ci: boolean; boost: number; flags?: number; maxStates?: number }
  | { t: 'fuzzy'; field: string; value: string; fuzziness: unknown; prefixLength: number; boost: number }
  | { t: 'const'; filter: QueryNode; boost: number }
  | { t: 'dismax'; queries: QueryNode[]; tie: number; boost: number }
  | { t: 'boosting'; positive: QueryNode; negative: QueryNode; negativeBoost: number; boost: number }
  | {
      t: 'qs';
      simple: boolean;
      query: string;
      fields?: string[];
      defaultField?: string;
      operator: 'or' | 'and';
      lenient?: boolean;
      analyzeWildcard: boolean;
      flags?: Set<string>;
      msm?: string | number;
      /** `query_string`'s `allow_leading_wildcard` (default true). */
      allowLeadingWildcard?: boolean;
      boost: number;
    };

type Path = (string | number)[];

/** Query types ES has that the practice cluster does not evaluate: an honest 400 instead of a wrong answer. */
const KNOWN_UNSUPPORTED = new Set([
  'nested',
  'has_child',
  'has_parent',
  'parent_id',
  'geo_bounding_box',
  'geo_distance',
  'geo_polygon',
  'geo_shape',
  'shape',
  'more_like_this',
  'script',
  'script_score',
  'function_score',
  'percolate',
  'rank_feature',
  'distance_feature',
  'pinned',
  'wrapper',
  'span_term',
  'span_near',
  'span_or',
  'span_not',
  'span_first',
  'span_multi',
  'span_containing',
  'span_within',
  'span_field_masking',
  'field_masking_span',
  'intervals',
  'combined_fields',
  'terms_set',
  'knn',
  'semantic',
  'sparse_vector',
  'text_expansion',
  'rule',
  'match_bool_prefix',
]);

const SUPPORTED = [
  'bool',
  'term',
  'terms',
  'range',
  'exists',
  'ids',
  'match_all',
  'match_none',
  'match',
  'match_phrase',
  'match_phrase_prefix',
  'multi_match',
  'query_string',
  'simple_query_string',
  'prefix',
  'wildcard',
  'regexp',
  'fuzzy',
  'constant_score',
  'dis_max',
  'boosting',
];

export class QueryParser {
  constructor(readonly root: unknown) {}

  fail(reason: string, path: Path): never {
    throw parsingException(reason, locate(this.root, path));
  }

  /** Parses `{ "<type>": {...} }` at `path` of the request body. */
  parse(v: unknown, path: Path): QueryNode {
    if (!isPlainObject(v)) this.fail('[_na] query malformed, must start with start_object', path);
    const rec = v as Record<string, unknown>;
    const keys = Object.keys(rec);
    if (keys.length === 0) {
      const loc = locate(this.root, path);
      throw parsingException(`query malformed, empty clause found at [${loc.line}:${loc.col}]`, loc);
    }
    const name = keys[0] as string;
    const body = rec[name];
    const bodyPath = [...path, name];
    if (!SUPPORTED.includes(name)) {
      const loc = locate(this.root, bodyPath);
      if (KNOWN_UNSUPPORTED.has(name)) {
        throw parsingException(`[${name}] query is not supported by the practice cluster`, loc);
      }
      const reason = `unknown query [${name}]${didYouMean(name, [...SUPPORTED, ...KNOWN_UNSUPPORTED])}`;
      const caused: ErrorBody = { type: 'named_object_not_found_exception', reason: `[${loc.line}:${loc.col}] unknown field [${name}]` };
      throw parsingException(reason, loc, caused);
    }
    if (!isPlainObject(body)) this.fail(`[${name}] query malformed, no start_object after query name`, bodyPath);
    if (keys.length > 1) this.fail(`[${name}] malformed query, expected [END_OBJECT] but found [FIELD_NAME]`, [...path, keys[1] as string]);
    const b = body as Record<string, unknown>;
    switch (name) {
      case 'bool':
        return this.bool(b, bodyPath);
      case 'term':
        return this.term(b, bodyPath);
      case 'terms':
        return this.terms(b, bodyPath);
      case 'range':
        return this.range(b, bodyPath);
      case 'exists':
        return this.exists(b, bodyPath);
      case 'ids':
        return this.ids(b, bodyPath);
      case 'match_all':
        this.onlyKeys('match_all', b, ['boost', '_name'], bodyPath);
        return { t: 'all', boost: this.num(b.boost, 1, [...bodyPath, 'boost']) };
      case 'match_none':
        this.onlyKeys('match_none', b, ['boost', '_name'], bodyPath);
        return { t: 'none' };
      case 'match':
        return this.match(b, bodyPath);
      case 'match_phrase':
      case 'match_phrase_prefix':
        return this.phrase(name, b, bodyPath);
      case 'multi_match':
        return this.multiMatch(b, bodyPath);
      case 'query_string':
      case 'simple_query_string':
        return this.queryString(name, b, bodyPath);
      case 'prefix':
      case 'wildcard':
      case 'regexp':
        return this.patternQuery(name, b, bodyPath);
      case 'fuzzy':
        return this.fuzzy(b, bodyPath);
      case 'constant_score': {
        this.onlyKeys('constant_score', b, ['filter', 'boost', '_name'], bodyPath);
        if (b.filter === undefined) this.fail('[constant_score] requires a \'filter\' element', bodyPath);
        return { t: 'const', filter: this.parse(b.filter, [...bodyPath, 'filter']), boost: this.num(b.boost, 1, [...bodyPath, 'boost']) };
      }
      case 'dis_max': {
        this.onlyKeys('dis_max', b, ['queries', 'tie_breaker', 'boost', '_name'], bodyPath);
        if (!Array.isArray(b.queries)) this.fail('[dis_max] requires \'queries\' field with at least one clause', bodyPath);
        const qs = (b.queries as unknown[]).map((q, i) => this.parse(q, [...bodyPath, 'queries', i]));
        return { t: 'dismax', queries: qs, tie: this.num(b.tie_breaker, 0, [...bodyPath, 'tie_breaker']), boost: this.num(b.boost, 1, [...bodyPath, 'boost']) };
      }
      case 'boosting': {
        this.onlyKeys('boosting', b, ['positive', 'negative', 'negative_boost', 'boost', '_name'], bodyPath);
        if (b.positive === undefined) this.fail('[boosting] query requires \'positive\' query', bodyPath);
        if (b.negative === undefined) this.fail('[boosting] query requires \'negative\' query', bodyPath);
        return {
          t: 'boosting',
          positive: this.parse(b.positive, [...bodyPath, 'positive']),
          negative: this.parse(b.negative, [...bodyPath, 'negative']),
          negativeBoost: this.num(b.negative_boost, 0, [...bodyPath, 'negative_boost']),
          boost: this.num(b.boost, 1, [...bodyPath, 'boost']),
        };
      }
    }
    return this.fail(`unknown query [${name}]`, bodyPath);
  }

  private onlyKeys(query: string, b: Record<string, unknown>, allowed: string[], path: Path): void {
    for (const k of Object.keys(b)) if (!allowed.includes(k)) this.fail(`[${query}] query does not support [${k}]`, [...path, k]);
  }

  private num(v: unknown, dflt: number, path: Path): number {
    if (v === undefined) return dflt;
    if (typeof v === 'number') return v;
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
    return this.fail(`[${String(path[path.length - 1])}] failed to parse field value [${String(v)}]`, path);
  }

  private clauses(v: unknown, path: Path): QueryNode[] {
    if (Array.isArray(v)) return v.map((q, i) => this.parse(q, [...path, i]));
    if (isPlainObject(v)) return [this.parse(v, path)];
    return this.fail(`[bool] query does not support [${String(path[path.length - 1])}]`, path);
  }

  private bool(b: Record<string, unknown>, path: Path): QueryNode {
    const node: QueryNode = { t: 'bool', must: [], filter: [], should: [], mustNot: [], boost: 1 };
    for (const [k, v] of Object.entries(b)) {
      const p = [...path, k];
      switch (k) {
        case 'must':
          node.must.push(...this.clauses(v, p));
          break;
        case 'filter':
          node.filter.push(...this.clauses(v, p));
          break;
        case 'should':
          node.should.push(...this.clauses(v, p));
          break;
        case 'must_not':
        case 'mustNot':
          node.mustNot.push(...this.clauses(v, p));
          break;
        case 'minimum_should_match':
          if (typeof v !== 'string' && typeof v !== 'number') this.fail(`[bool] query does not support [${k}]`, p);
          node.msm = v as string | number;
          break;
        case 'boost':
          node.boost = this.num(v, 1, p);
          break;
        case '_name':
        case 'adjust_pure_negative':
          break;
        default:
          this.fail(`[bool] query does not support [${k}]`, p);
      }
    }
    return node;
  }

  /** `{field: value}` or `{field: {value, ...opts}}`, as term-level queries take them. */
  private single(query: string, b: Record<string, unknown>, path: Path, valueKeys: string[], options: string[]): { field: string; value: unknown; opts: Record<string, unknown>; path: Path } {
    let field: string | undefined;
    let value: unknown;
    let opts: Record<string, unknown> = {};
    let fieldPath: Path = path;
    for (const [k, v] of Object.entries(b)) {
      if (k === 'boost' || k === '_name') {
        opts[k] = v;
        continue;
      }
      if (field !== undefined) this.fail(`[${query}] query doesn't support multiple fields, found [${field}] and [${k}]`, [...path, k]);
      field = k;
      fieldPath = [...path, k];
      if (isPlainObject(v)) {
        for (const [ok, ov] of Object.entries(v)) {
          if (valueKeys.includes(ok)) value = ov;
          else if (options.includes(ok) || ok === 'boost' || ok === '_name') opts[ok] = ov;
          else this.fail(`[${query}] query does not support [${ok}]`, [...fieldPath, ok]);
        }
        opts = { ...opts };
      } else {
        value = v;
      }
    }
    if (field === undefined) this.fail(`[${query}] query requires a field`, path);
    return { field: field as string, value, opts, path: fieldPath };
  }

  private term(b: Record<string, unknown>, path: Path): QueryNode {
    const s = this.single('term', b, path, ['value'], ['case_insensitive']);
    if (Array.isArray(s.value)) this.fail('[term] query does not support array of values', s.path);
    if (s.value === undefined || s.value === null) this.fail('value cannot be null', s.path);
    if (isPlainObject(s.value)) this.fail('[term] query does not support [value]', s.path);
    return { t: 'term', field: s.field, value: s.value, boost: this.num(s.opts.boost, 1, s.path), ci: s.opts.case_insensitive === true };
  }

  private terms(b: Record<string, unknown>, path: Path): QueryNode {
    let field: string | undefined;
    let values: unknown[] = [];
    let boost = 1;
    for (const [k, v] of Object.entries(b)) {
      if (k === 'boost') {
        boost = this.num(v, 1, [...path, k]);
        continue;
      }
      if (k === '_name') continue;
      if (field !== undefined) this.fail(`[terms] query does not support multiple fields`, [...path, k]);
      field = k;
      if (isPlainObject(v)) this.fail('[terms] query does not support terms lookup in the practice cluster', [...path, k]);
      if (!Array.isArray(v)) this.fail(`[terms] query does not support [${k}]`, [...path, k]);
      values = v as unknown[];
    }
    if (field === undefined) this.fail('[terms] query requires a field with a list of values', path);
    return { t: 'terms', field: field as string, values, boost };
  }

  private range(b: Record<string, unknown>, path: Path): QueryNode {
    let field: string | undefined;
    const node: QueryNode = { t: 'range', field: '', boost: 1 };
    for (const [k, v] of Object.entries(b)) {
      if (k === 'boost' || k === '_name') continue;
      if (field !== undefined) this.fail(`[range] query doesn't support multiple fields, found [${field}] and [${k}]`, [...path, k]);
      field = k;
      if (!isPlainObject(v)) this.fail(`[range] query malformed, after field missing start object`, [...path, k]);
      let includeLower = true;
      let includeUpper = true;
      let from: unknown;
      let to: unknown;
      for (const [ok, ov] of Object.entries(v as Record<string, unknown>)) {
        const p = [...path, k, ok];
        switch (ok) {
          case 'gt':
            node.gt = ov;
            break;
          case 'gte':
            node.gte = ov;
            break;
          case 'lt':
            node.lt = ov;
            break;
          case 'lte':
            node.lte = ov;
            break;
          case 'from':
            from = ov;
            break;
          case 'to':
            to = ov;
            break;
          case 'include_lower':
            includeLower = ov !== false;
            break;
          case 'include_upper':
            includeUpper = ov !== false;
            break;
          case 'format':
            if (typeof ov !== 'string') this.fail(`[range] query does not support [${ok}]`, p);
            node.format = ov as string;
            break;
          case 'time_zone':
            if (typeof ov !== 'string') this.fail(`[range] query does not support [${ok}]`, p);
            node.timeZone = ov as string;
            break;
          case 'boost':
            node.boost = this.num(ov, 1, p);
            break;
          case 'relation':
          case '_name':
            break;
          default:
            this.fail(`[range] query does not support [${ok}]`, p);
        }
      }
      if (from !== undefined && from !== null) {
        if (includeLower) node.gte = from;
        else node.gt = from;
      }
      if (to !== undefined && to !== null) {
        if (includeUpper) node.lte = to;
        else node.lt = to;
      }
    }
    if (field === undefined) this.fail('[range] query requires a field', path);
    node.field = field as string;
    return node;
  }

  private exists(b: Record<string, unknown>, path: Path): QueryNode {
    this.onlyKeys('exists', b, ['field', 'boost', '_name'], path);
    if (typeof b.field !== 'string') this.fail('[exists] must be provided with a [field]', path);
    return { t: 'exists', field: b.field as string, boost: this.num(b.boost, 1, [...path, 'boost']) };
  }

  private ids(b: Record<string, unknown>, path: Path): QueryNode {
    this.onlyKeys('ids', b, ['values', 'type', 'boost', '_name'], path);
    if (b.values !== undefined && !Array.isArray(b.values)) this.fail('[ids] failed to parse field [values]', [...path, 'values']);
    const values = ((b.values as unknown[] | undefined) ?? []).map((v) => String(v));
    return { t: 'ids', values, boost: this.num(b.boost, 1, [...path, 'boost']) };
  }

  private operator(v: unknown, path: Path): 'or' | 'and' {
    if (v === undefined) return 'or';
    const s = String(v).toLowerCase();
    if (s === 'or' || s === 'and') return s;
    return this.fail(`Unknown operator [${String(v)}]`, path);
  }

  private zeroTerms(v: unknown, path: Path): 'none' | 'all' {
    if (v === undefined) return 'none';
    const s = String(v).toLowerCase();
    if (s === 'none' || s === 'all') return s;
    return this.fail(`Unsupported zero_terms_query value [${String(v)}]`, path);
  }

  private match(b: Record<string, unknown>, path: Path): QueryNode {
    const s = this.single('match', b, path, ['query'], [
      'operator',
      'minimum_should_match',
      'lenient',
      'zero_terms_query',
      'analyzer',
      'fuzziness',
      'prefix_length',
      'max_expansions',
      'fuzzy_transpositions',
      'auto_generate_synonyms_phrase_query',
      'cutoff_frequency',
      'fuzzy_rewrite',
    ]);
    if (s.value === undefined) this.fail('No text specified for text query', s.path);
    if (isPlainObject(s.value) || Array.isArray(s.value)) this.fail(`[match] unknown token [${tokenName(s.value)}] after [query]`, s.path);
    const node: QueryNode = {
      t: 'match',
      field: s.field,
      query: s.value,
      operator: this.operator(s.opts.operator, s.path),
      lenient: s.opts.lenient === true,
      zeroTerms: this.zeroTerms(s.opts.zero_terms_query, s.path),
      prefixLength: typeof s.opts.prefix_length === 'number' ? s.opts.prefix_length : 0,
      boost: this.num(s.opts.boost, 1, s.path),
    };
    if (s.opts.minimum_should_match !== undefined) node.msm = s.opts.minimum_should_match as string | number;
    if (s.opts.fuzziness !== undefined) node.fuzziness = s.opts.fuzziness;
    return node;
  }

  private phrase(name: 'match_phrase' | 'match_phrase_prefix', b: Record<string, unknown>, path: Path): QueryNode {
    const s = this.single(name, b, path, ['query'], ['slop', 'analyzer', 'zero_terms_query', 'max_expansions']);
    if (s.value === undefined) this.fail('No text specified for text query', s.path);
    return {
      t: 'phrase',
      field: s.field,
      query: s.value,
      slop: typeof s.opts.slop === 'number' ? s.opts.slop : 0,
      prefix: name === 'match_phrase_prefix',
      zeroTerms: this.zeroTerms(s.opts.zero_terms_query, s.path),
      boost: this.num(s.opts.boost, 1, s.path),
    };
  }

  private multiMatch(b: Record<string, unknown>, path: Path): QueryNode {
    this.onlyKeys('multi_match', b, [
      'query',
      'fields',
      'type',
      'operator',
      'minimum_should_match',
      'lenient',
      'slop',
      'tie_breaker',
      'zero_terms_query',
      'analyzer',
      'boost',
      '_name',
      'fuzziness',
      'prefix_length',
      'max_expansions',
      'auto_generate_synonyms_phrase_query',
      'fuzzy_transpositions',
    ], path);
    if (b.query === undefined) this.fail('[multi_match] requires query value', path);
    const type = b.type === undefined ? 'best_fields' : String(b.type).toLowerCase();
    if (!['best_fields', 'most_fields', 'cross_fields', 'phrase', 'phrase_prefix', 'bool_prefix'].includes(type)) {
      this.fail(`No type found for value: ${String(b.type)}`, [...path, 'type']);
    }
    const fields = b.fields === undefined ? [] : Array.isArray(b.fields) ? b.fields.map(String) : [String(b.fields)];
    const node: QueryNode = {
      t: 'multi',
      fields,
      query: b.query,
      type,
      operator: this.operator(b.operator, [...path, 'operator']),
      slop: typeof b.slop === 'number' ? b.slop : 0,
      tie: typeof b.tie_breaker === 'number' ? b.tie_breaker : type === 'most_fields' ? 1 : 0,
      zeroTerms: this.zeroTerms(b.zero_terms_query, [...path, 'zero_terms_query']),
      boost: this.num(b.boost, 1, [...path, 'boost']),
    };
    if (b.lenient !== undefined) node.lenient = b.lenient === true;
    if (b.minimum_should_match !== undefined) node.msm = b.minimum_should_match as string | number;
    if (b.fuzziness !== undefined) node.fuzziness = b.fuzziness;
    return node;
  }

  private queryString(name: 'query_string' | 'simple_query_string', b: Record<string, unknown>, path: Path): QueryNode {
    const common = ['query', 'fields', 'default_operator', 'analyzer', 'lenient', 'minimum_should_match', 'boost', '_name', 'analyze_wildcard', 'quote_field_suffix', 'auto_generate_synonyms_phrase_query', 'fuzzy_max_expansions', 'fuzzy_prefix_length', 'fuzzy_transpositions'];
    const extra =
      name === 'query_string'
        ? ['default_field', 'allow_leading_wildcard', 'enable_position_increments', 'fuzziness', 'max_determinized_states', 'phrase_slop', 'quote_analyzer', 'rewrite', 'time_zone', 'tie_breaker', 'type', 'escape', 'auto_generate_phrase_queries', 'split_on_whitespace', 'use_dis_max', 'fuzzy_rewrite']
        : ['flags'];
    this.onlyKeys(name, b, [...common, ...extra], path);
    if (typeof b.query !== 'string') {
      if (b.query === undefined) this.fail(`[${name}] must be provided with a [query]`, path);
      this.fail(`[${name}] query does not support [query]`, [...path, 'query']);
    }
    const op = b.default_operator === undefined ? 'or' : String(b.default_operator).toLowerCase();
    if (op !== 'or' && op !== 'and') this.fail(`Unknown operator [${String(b.default_operator)}]`, [...path, 'default_operator']);
    const node: QueryNode = {
      t: 'qs',
      simple: name === 'simple_query_string',
      query: b.query as string,
      operator: op as 'or' | 'and',
      analyzeWildcard: b.analyze_wildcard === true,
      boost: this.num(b.boost, 1, [...path, 'boost']),
    };
    if (b.fields !== undefined) node.fields = Array.isArray(b.fields) ? b.fields.map(String) : [String(b.fields)];
    if (typeof b.default_field === 'string') node.defaultField = b.default_field;
    if (b.lenient !== undefined) node.lenient = b.lenient === true;
    if (name === 'simple_query_string') node.flags = parseSimpleFlags(b.flags);
    if (b.minimum_should_match !== undefined) node.msm = b.minimum_should_match as string | number;
    if (name === 'query_string' && b.allow_leading_wildcard === false) node.allowLeadingWildcard = false;
    return node;
  }

  private patternQuery(name: 'prefix' | 'wildcard' | 'regexp', b: Record<string, unknown>, path: Path): QueryNode {
    const valueKeys = name === 'wildcard' ? ['value', 'wildcard'] : ['value'];
    const opts = name === 'regexp' ? ['flags', 'flags_value', 'max_determinized_states', 'rewrite', 'case_insensitive'] : ['rewrite', 'case_insensitive'];
    const s = this.single(name, b, path, valueKeys, opts);
    if (s.value === undefined || s.value === null) this.fail(`No value specified for ${name} query`, s.path);
    const value = String(s.value);
    const boost = this.num(s.opts.boost, 1, s.path);
    const ci = s.opts.case_insensitive === true;
    if (name === 'prefix') return { t: 'prefix', field: s.field, value, ci, boost };
    if (name === 'wildcard') return { t: 'wildcard', field: s.field, value, ci, boost };
    const node: Extract<QueryNode, { t: 'regexp' }> = { t: 'regexp', field: s.field, value, ci, boost };
    if (typeof s.opts.flags === 'string') {
      const flags = parseRegexpFlags(s.opts.flags);
      if (flags === null) this.fail(`Unknown regexp flag [${s.opts.flags}]`, [...s.path, 'flags']);
      node.flags = flags;
    } else if (s.opts.flags_value !== undefined) node.flags = this.num(s.opts.flags_value, REGEXP_FLAGS.ALL, [...s.path, 'flags_value']);
    if (s.opts.max_determinized_states !== undefined) node.maxStates = this.num(s.opts.max_determinized_states, DEFAULT_MAX_DETERMINIZED_STATES, [...s.path, 'max_determinized_states']);
    return node;
  }

  private fuzzy(b: Record<string, unknown>, path: Path): QueryNode {
    const s = this.single('fuzzy', b, path, ['value'], ['fuzziness', 'prefix_length', 'max_expansions', 'transpositions', 'rewrite']);
    if (s.value === undefined) this.fail('No value specified for fuzzy query', s.path);
    return { t: 'fuzzy', field: s.field, value: String(s.value), fuzziness: s.opts.fuzziness ?? 'AUTO', prefixLength: typeof s.opts.prefix_length === 'number' ? s.opts.prefix_length : 0, boost: this.num(s.opts.boost, 1, s.path) };
  }
}

/** ES's "did you mean" suggestions (Levenshtein similarity above 0.7). */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const scored: { c: string; s: number }[] = [];
  for (const c of candidates) {
    const d = levenshtein(name, c);
    const s = 1 - d / Math.max(name.length, c.length);
    if (s > 0.7) scored.push({ c, s });
  }
  if (scored.length === 0) return '';
  scored.sort((a, b) => b.s - a.s || (a.c < b.c ? -1 : 1));
  if (scored.length === 1) return ` did you mean [${scored[0]?.c}]?`;
  return ` did you mean any of [${scored.map((x) => x.c).join(', ')}]?`;
}

export function levenshtein(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev = Array.from({ length: n + 1 }, (_, i) => i);
  for (let i = 1; i <= m; i += 1) {
    const cur = [i];
    for (let j = 1; j <= n; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
    }
    prev = cur;
  }
  return prev[n] as number;
}
