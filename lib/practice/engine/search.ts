import { type AggDef, type DocSet, evalAggs, parseAggs, type Seg } from './aggs';
import type { Flavor, SearchParams } from './api';
import { EsError } from './api';
import { DEFAULT_SEARCH_TIMEOUT_MS, requestTimeout, SearchBudget } from './budget';
import { illegalArgument, isPlainObject, locate, parsingException, searchPhaseError, ShardFailure, type ShardFailureReport, tokenName } from './errors';
import { highlightHit, type HighlightSpec, parseHighlight } from './highlight';
import {
  fieldValues,
  type FieldRequest,
  filterSource,
  FULL_SOURCE,
  makeSortPlan,
  parseFieldRequests,
  parseSort,
  parseSortParam,
  parseSourceFilter,
  type SortPlan,
  type SortSpec,
  type SortVal,
  type SourceFilter,
  sourceFilterFromParams,
} from './hits';
import { type IndexState, TIME_FIELD } from './index-state';
import { bindQuery, type Bound, type QueryNode, QueryParser } from './query';

/**
 * `_search` and `_count` over concrete indices: body validation, query evaluation narrowed by the
 * time field, sorting with `search_after`, hit rendering, totals and aggregations, and ES's
 * `search_phase_execution_exception` when every index fails.
 */

export interface SearchEnv {
  flavor: Flavor;
  now: number;
  indices: IndexState[];
  nodeId: string;
  maxBuckets: number;
  /** The time this search may take (an msearch shares one); DEFAULT_SEARCH_TIMEOUT_MS from now when absent. */
  budget?: SearchBudget;
  /** The `_seq_no` each index is read up to, for a scroll or point in time; otherwise its last refresh. */
  views?: ReadonlyMap<IndexState, number>;
  /** Indices reached only through filtered aliases: their alias filters (any one matching keeps a document). */
  aliasFilters?: ReadonlyMap<IndexState, QueryNode>;
}

function budgetOf(env: SearchEnv, timeoutMs: number | undefined): SearchBudget {
  return (env.budget ?? SearchBudget.of(DEFAULT_SEARCH_TIMEOUT_MS, () => performance.now())).narrowed(timeoutMs);
}

/** Where a search of `ix` reads up to, and whether any slot is outside that view (so each must be checked). */
function viewOf(env: SearchEnv, ix: IndexState): { upTo: number; partial: boolean } {
  const upTo = env.views?.get(ix) ?? ix.searchableUpTo;
  return { upTo, partial: upTo !== ix.seqNoNext || !ix.fullyRefreshed };
}

/** The request's query narrowed by the index's alias filter, as ES adds it to the shard request. */
function withAliasFilter(env: SearchEnv, ix: IndexState, query: QueryNode | undefined): QueryNode | undefined {
  const filter = env.aliasFilters?.get(ix);
  if (!filter) return query;
  return { t: 'bool', must: [query ?? { t: 'all', boost: 1 }], filter: [filter], should: [], mustNot: [], boost: 1 };
}

const TOP_LEVEL = new Set([
  'query',
  'aggs',
  'aggregations',
  'size',
  'from',
  'sort',
  '_source',
  'track_total_hits',
  'search_after',
  'fields',
  'docvalue_fields',
  'stored_fields',
  'version',
  'seq_no_primary_term',
  'track_scores',
  'timeout',
  'terminate_after',
  'min_score',
  'post_filter',
  'explain',
  'profile',
  'indices_boost',
  'stats',
  'ext',
  'highlight',
  'pit',
]);

const UNSUPPORTED = new Set(['suggest', 'collapse', 'script_fields', 'rescore', 'slice', 'knn', 'runtime_mappings', 'retriever', 'rank', 'point_in_time']);

export interface ParsedSearch {
  query?: QueryNode;
  postFilter?: QueryNode;
  aggs: AggDef[];
  size: number;
  from: number;
  sort?: SortSpec[];
  source: SourceFilter;
  trackTotalHits: boolean | number;
  totalAsInt: boolean;
  searchAfter?: unknown[];
  fields: FieldRequest[];
  version: boolean;
  seqNo: boolean;
  trackScores: boolean;
  terminateAfter?: number;
  minScore?: number;
  storedNone: boolean;
  timeoutMs?: number;
  highlight?: HighlightSpec;
}

