import { describe, expect, it, vi } from 'vitest';
import { AppError } from '../errors';
import { coalesceKey, Coalescer, microCache, singleFlight } from './coalesce';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('singleFlight', () => {
  it('turns 20 concurrent calls into one upstream call', async () => {
    const upstream = vi.fn(async () => {
      await tick(20);
      return { hits: 1 };
    });
    const results = await Promise.all(Array.from({ length: 20 }, () => singleFlight('conn-1:panel', upstream)));
    expect(upstream).toHaveBeenCalledTimes(1);
    expect(new Set(results).size).toBe(1);
  });

  it('calls again once the first call settled, and shares failures while running', async () => {
    const coalescer = new Coalescer();
    const upstream = vi.fn(async () => {
      await tick(5);
      throw new AppError('timeout');
    });
    const both = await Promise.allSettled([coalescer.singleFlight('k', upstream), coalescer.singleFlight('k', upstream)]);
    expect(both.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await expect(coalescer.singleFlight('k', upstream)).rejects.toMatchObject({ code: 'timeout' });
    expect(upstream).toHaveBeenCalledTimes(2);
  });

  it('keeps different keys apart', async () => {
    const upstream = vi.fn(async (n: number) => n);
    const coalescer = new Coalescer();
    expect(await Promise.all([coalescer.singleFlight('a', () => upstream(1)), coalescer.singleFlight('b', () => upstream(2))])).toEqual([1, 2]);
  });
});

describe('microCache', () => {
  it('serves 20 tabs with one upstream call per window', async () => {
    let now = 1_000;
    const coalescer = new Coalescer({ now: () => now });
    {
      const upstream = vi.fn(async () => 'status');
      const tabs = () => Promise.all(Array.from({ length: 20 }, () => coalescer.microCache('conn-2:cluster-status', 2_000, upstream)));
      await tabs();
      await tabs();
      expect(upstream).toHaveBeenCalledTimes(1);
      now += 1_999;
      await tabs();
      expect(upstream).toHaveBeenCalledTimes(1);
      now += 2;
      await tabs();
      expect(upstream).toHaveBeenCalledTimes(2);
    }
  });

  it('works through the shared helpers too', async () => {
    const upstream = vi.fn(async () => 'x');
    await Promise.all(Array.from({ length: 20 }, () => microCache('shared-key', 1_000, upstream)));
    expect(upstream).toHaveBeenCalledTimes(1);
  });

  it('caches failures for the window unless told not to', async () => {
    const coalescer = new Coalescer();
    const failing = vi.fn(async () => {
      throw new AppError('cluster_unavailable');
    });
    await expect(coalescer.microCache('down', 60_000, failing)).rejects.toMatchObject({ code: 'cluster_unavailable' });
    await expect(coalescer.microCache('down', 60_000, failing)).rejects.toMatchObject({ code: 'cluster_unavailable' });
    expect(failing).toHaveBeenCalledTimes(1);

    await expect(coalescer.microCache('down-2', 60_000, failing, { cacheErrors: false })).rejects.toThrow();
    await expect(coalescer.microCache('down-2', 60_000, failing, { cacheErrors: false })).rejects.toThrow();
    expect(failing).toHaveBeenCalledTimes(3);
  });

  it('keeps only the answers `keep` accepts, and a declined one still serves its flight', async () => {
    const coalescer = new Coalescer();
    let complete = false;
    const read = vi.fn(async () => ({ complete }));
    const keep = (value: { complete: boolean }) => value.complete;
    const shared = await Promise.all([1, 2, 3].map(() => coalescer.microCache('facts', 60_000, read, { keep })));
    expect(shared).toEqual([{ complete: false }, { complete: false }, { complete: false }]);
    expect(read).toHaveBeenCalledTimes(1);
    complete = true;
    await coalescer.microCache('facts', 60_000, read, { keep });
    await coalescer.microCache('facts', 60_000, read, { keep });
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('forgets answers by prefix', async () => {
    const coalescer = new Coalescer();
    const upstream = vi.fn(async () => 1);
    await coalescer.microCache('conn-3:a', 60_000, upstream);
    coalescer.invalidate('conn-3:');
    await coalescer.microCache('conn-3:a', 60_000, upstream);
    expect(upstream).toHaveBeenCalledTimes(2);
  });
});

describe('coalesceKey', () => {
  it('is the same for the same params in any key order', () => {
    expect(coalesceKey('c1', 'host-metrics', { range: '15m', host: 'lab' })).toBe(coalesceKey('c1', 'host-metrics', { host: 'lab', range: '15m' }));
    expect(coalesceKey('c1', 'p', { a: 1 })).not.toBe(coalesceKey('c2', 'p', { a: 1 }));
  });
});

describe('the shared coalescer', () => {
  it('is one per process, even across copies of this module (routes and the start-up hook)', async () => {
    vi.resetModules();
    const other = await import('./coalesce');
    let calls = 0;
    const slow = () => new Promise<number>((resolve) => setTimeout(() => resolve(++calls), 20));
    const [a, b] = await Promise.all([singleFlight('cross-copy', slow), other.singleFlight('cross-copy', slow)]);
    expect([a, b, calls]).toEqual([1, 1, 1]);
  });
});
