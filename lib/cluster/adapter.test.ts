import { describe, expect, it } from 'vitest';
import { ClusterClient, isReadOnly, type CallOptions, type ClusterTransport, type TransportParams, type TransportResult } from './adapter';
import { parseVersionNumber } from './version';

/** A transport that answers each request when the test says so, and counts what was sent. */
function heldTransport() {
  const sent: TransportParams[] = [];
  const waiting: ((result: TransportResult<unknown>) => void)[] = [];
  const failing: ((error: Error) => void)[] = [];
  const transport: ClusterTransport = {
    flavour: 'es8',
    request<T>(params: TransportParams, _options: CallOptions): Promise<TransportResult<T>> {
      sent.push(params);
      return new Promise<TransportResult<T>>((resolve, reject) => {
        waiting.push((result) => resolve(result as TransportResult<T>));
        failing.push(reject);
      });
    },
    close: async () => undefined,
  };
  return {
    transport,
    sent,
    answer: (body: unknown, statusCode = 200) => waiting.splice(0).forEach((resolve) => resolve({ statusCode, body, headers: {} })),
    fail: (error: Error) => failing.splice(0).forEach((reject) => reject(error)),
  };
}

/** The shared single-flight sends a read a microtask after it is asked: let that happen. */
const sentSoFar = () => new Promise<void>((resolve) => setImmediate(resolve));

const client = (transport: ClusterTransport) => new ClusterClient(transport, parseVersionNumber('8.19.0'));

describe('identical reads in flight share one request', () => {
  it('a watch list asked twice while the first is running is sent once, and both get the answer', async () => {
    const held = heldTransport();
    const es = client(held.transport);
    const first = es.queryWatches({ size: 100 });
    const second = es.queryWatches({ size: 100 });
    await sentSoFar();
    expect(held.sent).toHaveLength(1);
    held.answer({ count: 0, watches: [] });
    await expect(first).resolves.toEqual({ count: 0, watches: [] });
    await expect(second).resolves.toEqual({ count: 0, watches: [] });
    // Nothing is kept once answered: the next read goes to the cluster.
    const third = es.queryWatches({ size: 100 });
    await sentSoFar();
    expect(held.sent).toHaveLength(2);
    held.answer({ count: 1, watches: [] });
    await expect(third).resolves.toEqual({ count: 1, watches: [] });
  });

  it('reads that differ, writes, and callers with their own signal are sent each', async () => {
    const held = heldTransport();
    const es = client(held.transport);
    void es.queryWatches({ size: 100 });
    void es.queryWatches({ size: 10 });
    void es.getJobs();
    void es.getJobs('flights');
    void es.putWatch('w', { trigger: {} });
    void es.putWatch('w', { trigger: {} });
    void es.license({ signal: new AbortController().signal });
    void es.license({ signal: new AbortController().signal });
    await sentSoFar();
    // Writes and reads with a signal go out at once, shared reads a microtask later: compared as a set.
    expect(held.sent.map((p) => `${p.method} ${p.path}`).sort()).toEqual([
      'POST /_watcher/_query/watches',
      'POST /_watcher/_query/watches',
      'GET /_ml/anomaly_detectors',
      'GET /_ml/anomaly_detectors/flights',
      'PUT /_watcher/watch/w',
      'PUT /_watcher/watch/w',
      'GET /_license',
      'GET /_license',
    ].sort());
    held.answer({});
  });

  it('a failure reaches every caller of the shared read, and the next read is sent afresh', async () => {
    const held = heldTransport();
    const es = client(held.transport);
    const a = es.nodes();
    const b = es.nodes();
    await sentSoFar();
    held.fail(new Error('unreachable'));
    await expect(a).rejects.toThrow('unreachable');
    await expect(b).rejects.toThrow('unreachable');
    const c = es.nodes();
    await sentSoFar();
    expect(held.sent).toHaveLength(2);
    held.answer({ nodes: { n1: { name: 'n1' } } });
    await expect(c).resolves.toEqual([{ name: 'n1' }]);
  });

  it('index existence (HEAD, 404 an answer) is shared too', async () => {
    const held = heldTransport();
    const es = client(held.transport);
    const a = es.indicesExists('flights');
    const b = es.indicesExists('flights');
    await sentSoFar();
    expect(held.sent).toHaveLength(1);
    held.answer(null, 404);
    await expect(a).resolves.toBe(false);
    await expect(b).resolves.toBe(false);
  });

  it('knows which requests only read', () => {
    expect(isReadOnly({ method: 'GET', path: '/_license' })).toBe(true);
    expect(isReadOnly({ method: 'HEAD', path: '/flights' })).toBe(true);
    expect(isReadOnly({ method: 'POST', path: '/metricbeat-*/_search' })).toBe(true);
    expect(isReadOnly({ method: 'POST', path: '/_msearch' })).toBe(true);
    expect(isReadOnly({ method: 'POST', path: '/_watcher/_query/watches' })).toBe(true);
    expect(isReadOnly({ method: 'POST', path: '/_watcher/watch/w/_execute' })).toBe(false);
    expect(isReadOnly({ method: 'POST', path: '/_bulk' })).toBe(false);
    expect(isReadOnly({ method: 'PUT', path: '/_ml/anomaly_detectors/j' })).toBe(false);
    expect(isReadOnly({ method: 'DELETE', path: '/flights' })).toBe(false);
  });
});
