import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import type { PracticeCluster } from '../practice/server/index';
import { ClusterClientCache } from './cache';
import { connectCluster, openStoredCluster } from './connect';
import { EndpointPolicy } from './endpoint-policy';

/**
 * The adapter against the practice cluster over real HTTP, one deployment per flavour: the same
 * code path as against Elastic Cloud, with the client major the probe picks.
 *
 * The practice cluster is built alongside this library; until its server loads, these tests are
 * skipped (client.test.ts covers the same paths against a node:http stub).
 */
const practiceServer = await import('../practice/server/index').catch(() => null);

let practice: PracticeCluster;
let policy: EndpointPolicy;

interface Deployment {
  id: string;
  url: string;
  username: string;
  password: string;
  version: string;
}

beforeAll(async () => {
  if (!practiceServer) return;
  practice = await practiceServer.startPracticeCluster({ port: 0, scheduler: false });
  policy = new EndpointPolicy({ practiceUrls: [practice.url] });
});

afterAll(async () => {
  await practice?.close();
});

async function createDeployment(flavor: '7' | '8' | '9'): Promise<Deployment> {
  const response = await fetch(`${practice.url}/_practice/deployments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ flavor }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as Deployment;
}

describe.skipIf(practiceServer === null).each([
  { flavor: '7' as const, major: 7, client: 'es7' },
  { flavor: '8' as const, major: 8, client: 'es8' },
  // 9.x accepts the 8.19 client's compatible-with=8 (ES-REFERENCE.md 2.3-2.4).
  { flavor: '9' as const, major: 9, client: 'es8' },
])('practice deployment, flavour $flavor', ({ flavor, major, client: expectedClient }) => {
  it('connects, probes and searches with the right client', async () => {
    const deployment = await createDeployment(flavor);
    const connected = await connectCluster({ url: deployment.url, username: deployment.username, password: deployment.password }, { policy });
    const { client, status } = connected;
    try {
      expect(connected.checked.kind).toBe('practice');
      expect(client.flavour).toBe(expectedClient);
      expect(status.major).toBe(major);
      expect(status.version).toBe(deployment.version);
      expect(status.health?.status).toMatch(/green|yellow/);
      expect(status.nodes?.length).toBeGreaterThan(0);
      expect(status.licence?.type).toBeTruthy();
      expect(status.kibanaUrl).toBeNull();

      const bulk = await client.bulk(
        [{ index: { _index: 'lab-check' } }, { message: 'first', '@timestamp': '2024-05-01T09:00:00Z' }, { index: { _index: 'lab-check' } }, { message: 'second', '@timestamp': '2024-05-01T09:01:00Z' }],
        { refresh: true },
      );
      expect(bulk.errors).toBe(false);
      const found = await client.search<{ message: string }>('lab-check', { query: { match: { message: 'second' } } });
      expect(found.hits.hits.map((hit) => hit._source?.message)).toEqual(['second']);
      expect((await client.count('lab*')).count).toBe(2);
      expect(await client.indicesExists('lab-check')).toBe(true);
      expect(await client.indicesExists('nothing-here')).toBe(false);

      await expect(client.search('nothing-here', { query: { match_all: {} } })).rejects.toMatchObject({ code: 'index_missing' });
    } finally {
      await client.close();
    }
  });

  it('refuses a wrong password with unauthorized', async () => {
    const deployment = await createDeployment(flavor);
    const error = await connectCluster({ url: deployment.url, username: deployment.username, password: `${deployment.password}-wrong` }, { policy }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('unauthorized');
  });

  it('without the monitor privilege, learns the major from header negotiation and still serves it', async () => {
    const deployment = await createDeployment(flavor);
    const admin = await openStoredCluster({ url: deployment.url }, { kind: 'basic', username: deployment.username, password: deployment.password }, { policy });
    const key = await admin.createApiKey({ name: 'no-monitor', role_descriptors: { reader: { cluster: [], indices: [{ names: ['lab-*'], privileges: ['read'] }] } } });
    await admin.close();
    const client = await openStoredCluster({ url: deployment.url }, { kind: 'api_key', apiKey: key.encoded as string }, { policy });
    try {
      expect(client.version).toMatchObject({ major, exact: false });
      expect(client.flavour).toBe(expectedClient);
      await expect(client.info()).rejects.toMatchObject({ code: 'forbidden' });
      await expect(client.count('lab-*')).resolves.toMatchObject({ count: 0 });
    } finally {
      await client.close();
    }
  });

  it('re-creates the client from stored credentials through the cache', async () => {
    const deployment = await createDeployment(flavor);
    const cache = new ClusterClientCache();
    const auth = { kind: 'basic' as const, username: deployment.username, password: deployment.password };
    try {
      const key = { connectionId: deployment.id, credentialsVersion: 1 };
      const [a, b] = await Promise.all([
        cache.getOrCreate(key, () => openStoredCluster({ url: deployment.url }, auth, { policy })),
        cache.getOrCreate(key, () => openStoredCluster({ url: deployment.url }, auth, { policy })),
      ]);
      expect(a).toBe(b);
      expect(a?.flavour).toBe(expectedClient);
      expect((await a!.info()).version.number).toBe(deployment.version);
    } finally {
      await cache.closeAll();
    }
  });
});
