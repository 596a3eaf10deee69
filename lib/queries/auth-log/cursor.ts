/**
 * The auth log tail's cursor: what the browser carries between polls so that each poll brings
 * only events it has not shown, without a point in time (which would freeze the tail) and
 * within a URL's length.
 */
import { durationMs, isObject } from '../common';
import { AUTH_FIRST_PAGE_LOOKBACK } from './fields';

/**
 * Each poll re-reads this far behind the newest event already shown. Filebeat batches events and
 * the index refreshes every second, so an event can become searchable after a later one; 10 s
 * covers that at the workshop's scale without re-reading much.
 */
export const AUTH_TAIL_OVERLAP_MS = 10_000;

/**
 * At most this many `_id`s ride in the cursor (about 30 bytes each once encoded; the cursor
 * travels in the panel's query string, so it must stay well under 8 KB).
 */
export const AUTH_TAIL_MAX_SEEN = 150;

export type SortValues = (string | number)[];

/** `[timestamp, ...ids]`: events already shown at one `@timestamp`. */
export type SeenGroup = [timestamp: number, ...ids: string[]];

/** `[host.name, log.file.path, log.offset]`: the furthest position shown in one host's log file. */
export type ShownPosition = [host: string | null, file: string, offset: number];

/**
 * What the browser carries between polls (base64url JSON). A cursor belongs to one filter: the
 * panel starts again without a cursor when the filter changes.
 *
 * Every event shown with `@timestamp >= floor` is excluded from the next poll, one of two ways:
 * - by `_id` (`seen`, `loose`): exact, whatever order events arrive in;
 * - up to `foldedTo`, by log position (`positions`): when more events than `AUTH_TAIL_MAX_SEEN`
 *   crowd the overlap window, the oldest timestamps give up their ids and are excluded as "this
 *   host's file up to this offset". That holds because Filebeat ships a file's lines in order.
 */
export interface AuthTailCursorState {
  v: 1;
  /** Epoch ms; the next poll reads `@timestamp >= floor`. Absent: the next call is a first page. */
  floor?: number;
  /** Newest `@timestamp` shown. */
  newest?: number;
  /** Shown events that have a log position, by timestamp, all above `foldedTo`. */
  seen: SeenGroup[];
  /** Shown events without a log position (journald input), by timestamp. */
  loose?: SeenGroup[];
  foldedTo?: number;
  positions?: ShownPosition[];
  /** The last page was full: the next call continues right after this event. */
  after?: SortValues;
}

/** Log files remembered at most (a lab host has one or two: auth.log, secure, a rotated one). */
const MAX_POSITIONS = 16;

/** Longest cursor read (it travels in a query string). */
export const AUTH_CURSOR_MAX_LENGTH = 16_000;

/** JSON as base64url: the form both the tail's and the older pages' cursors travel in. */
export function encodeJsonCursor(value: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The JSON of a base64url cursor; `undefined` when it is not one. */
export function decodeJsonCursor(cursor: string | undefined | null): unknown {
  if (!cursor || cursor.length > AUTH_CURSOR_MAX_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  try {
    const binary = atob(cursor.replace(/-/g, '+').replace(/_/g, '/'));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
  } catch {
    return undefined;
  }
}

export function encodeAuthTailCursor(state: AuthTailCursorState): string {
  return encodeJsonCursor(state);
}

export function decodeAuthTailCursor(cursor: string | undefined | null): AuthTailCursorState | null {
  const state = decodeJsonCursor(cursor);
  return isCursorState(state) ? state : null;
}

function isCursorState(value: unknown): value is AuthTailCursorState {
  if (!isObject(value) || value.v !== 1) return false;
  const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);
  const optionalFinite = (n: unknown) => n === undefined || finite(n);
  const groups = (list: unknown): list is SeenGroup[] =>
    Array.isArray(list) &&
    list.every((g) => Array.isArray(g) && finite(g[0]) && g.length > 1 && g.slice(1).every((id) => typeof id === 'string'));
  const positions = (list: unknown): list is ShownPosition[] =>
    Array.isArray(list) &&
    list.length <= MAX_POSITIONS &&
    list.every((p) => Array.isArray(p) && p.length === 3 && (p[0] === null || typeof p[0] === 'string') && typeof p[1] === 'string' && finite(p[2]));
  if (!optionalFinite(value.floor) || !optionalFinite(value.newest) || !optionalFinite(value.foldedTo)) return false;
  if (!groups(value.seen) || (value.loose !== undefined && !groups(value.loose))) return false;
  if (value.positions !== undefined && !positions(value.positions)) return false;
  if (value.after !== undefined && !(Array.isArray(value.after) && value.after.every(isSortValue))) return false;
  const ids = [...value.seen, ...(value.loose ?? [])].reduce((n, g) => n + g.length - 1, 0);
  return ids <= AUTH_TAIL_MAX_SEEN;
}

export function isSortValue(x: unknown): x is string | number {
  return typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x));
}

