import { type SearchParams, EsError } from './api';
import type { Catalog } from './catalog';
import { esErrorEnvelope, isPlainObject } from './errors';
import { type IndexState, randomBase64Url } from './index-state';
import { type QueryNode, QueryParser } from './query';
import { executeCount, executeSearch, type SearchEnv } from './search';
import { simpleMatch } from './wildcard';

/** `_search`, `_count` and `_msearch` over the indices a target resolves to. */

const MAX_BUCKETS = 65536;

export class Searcher {
  private readonly nodeId = randomBase64Url(16).slice(0, 22);

  constructor(private readonly c: Catalog) {}

  private searchIndices(target: string | undefined, params: SearchParams = {}): IndexState[] {
    return this.c.resolveStates(target, {
      ignoreUnavailable: params.ignoreUnavailable ?? false,
      allowNoIndices: params.allowNoIndices ?? true,
      expandWildcards: params.expandWildcards ?? 'open',
    });
  }

  private env(target: string | undefined, params: SearchParams): SearchEnv {
    const indices = this.searchIndices(target, params);
    return { flavor: this.c.flavor, now: this.c.now(), indices, nodeId: this.nodeId, maxBuckets: MAX_BUCKETS, aliasFilters: aliasFilters(target, indices) };
  }

  search(target: string | undefined, body: Record<string, unknown> | undefined, params: SearchParams = {}) {
    return executeSearch(this.env(target, params), body, params);
  }

  count(target: string | undefined, body: Record<string, unknown> | undefined, params: SearchParams = {}) {
    const env = this.env(target, params);
    const indices = env.indices;
    const count = executeCount(env, body, params);
    return { count, _shards: { total: indices.length, successful: indices.length, skipped: 0, failed: 0 } };
  }

  msearch(requests: { header: Record<string, unknown>; body: Record<string, unknown> }[], params: SearchParams & { defaultIndex?: string } = {}) {
    const started = Date.now();
    const responses = requests.map(({ header, body }) => {
      try {
        const h = isPlainObject(header) ? header : {};
        const index = Array.isArray(h.index) ? h.index.join(',') : typeof h.index === 'string' ? h.index : params.defaultIndex;
        const p: SearchParams = { ...params };
        if (h.ignore_unavailable !== undefined) p.ignoreUnavailable = String(h.ignore_unavailable) === 'true';
        if (h.allow_no_indices !== undefined) p.allowNoIndices = String(h.allow_no_indices) === 'true';
        if (h.expand_wildcards !== undefined) p.expandWildcards = String(h.expand_wildcards);
        if (h.rest_total_hits_as_int !== undefined) p.restTotalHitsAsInt = String(h.rest_total_hits_as_int) === 'true';
        return { ...this.search(index, body, p), status: 200 };
      } catch (e) {
        if (e instanceof EsError) return esErrorEnvelope(e);
        throw e;
      }
    });
    return { took: Math.max(0, Date.now() - started), responses };
  }
}

/**
 * Alias filters as Elasticsearch applies them (`IndexNameExpressionResolver.filteringAliases`):
 * an index named by the target itself (by name, a wildcard or `_all`) is searched whole; one
 * reached only through aliases is narrowed to what any of those aliases' filters match, unless
 * one of them has no filter. So `.ml-anomalies-<job>` reads one job's results and
 * `.ml-anomalies-*` all of them.
 */
function aliasFilters(target: string | undefined, indices: IndexState[]): Map<IndexState, QueryNode> | undefined {
  const exprs = (target ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '' && !s.startsWith('-'));
  if (exprs.length === 0 || exprs.includes('_all')) return undefined;
  let out: Map<IndexState, QueryNode> | undefined;
  for (const ix of indices) {
    const named = exprs.some((e) => (e.includes('*') ? simpleMatch(e, ix.name) : e === ix.name) || (ix.dataStream !== undefined && simpleMatch(e, ix.dataStream)));
    if (named) continue;
    const filters: unknown[] = [];
    let unfiltered = false;
    for (const [alias, meta] of ix.aliases) {
      if (!exprs.some((e) => (e.includes('*') ? simpleMatch(e, alias) : e === alias))) continue;
      if (meta.filter === undefined || meta.filter === null) unfiltered = true;
      else filters.push(meta.filter);
    }
    if (unfiltered || filters.length === 0) continue;
    const parsed = filters.map((f) => new QueryParser({ query: f }).parse(f, ['query']));
    out ??= new Map();
    out.set(ix, parsed.length === 1 ? (parsed[0] as QueryNode) : { t: 'bool', must: [], filter: [], should: parsed, mustNot: [], msm: 1, boost: 1 });
  }
  return out;
}