/** The `q=` parameter as the `query_string` query ES builds from it, with its URL companions. */
function urlQuery(params: SearchParams): QueryNode {
  const node: QueryNode = { t: 'qs', simple: false, query: params.q ?? '', operator: params.defaultOperator ?? 'or', analyzeWildcard: params.analyzeWildcard === true, boost: 1 };
  if (params.df !== undefined) node.defaultField = params.df;
  if (params.lenient !== undefined) node.lenient = params.lenient;
  return node;
}

function intField(body: Record<string, unknown>, key: string, root: unknown): number | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  throw parsingException(`[${key}] failed to parse field [${key}]`, locate(root, [key]));
}

export function parseSearchBody(body: Record<string, unknown> | undefined, params: SearchParams, flavor: Flavor): ParsedSearch {
  const b = body ?? {};
  if (!isPlainObject(b)) throw parsingException('request body or source parameter is required', { line: 1, col: 1 });
  for (const [k, v] of Object.entries(b)) {
    if (UNSUPPORTED.has(k)) throw illegalArgument(`[${k}] is not supported by the practice cluster`);
    if (!TOP_LEVEL.has(k)) throw parsingException(`Unknown key for a ${tokenName(v)} in [${k}].`, locate(b, [k]));
  }
  const qp = new QueryParser(b);
  const parsed: ParsedSearch = {
    aggs: [],
    size: 10,
    from: 0,
    source: FULL_SOURCE,
    trackTotalHits: 10000,
    totalAsInt: params.restTotalHitsAsInt === true,
    fields: [],
    version: b.version === true,
    seqNo: b.seq_no_primary_term === true,
    trackScores: b.track_scores === true,
    storedNone: b.stored_fields === '_none_',
  };
  if (b.query !== undefined) parsed.query = qp.parse(b.query, ['query']);
  else if (params.q !== undefined) parsed.query = urlQuery(params);
  if (b.post_filter !== undefined) parsed.postFilter = qp.parse(b.post_filter, ['post_filter']);
  const aggsRaw = b.aggs ?? b.aggregations;
  if (b.aggs !== undefined && b.aggregations !== undefined) throw parsingException('Found two aggregation definitions under [aggregations]', locate(b, ['aggregations']));
  if (aggsRaw !== undefined) parsed.aggs = parseAggs(aggsRaw, b, [b.aggs !== undefined ? 'aggs' : 'aggregations'], flavor);
  const size = intField(b, 'size', b) ?? params.size;
  const from = intField(b, 'from', b) ?? params.from;
  if (size !== undefined) {
    if (size < 0) throw illegalArgument(`[size] parameter cannot be negative, found [${size}]`);
    parsed.size = size;
  }
  if (from !== undefined) {
    if (from < 0) throw illegalArgument(`[from] parameter cannot be negative, found [${from}]`);
    parsed.from = from;
  }
  if (b.sort !== undefined) parsed.sort = parseSort(b.sort, b, ['sort']);
  else if (params.sort) parsed.sort = parseSortParam(params.sort);
  const paramSource = sourceFilterFromParams(params._source, params._sourceIncludes, params._sourceExcludes);
  parsed.source = paramSource ?? parseSourceFilter(b._source, b, ['_source']);
  if (parsed.storedNone) parsed.source = { enabled: false, includes: [], excludes: [] };
  const tth = b.track_total_hits ?? params.trackTotalHits;
  if (tth !== undefined) {
    if (typeof tth === 'boolean') parsed.trackTotalHits = tth;
    else if (typeof tth === 'number' && Number.isInteger(tth)) {
      if (tth < -1) throw illegalArgument(`[track_total_hits] parameter must be positive or equals to -1, got ${tth}`);
      parsed.trackTotalHits = tth === -1 ? true : tth;
    } else throw parsingException(`[track_total_hits] failed to parse field [track_total_hits]`, locate(b, ['track_total_hits']));
  }
  if (parsed.totalAsInt) {
    if (tth === undefined) parsed.trackTotalHits = true;
    else if (typeof parsed.trackTotalHits === 'number') {
      throw illegalArgument(`[rest_total_hits_as_int] cannot be used if the tracking of total hits is not accurate, got ${parsed.trackTotalHits}`);
    }
  }
  if (b.search_after !== undefined) {
    if (!Array.isArray(b.search_after)) throw parsingException('[search_after] must be an array', locate(b, ['search_after']));
    parsed.searchAfter = b.search_after;
    if (parsed.from > 0) throw new EsError(400, 'action_request_validation_exception', 'Validation Failed: 1: [from] parameter must be set to 0 when [search_after] is used;');
  }
  parsed.fields = [...parseFieldRequests(b.fields, false, b, ['fields']), ...parseFieldRequests(b.docvalue_fields, true, b, ['docvalue_fields'])];
  if (b.highlight !== undefined) parsed.highlight = parseHighlight(b.highlight, b, ['highlight']);
  const ta = intField(b, 'terminate_after', b);
  if (ta !== undefined && ta > 0) parsed.terminateAfter = ta;
  if (typeof b.min_score === 'number') parsed.minScore = b.min_score;
  const timeoutMs = requestTimeout(b.timeout ?? params.timeout);
  if (timeoutMs !== undefined) parsed.timeoutMs = timeoutMs;
  return parsed;
}

