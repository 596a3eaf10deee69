import { EsError, type SearchParams } from '../engine/api';

/** Query-string parameters, parsed the way Elasticsearch parses them. */

export function boolParam(query: URLSearchParams, name: string, fallback = false): boolean {
  if (!query.has(name)) return fallback;
  const value = query.get(name) ?? '';
  if (value === '' || value === 'true') return true;
  if (value === 'false') return false;
  throw new EsError(400, 'illegal_argument_exception', `Failed to parse value [${value}] as only [true] or [false] are allowed.`);
}

export function intParam(query: URLSearchParams, name: string): number | undefined {
  if (!query.has(name)) return undefined;
  const value = query.get(name) ?? '';
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n)) {
    throw new EsError(400, 'number_format_exception', `For input string: "${value}"`);
  }
  return n;
}

export type RefreshPolicy = 'false' | 'true' | 'wait_for';

/**
 * `refresh` on writes (ES's WriteRequest.RefreshPolicy): `true` (or empty) refreshes the touched
 * indices before answering, `wait_for` answers once a refresh has made the write searchable,
 * `false` (the default) leaves it to the index's periodic refresh.
 */
export function refreshParam(query: URLSearchParams): RefreshPolicy {
  if (!query.has('refresh')) return 'false';
  const value = query.get('refresh') ?? '';
  if (value === '' || value === 'true') return 'true';
  if (value === 'false' || value === 'wait_for') return value;
  throw new EsError(400, 'illegal_argument_exception', `Unknown value for refresh: [${value}].`);
}

export function searchParams(query: URLSearchParams): SearchParams {
  const params: SearchParams = {};
  const from = intParam(query, 'from');
  if (from !== undefined) params.from = from;
  const size = intParam(query, 'size');
  if (size !== undefined) params.size = size;
  const q = query.get('q');
  if (q !== null) params.q = q;
  const df = query.get('df');
  if (df !== null) params.df = df;
  const operator = query.get('default_operator');
  if (operator !== null) {
    const op = operator.toLowerCase();
    if (op !== 'and' && op !== 'or') throw new EsError(400, 'illegal_argument_exception', `No enum constant org.elasticsearch.index.query.Operator.${operator.toUpperCase()}`);
    params.defaultOperator = op;
  }
  if (query.has('analyze_wildcard')) params.analyzeWildcard = boolParam(query, 'analyze_wildcard');
  if (query.has('lenient')) params.lenient = boolParam(query, 'lenient');
  const sort = query.get('sort');
  if (sort !== null) params.sort = sort;
  if (query.has('rest_total_hits_as_int')) params.restTotalHitsAsInt = boolParam(query, 'rest_total_hits_as_int');
  const track = query.get('track_total_hits');
  if (track !== null) params.trackTotalHits = track === '' || track === 'true' ? true : track === 'false' ? false : Number(track);
  if (query.has('ignore_unavailable')) params.ignoreUnavailable = boolParam(query, 'ignore_unavailable');
  if (query.has('allow_no_indices')) params.allowNoIndices = boolParam(query, 'allow_no_indices');
  const expand = query.get('expand_wildcards');
  if (expand !== null) params.expandWildcards = expand;
  const source = query.get('_source');
  if (source !== null) params._source = source === 'true' ? true : source === 'false' ? false : source;
  const includes = query.get('_source_includes') ?? query.get('_source_include');
  if (includes !== null) params._sourceIncludes = includes;
  const excludes = query.get('_source_excludes') ?? query.get('_source_exclude');
  if (excludes !== null) params._sourceExcludes = excludes;
  const timeout = query.get('timeout');
  if (timeout !== null) params.timeout = timeout;
  return params;
}

/** ES time values (`14d`, `1h`, `30m`) in milliseconds. */
export function parseTimeValue(value: string, setting: string): number {
  const m = /^(\d+)(nanos|micros|ms|s|m|h|d)$/.exec(value.trim());
  if (!m) {
    throw new EsError(400, 'illegal_argument_exception', `failed to parse setting [${setting}] with value [${value}] as a time value: unit is missing or unrecognized`);
  }
  const n = Number(m[1]);
  const unit = { nanos: 1e-6, micros: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms'];
  return Math.floor(n * unit);
}
