import { type SearchParams, EsError } from './api';
import { DEFAULT_SEARCH_TIMEOUT_MS, SearchBudget } from './budget';
import type { Catalog } from './catalog';
import { esErrorEnvelope, illegalArgument, isPlainObject } from './errors';
import { type IndexState, randomBase64Url } from './index-state';
import { indicesStats, STATS_METRICS, stats } from './index-stats';
import { type QueryNode, QueryParser } from './query';
import { type Cursor, executeCount, executeSearch, type ParsedSearch, parseSearchBody, type SearchEnv, searchPage } from './search';
import { simpleMatch } from './wildcard';

/**
 * `_search`, `_count` and `_msearch` over the indices a target resolves to, and the reader
 * contexts real clients page with: scrolls (`scroll=`, `_search/scroll`, `DELETE
 * _search/scroll`) and points in time (`_pit`, `pit` in a search). A context sees each of its
 * indices as it was when opened (what was searchable then: later writes, updates and deletes do
 * not show, the versions it saw are kept for it), lives for its keep-alive after each use on the
 * practice clock, and is found only by whoever opened it.
 */

const MAX_BUCKETS = 65536;

/** `search.max_keep_alive` (24 h) and `search.max_open_scroll_context` (500), ES's defaults. */
const MAX_KEEP_ALIVE_MS = 86_400_000;
const MAX_OPEN_CONTEXTS = 500;

const SCROLL_PREFIX = Buffer.from('\u0014include_context_uuid\u000equeryThenFetch\u0001\u0016', 'latin1');
const PIT_PREFIX = Buffer.from('\u0001\u0016practice_point_in_time\u0001\u0016', 'latin1');

interface ReaderContext {
  num: number;
  kind: 'scroll' | 'pit';
  owner: string | undefined;
  indices: IndexState[];
  views: Map<IndexState, number>;
  keepAliveMs: number;
  expiresAt: number;
  /** The alias filters of the target it was opened on (see `aliasFilters`). */
  aliasFilters?: ReadonlyMap<IndexState, QueryNode>;
  /** Scroll only: the request, and where its last page ended. */
  req?: ParsedSearch;
  cursor?: Cursor;
}

/** ES's answer for a scroll or point in time that expired, was freed, or never existed (here). */
function contextMissing(num: number | string): EsError {
  const reason = { type: 'search_context_missing_exception', reason: `No search context found for id [${num}]` };
  return new EsError(404, 'search_phase_execution_exception', 'all shards failed', { phase: 'query', grouped: true, failed_shards: [{ shard: -1, index: null, reason }] }, reason, [reason]);
}

