import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { recordDuration, registerDiagnostics, startDiagnostics, timed } from './diagnostics';

interface Body {
  pid: number;
  eventLoop: { p99Ms: number; maxMs: number };
  eventLoopSinceMark: { p99Ms: number; maxMs: number; sinceMs: number };
  durations: Record<string, number[]>;
  probe?: { asked: string | null };
}

let close = async () => undefined;
afterAll(() => close());
let base = '';
const read = async (query = '') => (await (await fetch(`${base}/${query}`)).json()) as Body;

describe('the diagnostics port', () => {
  it('keeps durations only while it runs, answers them with the providers, and starts afresh on reset=1', async () => {
    recordDuration('read before', 3);
    expect(await timed('timed before', () => Promise.resolve(1))).toBe(1);
    const server = await startDiagnostics(0);
    close = () => new Promise<undefined>((resolve) => server.close(() => resolve(undefined)));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    registerDiagnostics('probe', (query) => ({ asked: query.get('checksAfter') }));

    recordDuration('read /api/panels/host-metrics', 1.234);
    recordDuration('read /api/panels/host-metrics', 40.06);
    recordDuration('server POST /api/panels', 52);
    const first = await read('?reset=1&checksAfter=7');
    expect(first.pid).toBe(process.pid);
    expect(first.probe).toEqual({ asked: '7' });
    expect(first.durations).toEqual({ 'read /api/panels/host-metrics': [1.2, 40.1], 'server POST /api/panels': [52] });

    expect((await read()).durations).toEqual({});
    recordDuration('server other', 2);
    expect((await read()).durations).toEqual({ 'server other': [2] });
    expect((await read()).durations).toEqual({ 'server other': [2] });
  });

  it('times a promise until it settles, whether it succeeds or fails, and passes its outcome on', async () => {
    await read('?reset=1');
    expect(await timed('work done', () => new Promise((resolve) => setTimeout(() => resolve(7), 20)))).toBe(7);
    await expect(timed(() => 'work failed', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(timed('not a promise', () => 3)).toBe(3);
    const { durations } = await read();
    expect(Object.keys(durations).sort()).toEqual(['work done', 'work failed']);
    expect(durations['work done']![0]).toBeGreaterThanOrEqual(15);
  });

  it('keeps the event-loop delay since the last mark=1 through the stretches that reset=1 restarts', async () => {
    await read('?reset=1&mark=1');
    // A histogram's first interval after a restart is not recorded.
    await new Promise((resolve) => setTimeout(resolve, 40));
    const blockedUntil = performance.now() + 150;
    while (performance.now() < blockedUntil) {
      // The thread held, as a long synchronous task would.
    }
    await new Promise((resolve) => setTimeout(resolve, 40));
    const stretch = await read('?reset=1');
    expect(stretch.eventLoop.maxMs).toBeGreaterThanOrEqual(100);
    expect(stretch.eventLoopSinceMark.maxMs).toBeGreaterThanOrEqual(100);
    const next = await read('?reset=1');
    expect(next.eventLoop.maxMs).toBeLessThan(100);
    expect(next.eventLoopSinceMark.maxMs).toBeGreaterThanOrEqual(100);
    // Read, then restarted.
    expect((await read('?mark=1')).eventLoopSinceMark.maxMs).toBeGreaterThanOrEqual(100);
    const afterMark = await read();
    expect(afterMark.eventLoopSinceMark.maxMs).toBeLessThan(100);
    expect(afterMark.eventLoopSinceMark.sinceMs).toBeLessThan(1_000);
  });

  it('lets the guide server (plain JavaScript in the same process) record through the shared registry', () => {
    const registry = (globalThis as Record<symbol, { recordDuration?: unknown; server?: unknown } | undefined>)[Symbol.for('elastic-logging-lab.diagnostics')];
    expect(typeof registry?.recordDuration).toBe('function');
    expect(registry?.server).toBeDefined();
  });
});
