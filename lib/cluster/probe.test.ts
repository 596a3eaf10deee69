import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { ClusterClient } from './adapter';
import { assertClusterUsable, factOrThrow, factsComplete, isMlNode, probeClusterStatus, readClusterFacts } from './probe';
import { fakeClient } from './test-support/fake-transport';

const NOW = () => new Date('2024-05-01T09:00:00Z');

function answers(overrides: Record<string, unknown> = {}) {
  return {
    'GET /': { cluster_name: 'lab', cluster_uuid: 'uuid-1', version: { number: '8.15.0' } },
    'GET /_cluster/health': { cluster_name: 'lab', status: 'green', number_of_nodes: 3, number_of_data_nodes: 2, active_shards_percent_as_number: 100, unassigned_shards: 0 },
    'GET /_nodes': {
      nodes: {
        a: { name: 'instance-0000000000', roles: ['master', 'data_hot', 'ingest'] },
        b: { name: 'instance-0000000001', roles: ['ml', 'remote_cluster_client'] },
      },
    },
    'GET /_xpack': {
      license: { uid: 'l-1', type: 'trial', mode: 'trial', status: 'active', expiry_date_in_millis: 1_717_200_000_000 },
      features: { ml: { available: true, enabled: true }, watcher: { available: true, enabled: true } },
    },
    ...overrides,
  };
}

describe('probeClusterStatus', () => {
  it('reports version, health, nodes with roles, the ML node, licence and Kibana', async () => {
    const { client } = fakeClient(answers());
    const status = await probeClusterStatus(client, { kibanaUrl: 'https://kb.example:443', now: NOW });
    expect(status).toEqual({
      version: '8.15.0',
      major: 8,
      versionExact: true,
      client: 'es8',
      clusterName: 'lab',
      clusterUuid: 'uuid-1',
      health: { status: 'green', numberOfNodes: 3, numberOfDataNodes: 2, activeShardsPercent: 100, unassignedShards: 0 },
      nodes: [
        { name: 'instance-0000000000', roles: ['data_hot', 'ingest', 'master'], ml: false },
        { name: 'instance-0000000001', roles: ['ml', 'remote_cluster_client'], ml: true },
      ],
      mlNode: true,
      licence: { type: 'trial', status: 'active', expiresAt: '2024-06-01T00:00:00.000Z', watcher: true, ml: true },
      kibanaUrl: 'https://kb.example:443',
      issues: [],
      checkedAt: '2024-05-01T09:00:00.000Z',
    });
  });

  it('uses the connect probe instead of asking GET / again', async () => {
    const { client: plain, transport } = fakeClient(answers());
    // What openClusterClient makes: a client keeping the probe's name and uuid.
    const client = new ClusterClient(transport, plain.version, { clusterName: 'from-probe', clusterUuid: 'u' });
    const status = await probeClusterStatus(client, { kibanaUrl: null });
    expect(status.clusterName).toBe('from-probe');
    expect(transport.calls.map((c) => c.path)).not.toContain('/');
  });

  it('flags a red cluster, a basic licence and a missing ML node', async () => {
    const { client } = fakeClient(
      answers({
        'GET /_cluster/health': { status: 'red', number_of_nodes: 1, number_of_data_nodes: 1, active_shards_percent_as_number: '50.0', unassigned_shards: 4 },
        'GET /_nodes': { nodes: { a: { name: 'n', roles: ['master', 'data'] } } },
        'GET /_xpack': { license: { type: 'basic', mode: 'basic', status: 'active' }, features: { ml: { available: false }, watcher: { available: false } } },
      }),
      '7.17.0',
    );
    const status = await probeClusterStatus(client, { kibanaUrl: null });
    expect(status.client).toBe('es7');
    expect(status.health?.activeShardsPercent).toBe(50);
    expect(status.mlNode).toBe(false);
    expect(status.licence).toMatchObject({ type: 'basic', ml: false, watcher: false, expiresAt: null });
    expect(status.issues).toEqual([
      { code: 'cluster_unavailable', params: { reason: 'red' } },
      { code: 'no_ml_node' },
      { code: 'licence_required', params: { licence: 'basic' } },
    ]);
    expect(() => assertClusterUsable(status)).toThrow(AppError);
  });

  it('flags an expired licence', async () => {
    const { client } = fakeClient(answers({ 'GET /_xpack': { license: { type: 'trial', status: 'expired' }, features: {} } }));
    expect((await probeClusterStatus(client, { kibanaUrl: null })).issues).toEqual([{ code: 'licence_required', params: { licence: 'trial' } }]);
  });

  it('leaves out what the user may not read, saying why', async () => {
    const forbidden = new AppError('forbidden', { params: { privileges: 'monitor,manage,all' } });
    const { client } = fakeClient(answers({ 'GET /_nodes': forbidden, 'GET /_xpack': forbidden }));
    const status = await probeClusterStatus(client, { kibanaUrl: null });
    expect(status.nodes).toBeNull();
    expect(status.mlNode).toBeNull();
    // `_xpack` carries the licence: a user who may not read it sees neither.
    expect(status.licence).toBeNull();
    expect(status.issues).toEqual([{ code: 'forbidden', params: { privileges: 'monitor,manage,all' } }]);
  });

  it('fails as a whole when the cluster cannot be reached', async () => {
    const { client } = fakeClient(answers({ 'GET /_cluster/health': new AppError('cluster_unavailable', { params: { reason: 'unreachable' } }) }));
    await expect(probeClusterStatus(client, { kibanaUrl: null })).rejects.toMatchObject({ code: 'cluster_unavailable' });
    const timedOut = fakeClient(answers({ 'GET /_xpack': new AppError('timeout') }));
    await expect(probeClusterStatus(timedOut.client, { kibanaUrl: null })).rejects.toMatchObject({ code: 'timeout' });
  });
});