interface Candidate {
  ord: number;
  ix: IndexState;
  pos: number;
  /** The slot's `_seq_no`: with `ord`, the stable tiebreak (positions move when the store is tidied). */
  seq: number;
  score: number;
  keys?: SortVal[];
}

/**
 * Where a page ended, for the next one (a scroll, or `search_after` with a point in time's
 * `_shard_doc` tiebreaker): the last hit's sort keys (already comparable, or raw `search_after`
 * values to read per index), its score, and its index and doc order.
 */
export interface Cursor {
  keys?: SortVal[];
  raw?: unknown[];
  score: number;
  ord: number;
  seq: number;
}

/** The `_shard_doc` value ES gives a hit of a point-in-time search: shard request index and doc, in one long. */
const SHARD_DOC_SHIFT = 2 ** 32;

function failureReport(e: ShardFailure, ix: IndexState, nodeId: string): ShardFailureReport {
  const reason = { ...e.body };
  if (reason.type === 'query_shard_exception' || reason.type === 'illegal_argument_exception' || reason.type === 'parse_exception') {
    reason.index_uuid = ix.uuid;
    reason.index = ix.name;
  }
  return { shard: 0, index: ix.name, node: nodeId, reason };
}

interface Matched {
  segs: Seg[];
  failures: ShardFailureReport[];
  terminatedEarly: boolean;
}

/** Drops the slots a tenant deleted from a shared segment. */
function withoutHidden(ix: IndexState, pos: number[], scores: number[]): [number[], number[]] {
  const keptPos: number[] = [];
  const keptScores: number[] = [];
  for (let i = 0; i < pos.length; i += 1) {
    if (ix.store.isHidden(pos[i] as number)) continue;
    keptPos.push(pos[i] as number);
    keptScores.push(scores[i] as number);
  }
  return [keptPos, keptScores];
}

/** `[from, from + n)` as a packed array (pushing one by one costs more on a day of data), cut short when the budget runs out. */
function rangePositions(from: number, n: number, budget: SearchBudget): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i += 1) {
    if (budget.spent()) {
      out.length = i;
      break;
    }
    out[i] = from + i;
  }
  return out;
}

/**
 * Evaluates a query on each index, narrowed by the time range where the query has one. When the
 * budget runs out, what was matched so far is the result (ES's partial results on `timed_out`).
 */
