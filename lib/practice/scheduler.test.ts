import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock';
import { Scheduler, type Tickable } from './scheduler';

/** A member whose tick holds the thread for `busyMs`. */
function member(name: string, busyMs: number, log: string[], active = true): Tickable {
  return {
    name,
    active,
    tick() {
      const until = performance.now() + busyMs;
      while (performance.now() < until);
      log.push(name);
    },
  };
}

describe('Scheduler', () => {
  it('a live round lets the event loop turn between slices, and ticks every active member once', async () => {
    const log: string[] = [];
    const scheduler = new Scheduler(new ManualClock(0), 1_000, () => {}, 10);
    for (let i = 0; i < 20; i += 1) scheduler.add(member(`m${i}`, 3, log));
    scheduler.add(member('idle', 0, log, false));
    // Something the loop runs between slices (a request would be answered here).
    const between: number[] = [];
    const ticker = setInterval(() => between.push(log.length), 0);
    await scheduler.runRound();
    clearInterval(ticker);
    expect(log).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
    expect(between.some((count) => count > 0 && count < 20)).toBe(true);
    // 20 × 3 ms in one go would be 60 ms; a slice ends after ~10 ms (one member may overrun it).
    expect(scheduler.longestSliceMs).toBeLessThan(40);
  });

  it('does not run two rounds at once, and leaves out a member removed during the round', async () => {
    const log: string[] = [];
    const scheduler = new Scheduler(new ManualClock(0), 1_000, () => {}, 1);
    const members = Array.from({ length: 5 }, (_, i) => member(`m${i}`, 2, log));
    for (const m of members) scheduler.add(m);
    const first = scheduler.runRound();
    expect(scheduler.runRound()).toBe(first);
    scheduler.remove(members[4]!);
    await first;
    expect(log).toEqual(['m0', 'm1', 'm2', 'm3']);
  });

  it('a failing member is reported and the others still tick; tickAll ticks at once with the given time', async () => {
    const failures: string[] = [];
    const seen: number[] = [];
    const scheduler = new Scheduler(new ManualClock(42), 1_000, (_error, m) => failures.push(m.name));
    scheduler.add({ name: 'broken', tick: () => { throw new Error('boom'); } });
    scheduler.add({ name: 'fine', tick: (now) => void seen.push(now) });
    await scheduler.runRound();
    scheduler.tickAll(7);
    expect(failures).toEqual(['broken', 'broken']);
    expect(seen).toEqual([42, 7]);
  });
});
