import { describe, expect, it, vi } from 'vitest';
import { ClusterClientCache } from './cache';
import { fakeClient, type FakeTransport } from './test-support/fake-transport';

function made() {
  const transports: FakeTransport[] = [];
  const create = vi.fn(async () => {
    const { client, transport } = fakeClient({});
    transports.push(transport);
    return client;
  });
  return { create, transports };
}

describe('ClusterClientCache', () => {
  it('creates one client per connection, shared by concurrent requests', async () => {
    const cache = new ClusterClientCache();
    const { create } = made();
    const key = { connectionId: 'c1', credentialsVersion: 1 };
    const clients = await Promise.all(Array.from({ length: 10 }, () => cache.getOrCreate(key, create)));
    expect(create).toHaveBeenCalledTimes(1);
    expect(new Set(clients).size).toBe(1);
    expect(cache.get(key)).toBe(clients[0]);
    await cache.closeAll();
  });

  it('replaces the client after a reconnect and closes the old one after the grace period', async () => {
    vi.useFakeTimers();
    try {
      const cache = new ClusterClientCache({ closeGraceMs: 1_000 });
      const { create, transports } = made();
      const first = await cache.getOrCreate({ connectionId: 'c1', credentialsVersion: 1 }, create);
      const second = await cache.getOrCreate({ connectionId: 'c1', credentialsVersion: 2 }, create);
      expect(second).not.toBe(first);
      expect(cache.get({ connectionId: 'c1', credentialsVersion: 1 })).toBeUndefined();
      expect(transports[0]?.closed).toBe(0);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(transports[0]?.closed).toBe(1);
      expect(transports[1]?.closed).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not let a slow creation for old credentials replace a newer client', async () => {
    const cache = new ClusterClientCache({ closeGraceMs: 0 });
    let release: () => void = () => undefined;
    const slow = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { create } = made();
    const old = cache.getOrCreate({ connectionId: 'c1', credentialsVersion: 1 }, async () => {
      await slow;
      return create();
    });
    const fresh = await cache.getOrCreate({ connectionId: 'c1', credentialsVersion: 2 }, create);
    release();
    await old;
    expect(cache.get({ connectionId: 'c1', credentialsVersion: 2 })).toBe(fresh);
    await cache.closeAll();
  });

  it('closes clients on eviction, deletion, idle expiry and closeAll', async () => {
    vi.useFakeTimers();
    try {
      const cache = new ClusterClientCache({ max: 2, idleTtlMs: 60_000, closeGraceMs: 10, now: () => Date.now() });
      const { create, transports } = made();
      await cache.getOrCreate({ connectionId: 'a', credentialsVersion: 1 }, create);
      await cache.getOrCreate({ connectionId: 'b', credentialsVersion: 1 }, create);
      await cache.getOrCreate({ connectionId: 'c', credentialsVersion: 1 }, create);
      await vi.advanceTimersByTimeAsync(10);
      expect(transports.map((t) => t.closed)).toEqual([1, 0, 0]);

      cache.delete('b');
      await vi.advanceTimersByTimeAsync(10);
      expect(transports[1]?.closed).toBe(1);

      await vi.advanceTimersByTimeAsync(61_000);
      expect(transports[2]?.closed).toBe(1);
      expect(cache.size).toBe(0);

      await cache.getOrCreate({ connectionId: 'd', credentialsVersion: 1 }, create);
      await cache.closeAll();
      expect(transports[3]?.closed).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not cache a failed creation', async () => {
    const cache = new ClusterClientCache();
    const failing = vi.fn(async () => {
      throw new Error('probe failed');
    });
    await expect(cache.getOrCreate({ connectionId: 'x', credentialsVersion: 1 }, failing)).rejects.toThrow('probe failed');
    await expect(cache.getOrCreate({ connectionId: 'x', credentialsVersion: 1 }, failing)).rejects.toThrow('probe failed');
    expect(failing).toHaveBeenCalledTimes(2);
  });

  it('keeps idle clients alive while they are used', async () => {
    vi.useFakeTimers();
    try {
      const cache = new ClusterClientCache({ idleTtlMs: 1_000, now: () => Date.now() });
      const { create } = made();
      const key = { connectionId: 'a', credentialsVersion: 1 };
      const client = await cache.getOrCreate(key, create);
      for (let i = 0; i < 5; i += 1) {
        await vi.advanceTimersByTimeAsync(600);
        expect(cache.get(key)).toBe(client);
      }
      await cache.closeAll();
    } finally {
      vi.useRealTimers();
    }
  });
});
