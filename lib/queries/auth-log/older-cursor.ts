/**
 * Where the auth log's next older page starts, worked out in the browser from the events it holds:
 * the live tail and the history never share a cursor, and whatever the bounded list has dropped
 * is simply read again. Client-safe (the request itself is built in `older.ts`).
 */
import { decodeJsonCursor, encodeJsonCursor } from './cursor';
import type { AuthEvent } from './events';

export const AUTH_OLDER_PAGE_SIZE = 200;

/**
 * Events shown with exactly the oldest sort values whose ids ride along. Beyond this many (only
 * events without a log position, more than this in one millisecond) the next page starts strictly
 * after them, passing over the rest of that millisecond rather than reading the same page again.
 */
export const AUTH_OLDER_MAX_TIED = 100;

/** `[@timestamp ms, log.file.path or '', log.offset or -1]`, as `authLogSort` returns them. */
export type AuthSortKey = [ms: number, file: string, offset: number];

/**
 * Where the next older page starts: every event sorting before `sort` (descending), plus those
 * sorting exactly at `sort` except `ids` (shown already). Without `ids`, strictly before `sort`.
 */
export interface AuthOlderCursorState {
  v: 1;
  sort: AuthSortKey;
  ids?: string[];
}

function isSortKey(value: unknown): value is AuthSortKey {
  return (
    Array.isArray(value) &&
    value.length === 3 &&
    typeof value[0] === 'number' &&
    Number.isFinite(value[0]) &&
    typeof value[1] === 'string' &&
    Number.isSafeInteger(value[2])
  );
}

export function encodeAuthOlderCursor(state: AuthOlderCursorState): string {
  return encodeJsonCursor(state);
}

export function decodeAuthOlderCursor(cursor: string | undefined | null): AuthOlderCursorState | null {
  const state = decodeJsonCursor(cursor);
  if (typeof state !== 'object' || state === null) return null;
  const { v, sort, ids } = state as Record<string, unknown>;
  if (v !== 1 || !isSortKey(sort)) return null;
  if (ids === undefined) return { v, sort };
  if (!Array.isArray(ids) || ids.length > AUTH_OLDER_MAX_TIED || !ids.every((id) => typeof id === 'string' && id !== '')) return null;
  return { v, sort, ids };
}

/** The event's place in the sort; an event from a reader that sent no sort values counts as unpositioned. */
function sortKeyOf(event: AuthEvent): AuthSortKey | null {
  if (event.sort) return isSortKey(event.sort) ? event.sort : null;
  const ms = Date.parse(event.time);
  return Number.isFinite(ms) ? [ms, '', -1] : null;
}

/**
 * Descending order of `authLogSort`. Strings compare by UTF-16 code units where Elasticsearch
 * compares keyword bytes; the two agree for the ASCII paths of log files.
 */
export function compareSortKeys(a: AuthSortKey, b: AuthSortKey): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return a[2] === b[2] ? 0 : a[2] < b[2] ? -1 : 1;
}

/**
 * The cursor of the page before the oldest of `events` (in any order), or, with none, before
 * `until` (epoch ms: the live tail's floor, from where it delivers everything). `null`: nowhere
 * to start from.
 */
export function olderCursorOf(events: readonly AuthEvent[], until?: number): string | null {
  let oldest: AuthSortKey | null = null;
  for (const event of events) {
    const key = sortKeyOf(event);
    if (key && (oldest === null || compareSortKeys(key, oldest) < 0)) oldest = key;
  }
  if (oldest === null) {
    // Strictly before `until`: [until, '', -1] is the least key of that millisecond.
    return until === undefined || !Number.isFinite(until) ? null : encodeAuthOlderCursor({ v: 1, sort: [Math.floor(until), '', -1] });
  }
  const at = oldest;
  const tied = events.filter((event) => {
    const key = sortKeyOf(event);
    return key !== null && compareSortKeys(key, at) === 0;
  });
  if (tied.length > AUTH_OLDER_MAX_TIED) return encodeAuthOlderCursor({ v: 1, sort: at });
  return encodeAuthOlderCursor({ v: 1, sort: at, ids: tied.map((event) => event.id) });
}
