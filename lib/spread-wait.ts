/**
 * A wait of `ms` up to twice `ms`, drawn anew each time. A class does everything together: its
 * pages open in the same seconds, so anything timed from a page's first request (a cache's
 * expiry, a periodic write) would fall due for everyone in the same seconds too, again and again.
 */
export function spreadWait(ms: number, random: () => number = Math.random): number {
  return ms + Math.floor(random() * ms);
}
