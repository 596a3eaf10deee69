import { readFileSync } from 'node:fs';
import { Client as Client7 } from 'es7';
import { Client as Client8, errors } from 'es8';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedFile } from '@/lib/testing/shared-files';
import { ManualClock } from '../clock';
import { startPracticeCluster, type PracticeCluster } from './index';

/**
 * The official clients (8.19 and 7.17) against the running practice cluster over HTTP: what the
 * guide's code path will do against it.
 */

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
let cluster: PracticeCluster;
let clock: ManualClock;

interface Created {
  id: string;
  url: string;
  username: string;
  password: string;
  version: string;
}

beforeAll(async () => {
  clock = new ManualClock(T0);
  cluster = await startPracticeCluster({ port: 0, clock, scheduler: false });
});

afterAll(async () => {
  await cluster?.close();
});

async function control(method: string, path: string, body?: unknown, auth?: Created): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (auth) headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  const response = await fetch(`${cluster.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers };
}

/** Beats' index templates refresh every 5 s: what they shipped is searchable once the clock has passed that. */
function afterBeatsRefresh(): void {
  clock.advance(5_000);
}

async function deployment(flavor: '9' | '8' | '7'): Promise<Created> {
  const response = await control('POST', '/_practice/deployments', { flavor });
  expect(response.status).toBe(201);
  return response.body as unknown as Created;
}

function client8(d: Created, extra: Partial<ConstructorParameters<typeof Client8>[0]> = {}): Client8 {
  return new Client8({ node: d.url, auth: { username: d.username, password: d.password }, maxRetries: 0, ...extra });
}

async function esError(promise: Promise<unknown>): Promise<InstanceType<typeof errors.ResponseError>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof errors.ResponseError) return error;
    throw error;
  }
  throw new Error('expected a ResponseError');
}

describe('control API', () => {
  it('creates deployments with the documented shape', async () => {
    const d = await deployment('8');
    expect(Object.keys(d).sort()).toEqual(['id', 'password', 'url', 'username', 'version']);
    expect(d).toMatchObject({ url: cluster.url, username: 'elastic', version: '8.15.0' });
    expect(d.password.length).toBeGreaterThanOrEqual(24);
    expect((await deployment('7')).version).toBe('7.17.0');
    expect((await deployment('9')).version).toBe('9.1.3');
    expect((await control('POST', '/_practice/deployments', { flavor: '6' })).status).toBe(400);
    const ping = await control('GET', '/_practice/ping');
    expect(ping.body.ok).toBe(true);
  });

  it('guards a deployment with its own credentials and names unknown actions', async () => {
    const a = await deployment('8');
    const b = await deployment('8');
    expect((await control('POST', `/_practice/deployments/${a.id}/host/metricbeat-start`)).status).toBe(401);
    const other = await control('POST', `/_practice/deployments/${a.id}/host/metricbeat-start`, {}, b);
    expect(other.status).toBe(403);
    const unknown = await control('POST', `/_practice/deployments/${a.id}/host/reboot`, {}, a);
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain('unknown host action [reboot]');
    const state = await control('POST', `/_practice/deployments/${a.id}/host/cpu-load`, { minutes: 2, cores: 1 }, a);
    expect(state.status).toBe(200);
    expect(state.body).toMatchObject({ hostname: expect.any(String), metricbeat: { setup: false, running: false }, filebeat: { setup: false, running: false }, cpuLoad: { cores: 1 } });
    const license = await control('PUT', `/_practice/deployments/${a.id}/license`, { type: 'basic' }, a);
    expect(license.body).toMatchObject({ license: { type: 'basic', status: 'active' } });
  });
});

describe('Elasticsearch API with the 8.19 client', () => {
  let d: Created;
  let es: Client8;

  beforeAll(async () => {
    d = await deployment('8');
    es = client8(d);
  });

  it('answers GET / like 8.15.0, with the product header the client checks', async () => {
    const info = await es.info();
    expect(info.version).toMatchObject({ number: '8.15.0', build_flavor: 'default', build_type: 'docker', build_snapshot: false, lucene_version: '9.11.1' });
    expect(info.tagline).toBe('You Know, for Search');
    const raw = await fetch(`${d.url}/`, { headers: { authorization: `Basic ${Buffer.from(`elastic:${d.password}`).toString('base64')}`, accept: 'application/vnd.elasticsearch+json; compatible-with=8' } });
    expect(raw.headers.get('x-elastic-product')).toBe('Elasticsearch');
    expect(raw.headers.get('content-type')).toBe('application/vnd.elasticsearch+json;compatible-with=8');
  });

  it('bulk-indexes and searches', async () => {
    const bulk = await es.bulk({
      refresh: true,
      operations: [{ index: { _index: 'lab' } }, { '@timestamp': '2026-11-24T08:59:00Z', n: 1, tag: 'a' }, { index: { _index: 'lab', _id: 'two' } }, { '@timestamp': '2026-11-24T08:59:30Z', n: 2, tag: 'b' }],
    });
    expect(bulk.errors).toBe(false);
    const result = await es.search({ index: 'lab', query: { range: { n: { gte: 1 } } }, sort: [{ n: 'asc' }] });
    expect(result.hits.total).toEqual({ value: 2, relation: 'eq' });
    expect(result.hits.hits.map((h) => h._id)[1]).toBe('two');
    expect(await es.count({ index: 'lab' })).toMatchObject({ count: 2 });
    const m = await es.msearch({ searches: [{ index: 'lab' }, { query: { term: { tag: 'a' } } }, { index: 'lab' }, { size: 0 }] });
    expect(m.responses).toHaveLength(2);
    expect(await es.indices.exists({ index: 'lab' })).toBe(true);
    expect(await es.indices.exists({ index: 'nope' })).toBe(false);
    expect((await es.get({ index: 'lab', id: 'two' }))._source).toMatchObject({ n: 2 });
  });

  it('rejects a wrong password with 401 and the ES challenge', async () => {
    const bad = new Client8({ node: d.url, auth: { username: 'elastic', password: 'wrong-password-wrong-password' }, maxRetries: 0 });
    const error = await esError(bad.search({ index: 'lab' }));
    expect(error.statusCode).toBe(401);
    expect(error.body).toMatchObject({ error: { type: 'security_exception', reason: 'unable to authenticate user [elastic] for REST request [/lab/_search]' }, status: 401 });
    const missing = await fetch(`${d.url}/_search`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toContain('Basic realm="security" charset="UTF-8"');
    expect(missing.headers.get('www-authenticate')).toContain('ApiKey');
    expect(((await missing.json()) as { error: { reason: string } }).error.reason).toBe('missing authentication credentials for REST request [/_search]');
  });

  it('answers 404 index_not_found_exception for a missing index', async () => {
    const error = await esError(es.search({ index: 'missing-index' }));
    expect(error.statusCode).toBe(404);
    expect(error.body).toMatchObject({ error: { type: 'index_not_found_exception', reason: 'no such index [missing-index]' } });
  });

  it('answers 400 for a query it cannot parse and for malformed JSON', async () => {
    const error = await esError(es.search({ index: 'lab', query: { no_such_query: {} } as never }));
    expect(error.statusCode).toBe(400);
    expect((error.body as { error: { root_cause: { type: string }[] } }).error.root_cause[0]?.type).toMatch(/parsing_exception/);
    const raw = await fetch(`${d.url}/lab/_search`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`elastic:${d.password}`).toString('base64')}`, 'content-type': 'application/json' },
      body: '{"query": {',
    });
    expect(raw.status).toBe(400);
    expect(((await raw.json()) as { error: { type: string } }).error.type).toBe('x_content_parse_exception');
  });

  it('routes like ES: unknown paths 400, wrong methods 405', async () => {
    const auth = { authorization: `Basic ${Buffer.from(`elastic:${d.password}`).toString('base64')}` };
    const unknown = await fetch(`${d.url}/lab/_doc/1/extra/segments`, { headers: auth });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({ error: 'no handler found for uri [/lab/_doc/1/extra/segments] and method [GET]' });
    const wrong = await fetch(`${d.url}/_search`, { method: 'PUT', headers: auth });
    expect(wrong.status).toBe(405);
    const compat9 = await fetch(`${d.url}/`, { headers: { ...auth, accept: 'application/vnd.elasticsearch+json; compatible-with=9' } });
    expect(compat9.status).toBe(400);
    expect(((await compat9.json()) as { error: { type: string } }).error.type).toBe('media_type_header_exception');
    const pretty = await fetch(`${d.url}/?pretty&filter_path=version.number`, { headers: auth });
    expect(await pretty.text()).toBe('{\n  "version" : {\n    "number" : "8.15.0"\n  }\n}\n');
  });

  it('injects faults per deployment: 429, licence 403, 503, every Nth, latency, dropped connections', async () => {
    const f = await deployment('8');
    const es2 = client8(f);
    await es2.indices.create({ index: 'x' });
    const set = (faults: unknown) => control('PUT', `/_practice/deployments/${f.id}/faults`, faults, f);

    await set({ status: 429 });
    const rejected = await esError(es2.search({ index: 'x' }));
    expect(rejected.statusCode).toBe(429);
    expect(rejected.body).toMatchObject({ error: { type: 'es_rejected_execution_exception' }, status: 429 });
    // Other deployments are untouched.
    expect((await es.search({ index: 'lab', size: 0 })).hits.total).toMatchObject({ value: 2 });

    await set({ status: 403, feature: 'ml' });
    const licence = await esError(es2.info());
    expect(licence.body).toMatchObject({ error: { type: 'security_exception', reason: 'current license is non-compliant for [ml]', 'license.expired.feature': 'ml' } });

    await set({ status: 503 });
    expect((await esError(es2.cluster.health())).statusCode).toBe(503);

    await set({ status: 429, everyNth: 2 });
    await es2.search({ index: 'x' });
    expect((await esError(es2.search({ index: 'x' }))).statusCode).toBe(429);
    await es2.search({ index: 'x' });

    await set({ latencyMs: 150 });
    const started = Date.now();
    await es2.search({ index: 'x' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);

    await set({ drop: true });
    await expect(es2.search({ index: 'x' })).rejects.toBeInstanceOf(errors.ConnectionError);

    const cleared = await control('DELETE', `/_practice/deployments/${f.id}/faults`, undefined, f);
    expect(cleared.body).toEqual({ faults: {} });
    await es2.search({ index: 'x' });
  });

  it('mints API keys that authenticate, report themselves and check privileges', async () => {
    const key = await es.security.createApiKey({ name: 'guide-reader', expiration: '1d' });
    expect(key).toMatchObject({ name: 'guide-reader', id: expect.any(String), api_key: expect.any(String), encoded: expect.any(String) });
    expect(Buffer.from(key.encoded, 'base64').toString()).toBe(`${key.id}:${key.api_key}`);
    const viaKey = new Client8({ node: d.url, auth: { apiKey: key.encoded }, maxRetries: 0 });
    expect((await viaKey.info()).version.number).toBe('8.15.0');
    const me = await viaKey.security.authenticate();
    expect(me).toMatchObject({ username: 'elastic', authentication_type: 'api_key', api_key: { id: key.id, name: 'guide-reader' } });
    expect((await es.security.authenticate()).roles).toEqual(['superuser']);
    const privileges = await viaKey.security.hasPrivileges({ cluster: ['monitor', 'manage_ml'], index: [{ names: ['filebeat-*'], privileges: ['read'] }] });
    expect(privileges).toMatchObject({ username: 'elastic', has_all_requested: true, cluster: { monitor: true, manage_ml: true }, index: { 'filebeat-*': { read: true } } });
    const listed = await es.security.getApiKey({ name: 'guide-reader' });
    expect(listed.api_keys[0]).toMatchObject({ id: key.id, invalidated: false, username: 'elastic' });
    await es.security.invalidateApiKey({ ids: [key.id] });
    const revoked = await esError(viaKey.info());
    expect(revoked.statusCode).toBe(401);
    expect(JSON.stringify(revoked.body)).toContain('has been invalidated');
  });

  it('enforces an API key’s role descriptors on indices', async () => {
    const r = await deployment('8');
    const admin = client8(r);
    await control('POST', `/_practice/deployments/${r.id}/host/metricbeat-start`, {}, r);
    await control('POST', `/_practice/deployments/${r.id}/host/filebeat-start`, {}, r);
    afterBeatsRefresh();
    const key = await admin.security.createApiKey({
      name: 'metrics-only',
      role_descriptors: { metrics: { cluster: ['monitor'], indices: [{ names: ['metricbeat-*'], privileges: ['read', 'view_index_metadata'] }] } },
    });
    const limited = new Client8({ node: r.url, auth: { apiKey: key.encoded }, maxRetries: 0 });
    const metrics = await limited.search({ index: 'metricbeat-*', size: 0 });
    expect((metrics.hits.total as { value: number }).value).toBeGreaterThan(1000);
    const denied = await esError(limited.search({ index: 'filebeat-8.15.0' }));
    expect(denied.statusCode).toBe(403);
    expect((denied.body as { error: { type: string; reason: string } }).error).toMatchObject({
      type: 'security_exception',
      reason: `action [indices:data/read/search] is unauthorized for API key id [${key.id}] of user [elastic] on indices [filebeat-8.15.0], this action is granted by the index privileges [read,all]`,
    });
    // A wildcard resolves to the authorised indices only, as ES does: nothing here, so no hits.
    expect((await limited.search({ index: 'filebeat-*', size: 0 })).hits.total).toEqual({ value: 0, relation: 'eq' });
    const privileges = await limited.security.hasPrivileges({ cluster: ['monitor', 'manage'], index: [{ names: ['metricbeat-*', 'filebeat-*'], privileges: ['read'] }] });
    expect(privileges).toMatchObject({ has_all_requested: false, cluster: { monitor: true, manage: false }, index: { 'metricbeat-*': { read: true }, 'filebeat-*': { read: false } } });
    const write = await esError(limited.index({ index: 'metricbeat-8.15.0', document: { '@timestamp': new Date(T0).toISOString() }, op_type: 'create' }));
    expect(write.statusCode).toBe(403);
    expect((await esError(limited.indices.putIndexTemplate({ name: 't', index_patterns: ['t-*'] }))).statusCode).toBe(403);
  });
});

