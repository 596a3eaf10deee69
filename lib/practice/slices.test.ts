import { describe, expect, it } from 'vitest';
import { inSlices } from './slices';

const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe('inSlices', () => {
  it('works through every item in order, letting the event loop turn between slices', async () => {
    const done: number[] = [];
    const seenBetween: number[] = [];
    const ticker = setInterval(() => seenBetween.push(done.length), 0);
    const longest = await inSlices(
      Array.from({ length: 30 }, (_, i) => i),
      (i) => {
        busy(2);
        done.push(i);
      },
      8,
    );
    clearInterval(ticker);
    expect(done).toEqual(Array.from({ length: 30 }, (_, i) => i));
    // Other work ran while the items were half done: 30 × 2 ms did not hold the thread at once.
    expect(seenBetween.some((count) => count > 0 && count < 30)).toBe(true);
    expect(longest).toBeGreaterThanOrEqual(8);
    expect(longest).toBeLessThan(30);
  });

  it('an empty list, or quick items, finish in one slice', async () => {
    expect(await inSlices([], () => busy(1), 5)).toBeLessThan(5);
    const seen: string[] = [];
    await inSlices(['a', 'b'], (item) => void seen.push(item), 50);
    expect(seen).toEqual(['a', 'b']);
  });
});
