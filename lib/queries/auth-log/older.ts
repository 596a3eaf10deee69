/**
 * Older auth events, like scrolling back in Kibana's Logs stream: the page just before the oldest
 * event shown, newest first, with `search_after` on the tail's own sort (`authLogSort`) read in
 * descending order. Where to start comes from the browser (`olderCursorOf` in `older-cursor.ts`).
 */
import { hitsOf, searchRequest, type SearchRequest } from '../common';
import type { SortValues } from './cursor';
import { type AuthEvent, parseAuthEvent } from './events';
import { AUTH_LOG_INDEX } from './fields';
import { AUTH_OLDER_PAGE_SIZE, type AuthOlderCursorState } from './older-cursor';
import { AUTH_SOURCE_FIELDS, authFilters, authLogSort, withSort } from './tail';

export interface AuthOlderParams {
  before: AuthOlderCursorState;
  /** Filter box text (KQL subset), the same as the stream's; throws `FilterSyntaxError`. */
  filter?: string;
  size?: number;
}

export interface AuthOlderPage {
  /** Older than every event the cursor was made from, newest first. */
  events: AuthEvent[];
  /** The page was full: older events may remain. `false`: nothing older matches. */
  more: boolean;
}

function pageSize(size: number | undefined): number {
  return Math.min(Math.max(1, Math.floor(size ?? AUTH_OLDER_PAGE_SIZE)), AUTH_OLDER_PAGE_SIZE);
}

/**
 * The page before the cursor, newest first. `search_after` alone would pass over events that sort
 * exactly like the oldest shown (two hosts' files at one offset, journald events in one
 * millisecond), so with `ids` it starts one offset later, which takes in that key, and leaves the
 * shown ones out by id. Offsets are whole numbers, so nothing else comes in.
 */
export function buildAuthOlderRequest(params: AuthOlderParams): SearchRequest {
  const size = pageSize(params.size);
  const { sort, ids } = params.before;
  const bool: Record<string, unknown> = { filter: authFilters(params.filter) };
  let after: SortValues = sort;
  if (ids && ids.length > 0) {
    after = [sort[0], sort[1], sort[2] + 1];
    bool.must_not = [{ ids: { values: ids } }];
  }
  return searchRequest(AUTH_LOG_INDEX, {
    size,
    query: { bool },
    sort: authLogSort('desc'),
    search_after: after,
    _source: AUTH_SOURCE_FIELDS,
    // Only the page matters; `hits.total` would count the newer events too.
    track_total_hits: false,
  });
}

export function parseAuthOlder(response: unknown, params: AuthOlderParams): AuthOlderPage {
  const size = pageSize(params.size);
  const shown = new Set(params.before.ids ?? []);
  const hits = hitsOf(response);
  const events: AuthEvent[] = [];
  for (const hit of hits) {
    // Shown already (should the cluster have ignored must_not) or repeated within the page.
    if (!hit._id || shown.has(hit._id)) continue;
    shown.add(hit._id);
    events.push(withSort(parseAuthEvent(hit), hit));
  }
  return { events, more: hits.length >= size };
}