describe('cluster facts kept apart from health', () => {
  it('asks only for health when the caller has the facts, and the status is the same', async () => {
    const first = fakeClient(answers());
    const facts = await readClusterFacts(first.client);
    expect(factsComplete(facts)).toBe(true);
    expect(first.transport.calls.map((c) => c.path).sort()).toEqual(['/', '/_nodes', '/_xpack']);

    const polled = fakeClient(answers());
    const status = await probeClusterStatus(polled.client, { kibanaUrl: null, now: NOW, facts: async () => facts });
    expect(polled.transport.calls.map((c) => c.path)).toEqual(['/_cluster/health']);
    expect(status).toEqual(await probeClusterStatus(fakeClient(answers()).client, { kibanaUrl: null, now: NOW }));
  });

  it('sees a cluster that turned red, or a password that stopped working, through health alone', async () => {
    const facts = await readClusterFacts(fakeClient(answers()).client);
    const red = fakeClient(answers({ 'GET /_cluster/health': { cluster_name: 'lab', status: 'red', number_of_nodes: 1, number_of_data_nodes: 1, unassigned_shards: 4 } }));
    expect((await probeClusterStatus(red.client, { kibanaUrl: null, facts: async () => facts })).issues[0]).toEqual({ code: 'cluster_unavailable', params: { reason: 'red' } });
    const revoked = fakeClient(answers({ 'GET /_cluster/health': new AppError('unauthorized') }));
    await expect(probeClusterStatus(revoked.client, { kibanaUrl: null, facts: async () => facts })).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('asks nodes and _xpack only when the client was opened with GET / and knows the name', async () => {
    const { transport, client } = fakeClient(answers());
    const opened = new ClusterClient(transport, client.version, { clusterName: 'from-open', clusterUuid: 'uuid-open' });
    const facts = await readClusterFacts(opened);
    expect(factsComplete(facts)).toBe(true);
    expect(transport.calls.map((c) => c.path).sort()).toEqual(['/_nodes', '/_xpack']);
    const status = await probeClusterStatus(opened, { kibanaUrl: null, facts: async () => facts });
    expect([status.clusterName, status.clusterUuid]).toEqual(['from-open', 'uuid-open']);
    expect(status.licence).toMatchObject({ type: 'trial', status: 'active', expiresAt: '2024-06-01T00:00:00.000Z' });
  });

  it('calls facts with a failed part incomplete, so they are not kept', async () => {
    const { client } = fakeClient(answers({ 'GET /_xpack': new AppError('forbidden') }));
    const facts = await readClusterFacts(client);
    expect(factsComplete(facts)).toBe(false);
    expect(() => factOrThrow(facts.xpack)).toThrow(AppError);
    expect(factOrThrow(facts.nodes)).toHaveLength(2);
  });
});

describe('isMlNode', () => {
  it.each([
    [{ name: 'a', roles: ['ml'] }, true],
    [{ name: 'a', roles: ['master', 'data', 'ingest', 'ml'] }, true],
    [{ name: 'a', roles: ['master', 'data'], attributes: { 'ml.machine_memory': '1' } }, false],
    [{ name: 'a', attributes: { 'ml.enabled': 'true' } }, true],
    [{ name: 'a', attributes: { 'ml.max_open_jobs': '20' } }, true],
    [{ name: 'a', attributes: {} }, false],
  ])('%j -> %s', (node, expected) => {
    expect(isMlNode(node)).toBe(expected);
  });
});
