import net, { type AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import type { ClusterAuth } from './auth';
import { createClusterClient, openClusterClient, pathShape, probeVersion, type ClusterTarget } from './client';
import { parseClusterUrl } from './cloud-id';
import { connectCluster } from './connect';
import { EndpointPolicy } from './endpoint-policy';
import { startEsStub, type EsStub, type EsStubOptions } from './test-support/es-stub';
import { majorOnly, parseVersionNumber } from './version';

/*
 * The adapter against real HTTP: a node:http stub answering like each Elasticsearch major,
 * including its product header and compatibility-header negotiation.
 */
const AUTH: ClusterAuth = { kind: 'basic', username: 'elastic', password: 'changeme' };
const stubs: EsStub[] = [];

async function stub(options: EsStubOptions): Promise<{ stub: EsStub; target: ClusterTarget }> {
  const started = await startEsStub(options);
  stubs.push(started);
  return { stub: started, target: { endpoint: parseClusterUrl(started.url) } };
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

afterAll(async () => {
  await Promise.all(stubs.map((s) => s.close()));
});

describe('probe and client per major', () => {
  it.each([
    { version: '7.6.2', productHeader: false, flavour: 'es7' },
    { version: '7.17.0', productHeader: true, flavour: 'es7' },
    { version: '8.15.0', productHeader: true, flavour: 'es8' },
    { version: '9.1.0', productHeader: true, flavour: 'es8' },
  ])('$version is served by $flavour', async ({ version, productHeader, flavour }) => {
    const { stub: es, target } = await stub({ version, productHeader });
    const { client, probe } = await openClusterClient(target, AUTH);
    try {
      expect(probe).toMatchObject({ version: { number: version, exact: true }, clusterName: 'stub-cluster', productHeader });
      expect(client.flavour).toBe(flavour);

      const result = await client.search<{ message: string }>('logs-*', { query: { match_all: {} }, size: 1 });
      expect(result.hits.hits[0]?._source?.message).toBe('hello');
      expect((await client.health()).status).toBe('green');

      const search = es.requests.find((r) => r.path.endsWith('/_search'));
      if (flavour === 'es8') {
        // 9.x answers the 8.x client's compatible-with=8 in 8.x format; nothing is overridden.
        expect(search?.headers.accept).toMatch(/compatible-with=8/);
        expect(search?.headers['content-type']).toMatch(/compatible-with=8/);
      } else {
        expect(String(search?.headers['content-type'])).toMatch(/^application\/json/);
        expect(String(search?.headers.accept ?? '')).not.toMatch(/compatible-with/);
      }
    } finally {
      await client.close();
    }
  });

  it('shows why one client cannot serve all: the 8.x client against 7.17 is refused', async () => {
    const { target } = await stub({ version: '7.17.0', productHeader: true });
    const wrong = createClusterClient(target, AUTH, parseVersionNumber('8.0.0'));
    try {
      expect((await failure(wrong.search('x', { query: { match_all: {} } }))).code).toBe('internal');
    } finally {
      await wrong.close();
    }
  });

  it('translates errors the same way on both clients', async () => {
    for (const version of ['7.17.0', '8.15.0']) {
      const { target } = await stub({ version, productHeader: true });
      const { client } = await openClusterClient(target, AUTH);
      try {
        const error = await failure(client.search('missing', { query: { match_all: {} } }));
        expect(error).toMatchObject({ code: 'index_missing', params: { index: 'missing' } });
        expect(await client.getWatch('nope')).toBeNull();
      } finally {
        await client.close();
      }
    }
  });

  it('gives up after the per-call timeout and on abort, on both clients', async () => {
    for (const version of ['7.17.0', '8.15.0']) {
      const { target } = await stub({ version, productHeader: true, delayMs: 2_000 });
      const { client } = await openClusterClient(target, AUTH);
      try {
        const started = Date.now();
        const timedOut = await failure(client.health({}, { timeoutMs: 150 }));
        expect(timedOut).toMatchObject({ code: 'timeout', params: { timeoutMs: 150 } });
        expect(Date.now() - started).toBeLessThan(1_500);

        const controller = new AbortController();
        const pending = failure(client.health({}, { signal: controller.signal }));
        setTimeout(() => controller.abort(), 50);
        expect((await pending).code).toBe('timeout');
      } finally {
        await client.close();
      }
    }
  });
});

describe('probeVersion refusals', () => {
  it.each<[string, EsStubOptions, string, Record<string, unknown>]>([
    ['a 6.x cluster', { version: '6.8.23' }, 'version_too_old', { version: '6.8.23', minimum: '7.6.0' }],
    ['a 7.5 cluster', { version: '7.5.2' }, 'version_too_old', { version: '7.5.2' }],
    ['a 10.x cluster', { version: '10.0.0', productHeader: true }, 'version_unsupported', { reason: 'too_new' }],
    ['the OSS distribution', { version: '7.10.2', buildFlavor: 'oss' }, 'version_unsupported', { reason: 'oss' }],
    ['OpenSearch', { version: '2.11.0', distribution: 'opensearch' }, 'not_elasticsearch', { reason: 'opensearch' }],
    ['Kibana', { version: '8.15.0', kibana: true }, 'not_elasticsearch', { reason: 'kibana' }],
    ['8.x behind a proxy that strips the product header', { version: '8.15.0', productHeader: false }, 'not_elasticsearch', { reason: 'other' }],
    ['a wrong password', { version: '8.15.0', productHeader: true, password: 'other' }, 'unauthorized', { authKind: 'basic' }],
  ])('%s', async (_name, options, code, params) => {
    const { target } = await stub(options);
    const error = await failure(probeVersion(target, AUTH));
    expect(error.code).toBe(code);
    expect(error.params).toMatchObject(params);
  });

  it('times out on a server that accepts the connection and never answers', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const error = await failure(probeVersion({ endpoint: parseClusterUrl(`http://127.0.0.1:${port}`) }, AUTH, { timeoutMs: 200 }));
      expect(error).toMatchObject({ code: 'timeout', params: { timeoutMs: 200 } });
    } finally {
      silent.close();
    }
  });

  it('reports a refused connection as unavailable', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(probeVersion({ endpoint: parseClusterUrl(`http://127.0.0.1:${port}`) }, AUTH));
    expect(error).toMatchObject({ code: 'cluster_unavailable', params: { reason: 'unreachable' } });
  });

  it.each([
    ['7.17.0', 7],
    ['8.15.0', 8],
    ['9.0.0', 9],
  ])('learns the major of %s without the monitor privilege (header negotiation)', async (version, major) => {
    const { target } = await stub({ version, productHeader: true, rootStatus: 403 });
    const probe = await probeVersion(target, AUTH);
    expect(probe.version).toEqual(majorOnly(major));
    const client = createClusterClient(target, AUTH, probe.version);
    try {
      expect(client.flavour).toBe(major === 7 ? 'es7' : 'es8');
      expect((await client.search('logs', { size: 1 })).hits.hits).toHaveLength(1);
    } finally {
      await client.close();
    }
  });
});