/** One event a page delivered, as the cursor remembers it. */
export interface Delivered {
  id: string;
  ms: number;
  position: ShownPosition | null;
}

/** The cursor after a page: floor, what was shown above it, and where a full page stopped (set by the caller). */
export function nextCursorState(
  prev: AuthTailCursorState | null,
  delivered: Delivered[],
  ctx: { firstPage: boolean; pageFull: boolean; now: number | undefined },
): AuthTailCursorState {
  let newest = prev?.newest;
  for (const d of delivered) newest = newest === undefined ? d.ms : Math.max(newest, d.ms);
  if (newest === undefined) {
    // Nothing shown yet: whatever turns up from the first page's window on is news.
    const floor = prev?.floor ?? (ctx.now === undefined ? undefined : ctx.now - durationMs(AUTH_FIRST_PAGE_LOOKBACK));
    return floor === undefined ? { v: 1, seen: [] } : { v: 1, floor, seen: [] };
  }

  const reference = ctx.now === undefined ? newest : Math.min(newest, ctx.now);
  let floor = Math.max(prev?.floor ?? -Infinity, reference - AUTH_TAIL_OVERLAP_MS);
  // A full first page stopped at its oldest event; older ones were never shown and are not news.
  if (ctx.firstPage && ctx.pageFull && delivered.length > 0) {
    floor = Math.max(floor, Math.min(...delivered.map((d) => d.ms)));
  }
  let foldedTo = prev?.foldedTo;

  const positions = new Map<string, ShownPosition>();
  for (const p of prev?.positions ?? []) positions.set(JSON.stringify([p[0], p[1]]), p);
  const seen = groupsMap(prev?.seen);
  const loose = groupsMap(prev?.loose);
  for (const d of delivered) {
    if (d.position) {
      const key = JSON.stringify([d.position[0], d.position[1]]);
      const known = positions.get(key);
      if (!known || known[2] < d.position[2]) positions.set(key, d.position);
      // At or before foldedTo the position already excludes it.
      if (foldedTo === undefined || d.ms > foldedTo) addTo(seen, d.ms, d.id);
    } else {
      addTo(loose, d.ms, d.id);
    }
  }

  const dropBelowFloor = () => {
    for (const map of [seen, loose]) for (const ms of map.keys()) if (ms < floor) map.delete(ms);
    if (foldedTo !== undefined && foldedTo < floor) foldedTo = undefined;
  };
  dropBelowFloor();

  if (positions.size > MAX_POSITIONS) {
    // More log files than a lab host has: carry none rather than trust a partial list; everything
    // up to the newest event counts as shown.
    floor = newest + 1;
    positions.clear();
    foldedTo = undefined;
    dropBelowFloor();
  }

  // Too many ids for the cursor: fold the oldest timestamps of positioned events into positions;
  // then give up the oldest unpositioned ones, raising the floor past them (the documented loss).
  const count = () => [...seen.values(), ...loose.values()].reduce((n, ids) => n + ids.length, 0);
  while (count() > AUTH_TAIL_MAX_SEEN) {
    if (seen.size > 0) {
      const oldest = Math.min(...seen.keys());
      seen.delete(oldest);
      foldedTo = Math.max(foldedTo ?? -Infinity, oldest);
    } else {
      floor = Math.min(...loose.keys()) + 1;
      dropBelowFloor();
    }
  }

  const state: AuthTailCursorState = { v: 1, floor, newest, seen: groupsList(seen) };
  if (loose.size > 0) state.loose = groupsList(loose);
  if (foldedTo !== undefined) state.foldedTo = foldedTo;
  if (positions.size > 0) state.positions = [...positions.values()];
  return state;
}

function groupsMap(groups: SeenGroup[] | undefined): Map<number, string[]> {
  return new Map((groups ?? []).map(([ms, ...ids]) => [ms, ids]));
}

function addTo(groups: Map<number, string[]>, ms: number, id: string): void {
  const ids = groups.get(ms);
  if (ids) ids.push(id);
  else groups.set(ms, [id]);
}

function groupsList(groups: Map<number, string[]>): SeenGroup[] {
  return [...groups.entries()]
    .filter(([, ids]) => ids.length > 0)
    .sort((a, b) => a[0] - b[0])
    .map(([ms, ids]) => [ms, ...ids] as SeenGroup);
}

export function sortValues(sort: unknown[] | undefined): SortValues | undefined {
  return Array.isArray(sort) && sort.every(isSortValue) ? (sort as SortValues) : undefined;
}

