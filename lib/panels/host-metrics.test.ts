import { beforeAll, describe, expect, it } from 'vitest';
import { Coalescer } from '../cluster/coalesce';
import { fakeClient } from '../cluster/test-support/fake-transport';
import { connectParticipantCluster } from '../connections/service';
import { createParticipant } from '../db';
import { ManualClock } from '../practice/clock';
import { defaultHost, kibanaMetricsLinks } from '../queries/host-metrics';
import { practiceAppForTests } from '../testing/practice-app';
import type { TestDeployment } from '../testing/practice-cluster';
import { hostMetrics, hostMetricsQuery, readHostMetrics } from './host-metrics';
import { hostMetricsPanel } from './host-metrics.contract';
import { readPanel } from './read';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
const SECOND = 1_000;
const clock = new ManualClock(T0);
const app = practiceAppForTests({ clock });

/** Moves the practice clock and lets the simulated host catch up (the scheduler is off in tests). */
function advance(deployment: TestDeployment, ms: number): void {
  clock.advance(ms);
  app.practice.cluster.deployments.get(deployment.id)!.host.tick();
}

function hostnameOf(deployment: TestDeployment): string {
  return app.practice.cluster.deployments.get(deployment.id)!.host.identity.hostname;
}

describe.each(['9', '8', '7'] as const)('the host metrics panel on a flavour %s practice cluster', (flavor) => {
  let deployment: TestDeployment;

  beforeAll(async () => {
    deployment = await app.practice.deploy(flavor);
  });

  it('has no hosts before Metricbeat runs, in one request', async () => {
    const client = await app.practice.connect(deployment);
    const before = app.practice.requestCount(deployment);
    const reading = await readHostMetrics(client, { host: null, range: '15m' }, { now: clock.now() });
    expect(app.practice.requestCount(deployment) - before).toBe(1);
    expect(reading).toMatchObject({ hosts: [], selected: null, metrics: null, range: '15m' });
    await client.close();
  });

  it('after setup and start lists the host and charts its series in one _msearch per refresh', async () => {
    await app.practice.host(deployment, 'metricbeat-setup');
    await app.practice.host(deployment, 'metricbeat-start');
    advance(deployment, 20 * SECOND);
    const client = await app.practice.connect(deployment);
    const host = hostnameOf(deployment);

    let before = app.practice.requestCount(deployment);
    const first = await readHostMetrics(client, { host: null, range: '15m' }, { now: clock.now() });
    // Without a remembered host the list comes first, then the series of the host it picked.
    expect(app.practice.requestCount(deployment) - before).toBe(2);
    expect(first.hosts.map((h) => [h.name, h.stale])).toEqual([[host, false]]);
    expect(first.selected).toBe(host);
    const cpu = first.metrics!.cpu.filter(([, v]) => v !== null);
    expect(cpu.length).toBeGreaterThan(25);
    expect(first.metrics!.last.cpu).toBeGreaterThan(0);
    expect(first.metrics!.last.cpu).toBeLessThan(1);
    expect(first.metrics!.last.memory).toBeGreaterThan(0);
    expect(first.metrics!.last.load1).not.toBeNull();
    expect(first.metrics!.last.netIn).toBeGreaterThan(0);

    before = app.practice.requestCount(deployment);
    const next = await readHostMetrics(client, { host: null, range: '5m' }, { now: clock.now(), rememberedHost: host });
    expect(app.practice.requestCount(deployment) - before).toBe(1);
    expect(next.selected).toBe(host);
    expect(next.metrics!.intervalMs).toBe(10 * SECOND);

    before = app.practice.requestCount(deployment);
    await readHostMetrics(client, { host, range: '24h' }, { now: clock.now() });
    expect(app.practice.requestCount(deployment) - before).toBe(1);
    await client.close();
  });

  it('shows the CPU rise while the cores are loaded (the handout\'s dd)', async () => {
    const client = await app.practice.connect(deployment);
    const host = hostnameOf(deployment);
    const read = async () => (await readHostMetrics(client, { host, range: '5m' }, { now: clock.now() })).metrics!;
    const idle = (await read()).last.cpu!;
    await app.practice.host(deployment, 'cpu-load', { minutes: 3, cores: 2 });
    advance(deployment, 60 * SECOND);
    const loaded = await read();
    expect(loaded.last.cpu!).toBeGreaterThan(idle + 0.5);
    expect(loaded.last.load1!).toBeGreaterThan(0.5);
    await client.close();
  });

  it('marks the host stale 60 s after Metricbeat stops', async () => {
    const client = await app.practice.connect(deployment);
    await app.practice.host(deployment, 'metricbeat-stop');
    advance(deployment, 90 * SECOND);
    const reading = await readHostMetrics(client, { host: null, range: '15m' }, { now: clock.now(), rememberedHost: hostnameOf(deployment) });
    expect(reading.hosts[0]).toMatchObject({ name: hostnameOf(deployment), stale: true });
    expect(reading.selected).toBe(hostnameOf(deployment));
    await client.close();
  });
});