function matchAll(env: SearchEnv, query: QueryNode | undefined, minScore: number | undefined, terminateAfter: number | undefined, budget: SearchBudget): Matched {
  const segs: Seg[] = [];
  const failures: ShardFailureReport[] = [];
  let terminatedEarly = false;
  for (const index of env.indices) {
    if (budget.spentNow()) {
      segs.push({ ix: index, pos: [], scores: [] });
      continue;
    }
    try {
      // Each segment (a shared sample's rows, then the index's own) is matched on its own slots.
      const found: Seg[] = [];
      for (const ix of index.segments) {
        ix.store.tidy();
        // A filtered alias's filter is the index's: the shared segment is filtered the same way.
        const q = withAliasFilter(env, index, query);
        const bound: Bound = q ? bindQuery(q, { ix, now: env.now, timeField: TIME_FIELD, flavor: env.flavor }) : { m: () => 1, all: true, constScore: 1 };
        let pos: number[] = [];
        let scores: number[] = [];
        if (!bound.none) {
          let from = ix.store.start;
          let to = ix.store.n;
          if (bound.ts) [from, to] = ix.store.range(bound.ts.lo, bound.ts.hi);
          const limit = terminateAfter ?? Infinity;
          const { upTo, partial } = viewOf(env, ix);
          if ((bound.all || bound.tsOnly) && !partial) {
            // Every slot of the range matches with one score: fill the arrays at their final size.
            const s = bound.constScore ?? 1;
            const n = minScore !== undefined && s < minScore ? 0 : Math.max(0, Math.min(to - from, limit));
            pos = rangePositions(from, n, budget);
            scores = new Array<number>(pos.length).fill(s);
          } else if (bound.all || bound.tsOnly) {
            const s = bound.constScore ?? 1;
            for (let p = from; p < to && pos.length < limit; p += 1) {
              if (minScore !== undefined && s < minScore) break;
              if (budget.spent()) break;
              if (!ix.visibleAt(p, upTo)) continue;
              pos.push(p);
              scores.push(s);
            }
          } else {
            const m = bound.m;
            for (let p = from; p < to; p += 1) {
              if (budget.spent()) break;
              if (partial && !ix.visibleAt(p, upTo)) continue;
              const s = m(p);
              if (s < 0 || (minScore !== undefined && s < minScore)) continue;
              pos.push(p);
              scores.push(s);
              if (pos.length >= limit) break;
            }
          }
          if (ix.store.hidden) [pos, scores] = withoutHidden(ix, pos, scores);
          if (terminateAfter !== undefined && pos.length >= terminateAfter) terminatedEarly = true;
        }
        found.push({ ix, pos, scores });
      }
      segs.push(...found);
    } catch (e) {
      if (e instanceof ShardFailure) failures.push(failureReport(e, index, env.nodeId));
      else throw e;
    }
  }
  return { segs, failures, terminatedEarly };
}

/**
 * Every document `query` matches in each index's view, in index then `_doc` order, as the
 * by-query APIs and `_reindex` scroll through them: the id and the `_seq_no` of the version seen.
 */
export function matchingDocs(env: SearchEnv, query: QueryNode | undefined): { docs: { ix: IndexState; id: string; seq: number; pos: number }[]; timedOut: boolean } {
  const budget = budgetOf(env, undefined);
  const matched = matchAll(env, query, undefined, undefined, budget);
  if (matched.failures.length > 0) throw searchPhaseError(matched.failures, 400);
  const docs: { ix: IndexState; id: string; seq: number; pos: number }[] = [];
  for (const seg of matched.segs) for (const pos of seg.pos) docs.push({ ix: seg.ix, id: seg.ix.idOf(pos), seq: seg.ix.store.seq[pos] as number, pos });
  return { docs, timedOut: budget.timedOut };
}

/** Inserts `c` in order; the caller has checked that it beats the worst of a full top k. */
function insertTop(best: Candidate[], c: Candidate, k: number, cmp: (a: Candidate, b: Candidate) => number): void {
  let lo = 0;
  let hi = best.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cmp(best[mid] as Candidate, c) <= 0) lo = mid + 1;
    else hi = mid;
  }
  best.splice(lo, 0, c);
  if (best.length > k) best.pop();
}

export interface HitOptions {
  highlight?: { spec: HighlightSpec; query: QueryNode | undefined };
  source: SourceFilter;
  fields: FieldRequest[];
  version: boolean;
  seqNo: boolean;
  withScore: boolean;
  plan?: SortPlan;
  storedNone?: boolean;
}