describe('sockets resolve through the endpoint policy', () => {
  it('connects by an operator-allowed name via the policy lookup, for both clients', async () => {
    for (const version of ['7.17.0', '8.15.0']) {
      const { stub: es } = await stub({ version, productHeader: true });
      const policy = new EndpointPolicy({ allowList: [`es.lab.test:${es.port}`], resolve: async () => [{ address: '127.0.0.1', family: 4 }] });
      const endpoint = parseClusterUrl(`http://es.lab.test:${es.port}`);
      const checked = await policy.check(endpoint);
      const { client } = await openClusterClient({ endpoint, lookup: policy.lookupFor(checked) }, AUTH);
      try {
        expect((await client.info()).cluster_name).toBe('stub-cluster');
      } finally {
        await client.close();
      }
    }
  });

  it('refuses at connect time a Cloud name that was public when checked and is loopback now (DNS rebinding)', async () => {
    let answer = '35.190.12.34';
    const policy = new EndpointPolicy({ resolve: async () => [{ address: answer, family: 4 }] });
    const endpoint = parseClusterUrl('https://abc.us-east-1.aws.found.io');
    const checked = await policy.check(endpoint);
    answer = '127.0.0.1';
    const target = { endpoint, lookup: policy.lookupFor(checked) };
    expect((await failure(probeVersion(target, AUTH))).code).toBe('endpoint_not_allowed');
    for (const version of ['7.17.0', '8.15.0']) {
      const client = createClusterClient(target, AUTH, parseVersionNumber(version));
      try {
        expect((await failure(client.info())).code).toBe('endpoint_not_allowed');
      } finally {
        await client.close();
      }
    }
  });
});

describe('connectCluster', () => {
  it('parses, checks, probes and reports the status of the practice URL', async () => {
    const { stub: es } = await stub({ version: '8.15.0', productHeader: true, licence: { type: 'basic', status: 'active' } });
    const policy = new EndpointPolicy({ practiceUrls: [es.url] });
    const connected = await connectCluster({ url: es.url, username: 'elastic', password: 'changeme' }, { policy });
    try {
      expect(connected.checked.kind).toBe('practice');
      expect(connected.status).toMatchObject({
        version: '8.15.0',
        client: 'es8',
        clusterName: 'stub-cluster',
        mlNode: true,
        licence: { type: 'basic', status: 'active', ml: false, watcher: false },
        issues: [{ code: 'licence_required', params: { licence: 'basic' } }],
      });
    } finally {
      await connected.client.close();
    }
  });

  it('refuses a URL the policy does not allow before any request', async () => {
    const { stub: es } = await stub({ version: '8.15.0', productHeader: true });
    const before = es.requests.length;
    const error = await failure(connectCluster({ url: es.url, password: 'changeme' }, { policy: new EndpointPolicy() }));
    expect(error.code).toBe('endpoint_not_allowed');
    expect(es.requests.length).toBe(before);
  });
});

describe('the kind of a request, for the diagnostics port', () => {
  it('keeps the API parts of a path and leaves out index, watch and job names and the query', () => {
    expect(pathShape('/_cluster/health')).toBe('/_cluster/health');
    expect(pathShape('/metricbeat-*,filebeat-*/_search?ignore_unavailable=true')).toBe('/*/_search');
    expect(pathShape('/_watcher/watch/highcpu/_execute')).toBe('/_watcher/watch/*/_execute');
    expect(pathShape('/_ml/anomaly_detectors/flights-job/results/records')).toBe('/_ml/anomaly_detectors/*/results/records');
    expect(pathShape('/flights/_doc/abc-1')).toBe('/*/_doc/*');
    expect(pathShape('/')).toBe('/');
  });
});
