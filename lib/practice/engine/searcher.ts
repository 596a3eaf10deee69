import { type SearchParams, EsError } from './api';
import { DEFAULT_SEARCH_TIMEOUT_MS, SearchBudget } from './budget';
import type { Catalog } from './catalog';
import { esErrorEnvelope, isPlainObject } from './errors';
import { type IndexState, randomBase64Url } from './index-state';
import { executeCount, executeSearch } from './search';

/** `_search`, `_count` and `_msearch` over the indices a target resolves to. */

const MAX_BUCKETS = 65536;

export class Searcher {
  private readonly nodeId = randomBase64Url(16).slice(0, 22);

  private readonly timeoutMs: number;
  private readonly elapsed: () => number;

  constructor(
    private readonly c: Catalog,
    options: { timeoutMs?: number; elapsed?: () => number } = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_SEARCH_TIMEOUT_MS;
    this.elapsed = options.elapsed ?? (() => performance.now());
  }

  private budget(): SearchBudget {
    return SearchBudget.of(this.timeoutMs, this.elapsed);
  }

  private searchIndices(target: string | undefined, params: SearchParams = {}): IndexState[] {
    return this.c.resolveStates(target, {
      ignoreUnavailable: params.ignoreUnavailable ?? false,
      allowNoIndices: params.allowNoIndices ?? true,
      expandWildcards: params.expandWildcards ?? 'open',
    });
  }

  search(target: string | undefined, body: Record<string, unknown> | undefined, params: SearchParams = {}, budget = this.budget()) {
    const indices = this.searchIndices(target, params);
    return executeSearch({ flavor: this.c.flavor, now: this.c.now(), indices, nodeId: this.nodeId, maxBuckets: MAX_BUCKETS, budget }, body, params);
  }

  count(target: string | undefined, body: Record<string, unknown> | undefined, params: SearchParams = {}) {
    const indices = this.searchIndices(target, params);
    const count = executeCount({ flavor: this.c.flavor, now: this.c.now(), indices, nodeId: this.nodeId, maxBuckets: MAX_BUCKETS, budget: this.budget() }, body, params);
    return { count, _shards: { total: indices.length, successful: indices.length, skipped: 0, failed: 0 } };
  }

  msearch(requests: { header: Record<string, unknown>; body: Record<string, unknown> }[], params: SearchParams & { defaultIndex?: string } = {}) {
    const started = Date.now();
    // One budget for all of them: a long list of slow searches cannot hold the process either.
    const budget = this.budget();
    const responses = requests.map(({ header, body }) => {
      try {
        const h = isPlainObject(header) ? header : {};
        const index = Array.isArray(h.index) ? h.index.join(',') : typeof h.index === 'string' ? h.index : params.defaultIndex;
        const p: SearchParams = { ...params };
        if (h.ignore_unavailable !== undefined) p.ignoreUnavailable = String(h.ignore_unavailable) === 'true';
        if (h.allow_no_indices !== undefined) p.allowNoIndices = String(h.allow_no_indices) === 'true';
        if (h.expand_wildcards !== undefined) p.expandWildcards = String(h.expand_wildcards);
        if (h.rest_total_hits_as_int !== undefined) p.restTotalHitsAsInt = String(h.rest_total_hits_as_int) === 'true';
        return { ...this.search(index, body, p, budget), status: 200 };
      } catch (e) {
        if (e instanceof EsError) return esErrorEnvelope(e);
        throw e;
      }
    });
    return { took: Math.max(0, Date.now() - started), responses };
  }
}