/** A time value (`1m`, `30s`) for a keep-alive parameter, within `search.max_keep_alive`. */
function keepAlive(value: string, setting: string): number {
  const m = /^(\d+)(nanos|micros|ms|s|m|h|d)$/.exec(value.trim());
  if (!m) throw illegalArgument(`failed to parse setting [${setting}] with value [${value}] as a time value: unit is missing or unrecognized`);
  const ms = Number(m[1]) * { nanos: 1e-6, micros: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms'];
  if (ms > MAX_KEEP_ALIVE_MS) {
    throw illegalArgument(`Keep alive for request (${value.trim()}) is too large. It must be less than (24h). This limit can be set by changing the [search.max_keep_alive] cluster level setting.`);
  }
  return Math.floor(ms);
}

function validation(message: string): EsError {
  return new EsError(400, 'action_request_validation_exception', `Validation Failed: 1: ${message};`);
}

export class Searcher {
  private readonly nodeId = randomBase64Url(16).slice(0, 22);
  /** Tells this deployment's context ids from another's. */
  private readonly contextUuid = randomBase64Url(16).slice(0, 22);
  private readonly contexts = new Map<number, ReaderContext>();
  private nextContext = 1;

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

  /** What a search reads; every search has a time budget (the request's `timeout` may narrow it). */
  private env(indices: IndexState[], budget: SearchBudget, views?: ReadonlyMap<IndexState, number>, filters?: ReadonlyMap<IndexState, QueryNode>): SearchEnv {
    const env: SearchEnv = { flavor: this.c.flavor, now: this.c.now(), indices, nodeId: this.nodeId, maxBuckets: MAX_BUCKETS, budget };
    if (views) env.views = views;
    if (filters) env.aliasFilters = filters;
    return env;
  }

  search(target: string | undefined, body: Record<string, unknown> | undefined, params: SearchParams = {}, budget = this.budget()) {
    this.sweep();
    if (isPlainObject(body) && body.pit !== undefined) return this.pitSearch(target, body, params, budget);
    if (params.scroll !== undefined) return this.openScroll(target, body, params, budget);
    const indices = this.searchIndices(target, params);
    const started = Date.now();
    const response = executeSearch(this.env(indices, budget, undefined, aliasFilters(target, indices)), body, params);
    stats.searched(indices, Date.now() - started, ((response.hits as { hits?: unknown[] } | undefined)?.hits?.length ?? 0) > 0);
    return response;
  }

  count(target: string | undefined, body: Record<string, unknown> | undefined, params: SearchParams = {}) {
    const indices = this.searchIndices(target, params);
    const count = executeCount(this.env(indices, this.budget(), undefined, aliasFilters(target, indices)), body, params);
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

  /** `GET [<target>]/_stats[/<metric>]`. */
  indexStats(target: string | undefined, metrics: string[] = [], opts: { level?: string; expandWildcards?: string } = {}) {
    for (const m of metrics) {
      if (m !== '_all' && !(STATS_METRICS as readonly string[]).includes(m)) throw illegalArgument(`request [/_stats/${metrics.join(',')}] contains unrecognized metric: [${m}]`);
    }
    const level = opts.level ?? 'indices';
    if (level !== 'cluster' && level !== 'indices' && level !== 'shards') throw illegalArgument(`level parameter must be one of [cluster] or [indices] or [shards] but was [${level}]`);
    const indices = this.c.resolveStates(target, { expandWildcards: opts.expandWildcards ?? 'open', allowNoIndices: true });
    const now = this.c.now();
    for (const ix of indices) ix.refreshIfDue(now);
    return indicesStats(indices, metrics, level === 'cluster' ? 'cluster' : 'indices', this.c.flavor);
  }

  // -------------------------------------------------------------------------------------------
  // Reader contexts

  private open(kind: ReaderContext['kind'], indices: IndexState[], keepAliveMs: number, owner: string | undefined, filters?: ReadonlyMap<IndexState, QueryNode>): ReaderContext {
    if (this.contexts.size >= MAX_OPEN_CONTEXTS) {
      const reason = { type: 'exception', reason: `Trying to create too many ${kind === 'scroll' ? 'scroll' : 'search'} contexts. Must be less than or equal to: [${MAX_OPEN_CONTEXTS}]. This limit can be set by changing the [search.max_open_scroll_context] setting.` };
      throw new EsError(500, 'search_phase_execution_exception', 'all shards failed', { phase: 'query', grouped: true, failed_shards: [] }, reason, [reason]);
    }
    const views = new Map<IndexState, number>();
    for (const ix of indices) {
      views.set(ix, ix.searchableUpTo);
      ix.holdView(ix.searchableUpTo);
    }
    const ctx: ReaderContext = { num: this.nextContext++, kind, owner, indices, views, keepAliveMs, expiresAt: this.c.now() + keepAliveMs };
    if (filters) ctx.aliasFilters = filters;
    this.contexts.set(ctx.num, ctx);
    stats.contextOpened(indices, 1);
    return ctx;
  }

  private release(ctx: ReaderContext): void {
    this.contexts.delete(ctx.num);
    for (const [ix, upTo] of ctx.views) ix.releaseView(upTo);
    stats.contextOpened(ctx.indices, -1);
  }

  /** Frees the contexts whose keep-alive ran out (ES's reaper, run lazily on the practice clock). */
  private sweep(): void {
    const now = this.c.now();
    for (const ctx of [...this.contexts.values()]) if (ctx.expiresAt <= now) this.release(ctx);
  }

  /** The live context `num` of `kind` that `owner` may use, renewed for its keep-alive; ES's 404 otherwise. */
  private use(num: number, kind: ReaderContext['kind'], owner: string | undefined, renewTo?: number): ReaderContext {
    this.sweep();
    const ctx = this.contexts.get(num);
    if (!ctx || ctx.kind !== kind || ctx.owner !== owner) throw contextMissing(num);
    // A context whose index was deleted has nothing left to read.
    if (ctx.indices.some((ix) => this.c.indices.get(ix.name) !== ix)) {
      this.release(ctx);
      throw contextMissing(num);
    }
    if (renewTo !== undefined) ctx.keepAliveMs = renewTo;
    ctx.expiresAt = this.c.now() + ctx.keepAliveMs;
    return ctx;
  }

  /** URL-safe base64 as ES encodes its ids, so they also travel in a path or a query string. */
  private encodeId(prefix: Buffer, num: number): string {
    return Buffer.concat([prefix, Buffer.from(`${this.contextUuid}${num.toString(36)}`, 'latin1')]).toString('base64url');
  }

  /** The context number in an id this deployment issued; `undefined` for a well-formed id of another cluster. */
  private decodeId(prefix: Buffer, id: string, what: 'scroll' | 'pit'): number | undefined {
    const raw = /^[A-Za-z0-9+/_-]+=*$/.test(id) ? Buffer.from(id, 'base64') : Buffer.alloc(0);
    if (raw.length <= prefix.length + 22 || !raw.subarray(0, prefix.length).equals(prefix)) {
      throw what === 'scroll'
        ? new EsError(400, 'illegal_argument_exception', 'Cannot parse scroll id', {}, { type: 'illegal_argument_exception', reason: 'Cannot parse scroll id' })
        : illegalArgument(`invalid id: [${id}]`);
    }
    const rest = raw.subarray(prefix.length).toString('latin1');
    if (rest.slice(0, 22) !== this.contextUuid) return undefined;
    const num = Number.parseInt(rest.slice(22), 36);
    return Number.isFinite(num) ? num : undefined;
  }

  private openScroll(target: string | undefined, body: Record<string, unknown> | undefined, params: SearchParams, budget: SearchBudget) {
    const keepAliveMs = keepAlive(params.scroll as string, 'scroll');
    const req = parseSearchBody(body, params, this.c.flavor);
    if (req.from > 0) throw validation('using [from] is not allowed in a scroll context');
    if (req.size === 0) throw validation('[size] cannot be [0] in a scroll context');
    if (req.searchAfter !== undefined) throw new EsError(400, 'search_phase_execution_exception', 'all shards failed', {}, { type: 'illegal_argument_exception', reason: '`search_after` cannot be used in a scroll context.' });
    // A scroll always counts every hit (SearchRequest.resolveTrackTotalHitsUpTo).
    req.trackTotalHits = true;
    const indices = this.searchIndices(target, params);
    const ctx = this.open('scroll', indices, keepAliveMs, params.owner, aliasFilters(target, indices));
    try {
      const started = Date.now();
      const page = searchPage(this.env(indices, budget, ctx.views, ctx.aliasFilters), req, {});
      stats.searched(indices, Date.now() - started, true);
      ctx.req = req;
      if (page.last) ctx.cursor = page.last;
      return { _scroll_id: this.encodeId(SCROLL_PREFIX, ctx.num), ...page.response };
    } catch (e) {
      this.release(ctx);
      throw e;
    }
  }

  scroll(scrollId: string, opts: { scroll?: string; restTotalHitsAsInt?: boolean; owner?: string } = {}) {
    if (scrollId === '') throw validation('scrollId is missing');
    const renew = opts.scroll !== undefined ? keepAlive(opts.scroll, 'scroll') : undefined;
    const num = this.decodeId(SCROLL_PREFIX, scrollId, 'scroll');
    if (num === undefined) throw contextMissing(0);
    const ctx = this.use(num, 'scroll', opts.owner, renew);
    const req = { ...(ctx.req as ParsedSearch), totalAsInt: opts.restTotalHitsAsInt === true };
    const started = Date.now();
    const page = searchPage(this.env(ctx.indices, this.budget(), ctx.views, ctx.aliasFilters), req, { cursor: ctx.cursor, skipAggs: true });
    stats.scrolled(ctx.indices, Date.now() - started);
    if (page.last) ctx.cursor = page.last;
    return { _scroll_id: scrollId, ...page.response };
  }

  clearScroll(ids: string[] | '_all', owner?: string) {
    this.sweep();
    let freed = 0;
    if (ids === '_all') {
      for (const ctx of [...this.contexts.values()]) {
        if (ctx.kind !== 'scroll' || ctx.owner !== owner) continue;
        this.release(ctx);
        freed += 1;
      }
    } else {
      for (const id of ids) {
        const num = this.decodeId(SCROLL_PREFIX, id, 'scroll');
        const ctx = num === undefined ? undefined : this.contexts.get(num);
        if (!ctx || ctx.kind !== 'scroll' || ctx.owner !== owner) continue;
        this.release(ctx);
        freed += 1;
      }
    }
    return { status: freed > 0 ? 200 : 404, body: { succeeded: true, num_freed: freed } };
  }

  openPointInTime(target: string, opts: { keepAlive?: string; ignoreUnavailable?: boolean; allowNoIndices?: boolean; expandWildcards?: string; owner?: string }) {
    this.sweep();
    if (opts.keepAlive === undefined) throw validation('[keep_alive] is not specified');
    const keepAliveMs = keepAlive(opts.keepAlive, 'keep_alive');
    const indices = this.searchIndices(target, { ignoreUnavailable: opts.ignoreUnavailable, allowNoIndices: opts.allowNoIndices, expandWildcards: opts.expandWildcards });
    const ctx = this.open('pit', indices, keepAliveMs, opts.owner, aliasFilters(target, indices));
    const out: Record<string, unknown> = { id: this.encodeId(PIT_PREFIX, ctx.num) };
    // 9.x (OpenPointInTimeResponse with partial results) also reports the shards it opened on.
    if (this.c.flavor === '9') out._shards = { total: indices.length, successful: indices.length, skipped: 0, failed: 0 };
    return out;
  }

  closePointInTime(id: string, owner?: string) {
    this.sweep();
    const num = this.decodeId(PIT_PREFIX, id, 'pit');
    const ctx = num === undefined ? undefined : this.contexts.get(num);
    if (!ctx || ctx.kind !== 'pit' || ctx.owner !== owner) return { status: 404, body: { succeeded: true, num_freed: 0 } };
    this.release(ctx);
    return { status: 200, body: { succeeded: true, num_freed: 1 } };
  }

  private pitSearch(target: string | undefined, body: Record<string, unknown>, params: SearchParams, budget: SearchBudget) {
    if (target !== undefined && target !== '') throw validation('[indices] cannot be used with point in time. Do not specify any index with point in time.');
    if (params.scroll !== undefined) throw validation('using [point in time] is not allowed in a scroll context');
    const pit = body.pit;
    if (!isPlainObject(pit) || typeof pit.id !== 'string') throw new EsError(400, 'x_content_parse_exception', '[pit] failed to parse field [id]');
    for (const k of Object.keys(pit)) if (k !== 'id' && k !== 'keep_alive') throw new EsError(400, 'x_content_parse_exception', `[pit] unknown field [${k}]`);
    const renew = pit.keep_alive !== undefined ? keepAlive(String(pit.keep_alive), 'keep_alive') : undefined;
    const num = this.decodeId(PIT_PREFIX, pit.id, 'pit');
    if (num === undefined) throw contextMissing(0);
    const ctx = this.use(num, 'pit', params.owner, renew);
    const req = parseSearchBody(body, params, this.c.flavor);
    const started = Date.now();
    const page = searchPage(this.env(ctx.indices, budget, ctx.views, ctx.aliasFilters), req, { pit: true });
    stats.searched(ctx.indices, Date.now() - started, true);
    return { pit_id: pit.id, ...page.response };
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
