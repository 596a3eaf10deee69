import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointIds, type CheckpointId } from '@/content/chapters';
import type { ClusterClient } from '../cluster/adapter';
import { connectCluster } from '../cluster/connect';
import { EndpointPolicy } from '../cluster/endpoint-policy';
import { startPracticeCluster, type PracticeCluster } from '../practice/server';
import { chapter1 } from './chapter-1';
import { chapter2 } from './chapter-2';
import { chapter3 } from './chapter-3';
import { chapter4 } from './chapter-4';
import { chapter5 } from './chapter-5';
import { checkpointDefinition, definitions } from './registry';

describe('the registry', () => {
  it('holds each chapter module\'s checks, every one in its own chapter with the ids of DESIGN.md', () => {
    const modules = { 1: chapter1, 2: chapter2, 3: chapter3, 4: chapter4, 5: chapter5 } as const;
    for (const [chapter, module] of Object.entries(modules)) {
      expect(module.map((d) => d.id)).toEqual(checkpointIds[Number(chapter) as 1 | 2 | 3 | 4 | 5]);
      expect(module.every((d) => d.chapter === Number(chapter))).toBe(true);
    }
    expect(definitions).toHaveLength(chapter1.length + chapter2.length + chapter3.length + chapter4.length + chapter5.length);
    expect(checkpointDefinition('highcpu-watch-created')?.chapter).toBe(4);
    expect(checkpointDefinition('flights-imported')?.chapter).toBe(5);
  });
});

/**
 * The chapter 1-3 checkpoints verified for real: a practice deployment of each flavour, the
 * official client through the app's connect path, and the host actions the attendee performs.
 */
const VERSIONS = { '9': '9.1.3', '8': '8.15.0', '7': '7.17.0' } as const;

describe.each(['9', '8', '7'] as const)('checkpoints on a %s.x practice cluster', (flavor) => {
  let cluster: PracticeCluster;
  let client: ClusterClient;
  let deployment: { id: string; url: string; username: string; password: string };
  let reachedChapter3: number | null = null;

  async function host(action: string, body: Record<string, unknown> = {}) {
    const auth = Buffer.from(`${deployment.username}:${deployment.password}`).toString('base64');
    const response = await fetch(`${cluster.url}/_practice/deployments/${deployment.id}/host/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${auth}` },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
  }

  async function verify(id: CheckpointId) {
    const definition = checkpointDefinition(id);
    if (!definition) throw new Error(`no definition for ${id}`);
    return definition.verify({ client, reachedChapterAt: async () => reachedChapter3 });
  }

  beforeAll(async () => {
    cluster = await startPracticeCluster({ port: 0 });
    const created = await fetch(`${cluster.url}/_practice/deployments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ flavor }),
    });
    deployment = (await created.json()) as typeof deployment;
    const policy = new EndpointPolicy({ practiceUrls: [cluster.url] });
    ({ client } = await connectCluster({ url: deployment.url, username: deployment.username, password: deployment.password }, { policy }));
  });

  afterAll(async () => {
    await client?.close();
    await cluster?.close();
  });

  it('chapter 1: connected, ML node and trial licence are done; sample data is pending until loaded', async () => {
    expect(await verify('cluster-connected')).toMatchObject({ state: 'done', detail: expect.stringContaining(VERSIONS[flavor]) });
    expect(await verify('ml-node')).toMatchObject({ state: 'done' });
    expect(await verify('licence-ok')).toEqual({ state: 'done', detail: 'trial' });
    expect(await verify('sample-data')).toEqual({ state: 'pending' });
    await client.request({ method: 'PUT', path: '/kibana_sample_data_flights' });
    await client.bulk([{ index: { _index: 'kibana_sample_data_flights' } }, { FlightNum: 'X1' }], { refresh: true });
    expect(await verify('sample-data')).toEqual({ state: 'done', detail: 'kibana_sample_data_flights' });
  });

  it('chapter 1: a basic licence leaves licence-ok pending with licence_required', async () => {
    const auth = Buffer.from(`${deployment.username}:${deployment.password}`).toString('base64');
    const put = (type: string) =>
      fetch(`${cluster.url}/_practice/deployments/${deployment.id}/license`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Basic ${auth}` },
        body: JSON.stringify({ type }),
      });
    expect((await put('basic')).status).toBe(200);
    expect(await verify('licence-ok')).toMatchObject({ state: 'pending', code: 'licence_required' });
    expect((await put('trial')).status).toBe(200);
  });

  it('chapter 2: setup installs the template, start ships host metrics', async () => {
    expect(await verify('metricbeat-setup')).toEqual({ state: 'pending' });
    expect(await verify('metricbeat-data')).toEqual({ state: 'pending' });
    await host('metricbeat-setup');
    expect(await verify('metricbeat-setup')).toMatchObject({ state: 'done', detail: expect.stringMatching(/^metricbeat-/) });
    await host('metricbeat-start');
    expect(await verify('metricbeat-data')).toMatchObject({ state: 'done', detail: expect.any(String) });
  });

  it('chapter 3: pipeline, auth data, and only an SSH attempt made after reaching the chapter', async () => {
    expect(await verify('filebeat-setup')).toEqual({ state: 'pending' });
    await host('filebeat-setup');
    expect(await verify('filebeat-setup')).toMatchObject({ state: 'done', detail: expect.stringMatching(/system-auth-pipeline$/) });
    await host('filebeat-start');
    // Filebeat's indices refresh every 5 s: its latest lines are searchable after that; refresh now instead of waiting.
    await client.request({ method: 'POST', path: '/_refresh' });
    expect(await verify('filebeat-auth-data')).toMatchObject({ state: 'done' });
    reachedChapter3 = Date.now() + 60_000;
    await host('ssh-attempt', { user: 'hAx0R', sourceIp: '203.0.113.9' });
    // Filebeat's indices refresh every 5 s; refresh now instead of waiting for it.
    await client.request({ method: 'POST', path: '/_refresh' });
    expect(await verify('ssh-attempt-seen')).toEqual({ state: 'pending' });
    reachedChapter3 = Date.now() - 60_000;
    expect(await verify('ssh-attempt-seen')).toEqual({ state: 'done', detail: 'hAx0R ← 203.0.113.9' });
  });
});
