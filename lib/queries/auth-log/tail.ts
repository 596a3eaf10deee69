/**
 * The auth log's live tail, like Kibana's Logs "Stream live": a first page of the last 15
 * minutes, newest first, then every poll the events since the cursor, oldest first.
 */
import { asNumber, asString, type Dsl, durationMs, getField, hitsOf, isObject, responseBody, searchRequest, type SearchRequest, type SearchHit } from '../common';
import { compileFilter } from '../filter-language';
import {
  decodeAuthTailCursor,
  type Delivered,
  encodeAuthTailCursor,
  nextCursorState,
  type ShownPosition,
  sortValues,
} from './cursor';
import { type AuthEvent, parseAuthEvent, timeOf } from './events';
import { AUTH_DATASET, AUTH_FIRST_PAGE_LOOKBACK, AUTH_LOG_FIELDS, AUTH_LOG_INDEX, AUTH_TEXT_FIELDS } from './fields';

const F = AUTH_LOG_FIELDS;

export const AUTH_TAIL_DEFAULT_SIZE = 200;
export const AUTH_TAIL_MAX_SIZE = 500;

/** What a stream event is read from (see `parseAuthEvent`). */
export const AUTH_SOURCE_FIELDS = [
  '@timestamp',
  'message',
  'event.original',
  'event.outcome',
  'host.name',
  'host.hostname',
  'process.name',
  'process.pid',
  'user.name',
  'user.id',
  'group.name',
  'group.id',
  'source.ip',
  'source.address',
  'source.port',
  'log.file.path',
  'log.offset',
  // A wildcard, not the object path: Beats' expected documents use dotted keys, which a
  // wildcard include matches on every engine.
  'system.auth.*',
];

/**
 * `@timestamp` alone does not order events: syslog timestamps have whole seconds, so a burst of
 * SSH attempts shares one. The log position breaks ties. `_id` cannot: 8.x refuses to sort on it
 * and 7.6+ can disable it (`indices.id_field_data.enabled`); `_shard_doc` needs a point in time,
 * which would freeze the tail. Journald events have no log position, hence `missing` values, which
 * also keep the sort values plain JSON numbers/strings (the default sentinels are 64-bit longs a
 * JavaScript number cannot carry back in `search_after`).
 */
export function authLogSort(order: 'asc' | 'desc'): Dsl[] {
  return [
    { [F.timestamp]: { order } },
    { [F.filePath]: { order, unmapped_type: 'keyword', missing: '' } },
    { [F.offset]: { order, unmapped_type: 'long', missing: -1 } },
  ];
}

export interface AuthTailParams {
  /** From the previous `parseAuthTail`; absent or unreadable gives the first page. */
  cursor?: string;
  /** Filter box text (KQL subset); throws `FilterSyntaxError`. */
  filter?: string;
  size?: number;
  /** Epoch ms; only the first page uses it (absolute range instead of `now-15m`). */
  now?: number;
}

export interface AuthTail {
  /** New events, newest first. A late event sorts by its own time: merge into the list by `time`. */
  events: AuthEvent[];
  cursor: string;
  /** More new events were waiting than one page holds; poll again right away. */
  more: boolean;
}

/** The `system.auth` dataset and the filter box's text (throws `FilterSyntaxError`). */
export function authFilters(filter: string | undefined): Dsl[] {
  const filters: Dsl[] = [{ term: { [F.dataset]: AUTH_DATASET } }];
  const user = compileFilter(filter, { defaultFields: AUTH_TEXT_FIELDS });
  if (!('match_all' in user)) filters.push(user);
  return filters;
}

/** Events of one host's file up to `offset`, at or before `foldedTo`: shown, by position. */
function shownByPosition([host, file, offset]: ShownPosition, foldedTo: number): Dsl {
  const filter: Dsl[] = [
    { range: { [F.timestamp]: { lte: foldedTo } } },
    { term: { [F.filePath]: file } },
    { range: { [F.offset]: { lte: offset } } },
  ];
  if (host !== null) filter.push({ term: { [F.host]: host } });
  return { bool: { filter } };
}

/**
 * First page (no cursor): the newest `size` events of the last 15 minutes, newest first.
 * Later polls: everything from the cursor's floor (newest shown minus the overlap) upwards, oldest
 * first, minus what was shown there; after a full page the next call continues with
 * `search_after` from its last event.
 */
