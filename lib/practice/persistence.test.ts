import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { sharedFile } from '../testing/shared-files';
import { ManualClock } from './clock';
import { FLAVORS, type Flavor } from './engine/api';
import { defineFeature, type FeatureDefinition, type PracticeFeature } from './feature';
import { PRACTICE_FEATURES } from './features';
import { startPracticeCluster, type PracticeCluster } from './server';
import { attachSharedDataset } from './shared-datasets';

/**
 * Durability (issue 13): a deployment written, the practice cluster restarted on the same data
 * folder, and the deployment read back whole, on every flavour; a damaged file loses only its
 * deployment; deleting a deployment deletes its files.
 */

const MINUTE = 60_000;
const root = mkdtempSync(path.join(tmpdir(), 'practice-persistence-'));
const clusters: PracticeCluster[] = [];
const logs: string[] = [];

afterEach(async () => {
  while (clusters.length > 0) await clusters.pop()?.close();
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Created {
  id: string;
  url: string;
  username: string;
  password: string;
}

async function start(dataDir: string, clock: ManualClock, persistence: { compactAfterBytes?: number } = {}, features?: readonly FeatureDefinition[]): Promise<PracticeCluster> {
  const cluster = await startPracticeCluster({ port: 0, clock, scheduler: false, dataDir, log: (m) => logs.push(m), persistence: { flushEveryMs: 60_000, ...persistence }, ...(features ? { features } : {}) });
  clusters.push(cluster);
  return cluster;
}

async function stop(cluster: PracticeCluster): Promise<void> {
  clusters.splice(clusters.indexOf(cluster), 1);
  await cluster.close();
}

function basic(d: { username: string; password: string }): string {
  return `Basic ${Buffer.from(`${d.username}:${d.password}`).toString('base64')}`;
}

async function call(cluster: PracticeCluster, method: string, url: string, auth?: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (auth) headers.authorization = auth;
  const response = await fetch(`${cluster.url}${url}`, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

async function ok(cluster: PracticeCluster, method: string, url: string, auth?: string, body?: unknown): Promise<Record<string, unknown>> {
  const r = await call(cluster, method, url, auth, body);
  if (r.status >= 300) throw new Error(`${method} ${url}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Moves the clock a minute at a time (as the scheduler would), writing the journal as it goes. */
async function advance(cluster: PracticeCluster, clock: ManualClock, minutes: number): Promise<void> {
  for (let i = 0; i < minutes; i += 1) {
    clock.set(clock.now() + MINUTE);
    cluster.deployments.tickAll();
    if (i % 5 === 4) await cluster.store?.flush();
  }
  await cluster.store?.flush();
}

/** A search answer without its timing. */
function timeless(body: Record<string, unknown>): Record<string, unknown> {
  const { took: _took, ...rest } = body;
  return rest;
}

/** Everything the test reads back, as one comparable value. */
async function observe(cluster: PracticeCluster, d: Created, flavor: Flavor, apiKey: string): Promise<Record<string, unknown>> {
  const auth = basic(d);
  const search = async (index: string, body: unknown) => timeless(await ok(cluster, 'POST', `/${index}/_search`, auth, body));
  const perSlot = await search('metricbeat-*', { size: 0, aggs: { slots: { terms: { field: 'metricset.name', size: 50 } }, last: { max: { field: '@timestamp' } } } });
  return {
    docs: await search('notes', { sort: [{ n: 'asc' }], seq_no_primary_term: true, version: true }),
    one: await ok(cluster, 'GET', '/notes/_doc/kept', auth),
    gone: (await call(cluster, 'GET', '/notes/_doc/deleted', auth)).status,
    mapping: await ok(cluster, 'GET', '/notes/_mapping', auth),
    alias: await ok(cluster, 'GET', '/_alias/notes-alias', auth),
    piped: await ok(cluster, 'GET', '/piped/_doc/p1', auth),
    pipeline: await ok(cluster, 'GET', '/_ingest/pipeline/add-team', auth),
    template: flavor === '7' ? await ok(cluster, 'GET', '/_template/notes-template', auth) : await ok(cluster, 'GET', '/_index_template/notes-template', auth),
    fromTemplate: await ok(cluster, 'GET', '/notes-2026/_settings', auth),
    license: ((await ok(cluster, 'GET', '/_license', auth)).license as Record<string, unknown>).type,
    faults: await ok(cluster, 'GET', `/_practice/deployments/${d.id}/faults`, auth),
    withApiKey: (await call(cluster, 'GET', '/notes/_count', `ApiKey ${apiKey}`)).body,
    host: await ok(cluster, 'GET', `/_practice/deployments/${d.id}/host`, auth),
    metricsets: perSlot.aggregations,
    logins: (await search('filebeat-*', { size: 0, query: { match: { 'event.outcome': 'failure' } } })).hits,
    indices: (await ok(cluster, 'GET', '/_cat/indices?format=json&h=index,docs.count,uuid&s=index&expand_wildcards=all', auth)) as unknown,
    health: (await ok(cluster, 'GET', '/', auth)).cluster_uuid,
  };
}

describe('practice deployments survive a restart', () => {
  for (const flavor of FLAVORS) {
    it(`reads back indices, documents, templates, pipelines, aliases, API keys, licence, faults and the host's Beats, which go on writing (flavour ${flavor})`, async () => {
      const dataDir = path.join(root, `flavour-${flavor}`);
      const clock = new ManualClock(Date.UTC(2026, 2, 2, 9, 0, 0));
      let cluster = await start(dataDir, clock, { compactAfterBytes: 64 * 1024 });
      const d = (await ok(cluster, 'POST', '/_practice/deployments', undefined, { flavor })) as unknown as Created;
      const auth = basic(d);
      for (const action of ['metricbeat-setup', 'filebeat-setup', 'metricbeat-start', 'filebeat-start']) await ok(cluster, 'POST', `/_practice/deployments/${d.id}/host/${action}`, auth);
      await ok(cluster, 'POST', `/_practice/deployments/${d.id}/host/ssh-attempt`, auth, { user: 'mallory', sourceIp: '203.0.113.9', count: 3 });

      await ok(cluster, 'PUT', '/notes', auth, { mappings: { properties: { n: { type: 'integer' }, text: { type: 'text' } } }, aliases: { 'notes-alias': {} } });
      await ok(cluster, 'PUT', '/notes/_doc/kept', auth, { n: 1, text: 'kept' });
      await ok(cluster, 'PUT', '/notes/_doc/deleted', auth, { n: 2, text: 'deleted' });
      await ok(cluster, 'POST', '/notes/_doc', auth, { n: 3, text: 'auto id', added: { dynamically: true } });
      await ok(cluster, 'PUT', '/notes/_doc/kept', auth, { n: 1, text: 'kept, second version' });
      await ok(cluster, 'DELETE', '/notes/_doc/deleted', auth);
      await ok(cluster, 'PUT', '/_ingest/pipeline/add-team', auth, { processors: [{ set: { field: 'team', value: 'blue' } }] });
      await ok(cluster, 'PUT', '/piped/_doc/p1?pipeline=add-team', auth, { who: 'kim' });
      const template = { index_patterns: ['notes-*'], template: { settings: { number_of_replicas: 0 } } };
      if (flavor === '7') await ok(cluster, 'PUT', '/_template/notes-template', auth, { index_patterns: ['notes-*'], settings: { number_of_replicas: 0 } });
      else await ok(cluster, 'PUT', '/_index_template/notes-template', auth, template);
      await ok(cluster, 'PUT', '/notes-2026', auth);
      const key = (await ok(cluster, 'POST', '/_security/api_key', auth, { name: 'reader' })) as { id: string; api_key: string };
      const apiKey = Buffer.from(`${key.id}:${key.api_key}`).toString('base64');
      await ok(cluster, 'PUT', `/_practice/deployments/${d.id}/license`, auth, { type: 'basic' });
      await ok(cluster, 'PUT', `/_practice/deployments/${d.id}/faults`, auth, { latencyMs: 1 });
      await advance(cluster, clock, 40);
      expect(cluster.store?.diskUse(d.id)?.snapshotBytes, 'the journal was compacted into a snapshot on the way').toBeGreaterThan(0);
      await ok(cluster, 'PUT', '/notes/_doc/late', auth, { n: 4, text: 'after the snapshot' });
      await advance(cluster, clock, 2);
      // A restart makes every recovered document searchable, as Elasticsearch's shard recovery
      // does; the host's last seconds of metrics may still wait for their index's refresh here.
      await ok(cluster, 'POST', '/_refresh', auth);

      const before = await observe(cluster, d, flavor, apiKey);
      expect((before.docs as { hits: { hits: unknown[] } }).hits.hits).toHaveLength(3);
      await stop(cluster);

      cluster = await start(dataDir, clock, { compactAfterBytes: 64 * 1024 });
      const after = await observe(cluster, d, flavor, apiKey);
      expect(after).toEqual(before);

      // The host goes on from where it was: ten more minutes of slots, none twice, none missing.
      const metricsBefore = (before.host as { metricbeat: { events: number } }).metricbeat.events;
      await advance(cluster, clock, 10);
      const host = (await ok(cluster, 'GET', `/_practice/deployments/${d.id}/host`, auth)) as { metricbeat: { events: number; running: boolean } };
      expect(host.metricbeat.running).toBe(true);
      expect(host.metricbeat.events).toBeGreaterThan(metricsBefore);
      const cpu = await ok(cluster, 'POST', '/metricbeat-*/_search', auth, {
        size: 0,
        query: { term: { 'metricset.name': 'cpu' } },
        aggs: { per: { date_histogram: { field: '@timestamp', fixed_interval: '10s', min_doc_count: 0 } } },
      });
      const buckets = (cpu.aggregations as { per: { buckets: { doc_count: number }[] } }).per.buckets;
      expect(buckets.length).toBeGreaterThan(6 * 50);
      expect(buckets.every((b) => b.doc_count === 1)).toBe(true);
      // The SSH attempts' lines were shipped once, not again after the restart.
      const failedLogins = (before.logins as { total: { value: number } }).total.value;
      expect(failedLogins).toBeGreaterThan(0);
      expect((await ok(cluster, 'POST', '/filebeat-*/_count', auth, { query: { match: { 'event.outcome': 'failure' } } })).count).toBe(failedLogins);
    });
  }
});

describe('the shared sample over a restart', () => {
  it("is attached again in the deployment's zone and slice, with the deployment's own deletions and writes", async () => {
    const dataDir = path.join(root, 'shared');
    const clock = new ManualClock(Date.UTC(2026, 2, 7));
    let cluster = await start(dataDir, clock);
    const d = (await ok(cluster, 'POST', '/_practice/deployments', undefined, { flavor: '8' })) as unknown as Created;
    const auth = basic(d);
    const engine = cluster.deployments.get(d.id)?.engine;
    if (!engine) throw new Error('no engine');
    const attached = await attachSharedDataset(engine, 'flights', { timeZone: 'Asia/Seoul', from: '2017-11-22', to: '2017-11-24' });
    const [deleted, overwritten] = ((await ok(cluster, 'POST', '/flights/_search', auth, { size: 2, sort: [{ '@timestamp': 'asc' }] })).hits as { hits: { _id: string; _source: Record<string, unknown> }[] }).hits;
    await ok(cluster, 'DELETE', `/flights/_doc/${deleted?._id}`, auth);
    await ok(cluster, 'PUT', `/flights/_doc/${overwritten?._id}`, auth, { ...overwritten?._source, dep_delay: 12345 });
    await cluster.store?.compactNow(d.id);
    // Compacted before a refresh: the replaced and deleted shared rows are still in search's view then.
    await ok(cluster, 'POST', '/flights/_doc?refresh=true', auth, { '@timestamp': '2017-11-23T03:00:00.000Z', timestamp: '2017-11-23 12:00:00', carrier: 'KE', origin: 'ICN', dest: 'JFK', dep_delay: 0 });
    const before = timeless(await ok(cluster, 'POST', '/flights/_search', auth, { size: 3, sort: [{ dep_delay: 'desc' }], aggs: { c: { terms: { field: 'carrier', size: 20 } } } }));
    await stop(cluster);

    cluster = await start(dataDir, clock);
    expect((await ok(cluster, 'GET', '/flights/_count', auth)).count).toBe(attached.docs);
    expect((await call(cluster, 'GET', `/flights/_doc/${deleted?._id}`, auth)).body.found).toBe(false);
    expect((await ok(cluster, 'GET', `/flights/_doc/${overwritten?._id}`, auth))._source).toMatchObject({ dep_delay: 12345 });
    expect(timeless(await ok(cluster, 'POST', '/flights/_search', auth, { size: 3, sort: [{ dep_delay: 'desc' }], aggs: { c: { terms: { field: 'carrier', size: 20 } } } }))).toEqual(before);
    expect(cluster.deployments.get(d.id)?.engine.approximateBytes()).toBeLessThan(1024 * 1024);
  });
});

describe('Watcher over a restart', () => {
  const mailWatch = { trigger: { schedule: { interval: '1m' } }, input: { simple: { n: 1 } }, condition: { always: {} }, actions: { mail: { email: { to: 'kim@example.com', subject: 'still here', body: { text: 'n = {{ctx.payload.n}}' } } } } };

  for (const flavor of FLAVORS) {
    it(`keeps the watches with their status, history and mailbox, and runs them on schedule afterwards (flavour ${flavor})`, async () => {
      const dataDir = path.join(root, `watcher-${flavor}`);
      const clock = new ManualClock(Date.UTC(2026, 2, 9, 9, 0, 30));
      let cluster = await start(dataDir, clock);
      const d = (await ok(cluster, 'POST', '/_practice/deployments', undefined, { flavor })) as unknown as Created;
      const auth = basic(d);
      await ok(cluster, 'PUT', '/_watcher/watch/mail', auth, mailWatch);
      await ok(cluster, 'PUT', '/_watcher/watch/paused?active=false', auth, mailWatch);
      await advance(cluster, clock, 3);
      // Flavour 8 keeps part of it in a snapshot file and part in the journal after it.
      if (flavor === '8') {
        await cluster.store?.compactNow(d.id);
        await advance(cluster, clock, 2);
      }
      const read = async () => {
        const mail = await ok(cluster, 'GET', '/_watcher/watch/mail', auth);
        const paused = await ok(cluster, 'GET', '/_watcher/watch/paused', auth);
        const outbox = (await ok(cluster, 'GET', `/_practice/deployments/${d.id}/outbox`, auth)).emails as { watch_id: string; sent_at: string }[];
        const history = await ok(cluster, 'POST', '/.watcher-history-*/_count', auth, { query: { term: { watch_id: 'mail' } } });
        return { mail: { status: mail.status, watch: mail.watch, version: mail._version }, paused: paused.status, outbox, history: history.count as number };
      };
      const before = await read();
      expect(before.outbox.length).toBeGreaterThanOrEqual(3);
      expect(before.history).toBe(before.outbox.length);
      await stop(cluster);

      cluster = await start(dataDir, clock);
      expect(await read()).toEqual(before);
      // Scheduled from where the clock is: two more minutes, two more mails; the paused watch stays quiet.
      await advance(cluster, clock, 2);
      const after = await read();
      expect(after.outbox.length).toBe(before.outbox.length + 2);
      expect(after.history).toBe(before.history + 2);
      expect(after.outbox.every((m) => m.watch_id === 'mail')).toBe(true);
    });
  }
});

describe('ML over a restart', () => {
  const fixture = (name: string) => JSON.parse(readFileSync(sharedFile('fixtures', 'ml', name), 'utf8')) as Record<string, unknown>;

  it('keeps the job and its datafeed with their counts and results, closed and stopped, and the job opens again', async () => {
    const dataDir = path.join(root, 'ml');
    const clock = new ManualClock(Date.UTC(2026, 2, 12, 9));
    let cluster = await start(dataDir, clock);
    const d = (await ok(cluster, 'POST', '/_practice/deployments', undefined, { flavor: '8' })) as unknown as Created;
    const auth = basic(d);
    // Four days of flights, a few per quarter hour.
    const lines: string[] = [];
    for (let q = 0; q < 4 * 96; q += 1) {
      for (let k = 0; k < 3 + (q % 4); k += 1) lines.push('{"index":{}}', JSON.stringify({ '@timestamp': new Date(Date.UTC(2017, 10, 1) + q * 900_000 + k * 60_000).toISOString(), carrier: 'KE' }));
    }
    await ok(cluster, 'PUT', '/flights', auth, { mappings: { properties: { '@timestamp': { type: 'date' }, carrier: { type: 'keyword' } } } });
    const bulk = await fetch(`${cluster.url}/flights/_bulk?refresh=true`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson', authorization: auth }, body: `${lines.join('\n')}\n` });
    expect(bulk.status).toBe(200);
    const { job_id: _j, ...job } = fixture('DERIVED-flights-job.kibana-8x-single-metric-wizard.put-body.json');
    const { datafeed_id: _d, job_id: _dj, ...feed } = fixture('DERIVED-flights-datafeed.kibana-later-7x-and-8x.put-body.json');
    await ok(cluster, 'PUT', '/_ml/anomaly_detectors/flights', auth, job);
    await ok(cluster, 'PUT', '/_ml/datafeeds/datafeed-flights', auth, { ...feed, job_id: 'flights' });
    await ok(cluster, 'POST', '/_ml/anomaly_detectors/flights/_open', auth);
    await ok(cluster, 'POST', '/_ml/datafeeds/datafeed-flights/_start?start=2017-11-01T00:00:00Z&end=2017-11-05T00:00:00Z', auth);
    const stats = async () => ((await ok(cluster, 'GET', '/_ml/anomaly_detectors/flights/_stats', auth)).jobs as { state: string; data_counts: { processed_record_count: number; latest_record_timestamp?: number } }[])[0];
    for (let i = 0; i < 200 && (await stats())?.state !== 'closed'; i += 1) {
      cluster.deployments.tickAll();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const ran = await stats();
    expect(ran?.state).toBe('closed');
    // The wizard's datafeed aggregates: one record per quarter hour.
    expect(ran?.data_counts.processed_record_count).toBe(4 * 96);
    const buckets = ((await ok(cluster, 'POST', '/.ml-anomalies-shared/_count', auth, { query: { term: { result_type: 'bucket' } } })).count as number);
    expect(buckets).toBeGreaterThan(300);
    await cluster.store?.flush();
    await stop(cluster);

    cluster = await start(dataDir, clock);
    const back = await stats();
    expect(back?.state).toBe('closed');
    expect(back?.data_counts).toEqual(ran?.data_counts);
    expect(((await ok(cluster, 'GET', '/_ml/datafeeds/datafeed-flights/_stats', auth)).datafeeds as { state: string }[])[0]?.state).toBe('stopped');
    expect((await ok(cluster, 'GET', '/_ml/anomaly_detectors/flights', auth)).jobs).toMatchObject([{ job_id: 'flights', analysis_config: job.analysis_config }]);
    expect((await ok(cluster, 'POST', '/.ml-anomalies-shared/_count', auth, { query: { term: { result_type: 'bucket' } } })).count).toBe(buckets);
    // The job opens again and its datafeed starts.
    await ok(cluster, 'POST', '/_ml/anomaly_detectors/flights/_open', auth);
    expect((await stats())?.state).toBe('opened');
  });
});

describe('a feature that keeps everything in indices', () => {
  it('is asked to rebuild from them after a restart, with no kept state', async () => {
    const restored: unknown[] = [];
    const tally = defineFeature<PracticeFeature & { seen: number }>({
      name: 'tally',
      create: (ctx) => {
        const feature = {
          name: 'tally',
          seen: -1,
          approximateBytes: () => 0,
          dispose: () => {},
          restore(snapshot: unknown) {
            restored.push(snapshot);
            feature.seen = ctx.engine.indexExists('.tally') ? ctx.engine.count('.tally', {}).count : 0;
          },
        };
        return feature;
      },
    });
    const dataDir = path.join(root, 'tally');
    const clock = new ManualClock(Date.UTC(2026, 2, 11));
    let cluster = await start(dataDir, clock, {}, [...PRACTICE_FEATURES, tally]);
    const d = (await ok(cluster, 'POST', '/_practice/deployments', undefined, { flavor: '8' })) as unknown as Created;
    for (const n of [1, 2, 3]) await ok(cluster, 'PUT', `/.tally/_doc/${n}?refresh=true`, basic(d), { n });
    await cluster.store?.flush();
    await stop(cluster);

    cluster = await start(dataDir, clock, {}, [...PRACTICE_FEATURES, tally]);
    expect(restored).toEqual([undefined]);
    expect((cluster.deployments.get(d.id)?.features.get('tally') as unknown as { seen: number }).seen).toBe(3);
  });
});

describe('idle reclaim over a restart', () => {
  it('keeps the learner’s last activity: a restart is not activity, and a restored deployment reclaimed while idle tells its owner so', async () => {
    const dataDir = path.join(root, 'idle');
    const clock = new ManualClock(Date.UTC(2026, 2, 9, 9, 0, 0));
    let cluster = await start(dataDir, clock);
    const d = (await ok(cluster, 'POST', '/_practice/deployments', undefined, { flavor: '8' })) as unknown as Created;
    clock.set(clock.now() + 30 * MINUTE);
    await ok(cluster, 'POST', `/_practice/deployments/${d.id}/activity`, basic(d));
    await cluster.store?.flush();
    await stop(cluster);

    clock.set(clock.now() + 100 * MINUTE);
    cluster = await start(dataDir, clock);
    // 100 minutes after the last activity: not idle for the default 120 yet, however recent the restart.
    expect(cluster.deployments.reclaimIdle()).toEqual([]);
    clock.set(clock.now() + 21 * MINUTE);
    expect(cluster.deployments.reclaimIdle()).toEqual([d.id]);
    const told = await call(cluster, 'GET', `/_practice/deployments/${d.id}`, basic(d));
    expect(told).toMatchObject({ status: 410, body: { error: { type: 'deployment_reclaimed_exception', idle_minutes: 120, flavor: '8' } } });
  });
});

describe('files of practice deployments', () => {
  it('a damaged journal loses only its deployment, with a log line and a 410 the app can tell the learner; DELETE forgets it', async () => {
    const dataDir = path.join(root, 'damaged');
    const clock = new ManualClock(Date.UTC(2026, 2, 3));
    let cluster = await start(dataDir, clock);
    const good = (await ok(cluster, 'POST', '/_practice/deployments', undefined, { flavor: '8' })) as unknown as Created;
    const bad = (await ok(cluster, 'POST', '/_practice/deployments', undefined, { flavor: '8' })) as unknown as Created;
    for (const d of [good, bad]) {
      await ok(cluster, 'PUT', '/a/_doc/1', basic(d), { v: d.id });
      await cluster.store?.flush();
      await ok(cluster, 'PUT', '/a/_doc/2', basic(d), { v: d.id });
      await cluster.store?.flush();
    }
    await stop(cluster);

    // Damage a byte inside the first frame (not the last one, which a crash could have cut short).
    const journal = path.join(dataDir, 'deployments', bad.id, 'journal-0.log');
    const bytes = readFileSync(journal);
    bytes[12] = (bytes[12] as number) ^ 0xff;
    writeFileSync(journal, bytes);

    logs.length = 0;
    cluster = await start(dataDir, clock);
    expect((await ok(cluster, 'GET', '/a/_doc/2', basic(good)))._source).toEqual({ v: good.id });
    expect(logs.some((line) => line.includes(`practice deployment ${bad.id} is LOST`) && line.includes('damaged journal frame'))).toBe(true);
    const lost = await call(cluster, 'GET', `/_practice/deployments/${bad.id}`, basic(bad));
    expect(lost.status).toBe(410);
    expect(lost.body).toMatchObject({ error: { type: 'practice_deployment_lost', state: 'lost', id: bad.id }, status: 410 });
    expect((await call(cluster, 'GET', '/a/_doc/1', basic(bad))).status).toBe(401);
    expect(existsSync(path.join(dataDir, 'lost', bad.id, 'lost.json'))).toBe(true);
    expect(existsSync(path.join(dataDir, 'deployments', bad.id))).toBe(false);

    // Still lost after another restart, until DELETE forgets it.
    await stop(cluster);
    cluster = await start(dataDir, clock);
    expect((await call(cluster, 'GET', `/_practice/deployments/${bad.id}`)).status).toBe(410);
    expect((await ok(cluster, 'DELETE', `/_practice/deployments/${bad.id}`)).acknowledged).toBe(true);
    await cluster.store?.flush();
    expect(existsSync(path.join(dataDir, 'lost', bad.id))).toBe(false);
    expect((await call(cluster, 'GET', `/_practice/deployments/${bad.id}`, basic(bad))).status).toBe(401);
  });

  it('a damaged snapshot is a lost deployment too', async () => {
    const dataDir = path.join(root, 'damaged-snapshot');
    const clock = new ManualClock(Date.UTC(2026, 2, 3));
    let cluster = await start(dataDir, clock);
    const d = (await ok(cluster, 'POST', '/_practice/deployments', undefined, { flavor: '9' })) as unknown as Created;
    await ok(cluster, 'PUT', '/a/_doc/1', basic(d), { v: 1 });
    await cluster.store?.compactNow(d.id);
    await stop(cluster);
    const snapshot = path.join(dataDir, 'deployments', d.id, 'snapshot-1.snap');
    const bytes = readFileSync(snapshot);
    bytes[bytes.length - 12] = (bytes[bytes.length - 12] as number) ^ 0x55;
    writeFileSync(snapshot, bytes);
    cluster = await start(dataDir, clock);
    expect((await call(cluster, 'GET', `/_practice/deployments/${d.id}`, basic(d))).body).toMatchObject({ error: { state: 'lost' } });
  });

  it('a frame cut short by a crash is dropped and the rest is read back', async () => {
    const dataDir = path.join(root, 'torn');
    const clock = new ManualClock(Date.UTC(2026, 2, 4));
    let cluster = await start(dataDir, clock);
    const d = (await ok(cluster, 'POST', '/_practice/deployments', undefined, { flavor: '7' })) as unknown as Created;
    await ok(cluster, 'PUT', '/a/_doc/1', basic(d), { v: 1 });
    await stop(cluster);
    const journal = path.join(dataDir, 'deployments', d.id, 'journal-0.log');
    const whole = statSync(journal).size;
    appendFileSync(journal, Buffer.from([200, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7]));
    logs.length = 0;
    cluster = await start(dataDir, clock);
    expect((await ok(cluster, 'GET', '/a/_doc/1', basic(d)))._source).toEqual({ v: 1 });
    expect(logs.some((line) => line.includes('cut short by a crash'))).toBe(true);
    expect(statSync(journal).size).toBe(whole);
    await ok(cluster, 'PUT', '/a/_doc/2', basic(d), { v: 2 });
    // Too many values for the engine's columns: kept as plain JSON, journalled as such.
    const wide = { v: 3, values: Array.from({ length: 4_100 }, (_, i) => i) };
    await ok(cluster, 'PUT', '/a/_doc/3', basic(d), wide);
    await stop(cluster);
    cluster = await start(dataDir, clock);
    expect((await ok(cluster, 'GET', '/a/_count', basic(d))).count).toBe(3);
    expect((await ok(cluster, 'GET', '/a/_doc/3', basic(d)))._source).toEqual(wide);
  });

  it('deleting a deployment deletes its files', async () => {
    const dataDir = path.join(root, 'deleted');
    const clock = new ManualClock(Date.UTC(2026, 2, 5));
    let cluster = await start(dataDir, clock);
    const d = (await ok(cluster, 'POST', '/_practice/deployments', undefined, { flavor: '8' })) as unknown as Created;
    await ok(cluster, 'PUT', '/a/_doc/1', basic(d), { v: 1 });
    await cluster.store?.compactNow(d.id);
    await ok(cluster, 'PUT', '/a/_doc/2', basic(d), { v: 2 });
    await cluster.store?.flush();
    expect(readdirSync(path.join(dataDir, 'deployments', d.id)).sort()).toEqual(['journal-1.log', 'snapshot-1.snap']);
    await ok(cluster, 'DELETE', `/_practice/deployments/${d.id}`, basic(d));
    await cluster.store?.flush();
    expect(existsSync(path.join(dataDir, 'deployments', d.id))).toBe(false);
    await stop(cluster);
    cluster = await start(dataDir, clock);
    expect(cluster.deployments.size).toBe(0);
  });

  it('keeps no password in its files, and one process at a time uses a data folder', async () => {
    const dataDir = path.join(root, 'secrets');
    const clock = new ManualClock(Date.UTC(2026, 2, 6));
    const first = await start(dataDir, clock);
    const d = (await ok(first, 'POST', '/_practice/deployments', undefined, { flavor: '8' })) as unknown as Created;
    await first.store?.flush();
    await first.store?.compactNow(d.id);
    const files = readdirSync(path.join(dataDir, 'deployments', d.id)).map((f) => readFileSync(path.join(dataDir, 'deployments', d.id, f)));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(file.includes(Buffer.from(d.password))).toBe(false);

    logs.length = 0;
    const second = await start(dataDir, clock);
    expect(second.store).toBeUndefined();
    expect(logs.some((line) => line.includes(`in use by process ${process.pid}`) || line.includes('could not take the lock'))).toBe(true);
  });
});
