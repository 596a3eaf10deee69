import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeVisibility } from '../testing/page-visibility';
import { PageScheduler, type ScheduledReader } from './page-scheduler';

interface Log {
  /** `[ms since start, key]` for every read started. */
  reads: [number, string][];
}

/** A reader that reports its reads back to the scheduler, answering after `latencyMs` (ok unless `fail`). */
function reader(scheduler: PageScheduler, key: string, log: Log, options: { intervalMs: number | (() => number); paused?: () => boolean; latencyMs?: number; fail?: () => boolean }): ScheduledReader {
  const start = Date.now();
  return {
    intervalMs: () => (typeof options.intervalMs === 'function' ? options.intervalMs() : options.intervalMs),
    paused: options.paused ?? (() => false),
    read() {
      log.reads.push([Date.now() - start, key]);
      scheduler.started(key);
      setTimeout(() => scheduler.settled(key, !(options.fail?.() ?? false)), options.latencyMs ?? 50);
    },
  };
}

/** Reads grouped by the instant they started: each group is one request of the page channel. */
function batches(log: Log): Map<number, string[]> {
  const groups = new Map<number, string[]>();
  for (const [at, key] of log.reads) groups.set(at, [...(groups.get(at) ?? []), key]);
  return groups;
}

describe('PageScheduler', () => {
  let visibility: ReturnType<typeof fakeVisibility>;
  let scheduler: PageScheduler;
  let log: Log;

  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-05-01T09:00:00Z'));
    visibility = fakeVisibility();
    scheduler = new PageScheduler({ visibility });
    log = { reads: [] };
  });

  afterEach(() => {
    scheduler.dispose();
    vi.useRealTimers();
  });

  it('reads every panel of a page on one beat: the reads due at a tick start together', async () => {
    for (const key of ['cluster', 'checkpoints', 'host-metrics']) scheduler.add(key, reader(scheduler, key, log, { intervalMs: 5_000 }));
    expect(scheduler.beatMs()).toBe(5_000);
    await vi.advanceTimersByTimeAsync(30_000);
    const groups = batches(log);
    // Never read yet: all at the first tick, then every 5 s, always the three together.
    expect([...groups.keys()]).toEqual([5_000, 10_000, 15_000, 20_000, 25_000, 30_000]);
    for (const keys of groups.values()) expect(keys.sort()).toEqual(['checkpoints', 'cluster', 'host-metrics']);
  });

  it('beats at the shortest interval; a 5 s panel beside the 3 s auth log waits for the next tick (every 6 s)', async () => {
    scheduler.add('auth-log', reader(scheduler, 'auth-log', log, { intervalMs: 3_000 }));
    scheduler.add('summary', reader(scheduler, 'summary', log, { intervalMs: 5_000 }));
    expect(scheduler.beatMs()).toBe(3_000);
    await vi.advanceTimersByTimeAsync(18_000);
    const groups = batches(log);
    expect([...groups.keys()]).toEqual([3_000, 6_000, 9_000, 12_000, 15_000, 18_000]);
    expect(log.reads.filter(([, key]) => key === 'summary').map(([at]) => at)).toEqual([3_000, 9_000, 15_000]);
    // One request per tick: 6 requests for 9 reads (separate polls would have been 9).
    expect(groups.size).toBe(6);
  });

  it('counts a read started elsewhere (a mount, "refresh every panel") and reads again an interval after it', async () => {
    scheduler.add('cluster', reader(scheduler, 'cluster', log, { intervalMs: 5_000 }));
    const other = reader(scheduler, 'host-metrics', log, { intervalMs: 5_000 });
    scheduler.add('host-metrics', other);
    await vi.advanceTimersByTimeAsync(1_000);
    other.read(); // e.g. SWR's first read on mount
    await vi.advanceTimersByTimeAsync(14_000);
    // host-metrics: read at 1 s, so not due at the 5 s tick (4 s later), then at 10 s and 15 s.
    expect(log.reads.filter(([, key]) => key === 'host-metrics').map(([at]) => at)).toEqual([1_000, 10_000, 15_000]);
  });

  it('a first read that starts before its component adds the key (SWR on mount) counts: no second read at the next tick', async () => {
    scheduler.add('cluster', reader(scheduler, 'cluster', log, { intervalMs: 5_000 }));
    const late = reader(scheduler, 'host-metrics', log, { intervalMs: 5_000 });
    await vi.advanceTimersByTimeAsync(1_000);
    late.read();
    scheduler.add('host-metrics', late);
    await vi.advanceTimersByTimeAsync(9_000);
    expect(log.reads.filter(([, key]) => key === 'host-metrics').map(([at]) => at)).toEqual([1_000, 10_000]);
  });

  it('does not start a key again while its read runs', async () => {
    scheduler.add('slow', reader(scheduler, 'slow', log, { intervalMs: 1_000, latencyMs: 2_500 }));
    await vi.advanceTimersByTimeAsync(10_000);
    const times = log.reads.map(([at]) => at);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(2_500);
    expect(times.length).toBeGreaterThan(2);
  });

  it('waits longer after each failure, and reads at the interval again after a success', async () => {
    let failing = true;
    scheduler.add('broken', reader(scheduler, 'broken', log, { intervalMs: 1_000, fail: () => failing }));
    await vi.advanceTimersByTimeAsync(40_000);
    const times = log.reads.map(([at]) => at);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    // 5 s (at least), then 10 s, then 20 s.
    expect(gaps).toEqual([5_000, 10_000, 20_000]);
    failing = false;
    await vi.advanceTimersByTimeAsync(40_000);
    const after = log.reads.map(([at]) => at).filter((at) => at > 40_000);
    expect(after.slice(1).map((t, i) => t - after[i]!).every((gap) => gap === 1_000)).toBe(true);
  });

  it('a paused panel and a finished read (interval 0) are left out; resumed, the panel is read at once and then on the beat', async () => {
    let paused = false;
    let done = false;
    scheduler.add('tail', reader(scheduler, 'tail', log, { intervalMs: 5_000, paused: () => paused }));
    scheduler.add('checkpoints', reader(scheduler, 'checkpoints', log, { intervalMs: () => (done ? 0 : 5_000) }));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(log.reads.map(([, key]) => key).sort()).toEqual(['checkpoints', 'tail']);
    paused = true;
    done = true;
    scheduler.changed();
    log.reads = [];
    await vi.advanceTimersByTimeAsync(30_000);
    expect(log.reads).toEqual([]);
    expect(scheduler.beatMs()).toBeNull();
    paused = false;
    scheduler.changed();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(log.reads).toEqual([
      [35_000, 'tail'],
      [40_000, 'tail'],
      [45_000, 'tail'],
    ]);
  });

  it('a hidden page reads nothing; shown again, everything overdue is read at once in one go', async () => {
    for (const key of ['cluster', 'checkpoints', 'tail']) scheduler.add(key, reader(scheduler, key, log, { intervalMs: key === 'tail' ? 3_000 : 5_000 }));
    await vi.advanceTimersByTimeAsync(6_000);
    const before = log.reads.length;
    visibility.set(true);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(log.reads.length).toBe(before);
    visibility.set(false);
    // At once, before any timer: one batch with every key.
    const shownAt = log.reads.length;
    expect(log.reads.slice(shownAt - 3).map(([, key]) => key).sort()).toEqual(['checkpoints', 'cluster', 'tail']);
    expect(new Set(log.reads.slice(shownAt - 3).map(([at]) => at)).size).toBe(1);
    expect(shownAt).toBe(before + 3);
    // Then the beat goes on from the moment it was shown.
    await vi.advanceTimersByTimeAsync(3_000);
    expect(log.reads.length).toBe(shownAt + 1);
  });

  it('one key read by several components is read once, at the shortest of their intervals; it leaves the beat with the last', async () => {
    const a = scheduler.add('cluster', reader(scheduler, 'cluster', log, { intervalMs: 5_000 }));
    const b = scheduler.add('cluster', reader(scheduler, 'cluster', log, { intervalMs: 2_000 }));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(log.reads.map(([at]) => at)).toEqual([2_000, 4_000, 6_000, 8_000, 10_000]);
    b();
    expect(scheduler.beatMs()).toBe(5_000);
    a();
    expect(scheduler.beatMs()).toBeNull();
    log.reads = [];
    await vi.advanceTimersByTimeAsync(20_000);
    expect(log.reads).toEqual([]);
  });
});