export function renderHit(c: Candidate, o: HitOptions, flavor: Flavor): Record<string, unknown> {
  const ix = c.ix;
  const hit: Record<string, unknown> = { _index: ix.name };
  if (flavor === '7') hit._type = '_doc';
  hit._id = ix.idOf(c.pos);
  if (o.version) hit._version = ix.store.ver[c.pos];
  if (o.seqNo) {
    hit._seq_no = ix.store.seq[c.pos];
    hit._primary_term = 1;
  }
  hit._score = o.withScore ? c.score : null;
  if (o.source.enabled && !o.storedNone) hit._source = filterSource(ix.source(c.pos), o.source);
  if (o.fields.length > 0) {
    const f = fieldValues(ix, c.pos, o.fields);
    if (f) hit.fields = f;
  }
  if (o.highlight) {
    const h = highlightHit(ix, c.pos, o.highlight.spec, o.highlight.query);
    if (h) hit.highlight = h;
  }
  if (o.plan && c.keys) hit.sort = c.keys.map((k, i) => (o.plan as SortPlan).render(i, k, ix));
  return hit;
}

/**
 * Top `from + size` candidates in ES order (sort keys, then score, then index and doc order).
 * `count` is every candidate: `search_after` only moves the page, it does not change the total.
 */
function selectTop(segs: Seg[], indices: IndexState[], plan: SortPlan | undefined, after: unknown[] | undefined, k: number, now: number, cursor?: Cursor): { top: Candidate[]; count: number } {
  let count = 0;
  for (const seg of segs) count += seg.pos.length;
  if (k === 0) return { top: [], count };
  const ordOf = new Map<IndexState, number>();
  indices.forEach((ix, i) => ix.segments.forEach((segment) => ordOf.set(segment, i)));
  const tie = (a: Candidate, b: Candidate) => a.ord - b.ord || a.seq - b.seq;
  const cmp = plan ? (a: Candidate, b: Candidate) => plan.compare(a.keys as SortVal[], b.keys as SortVal[]) || tie(a, b) : (a: Candidate, b: Candidate) => b.score - a.score || tie(a, b);
  const best: Candidate[] = [];
  // Descending time sorts meet the best candidates last in time order: walk those backwards.
  const first = plan?.specs[0];
  const reverse = first?.kind === 'field' && first.field === TIME_FIELD && first.order === 'desc';
  // Every slot is first read into one reused candidate; only one that enters the top k is copied
  // (a panel's 20 latest events out of thousands would otherwise make a candidate per slot).
  const probe: Candidate = { ord: 0, ix: segs[0]?.ix as IndexState, pos: 0, seq: 0, score: 0 };
  const probeKeys: SortVal[] = plan ? new Array<SortVal>(plan.specs.length) : [];
  for (const seg of segs) {
    const ord = ordOf.get(seg.ix) ?? 0;
    const fns = plan?.keyFns(seg.ix);
    const afterKeys = plan && after ? plan.afterKeys(after, seg.ix, now) : undefined;
    const cursorKeys = cursor ? (cursor.keys ?? (plan && cursor.raw ? plan.afterKeys(cursor.raw, seg.ix, now) : undefined)) : undefined;
    const scores = seg.scores ?? [];
    const seqs = seg.ix.store.seq;
    const n = seg.pos.length;
    probe.ord = ord;
    probe.ix = seg.ix;
    probe.keys = fns ? probeKeys : undefined;
    for (let j = 0; j < n; j += 1) {
      const i = reverse ? n - 1 - j : j;
      const pos = seg.pos[i] as number;
      const score = scores[i] ?? 1;
      probe.pos = pos;
      probe.seq = seqs[pos] as number;
      probe.score = score;
      if (fns) {
        for (let f = 0; f < fns.length; f += 1) probeKeys[f] = (fns[f] as (p: number, s: number) => SortVal)(pos, score);
        if (afterKeys && (plan as SortPlan).compare(probeKeys, afterKeys) <= 0) continue;
      }
      if (cursor) {
        const primary = plan && cursorKeys ? plan.compare(probeKeys, cursorKeys) : cursor.score - score;
        if (primary < 0 || (primary === 0 && (ord - cursor.ord || probe.seq - cursor.seq) <= 0)) continue;
      }
      if (best.length >= k && cmp(probe, best[best.length - 1] as Candidate) >= 0) continue;
      const c: Candidate = { ord, ix: seg.ix, pos, seq: probe.seq, score };
      if (fns) c.keys = probeKeys.slice();
      insertTop(best, c, k, cmp);
    }
  }
  return { top: best, count };
}

