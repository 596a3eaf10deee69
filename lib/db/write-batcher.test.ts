import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WriteBatcher } from './write-batcher';

function recorder(options: { fail?: (batch: ReadonlyMap<string, number>) => boolean; slowMs?: number } = {}) {
  const sent: [string, number][][] = [];
  const errors: unknown[] = [];
  const batcher = new WriteBatcher<string, number>({
    waitMs: 1_000,
    async write(batch) {
      if (options.slowMs) await new Promise((resolve) => setTimeout(resolve, options.slowMs));
      if (options.fail?.(batch)) throw new Error('database went away');
      sent.push([...batch]);
    },
    onError: (error) => errors.push(error),
  });
  return { batcher, sent, errors };
}

describe('WriteBatcher', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends the writes of one wait together, once per key with its latest value', async () => {
    const { batcher, sent } = recorder();
    batcher.add('ana', 1);
    await vi.advanceTimersByTimeAsync(400);
    batcher.add('ben', 1);
    batcher.add('ana', 2);
    expect(sent).toEqual([]);
    expect(batcher.size).toBe(2);
    await vi.advanceTimersByTimeAsync(600);
    expect(sent).toEqual([
      [
        ['ana', 2],
        ['ben', 1],
      ],
    ]);
    expect(batcher.size).toBe(0);
  });

  it('waits from the first write of a batch, not the last: a steady stream is still sent every wait', async () => {
    const { batcher, sent } = recorder();
    for (let i = 0; i < 25; i += 1) {
      batcher.add(`attendee-${i}`, i);
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(sent.map((batch) => batch.length)).toEqual([10, 10]);
    expect(batcher.size).toBe(5);
  });

  it('sends one batch at a time: what comes in during a send goes in the next', async () => {
    const { batcher, sent } = recorder({ slowMs: 3_000 });
    batcher.add('ana', 1);
    await vi.advanceTimersByTimeAsync(1_000);
    batcher.add('ben', 1);
    await vi.advanceTimersByTimeAsync(1_000);
    // The first send is still running; the second waits for it.
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(sent).toEqual([[['ana', 1]]]);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(sent).toEqual([[['ana', 1]], [['ben', 1]]]);
  });

  it('takes back a write not yet sent', async () => {
    const { batcher, sent } = recorder();
    batcher.add('ana', 1);
    batcher.add('ben', 1);
    expect(batcher.drop('ana')).toBe(true);
    expect(batcher.drop('ana')).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sent).toEqual([[['ben', 1]]]);
  });

  it('reports a failed send and goes on with the next batch', async () => {
    const { batcher, sent, errors } = recorder({ fail: (batch) => batch.has('ana') });
    batcher.add('ana', 1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain('database went away');
    batcher.add('ben', 1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sent).toEqual([[['ben', 1]]]);
  });

  it('flush() sends at once and resolves when written; with nothing pending it does nothing', async () => {
    const { batcher, sent } = recorder();
    await batcher.flush();
    expect(sent).toEqual([]);
    batcher.add('ana', 1);
    await batcher.flush();
    expect(sent).toEqual([[['ana', 1]]]);
    // The cleared timer does not send an empty batch later.
    await vi.advanceTimersByTimeAsync(2_000);
    expect(sent).toHaveLength(1);
  });

  it('two flushes at once send the batch once', async () => {
    const { batcher, sent } = recorder({ slowMs: 500 });
    batcher.add('ana', 1);
    const both = Promise.all([batcher.flush(), batcher.flush()]);
    await vi.advanceTimersByTimeAsync(500);
    await both;
    expect(sent).toEqual([[['ana', 1]]]);
  });
});