describe('20 tabs of one attendee', () => {
  it('cost the cluster one query per refresh window, through the panel route\'s read', async () => {
    const deployment = await app.practice.deploy('8');
    await app.practice.host(deployment, 'metricbeat-start');
    const participant = await createParticipant(app.ctx.db, { displayName: 'tabs', role: 'self_paced' });
    await connectParticipantCluster(app.ctx, participant.id, { url: deployment.url, username: deployment.username, password: deployment.password });
    const host = hostnameOf(deployment);
    // lru-cache reads a start time of 0 as "no TTL", so the test clock starts later.
    let t = 1_000;
    const cache = new Coalescer({ now: () => t });
    const tab = (query: Record<string, string> = { host, range: '15m' }) =>
      readPanel(app.ctx, participant.id, hostMetrics, hostMetricsQuery.parse(query), { cache, now: () => clock.now() });

    const start = app.practice.requestCount(deployment);
    const readings = await Promise.all(Array.from({ length: 20 }, () => tab()));
    expect(app.practice.requestCount(deployment) - start).toBe(1);
    expect(new Set(readings.map((r) => r.checkedAt)).size).toBe(1);
    expect(readings[0]!.checkedAt).toBe(new Date(clock.now()).toISOString());
    expect(readings[0]!.metrics!.cpu.some(([, v]) => v !== null)).toBe(true);

    // Tabs poll at their own moments inside the window: still the one answer.
    for (const after of [1_000, 2_500, hostMetrics.ttlMs - 1]) {
      t = 1_000 + after;
      await Promise.all(Array.from({ length: 20 }, () => tab()));
    }
    expect(app.practice.requestCount(deployment) - start).toBe(1);

    // The next window makes the next query, once for all 20.
    expect(hostMetrics.ttlMs).toBeLessThan(hostMetricsPanel.refreshMs);
    t = 1_000 + hostMetrics.ttlMs + 1;
    await Promise.all(Array.from({ length: 20 }, () => tab()));
    expect(app.practice.requestCount(deployment) - start).toBe(2);

    // Another range is another question.
    await Promise.all(Array.from({ length: 20 }, () => tab({ host, range: '1h' })));
    expect(app.practice.requestCount(deployment) - start).toBe(3);
  });

  it('without a connection answer not_connected', async () => {
    const participant = await createParticipant(app.ctx.db, { displayName: 'nobody', role: 'self_paced' });
    await expect(readPanel(app.ctx, participant.id, hostMetrics, hostMetricsQuery.parse({}))).rejects.toMatchObject({ code: 'not_connected' });
  });
});

describe('errors inside the _msearch answer', () => {
  it('fail the refresh with the code of the failed search', async () => {
    const { client } = fakeClient({
      'POST /_msearch': {
        responses: [
          {
            error: {
              type: 'security_exception',
              reason: 'action [indices:data/read/search] is unauthorized for user [lab] with effective roles [viewer] on indices [metricbeat-*], this action is granted by the index privileges [read,all]',
            },
            status: 403,
          },
        ],
      },
    });
    await expect(readHostMetrics(client, { host: null, range: '15m' }, { now: T0 })).rejects.toMatchObject({ code: 'forbidden', params: { privileges: 'read,all' } });
  });
});

describe('helpers', () => {
  it('picks the freshest reporting host by default', () => {
    const h = (name: string, lastSeen: number, stale: boolean) => ({ name, lastSeen, stale, ageMs: 0, os: null, architecture: null, cores: null });
    expect(defaultHost([h('a', 10, false), h('b', 20, false), h('c', 30, true)])).toBe('b');
    expect(defaultHost([h('c', 30, true), h('d', 40, true)])).toBe('d');
    expect(defaultHost([])).toBeNull();
  });

  it('links to the Metrics app of each Kibana generation', () => {
    expect(kibanaMetricsLinks('https://kb.example.org/', { major: 7, minor: 6 }, 'lab host')).toEqual({
      inventory: 'https://kb.example.org/app/infra#/infrastructure/inventory',
      host: 'https://kb.example.org/app/infra#/link-to/host-detail/lab%20host',
    });
    expect(kibanaMetricsLinks('https://kb.example.org', { major: 8, minor: 15 }, 'vm-1')).toEqual({
      inventory: 'https://kb.example.org/app/metrics/inventory',
      host: 'https://kb.example.org/app/metrics/link-to/host-detail/vm-1',
    });
    expect(kibanaMetricsLinks(null, { major: 8, minor: 15 }, 'vm-1')).toBeNull();
  });

  it('validates the query string', () => {
    expect(hostMetricsQuery.parse({})).toEqual({ host: null, range: '15m' });
    expect(hostMetricsQuery.parse({ range: '24h', host: 'vm-1' })).toEqual({ host: 'vm-1', range: '24h' });
    expect(hostMetricsQuery.safeParse({ range: '2d' }).error?.issues[0]?.path).toEqual(['range']);
    expect(hostMetricsQuery.safeParse({ host: ' ' }).error?.issues[0]?.path).toEqual(['host']);
    expect(hostMetricsQuery.safeParse({ host: 'h'.repeat(256) }).success).toBe(false);
  });
});