function totalHits(count: number, track: boolean | number, asInt: boolean): unknown {
  if (asInt) return track === false ? -1 : count;
  if (track === false) return undefined;
  if (track === true) return { value: count, relation: 'eq' };
  return count > track ? { value: track, relation: 'gte' } : { value: count, relation: 'eq' };
}

export function executeSearch(env: SearchEnv, body: Record<string, unknown> | undefined, params: SearchParams): Record<string, unknown> {
  return searchPage(env, parseSearchBody(body, params, env.flavor), {}).response;
}

export interface PageOptions {
  /** A scroll's next page: hits after this cursor. */
  cursor?: Cursor;
  /** A point-in-time search: ES's implicit `_shard_doc` tiebreaker on sorted searches. */
  pit?: boolean;
  /** A scroll's later pages carry no aggregations. */
  skipAggs?: boolean;
}

/** One page of a parsed search, and the cursor after its last hit. */
export function searchPage(env: SearchEnv, req: ParsedSearch, page: PageOptions): { response: Record<string, unknown>; last?: Cursor } {
  const started = Date.now();
  const shards = env.indices.length;
  // `_shard_doc` (SearchRequest's PIT tiebreaker): added after the sort of a point-in-time search
  // unless `search_after` was built without it; an explicit one must be last.
  const shardDocAt = req.sort?.findIndex((spec) => spec.field === '_shard_doc') ?? -1;
  if (shardDocAt >= 0 && !page.pit) throw illegalArgument('[_shard_doc] sort field cannot be used without [point in time]');
  if (shardDocAt >= 0 && (shardDocAt !== (req.sort?.length ?? 0) - 1 || req.sort?.[shardDocAt]?.order === 'desc')) {
    throw illegalArgument('[_shard_doc] is supported by the practice cluster only as the last sort, ascending');
  }
  const userSort = shardDocAt >= 0 ? req.sort?.slice(0, shardDocAt) : req.sort;
  const tiebreak = page.pit === true && req.sort !== undefined && req.sort.length > 0 && (shardDocAt >= 0 || req.searchAfter === undefined || req.searchAfter.length === (userSort?.length ?? 0) + 1);
  let cursor = page.cursor;
  if (tiebreak) {
    req = { ...req, sort: userSort };
    if (req.searchAfter !== undefined) {
      if (req.searchAfter.length !== (userSort?.length ?? 0) + 1) {
        const reason = `search_after has ${req.searchAfter.length} value(s) but sort has ${(userSort?.length ?? 0) + 1}.`;
        throw searchPhaseError(env.indices.map((ix) => ({ shard: 0, index: ix.name, node: env.nodeId, reason: { type: 'illegal_argument_exception', reason } })), 400);
      }
      const last = Number(req.searchAfter[req.searchAfter.length - 1]);
      cursor = { raw: req.searchAfter.slice(0, -1), score: 0, ord: Math.floor(last / SHARD_DOC_SHIFT), seq: last % SHARD_DOC_SHIFT };
      req = { ...req, searchAfter: undefined };
    }
  }
  if (shards === 0) {
    return {
      response: {
        took: 0,
        timed_out: false,
        _shards: { total: 0, successful: 0, skipped: 0, failed: 0 },
        hits: { total: req.totalAsInt ? 0 : { value: 0, relation: 'eq' }, max_score: 0, hits: [] },
      },
    };
  }
  for (const ix of env.indices) {
    if (req.from + req.size > ix.maxResultWindow) {
      const reason = `Result window is too large, from + size must be less than or equal to: [${ix.maxResultWindow}] but was [${req.from + req.size}]. See the scroll api for a more efficient way to request large data sets. This limit can be set by changing the [index.max_result_window] index level setting.`;
      throw searchPhaseError([{ shard: 0, index: ix.name, node: env.nodeId, reason: { type: 'illegal_argument_exception', reason } }], 400);
    }
  }
  const budget = budgetOf(env, req.timeoutMs);
  const matched = matchAll(env, req.query, req.minScore, req.terminateAfter, budget);
  const failures = [...matched.failures];
  let plan: SortPlan | undefined;
  const sortedByScoreOnly = !req.sort || (req.sort.length === 1 && req.sort[0]?.kind === 'score' && req.sort[0].order === 'desc');
  if (req.sort) plan = makeSortPlan(req.sort, env.flavor);
  if (req.searchAfter !== undefined) {
    const specs = req.sort ?? [{ kind: 'score', field: '_score', order: 'desc', missing: '_last' } as SortSpec];
    if (req.searchAfter.length !== specs.length) {
      const reason = `search_after has ${req.searchAfter.length} value(s) but sort has ${specs.length}.`;
      throw searchPhaseError(env.indices.map((ix) => ({ shard: 0, index: ix.name, node: env.nodeId, reason: { type: 'illegal_argument_exception', reason } })), 400);
    }
    plan ??= makeSortPlan(specs, env.flavor);
  }
  // Per-index sort preparation can fail (unmapped field, text field): those indices fail like shards.
  let segs = matched.segs;
  if (plan) {
    const ok: Seg[] = [];
    for (const seg of segs) {
      try {
        plan.keyFns(seg.ix);
        if (req.searchAfter) plan.afterKeys(req.searchAfter, seg.ix, env.now);
        ok.push(seg);
      } catch (e) {
        if (e instanceof ShardFailure) failures.push(failureReport(e, seg.ix, env.nodeId));
        else throw e;
      }
    }
    segs = ok;
  }
  let aggregations: Record<string, unknown> | undefined;
  if (req.aggs.length > 0 && !page.skipAggs) {
    try {
      aggregations = evalAggs(req.aggs, segs, aggCtx(env, segs));
    } catch (e) {
      if (e instanceof ShardFailure) {
        for (const seg of segs) failures.push(failureReport(e, seg.ix, env.nodeId));
        segs = [];
      } else throw e;
    }
  }
  if (failures.length >= shards) throw searchPhaseError(failures, failures[0]?.reason.type === 'too_many_buckets_exception' ? 400 : 400);
  let hitSegs = segs;
  if (req.postFilter) {
    hitSegs = segs.map((seg) => {
      const b = bindQuery(req.postFilter as QueryNode, { ix: seg.ix, now: env.now, timeField: TIME_FIELD, flavor: env.flavor });
      if (b.all) return seg;
      const keep: number[] = [];
      const scores: number[] = [];
      seg.pos.forEach((p, i) => {
        if (budget.spent()) return;
        const t = seg.ix.store.ts[p] as number;
        if (b.ts && (t < b.ts.lo || t > b.ts.hi)) return;
        if (b.none || b.m(p) < 0) return;
        keep.push(p);
        scores.push(seg.scores?.[i] ?? 1);
      });
      return { ix: seg.ix, pos: keep, scores };
    });
  }
  const k = req.from + req.size;
  const { top, count } = selectTop(hitSegs, env.indices, plan, req.searchAfter, k, env.now, cursor);
  const withScore = sortedByScoreOnly || req.trackScores || (plan?.tracksScore ?? false);
  let maxScore: number | null = null;
  if (withScore && (sortedByScoreOnly || req.trackScores)) {
    for (const seg of hitSegs) for (const s of seg.scores ?? []) if (maxScore === null || s > maxScore) maxScore = s;
  }
  if (req.size === 0 && !req.trackScores) maxScore = sortedByScoreOnly && maxScore !== null ? maxScore : null;
  if (top.length === 0) maxScore = null;
  const hitOpts: HitOptions = { source: req.source, fields: req.fields, version: req.version, seqNo: req.seqNo, withScore, storedNone: req.storedNone };
  if (req.sort) hitOpts.plan = plan;
  if (req.highlight) hitOpts.highlight = { spec: req.highlight, query: req.query };
  const pageHits = top.slice(req.from);
  const hits = pageHits.map((c) => {
    const hit = renderHit(c, hitOpts, env.flavor);
    if (tiebreak) hit.sort = [...((hit.sort as unknown[] | undefined) ?? []), c.ord * SHARD_DOC_SHIFT + c.seq];
    return hit;
  });
  const lastHit = pageHits[pageHits.length - 1];
  const last: Cursor | undefined = lastHit ? { keys: lastHit.keys, score: lastHit.score, ord: lastHit.ord, seq: lastHit.seq } : undefined;
  const total = totalHits(count, req.trackTotalHits, req.totalAsInt);
  const hitsObj: Record<string, unknown> = {};
  if (total !== undefined) hitsObj.total = total;
  hitsObj.max_score = maxScore;
  hitsObj.hits = hits;
  const response: Record<string, unknown> = { took: Math.max(0, Date.now() - started), timed_out: budget.timedOut };
  if (matched.terminatedEarly) response.terminated_early = true;
  const shardsObj: Record<string, unknown> = { total: shards, successful: shards - failures.length, skipped: 0, failed: failures.length };
  if (failures.length > 0) shardsObj.failures = failures;
  response._shards = shardsObj;
  response.hits = hitsObj;
  if (aggregations !== undefined) response.aggregations = aggregations;
  return { response, last };
}

