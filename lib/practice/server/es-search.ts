import { EsError } from '../engine/api';
import { INDEX_ACTIONS } from '../security';
import { authorizeTarget } from './authz';
import type { EsContext, EsHandler, EsReply } from './context';
import { errorBody, ndjsonLines, parseJsonObject } from './http-utils';
import { searchParams } from './params';
import type { Router } from './router';

/** `_search`, `_count`, `_msearch`, scrolls and points in time. */

function engine(ctx: EsContext) {
  return ctx.deployment.engine;
}

function searchBody(ctx: EsContext): Record<string, unknown> | undefined {
  const body = parseJsonObject(ctx.body);
  if (body !== undefined) return body;
  const source = ctx.query.get('source');
  return source === null ? undefined : parseJsonObject(Buffer.from(source));
}

function rejectUnsupported(ctx: EsContext): void {
  // RestSearchAction refuses the two *_and_fetch types by name; SearchType.fromString anything else unknown.
  const searchType = ctx.query.get('search_type');
  if (searchType === 'query_and_fetch' || searchType === 'dfs_query_and_fetch') throw new EsError(400, 'illegal_argument_exception', `Unsupported search type [${searchType}]`);
  if (searchType !== null) checkSearchType(searchType);
}

/** `SearchType.fromString`: only the two query-then-fetch types exist. */
function checkSearchType(value: unknown): void {
  if (value === null || value === undefined || value === 'query_then_fetch' || value === 'dfs_query_then_fetch') return;
  throw new EsError(400, 'illegal_argument_exception', `No search type for [${String(value)}]`);
}

/** The keys `_msearch` accepts in a header line (MultiSearchRequest.readMultiLineFormat). */
const MSEARCH_HEADER_KEYS = new Set(['index', 'indices', 'type', 'types', 'search_type', 'ccs_minimize_roundtrips', 'request_cache', 'preference', 'routing', 'allow_partial_search_results', 'expand_wildcards', 'ignore_unavailable', 'allow_no_indices', 'ignore_throttled']);

/**
 * `rest_total_hits_as_int` (RestSearchAction.checkRestTotalHits) needs accurate totals: a search
 * that tracks them only up to a number is refused, for `_msearch` as a whole.
 */
function checkTotalHitsAsInt(body: Record<string, unknown> | undefined): void {
  const track = body?.track_total_hits;
  if (typeof track === 'number' && track !== -1 && Number.isInteger(track) && track >= 0) {
    throw new EsError(400, 'illegal_argument_exception', `[rest_total_hits_as_int] cannot be used if the tracking of total hits is not accurate, got ${track}`);
  }
}

/** Whose scroll or point in time a request may use: ES ties them to the authenticated user or API key. */
export function contextOwner(ctx: EsContext): string {
  return ctx.principal.kind === 'api_key' ? `api_key:${ctx.principal.key.id}` : `user:${ctx.principal.username}`;
}

export function search(ctx: EsContext): EsReply {
  rejectUnsupported(ctx);
  const params = searchParams(ctx.query);
  const body = searchBody(ctx);
  const scroll = ctx.query.get('scroll');
  if (scroll !== null) params.scroll = scroll;
  params.owner = contextOwner(ctx);
  // A point-in-time search names no index: the point in time has them, authorised when it was opened.
  const target = body?.pit !== undefined && ctx.params.index === undefined ? undefined : authorizeTarget(ctx, ctx.params.index, INDEX_ACTIONS.search, params.expandWildcards);
  return { body: engine(ctx).search(target, body, params) };
}

/** `_search/scroll`: the scroll id and keep-alive from the body, the URL path or the query string. */
export function scroll(ctx: EsContext): EsReply {
  const body = parseJsonObject(ctx.body) ?? {};
  const scrollId = ctx.params.scroll_id ?? (typeof body.scroll_id === 'string' ? body.scroll_id : undefined) ?? ctx.query.get('scroll_id') ?? '';
  const keepAlive = typeof body.scroll === 'string' ? body.scroll : ctx.query.get('scroll') ?? undefined;
  const asInt = searchParams(ctx.query).restTotalHitsAsInt === true;
  return { body: engine(ctx).scroll(scrollId, { scroll: keepAlive, restTotalHitsAsInt: asInt, owner: contextOwner(ctx) }) };
}

export function clearScroll(ctx: EsContext): EsReply {
  const body = parseJsonObject(ctx.body) ?? {};
  const given = ctx.params.scroll_id ?? body.scroll_id ?? ctx.query.get('scroll_id') ?? undefined;
  const ids = (Array.isArray(given) ? given.map(String) : typeof given === 'string' ? given.split(',') : []).filter((id) => id !== '');
  if (ids.length === 0) throw new EsError(400, 'action_request_validation_exception', 'Validation Failed: 1: no scroll ids specified;');
  const result = engine(ctx).clearScroll(ids.includes('_all') ? '_all' : ids, contextOwner(ctx));
  return { status: result.status, body: result.body };
}

