import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedFile } from '@/lib/testing/shared-files';
import { ManualClock } from '../clock';
import type { Flavor } from '../engine/api';
import { PRACTICE_FEATURES } from '../features';
import { startPracticeCluster, type PracticeCluster } from '../server/index';
import { WatcherService } from './feature';

/**
 * Watcher wired into the practice cluster: Elasticsearch's `_watcher` REST API over HTTP in every
 * flavour (statuses, Warning headers, privileges, licence), the schedule on the shared scheduler,
 * history in the flavour's history index, the control API's outbox, memory and disposal.
 */

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
const fixture = (...p: string[]): Record<string, unknown> => JSON.parse(readFileSync(sharedFile('fixtures', ...p), 'utf8')) as Record<string, unknown>;
const HIGHCPU = fixture('watcher', 'DERIVED-highcpu-threshold-watch.kibana-put-body.json');
const LICENCE_403 = fixture('errors', 'es-issue-23490.watcher-license-non-compliant.403.json');

let cluster: PracticeCluster;
let clock: ManualClock;

interface Created {
  id: string;
  username: string;
  password: string;
}

const basic = (d: Created) => `Basic ${Buffer.from(`${d.username}:${d.password}`).toString('base64')}`;

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

async function call(method: string, path: string, auth?: string, body?: unknown): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (auth) headers.authorization = auth;
  const response = await fetch(`${cluster.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), headers: response.headers };
}

async function deploy(flavor: Flavor): Promise<Created> {
  const created = await call('POST', '/_practice/deployments', undefined, { flavor });
  expect(created.status).toBe(201);
  return created.body as unknown as Created;
}

function cpuDoc(d: Created, at: number, norm: number): Promise<Answer> {
  return call('POST', '/metricbeat-lab/_doc?refresh=true', basic(d), { '@timestamp': new Date(at).toISOString(), system: { cpu: { total: { pct: norm * 4, norm: { pct: norm } } } } });
}

const cpuWatch = (threshold: number, interval = '10s') => ({
  ...HIGHCPU,
  trigger: { schedule: { interval } },
  input: { search: { request: { indices: ['metricbeat-*'], body: { size: 0, query: { range: { '@timestamp': { gte: '{{ctx.trigger.scheduled_time}}||-1m' } } }, aggs: { metricAgg: { max: { field: 'system.cpu.total.norm.pct' } } } } } } },
  condition: { script: { source: 'if (ctx.payload.aggregations.metricAgg.value > params.threshold) { return true; } return false;', params: { threshold } } },
  transform: { script: { source: 'HashMap result = new HashMap(); result.result = ctx.payload.aggregations.metricAgg.value; return result;', params: { threshold } } },
});

beforeAll(async () => {
  clock = new ManualClock(T0);
  cluster = await startPracticeCluster({ port: 0, clock, scheduler: false, features: PRACTICE_FEATURES });
});

afterAll(async () => {
  await cluster?.close();
});

const HISTORY: Record<Flavor, { index: RegExp; name: string }> = {
  '7': { index: /^\.watcher-history-13-2026\.11\.24$/, name: '.watcher-history-13-2026.11.24' },
  '8': { index: /^\.ds-\.watcher-history-16-2026\.11\.24-000001$/, name: '.watcher-history-16' },
  '9': { index: /^\.ds-\.watcher-history-17-2026\.11\.24-000001$/, name: '.watcher-history-17' },
};

for (const flavor of ['7', '8', '9'] as const) {
  describe(`the _watcher API of a ${flavor}.x practice deployment`, () => {
    it('stores, reads, executes on the shared scheduler and deletes a watch, writing history where this version keeps it', async () => {
      clock.set(T0);
      const d = await deploy(flavor);
      const auth = basic(d);
      const put = await call('PUT', '/_watcher/watch/highcpu', auth, cpuWatch(0.5));
      expect(put).toMatchObject({ status: 201, body: { _id: 'highcpu', _version: 1, created: true } });
      expect((await call('PUT', '/_watcher/watch/highcpu', auth, cpuWatch(0.5))).status).toBe(200);
      const got = await call('GET', '/_watcher/watch/highcpu', auth);
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({ found: true, _id: 'highcpu', status: { state: { active: true } }, watch: { metadata: { name: 'HighCPU' } } });

      await cpuDoc(d, T0 + 5_000, 0.83);
      clock.set(T0 + 10_000);
      cluster.scheduler.tickAll();
      const history = await call('POST', '/.watcher-history-*/_search', auth, { query: { term: { watch_id: 'highcpu' } }, sort: [{ 'result.execution_time': 'desc' }] });
      const hits = (history.body.hits as { hits: { _index: string; _source: Record<string, unknown> }[] }).hits;
      expect(hits).toHaveLength(1);
      expect(hits[0]?._index).toMatch(HISTORY[flavor].index);
      expect(hits[0]?._source).toMatchObject({ watch_id: 'highcpu', state: 'executed', node: expect.any(String), result: { condition: { met: true }, transform: { payload: { result: expect.closeTo(0.83, 5) } } } });
      // The record names the node `_nodes` answers with.
      const nodes = await call('GET', '/_nodes', auth);
      expect(Object.keys(nodes.body.nodes as object)).toContain(hits[0]?._source.node);
      if (flavor !== '7') {
        const ds = await call('GET', `/_data_stream/${HISTORY[flavor].name}?expand_wildcards=all`, auth);
        expect(ds.body).toMatchObject({ data_streams: [{ name: HISTORY[flavor].name, hidden: true }] });
      }

      const outbox = await call('GET', `/_practice/deployments/${d.id}/outbox`, auth);
      expect(outbox).toMatchObject({ status: 200, body: { emails: [{ watch_id: 'highcpu', action_id: 'email_1', to: ['attendee@example.com'], subject: 'Watch [HighCPU] has exceeded the threshold', sent_at: new Date(T0 + 10_000).toISOString() }] } });
      expect(Object.keys((outbox.body.emails as Record<string, unknown>[])[0] ?? {})).toEqual(['watch_id', 'action_id', 'to', 'subject', 'body', 'sent_at']);

      const query = await call('POST', '/_watcher/_query/watches', auth, { size: 10, sort: [{ _seq_no: { order: 'asc' } }] });
      expect(query.body).toMatchObject({ count: 1, watches: [{ _id: 'highcpu', status: { state: { active: true }, last_met_condition: new Date(T0 + 10_000).toISOString() } }] });
      const stats = await call('GET', '/_watcher/stats', auth);
      expect(stats.body).toMatchObject({ manually_stopped: false, stats: [{ watcher_state: 'started', watch_count: 1 }] });

      expect((await call('PUT', '/_watcher/watch/highcpu/_deactivate', auth)).body).toMatchObject({ status: { state: { active: false } } });
      expect((await call('POST', '/_watcher/watch/highcpu/_activate', auth)).body).toMatchObject({ status: { state: { active: true } } });
      const deleted = await call('DELETE', '/_watcher/watch/highcpu', auth);
      expect(deleted).toMatchObject({ status: 200, body: { _id: 'highcpu', found: true } });
      // History stays after the watch is gone, as in ES.
      expect(((await call('GET', '/.watcher-history-*/_count', auth)).body as { count: number }).count).toBe(1);
    });

    it('answers 404 for a missing watch, with the bodies ES gives', async () => {
      const d = await deploy(flavor);
      const auth = basic(d);
      expect(await call('GET', '/_watcher/watch/nope', auth)).toMatchObject({ status: 404, body: { found: false, _id: 'nope' } });
      expect(await call('DELETE', '/_watcher/watch/nope', auth)).toMatchObject({ status: 404, body: { found: false, _id: 'nope' } });
      const exec = await call('POST', '/_watcher/watch/nope/_execute', auth, {});
      expect(exec.status).toBe(404);
      expect(exec.body).toMatchObject({ error: { type: 'resource_not_found_exception', reason: 'watch [nope] does not exist' }, status: 404 });
      expect((await call('PUT', '/_watcher/watch/nope/_ack', auth)).status).toBe(404);
    });

    it('simulates with force_simulate and an alternative input, sending nothing and recording nothing', async () => {
      const d = await deploy(flavor);
      const auth = basic(d);
      await call('PUT', '/_watcher/watch/highcpu', auth, cpuWatch(0.5, '1h'));
      const out = await call('POST', '/_watcher/watch/highcpu/_execute', auth, { action_modes: { _all: 'force_simulate' }, record_execution: false, alternative_input: { aggregations: { metricAgg: { value: 0.83 } } } });
      expect(out.status).toBe(200);
      expect(out.body).toMatchObject({ watch_record: { state: 'executed', result: { condition: { met: true }, actions: [{ id: 'email_1', status: 'simulated' }] } } });
      expect((await call('GET', `/_practice/deployments/${d.id}/outbox`, auth)).body).toEqual({ emails: [] });
      const count = await call('GET', '/.watcher-history-*/_count?allow_no_indices=true', auth);
      expect(count.body).toMatchObject({ count: 0 });
    });
  });
}

describe('Watcher per version', () => {
  const sshWatch = (types?: unknown) => ({
    trigger: { schedule: { interval: '1m' } },
    input: { search: { request: { indices: ['filebeat-*'], ...(types === undefined ? {} : { types }), body: { query: { match: { message: 'input_userauth_request' } } } } } },
    condition: { compare: { 'ctx.payload.hits.total': { gt: 0 } } },
    actions: { send_email: { email: { to: ['me@example.com'], subject: 'SSH' } } },
  });

  it('7.x keeps the handout\'s `types` with a deprecation Warning header', async () => {
    const d = await deploy('7');
    const put = await call('PUT', '/_watcher/watch/ssh', basic(d), sshWatch(['doc']));
    expect(put.status).toBe(201);
    expect(put.headers.get('warning')).toMatch(/^299 Elasticsearch-7\.17\.0-bee86328705acaa9a6daede7140defd4d9ec56bd "/);
  });

  it('8.x tolerates an empty `types` with a Warning header and refuses a non-empty one', async () => {
    const d = await deploy('8');
    const empty = await call('PUT', '/_watcher/watch/ssh', basic(d), sshWatch([]));
    expect(empty.status).toBe(201);
    expect(empty.headers.get('warning')).toMatch(/^299 Elasticsearch-8\.15\.0-/);
    const full = await call('PUT', '/_watcher/watch/ssh', basic(d), sshWatch(['doc']));
    expect(full.status).toBe(400);
    expect(JSON.stringify(full.body)).toContain('could not read search request. unsupported non-empty array field [types]');
    // A later call does not carry the earlier call's warning.
    expect((await call('GET', '/_watcher/watch/ssh', basic(d))).headers.get('warning')).toBeNull();
  });

  it('9.x refuses any `types`, even the handout\'s empty one', async () => {
    const d = await deploy('9');
    const empty = await call('PUT', '/_watcher/watch/ssh', basic(d), sshWatch([]));
    expect(empty.status).toBe(400);
    expect(empty.body).toMatchObject({ error: { type: 'parse_exception', caused_by: { reason: 'could not read search request. unexpected array field [types]' } } });
    expect((await call('PUT', '/_watcher/watch/ssh', basic(d), sshWatch())).status).toBe(201);
  });

  it('8.x and 9.x answer _watcher/settings; 7.x has no such endpoint', async () => {
    const d8 = await deploy('8');
    expect((await call('PUT', '/_watcher/settings', basic(d8), { index: { number_of_replicas: 1 } })).body).toEqual({ acknowledged: true });
    expect((await call('GET', '/_watcher/settings', basic(d8))).body).toEqual({ index: { number_of_replicas: '1' } });
    expect((await call('PUT', '/_watcher/settings', basic(d8), { index: { refresh_interval: '1s' } })).status).toBe(400);
    const d7 = await deploy('7');
    expect((await call('GET', '/_watcher/settings', basic(d7))).status).toBe(400);
  });
});

describe('the Watcher feature in the practice cluster', () => {
  it('answers every _watcher call with Elasticsearch\'s exact 403 on a Basic licence, and again after a trial starts', async () => {
    const d = await deploy('8');
    const auth = basic(d);
    await call('PUT', `/_practice/deployments/${d.id}/license`, auth, { type: 'basic' });
    for (const [method, path] of [['PUT', '/_watcher/watch/x'], ['GET', '/_watcher/watch/x'], ['DELETE', '/_watcher/watch/x'], ['POST', '/_watcher/_query/watches'], ['GET', '/_watcher/stats'], ['POST', '/_watcher/watch/x/_execute']] as const) {
      const answer = await call(method, path, auth, method === 'PUT' ? HIGHCPU : undefined);
      expect({ path, status: answer.status, body: answer.body }).toEqual({ path, status: 403, body: LICENCE_403 });
    }
    expect((await call('POST', '/_license/start_trial?acknowledge=true', auth)).status).toBe(200);
    expect((await call('PUT', '/_watcher/watch/x', auth, HIGHCPU)).status).toBe(201);
  });

  it('checks the watcher privileges of an API key before the licence', async () => {
    const d = await deploy('8');
    const key = await call('POST', '/_security/api_key', basic(d), { name: 'reader', role_descriptors: { reader: { cluster: ['monitor_watcher'], indices: [] } } });
    const apiKey = `ApiKey ${key.body.encoded as string}`;
    expect((await call('GET', '/_watcher/watch/x', apiKey)).status).toBe(404);
    const denied = await call('PUT', '/_watcher/watch/x', apiKey, HIGHCPU);
    expect(denied.status).toBe(403);
    expect(JSON.stringify(denied.body)).toContain('action [cluster:admin/xpack/watcher/watch/put] is unauthorized');
  });

  it('ticks only when a watch is due, counts its memory and is disposed with the deployment', async () => {
    clock.set(T0);
    const d = await deploy('8');
    const deployment = cluster.deployments.get(d.id);
    const service = deployment?.feature<WatcherService>('watcher');
    expect(service).toBeInstanceOf(WatcherService);
    expect(service?.active).toBe(false);
    const idle = service?.approximateBytes() ?? 0;
    await call('PUT', '/_watcher/watch/w', basic(d), cpuWatch(0.5, '30s'));
    expect(service?.approximateBytes()).toBeGreaterThan(idle);
    expect(service?.active).toBe(false);
    clock.set(T0 + 30_000);
    expect(service?.active).toBe(true);
    expect((await call('GET', `/_practice/deployments/${d.id}`, basic(d))).body).toMatchObject({ watcher: { executions: 0, nextDue: new Date(T0 + 30_000).toISOString() } });
    cluster.scheduler.tickAll();
    expect(service?.active).toBe(false);
    expect(service?.watcher.executionCount).toBe(1);
    const sizeBefore = cluster.scheduler.size;
    // Every feature that ticks (the host, Watcher, ML) leaves the scheduler with the deployment.
    const ticking = [...(deployment?.features.values() ?? [])].filter((f) => typeof f.tick === 'function');
    expect(ticking).toContain(service);
    await call('DELETE', `/_practice/deployments/${d.id}`, basic(d));
    expect(cluster.scheduler.size).toBe(sizeBefore - ticking.length);
    expect(service?.watcher.nextDue()).toBeUndefined();
  });

  it('comes back from a snapshot: watches from .watches with their status, the mailbox from the snapshot, the schedule going on', async () => {
    clock.set(T0);
    const d = await deploy('8');
    const deployment = cluster.deployments.get(d.id);
    const service = deployment?.feature<WatcherService>('watcher') as WatcherService;
    await call('PUT', '/_watcher/watch/w', basic(d), cpuWatch(0.5, '10s'));
    await cpuDoc(d, T0 + 5_000, 0.9);
    clock.set(T0 + 10_000);
    cluster.scheduler.tickAll();
    const before = await call('GET', '/_watcher/watch/w', basic(d));
    const snapshot = JSON.parse(JSON.stringify(service.snapshot())) as unknown;

    // A new instance over the same (restored) indices, as after a restart.
    service.watcher.dispose();
    service.restore(snapshot);
    expect(await call('GET', '/_watcher/watch/w', basic(d))).toMatchObject({ status: 200, body: { ...before.body } });
    expect((await call('GET', `/_practice/deployments/${d.id}/outbox`, basic(d))).body).toMatchObject({ emails: [{ watch_id: 'w' }] });
    await cpuDoc(d, T0 + 15_000, 0.95);
    clock.set(T0 + 20_000);
    cluster.scheduler.tickAll();
    expect(service.watcher.executionCount).toBe(2);
    expect(((await call('GET', `/_practice/deployments/${d.id}/outbox`, basic(d))).body.emails as unknown[]).length).toBe(2);
  });

  it('keeps the outbox to the deployment\'s own credentials', async () => {
    const a = await deploy('8');
    const b = await deploy('8');
    expect((await call('GET', `/_practice/deployments/${a.id}/outbox`, basic(b))).status).toBe(403);
    expect((await call('GET', `/_practice/deployments/${a.id}/outbox`)).status).toBe(401);
  });
});