export function buildAuthTailRequest(params: AuthTailParams = {}): SearchRequest {
  const size = Math.min(Math.max(1, Math.floor(params.size ?? AUTH_TAIL_DEFAULT_SIZE)), AUTH_TAIL_MAX_SIZE);
  const state = decodeAuthTailCursor(params.cursor);
  const filter = authFilters(params.filter);

  if (!state || state.floor === undefined) {
    const since =
      params.now === undefined ? `now-${AUTH_FIRST_PAGE_LOOKBACK}` : params.now - durationMs(AUTH_FIRST_PAGE_LOOKBACK);
    return searchRequest(AUTH_LOG_INDEX, {
      size,
      query: { bool: { filter: [...filter, { range: { [F.timestamp]: { gte: since } } }] } },
      sort: authLogSort('desc'),
      _source: AUTH_SOURCE_FIELDS,
    });
  }

  const mustNot: Dsl[] = [];
  const ids = [...state.seen, ...(state.loose ?? [])].flatMap(([, ...groupIds]) => groupIds);
  if (ids.length > 0) mustNot.push({ ids: { values: ids } });
  if (state.foldedTo !== undefined) {
    for (const position of state.positions ?? []) mustNot.push(shownByPosition(position, state.foldedTo));
  }
  const bool: Dsl = { filter: [...filter, { range: { [F.timestamp]: { gte: state.floor } } }] };
  if (mustNot.length > 0) bool.must_not = mustNot;
  const body: Dsl = { size, query: { bool }, sort: authLogSort('asc'), _source: AUTH_SOURCE_FIELDS };
  if (state.after) body.search_after = state.after;
  return searchRequest(AUTH_LOG_INDEX, body);
}

export interface ParseAuthTailOptions {
  /**
   * Epoch ms, the same as the request's. Lets an empty first page hand over to polling (events of
   * its 15 minutes that turn up later are news), and keeps a host whose clock runs ahead from
   * pushing the floor past everyone else's events. Without it an empty page stays a first page.
   */
  now?: number;
  /** The size the request asked for: a page this full means more are waiting (when `hits.total` cannot tell). */
  size?: number;
}

export function parseAuthTail(response: unknown, previousCursor?: string, options: ParseAuthTailOptions = {}): AuthTail {
  const prev = decodeAuthTailCursor(previousCursor);
  const firstPage = !prev || prev.floor === undefined;
  const seenIds = new Set([...(prev?.seen ?? []), ...(prev?.loose ?? [])].flatMap(([, ...ids]) => ids));

  const hits = hitsOf(response);
  const events: AuthEvent[] = [];
  const delivered: Delivered[] = [];
  for (const hit of hits) {
    // Already shown (should the cluster have ignored must_not) or repeated within the page.
    if (!hit._id || seenIds.has(hit._id)) continue;
    seenIds.add(hit._id);
    events.push(withSort(parseAuthEvent(hit), hit));
    const ms = timeOf(hit);
    if (ms !== undefined) delivered.push({ id: hit._id, ms, position: logPosition(hit) });
  }
  // Polls read oldest first; the panel shows newest first.
  if (!firstPage) events.reverse();

  // `hits.total` counts every match, also those before `search_after`: such a page can only tell
  // by being full.
  const total = prev?.after ? undefined : totalHits(response);
  const pageFull =
    total === undefined ? hits.length >= (options.size ?? AUTH_TAIL_DEFAULT_SIZE) : total > hits.length;

  const state = nextCursorState(prev, delivered, { firstPage, pageFull, now: options.now });
  // Continue a full page by sort position. Without a log position the ids do it: equal sort
  // values would make search_after skip the rest of that millisecond.
  const last = hits.at(-1);
  const lastSort = sortValues(last?.sort);
  if (!firstPage && pageFull && last && lastSort && logPosition(last)) state.after = lastSort;
  // A full first page left older events behind, which are history rather than news.
  return { events, cursor: encodeAuthTailCursor(state), more: pageFull && !firstPage };
}

/** The event with its hit's sort values, when the cluster sent them. */
export function withSort(event: AuthEvent, hit: SearchHit): AuthEvent {
  const sort = sortValues(hit.sort);
  return sort ? { ...event, sort } : event;
}

/** Where the event sits in its host's log file; journald events have no position. */
function logPosition(hit: SearchHit): ShownPosition | null {
  const file = asString(getField(hit._source, F.filePath));
  const offset = asNumber(getField(hit._source, F.offset));
  if (file === undefined || file === '' || offset === undefined) return null;
  return [asString(getField(hit._source, F.host)) ?? null, file, offset];
}

function totalHits(response: unknown): number | undefined {
  const hits = responseBody(response).hits;
  if (!isObject(hits)) return undefined;
  const total = hits.total;
  if (typeof total === 'number') return total;
  if (!isObject(total) || typeof total.value !== 'number') return undefined;
  // `gte`: the count stopped at track_total_hits, so there are at least that many.
  return total.relation === 'gte' ? Number.MAX_SAFE_INTEGER : total.value;
}