export function openPointInTime(ctx: EsContext): EsReply {
  const params = searchParams(ctx.query);
  const target = authorizeTarget(ctx, ctx.params.index, INDEX_ACTIONS.search, params.expandWildcards);
  const opts: Parameters<ReturnType<typeof engine>['openPointInTime']>[1] = { owner: contextOwner(ctx) };
  const keepAlive = ctx.query.get('keep_alive');
  if (keepAlive !== null) opts.keepAlive = keepAlive;
  if (params.ignoreUnavailable !== undefined) opts.ignoreUnavailable = params.ignoreUnavailable;
  if (params.allowNoIndices !== undefined) opts.allowNoIndices = params.allowNoIndices;
  if (params.expandWildcards !== undefined) opts.expandWildcards = params.expandWildcards;
  return { body: engine(ctx).openPointInTime(target ?? '_all', opts) };
}

export function closePointInTime(ctx: EsContext): EsReply {
  const body = parseJsonObject(ctx.body);
  if (!body || typeof body.id !== 'string') throw new EsError(400, 'action_request_validation_exception', 'Validation Failed: 1: point in time id is missing;');
  const result = engine(ctx).closePointInTime(body.id, contextOwner(ctx));
  return { status: result.status, body: result.body };
}

export function count(ctx: EsContext): EsReply {
  const params = searchParams(ctx.query);
  const body = searchBody(ctx);
  const target = authorizeTarget(ctx, ctx.params.index, INDEX_ACTIONS.search, params.expandWildcards);
  return { body: engine(ctx).count(target, body, params) };
}

export function msearch(ctx: EsContext): EsReply {
  const lines = ndjsonLines(ctx.body);
  const params = searchParams(ctx.query);
  const requests: { header: Record<string, unknown>; body: Record<string, unknown> }[] = [];
  for (let i = 0; i < lines.length; i += 2) {
    const headerLine = (lines[i] as string).trim();
    const bodyLine = lines[i + 1];
    if (bodyLine === undefined) throw new EsError(400, 'illegal_argument_exception', 'The msearch request must be terminated by a newline [\\n]');
    const raw = headerLine === '' ? {} : parseJsonObject(Buffer.from(headerLine)) ?? {};
    const { indices, ...rest } = raw;
    const header = indices !== undefined && rest.index === undefined ? { ...rest, index: indices } : raw;
    for (const key of Object.keys(raw)) {
      if (!MSEARCH_HEADER_KEYS.has(key)) throw new EsError(400, 'illegal_argument_exception', `key [${key}] is not supported in the metadata section`);
    }
    checkSearchType(header.search_type ?? ctx.query.get('search_type'));
    const body = parseJsonObject(Buffer.from(bodyLine)) ?? {};
    if (params.restTotalHitsAsInt) checkTotalHitsAsInt(body);
    requests.push({ header, body });
  }
  if (requests.length === 0) throw new EsError(400, 'action_request_validation_exception', 'Validation Failed: 1: no requests added;');
  const responses: (Record<string, unknown> | null)[] = [];
  const forEngine: typeof requests = [];
  const slots: number[] = [];
  for (const request of requests) {
    const headerIndex = request.header.index;
    const target = Array.isArray(headerIndex) ? headerIndex.join(',') : typeof headerIndex === 'string' ? headerIndex : ctx.params.index;
    try {
      const authorised = authorizeTarget(ctx, target, INDEX_ACTIONS.search, typeof request.header.expand_wildcards === 'string' ? request.header.expand_wildcards : params.expandWildcards);
      slots.push(responses.length);
      responses.push(null);
      forEngine.push(authorised === target ? request : { header: { ...request.header, index: authorised }, body: request.body });
    } catch (error) {
      if (!(error instanceof EsError)) throw error;
      responses.push(errorBody(error));
    }
  }
  let took = 0;
  if (forEngine.length > 0) {
    const result = engine(ctx).msearch(forEngine, { ...params, owner: contextOwner(ctx), defaultIndex: ctx.params.index });
    took = result.took;
    result.responses.forEach((r, i) => {
      const slot = slots[i];
      if (slot !== undefined) responses[slot] = r;
    });
  }
  return { body: { took, responses } };
}

export function searchRoutes(r: Router<EsHandler>): void {
  const GET_POST = ['GET', 'POST'];
  r.add(GET_POST, '/_search', search);
  r.add(GET_POST, '/{index}/_search', search);
  r.add(GET_POST, '/_count', count);
  r.add(GET_POST, '/{index}/_count', count);
  r.add(GET_POST, '/_msearch', msearch);
  r.add(GET_POST, '/{index}/_msearch', msearch);
  r.add(GET_POST, '/_search/scroll', scroll);
  r.add(GET_POST, '/_search/scroll/{scroll_id}', scroll);
  r.add('DELETE', '/_search/scroll', clearScroll);
  r.add('DELETE', '/_search/scroll/{scroll_id}', clearScroll);
  r.add('POST', '/{index}/_pit', openPointInTime);
  r.add('DELETE', '/_pit', closePointInTime);
}