describe('flavours and tenancy', () => {
  it.each([
    { flavor: '8' as const, version: '8.15.0' },
    { flavor: '9' as const, version: '9.1.3' },
  ])('$version: Beats write data streams with .ds- backing indices and hits.total is an object', async ({ flavor, version }) => {
    const d = await deployment(flavor);
    const es = client8(d);
    await control('POST', `/_practice/deployments/${d.id}/host/metricbeat-setup`, {}, d);
    await control('POST', `/_practice/deployments/${d.id}/host/metricbeat-start`, {}, d);
    afterBeatsRefresh();
    const streams = await es.indices.getDataStream({ name: `metricbeat-${version}` });
    expect(streams.data_streams[0]?.name).toBe(`metricbeat-${version}`);
    expect(streams.data_streams[0]?.indices[0]?.index_name).toMatch(new RegExp(`^\\.ds-metricbeat-${version.replace(/\./g, '\\.')}-\\d{4}\\.\\d{2}\\.\\d{2}-000001$`));
    const template = await es.indices.getIndexTemplate({ name: `metricbeat-${version}` });
    expect(template.index_templates[0]?.index_template.data_stream).toBeDefined();
    const hosts = await es.search({
      index: 'metricbeat-*',
      size: 0,
      query: { range: { '@timestamp': { gte: 'now-15m' } } },
      aggs: { hosts: { terms: { field: 'host.name' }, aggs: { last: { max: { field: '@timestamp' } }, cpu: { avg: { field: 'system.cpu.total.norm.pct' } } } } },
    });
    expect(hosts.hits.total).toMatchObject({ relation: 'eq' });
    const buckets = (hosts.aggregations as { hosts: { buckets: { key: string; cpu: { value: number } }[] } }).hosts.buckets;
    expect(buckets).toHaveLength(1);
    expect(buckets[0]?.cpu.value).toBeGreaterThan(0);
    const cat = await es.cat.indices({ format: 'json', index: 'metricbeat-*' });
    expect(cat.map((row) => row.index)).toEqual([expect.stringMatching(new RegExp(`^\\.ds-metricbeat-${version.replace(/\./g, '\\.')}-`))]);
  });

  it('9.x: GET / says 9.1.3, the 8.19 client is answered in 8.x format, compatible-with 9 and 8 accepted and 7 refused', async () => {
    const d = await deployment('9');
    const es = client8(d);
    const info = await es.info();
    expect(info.version).toMatchObject({ number: '9.1.3', lucene_version: '10.2.2', minimum_wire_compatibility_version: '8.19.0', minimum_index_compatibility_version: '8.0.0' });
    await es.index({ index: 'lab', document: { '@timestamp': '2026-11-24T08:59:00Z', n: 1 }, refresh: true });
    expect((await es.search({ index: 'lab' })).hits.total).toEqual({ value: 1, relation: 'eq' });
    const auth = `Basic ${Buffer.from(`elastic:${d.password}`).toString('base64')}`;
    const as8 = await fetch(`${d.url}/`, { headers: { authorization: auth, accept: 'application/vnd.elasticsearch+json; compatible-with=8' } });
    expect(as8.headers.get('content-type')).toBe('application/vnd.elasticsearch+json;compatible-with=8');
    const as9 = await fetch(`${d.url}/lab/_count`, {
      method: 'POST',
      headers: { authorization: auth, accept: 'application/vnd.elasticsearch+json; compatible-with=9', 'content-type': 'application/vnd.elasticsearch+json; compatible-with=9' },
      body: JSON.stringify({ query: { match_all: {} } }),
    });
    expect(as9.status).toBe(200);
    expect(as9.headers.get('content-type')).toBe('application/vnd.elasticsearch+json;compatible-with=9');
    const as7 = await fetch(`${d.url}/`, { headers: { authorization: auth, accept: 'application/vnd.elasticsearch+json; compatible-with=7' } });
    expect(as7.status).toBe(400);
    expect(await as7.json()).toMatchObject({
      error: {
        type: 'media_type_header_exception',
        caused_by: { type: 'status_exception', reason: 'Accept version must be either version 9 or 8, but found 7. Accept=application/vnd.elasticsearch+json; compatible-with=7' },
      },
      status: 400,
    });
    // 8.x refuses what 9.x accepts, naming its own pair (ES-REFERENCE.md 2.3).
    const on8 = await deployment('8');
    const as9on8 = await fetch(`${on8.url}/`, { headers: { authorization: `Basic ${Buffer.from(`elastic:${on8.password}`).toString('base64')}`, accept: 'application/vnd.elasticsearch+json; compatible-with=9' } });
    expect(await as9on8.json()).toMatchObject({ error: { caused_by: { reason: 'Accept version must be either version 8 or 7, but found 9. Accept=application/vnd.elasticsearch+json; compatible-with=9' } } });
  });

  it('stores host documents that keep every field of the published Metricbeat samples', async () => {
    const d = await deployment('8');
    const es = client8(d);
    await control('POST', `/_practice/deployments/${d.id}/host/metricbeat-start`, {}, d);
    afterBeatsRefresh();
    const leaves = (value: unknown, prefix = '', out = new Map<string, string>()) => {
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        for (const [k, v] of Object.entries(value)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
      } else out.set(prefix, typeof value);
      return out;
    };
    for (const fixture of ['system-cpu', 'system-memory', 'system-load']) {
      const sample = JSON.parse(readFileSync(sharedFile('fixtures', 'metricbeat', `${fixture}.json`), 'utf8')) as { event: { dataset: string } };
      const found = await es.search<Record<string, unknown>>({ index: 'metricbeat-*', size: 1, sort: [{ '@timestamp': 'desc' }], query: { term: { 'event.dataset': sample.event.dataset } } });
      const stored = leaves(found.hits.hits[0]?._source);
      for (const [leaf, type] of leaves(sample)) expect(stored.get(leaf), `${fixture}: ${leaf}`).toBe(type);
    }
  });

  it('7.x: the 7.17 client, dated indices, _type, rest_total_hits_as_int, and no compatible-with=8', async () => {
    const d = await deployment('7');
    const es = new Client7({ node: d.url, auth: { username: d.username, password: d.password }, maxRetries: 0 });
    const info = await es.info();
    expect(info.body.version.number).toBe('7.17.0');
    await control('POST', `/_practice/deployments/${d.id}/host/filebeat-setup`, {}, d);
    await control('POST', `/_practice/deployments/${d.id}/host/filebeat-start`, {}, d);
    await control('POST', `/_practice/deployments/${d.id}/host/ssh-attempt`, { user: 'hAx0R', sourceIp: '1.2.3.4' }, d);
    afterBeatsRefresh();
    const result = await es.search({
      index: 'filebeat-*',
      rest_total_hits_as_int: true,
      body: { query: { bool: { filter: [{ term: { 'event.dataset': 'system.auth' } }, { term: { 'system.auth.ssh.event': 'Invalid' } }] } }, sort: [{ '@timestamp': 'desc' }] },
    });
    expect(result.body.hits.total).toBe(1);
    expect(result.body.hits.hits[0]._index).toBe('filebeat-7.17.0-2026.11.24');
    expect(result.body.hits.hits[0]._type).toBe('_doc');
    expect(result.body.hits.hits[0]._source).toMatchObject({ user: { name: 'hAx0R' }, source: { ip: '1.2.3.4' }, agent: { version: '7.17.0' }, ecs: { version: '1.12.0' } });
    const templates = await es.indices.getTemplate({ name: 'filebeat-7.17.0' });
    expect(templates.body['filebeat-7.17.0'].index_patterns).toEqual(['filebeat-7.17.0-*']);
    const pipeline = await es.ingest.getPipeline({ id: 'filebeat-7.17.0-system-auth-pipeline' });
    expect(Object.keys(pipeline.body)).toEqual(['filebeat-7.17.0-system-auth-pipeline']);
    const refused = await fetch(`${d.url}/`, { headers: { authorization: `Basic ${Buffer.from(`elastic:${d.password}`).toString('base64')}`, accept: 'application/vnd.elasticsearch+json; compatible-with=8' } });
    expect(refused.status).toBe(406);
  });

  it('keeps deployments apart: indices, credentials and hosts', async () => {
    const a = await deployment('8');
    const b = await deployment('8');
    const esA = client8(a);
    const esB = client8(b);
    await esA.index({ index: 'secret', document: { n: 1 }, refresh: true });
    expect((await esError(esB.search({ index: 'secret' }))).statusCode).toBe(404);
    expect((await esB.cat.indices({ format: 'json' })).map((r) => r.index)).not.toContain('secret');
    expect((await control('POST', `/_practice/deployments/${a.id}/host/ssh-attempt`, {}, b)).status).toBe(403);
    const key = await esA.security.createApiKey({ name: 'a-key' });
    const viaKey = new Client8({ node: b.url, auth: { apiKey: key.encoded }, maxRetries: 0 });
    expect((await viaKey.search({ index: 'secret' })).hits.hits).toHaveLength(1);
  });
});
