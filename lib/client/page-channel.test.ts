import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChannelAnswer } from '../panels/channel.contract';
import { fakeVisibility } from '../testing/page-visibility';
import { ApiError } from './api';
import { PageScheduler } from './page-scheduler';
import { createPanelTransport, type PanelTransport } from './panel-transport';

/**
 * The scheduler and the transport together, as `use-panel.ts` joins them: what leaves a page is
 * counted in requests of the page channel, not in reads.
 */

interface Request {
  at: number;
  reads: string[];
}

const T0 = new Date('2026-05-01T09:00:00Z').getTime();

describe('a page on the channel (scheduler + transport)', () => {
  let visibility: ReturnType<typeof fakeVisibility>;
  let scheduler: PageScheduler;
  let transport: PanelTransport;
  let requests: Request[];
  let failing: Set<string>;
  /** Each key's outcome in order: 'ok' or the error code. */
  let outcomes: Map<string, string[]>;

  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
    visibility = fakeVisibility();
    scheduler = new PageScheduler({ visibility });
    requests = [];
    failing = new Set();
    outcomes = new Map();
    transport = createPanelTransport({
      async fetch(_path, init) {
        const { reads } = JSON.parse(String(init.body)) as { reads: string[] };
        // The tick that started them (the transport waits a few ms for reads to join).
        requests.push({ at: Math.round((Date.now() - T0) / 1_000) * 1_000, reads });
        const answers: ChannelAnswer[] = reads.map((url) =>
          failing.has(url) ? { status: 503, error: { code: 'cluster_unavailable', message: 'The cluster did not answer.', hint: 'Check the deployment.' } } : { data: { url } },
        );
        return Response.json({ answers });
      },
    });
  });

  afterEach(() => {
    scheduler.dispose();
    vi.useRealTimers();
  });

  /** A panel as usePanel registers it: its read goes through the transport and reports back. */
  function panel(key: string, intervalMs: number, state: { paused?: boolean } = {}) {
    const read = () => {
      scheduler.started(key);
      transport.read(key, 'en').then(
        () => {
          scheduler.settled(key, true);
          outcomes.set(key, [...(outcomes.get(key) ?? []), 'ok']);
        },
        (error: unknown) => {
          scheduler.settled(key, false);
          outcomes.set(key, [...(outcomes.get(key) ?? []), error instanceof ApiError ? error.code : 'other']);
        },
      );
    };
    const remove = scheduler.add(key, { intervalMs: () => intervalMs, paused: () => state.paused ?? false, read });
    return { read, remove, state };
  }

  const chapter2 = () => ['/api/panels/cluster-status', '/api/panels/host-metrics?range=15m', '/api/checkpoints?chapter=2'].map((key) => panel(key, 5_000));

  it('sends one request per page per beat carrying every read that is due', async () => {
    chapter2();
    await vi.advanceTimersByTimeAsync(30_100);
    expect(requests.map((r) => r.at)).toEqual([5_000, 10_000, 15_000, 20_000, 25_000, 30_000]);
    for (const request of requests) expect(request.reads).toHaveLength(3);
  });

  it('one failing panel fails alone, waits longer, and the others keep their beat in one request', async () => {
    chapter2();
    failing.add('/api/panels/host-metrics?range=15m');
    await vi.advanceTimersByTimeAsync(40_100);
    expect(outcomes.get('/api/panels/host-metrics?range=15m')?.every((code) => code === 'cluster_unavailable')).toBe(true);
    expect(outcomes.get('/api/panels/cluster-status')?.every((code) => code === 'ok')).toBe(true);
    // Still one request per beat; the failing read comes along less and less often (5, 10, 20 s).
    expect(requests.map((r) => r.at)).toEqual([5_000, 10_000, 15_000, 20_000, 25_000, 30_000, 35_000, 40_000]);
    const hostReads = requests.filter((r) => r.reads.includes('/api/panels/host-metrics?range=15m')).map((r) => r.at);
    expect(hostReads).toEqual([5_000, 10_000, 20_000, 40_000]);
    // Its next try is 40 s later (at most a minute); it answers, and reads on the beat again.
    failing.clear();
    await vi.advanceTimersByTimeAsync(55_000);
    expect(requests.filter((r) => r.at > 40_000 && r.reads.includes('/api/panels/host-metrics?range=15m')).map((r) => r.at)).toEqual([80_000, 85_000, 90_000, 95_000]);
    expect(outcomes.get('/api/panels/host-metrics?range=15m')?.at(-1)).toBe('ok');
  });

  it('a paused panel leaves the request; resumed, it is read at once in its own request and rejoins the beat', async () => {
    const [, host] = chapter2();
    await vi.advanceTimersByTimeAsync(5_100);
    host!.state.paused = true;
    scheduler.changed();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(requests.slice(1).map((r) => r.reads)).toEqual([
      ['/api/panels/cluster-status', '/api/checkpoints?chapter=2'],
      ['/api/panels/cluster-status', '/api/checkpoints?chapter=2'],
    ]);
    await vi.advanceTimersByTimeAsync(900);
    host!.state.paused = false;
    scheduler.changed();
    host!.read(); // the hook reads at once on resume
    await vi.advanceTimersByTimeAsync(100);
    expect(requests.at(-1)).toEqual({ at: 16_000, reads: ['/api/panels/host-metrics?range=15m'] });
    // At the 20 s tick it was read 4 s before: not due, it comes along again at 25 s.
    await vi.advanceTimersByTimeAsync(9_000);
    expect(requests.filter((r) => r.at > 16_000).map((r) => [r.at, r.reads.length])).toEqual([
      [20_000, 2],
      [25_000, 3],
    ]);
  });

  it('a hidden page sends nothing; shown again, one request carries everything overdue', async () => {
    chapter2();
    panel('/api/panels/auth-log?filter=', 3_000);
    await vi.advanceTimersByTimeAsync(6_100);
    const before = requests.length;
    visibility.set(true);
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(requests.length).toBe(before);
    visibility.set(false);
    await vi.advanceTimersByTimeAsync(100);
    expect(requests.length).toBe(before + 1);
    expect(requests.at(-1)!.reads).toHaveLength(4);
    // Then the beat goes on from the moment it was shown: the 3 s read alone, then all four at 6 s.
    await vi.advanceTimersByTimeAsync(6_000);
    expect(requests.slice(before + 1).map((r) => r.reads.length)).toEqual([1, 4]);
  });
});
