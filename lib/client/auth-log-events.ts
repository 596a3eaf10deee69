import type { AuthEvent } from '@/lib/panels/auth-log.contract';

/**
 * How many events the stream keeps in the browser. A brute-force burst can bring thousands; the
 * list is windowed, but memory and the merge below should not grow with the burst.
 */
export const MAX_HELD_EVENTS = 2_000;

/**
 * Adds a page of new events to those shown, newest first. A poll can bring an event older than
 * some already shown (it became searchable late), so the result is ordered by time; events with
 * the same time keep the order they came in (the sort is stable). Ids already held are skipped.
 * Returns `held` itself when nothing is new, so React can skip the render.
 */
export function mergeEvents(held: readonly AuthEvent[], incoming: readonly AuthEvent[], max = MAX_HELD_EVENTS): readonly AuthEvent[] {
  if (incoming.length === 0) return held;
  const ids = new Set(held.map((event) => event.id));
  const fresh: AuthEvent[] = [];
  for (const event of incoming) {
    if (ids.has(event.id)) continue;
    ids.add(event.id);
    fresh.push(event);
  }
  if (fresh.length === 0) return held;
  const merged = [...fresh, ...held];
  // ISO 8601 UTC strings of one format order like the instants they name.
  merged.sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0));
  return merged.length > max ? merged.slice(0, max) : merged;
}

/**
 * Adds a page of older events (newest first) below those shown. Events of one second keep the
 * shown ones first; ids already held are skipped. At `max` the oldest go, as with `mergeEvents`:
 * the next older page then starts from the oldest still held, so nothing is passed over.
 */
export function appendOlder(held: readonly AuthEvent[], older: readonly AuthEvent[], max = MAX_HELD_EVENTS): readonly AuthEvent[] {
  const ids = new Set(held.map((event) => event.id));
  const fresh = older.filter((event) => !ids.has(event.id) && ids.add(event.id));
  if (fresh.length === 0) return held;
  const merged = [...held, ...fresh];
  merged.sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0));
  return merged.length > max ? merged.slice(0, max) : merged;
}