function aggCtx(env: SearchEnv, segs: Seg[]) {
  let all: DocSet | undefined;
  return {
    now: env.now,
    flavor: env.flavor,
    buckets: { n: 0 },
    maxBuckets: env.maxBuckets,
    allDocs: (): DocSet => {
      all ??= segs.map((s) => {
        const pos: number[] = [];
        const store = s.ix.store;
        const { upTo, partial } = viewOf(env, s.ix);
        for (let p = store.start; p < store.n; p += 1) if (store.ver[p] !== 0 && !store.isHidden(p) && (!partial || s.ix.visibleAt(p, upTo))) pos.push(p);
        return { ix: s.ix, pos };
      });
      return all;
    },
    topHits: (docs: DocSet, def: AggDef): Record<string, unknown> => {
      const size = typeof def.p.size === 'number' ? def.p.size : 3;
      const from = typeof def.p.from === 'number' ? def.p.from : 0;
      const plan = def.sort ? makeSortPlan(def.sort, env.flavor) : undefined;
      const { top, count } = selectTop(docs, env.indices, plan, undefined, from + size, env.now);
      const byScore = !def.sort || (def.sort.length === 1 && def.sort[0]?.kind === 'score');
      const withScore = byScore || def.p.track_scores === true || (plan?.tracksScore ?? false);
      const opts: HitOptions = {
        source: parseSourceFilter(def.p._source, def.p, ['_source']),
        fields: [...parseFieldRequests(def.p.fields, false, def.p, ['fields']), ...parseFieldRequests(def.p.docvalue_fields, true, def.p, ['docvalue_fields'])],
        version: def.p.version === true,
        seqNo: def.p.seq_no_primary_term === true,
        withScore,
      };
      if (plan) opts.plan = plan;
      let maxScore: number | null = null;
      if (withScore) for (const seg of docs) for (const s of seg.scores ?? []) if (maxScore === null || s > maxScore) maxScore = s;
      if (withScore && maxScore === null && count > 0) maxScore = 1;
      return { hits: { total: { value: count, relation: 'eq' }, max_score: count > 0 ? maxScore : null, hits: top.slice(from).map((c) => renderHit(c, opts, env.flavor)) } };
    },
  };
}

export function executeCount(env: SearchEnv, body: Record<string, unknown> | undefined, params: SearchParams): number {
  const b = body ?? {};
  if (!isPlainObject(b)) throw parsingException('request body is required', { line: 1, col: 1 });
  for (const [k] of Object.entries(b)) {
    if (k !== 'query') throw parsingException(`request does not support [${k}]`, locate(b, [k]));
  }
  let query: QueryNode | undefined;
  if (b.query !== undefined) query = new QueryParser(b).parse(b.query, ['query']);
  else if (params.q !== undefined) query = urlQuery(params);
  if (!query && !env.aliasFilters?.size) {
    let n = 0;
    for (const ix of env.indices) n += ix.docsCount();
    return n;
  }
  const matched = matchAll(env, query, undefined, undefined, budgetOf(env, requestTimeout(params.timeout)));
  if (matched.failures.length >= env.indices.length && env.indices.length > 0) throw searchPhaseError(matched.failures, 400);
  let n = 0;
  for (const s of matched.segs) n += s.pos.length;
  return n;
}
