/**
 * Runs `work` on each item in slices of about `sliceMs`, letting the event loop turn between
 * slices (`setImmediate`: after the sockets that are ready have been served). The practice
 * cluster's once-a-second rounds over every deployment (the features' ticks, the journal's
 * flush) then hold its thread for one slice at a time, not for the whole round: with a class of
 * 500 deployments a request arriving meanwhile waited for all of them. Resolves to the longest
 * stretch the thread was held (one item can overrun a slice).
 */
export async function inSlices<T>(items: Iterable<T>, work: (item: T) => void, sliceMs: number): Promise<number> {
  let longest = 0;
  let sliceStarted = performance.now();
  for (const item of items) {
    work(item);
    const held = performance.now() - sliceStarted;
    if (held >= sliceMs) {
      longest = Math.max(longest, held);
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStarted = performance.now();
    }
  }
  return Math.max(longest, performance.now() - sliceStarted);
}
