import { type SearchParams, EsError } from './api';
import type { Catalog } from './catalog';
import { esErrorEnvelope, isPlainObject } from './errors';
import { type IndexState, randomBase64Url } from './index-state';
import { executeCount, executeSearch } from './search';

/** `_search`, `_count` and `_msearch` over the indices a target resolves to. */

const MAX_BUCKETS = 65536;

export class Searcher {
  private readonly nodeId = randomBase64Url(16).slice(0, 22);

  constructor(private readonly c: Catalog) {}

  /** The indices a search reads, each refreshed first if its periodic refresh is due. */
  private searchIndices(target: string | undefined, params: SearchParams = {}): IndexState[] {
    const indices = this.c.resolveStates(target, {
      ignoreUnavailable: params.ignoreUnavailable ?? false,
      allowNoIndices: params.allowNoIndices ?? true,
      expandWildcards: params.expandWildcards ?? 'open',
    });
    const now = this.c.now();
    for (const ix of indices) ix.refreshIfDue(now);
    return indices;
  }

  search(target: string | undefined, body: Record<string, unknown> | undefined, params: SearchParams = {}) {
    const indices = this.searchIndices(target, params);
    return executeSearch({ flavor: this.c.flavor, now: this.c.now(), indices, nodeId: this.nodeId, maxBuckets: MAX_BUCKETS }, body, params);
  }

  count(target: string | undefined, body: Record<string, unknown> | undefined, params: SearchParams = {}) {
    const indices = this.searchIndices(target, params);
    const count = executeCount({ flavor: this.c.flavor, now: this.c.now(), indices, nodeId: this.nodeId, maxBuckets: MAX_BUCKETS }, body, params);
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
