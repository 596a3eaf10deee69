import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedFile } from '@/lib/testing/shared-files';
import { flightsCsvChunks, flightsSize } from '../../datasets/flights';
import { FLAVORS, type Flavor } from '../engine/api';
import { startPracticeCluster, type PracticeCluster } from '../server/index';

/**
 * Chapter 5's practice features over HTTP, as a client sees them on each flavour: ML routes behind
 * their privilege and licence, the version facts of the deployment, the "no ML node" switch, the
 * structure finder's paths, the flights sample and the flights.csv download.
 */

const fixture = (name: string) => JSON.parse(readFileSync(sharedFile('fixtures', ...name.split('/')), 'utf8')) as Record<string, unknown>;
const WIZARD_JOB: Record<Flavor, string> = {
  '9': 'ml/DERIVED-flights-job.kibana-8x-single-metric-wizard.put-body.json',
  '8': 'ml/DERIVED-flights-job.kibana-8x-single-metric-wizard.put-body.json',
  '7': 'ml/DERIVED-flights-job.kibana-7.6-single-metric-wizard.put-body.json',
};

let cluster: PracticeCluster;

interface Deployment {
  id: string;
  username: string;
  password: string;
  version: string;
}

beforeAll(async () => {
  cluster = await startPracticeCluster({ port: 0, scheduler: false });
});
afterAll(async () => {
  await cluster.close();
});

async function deploy(flavor: Flavor): Promise<Deployment> {
  const response = await fetch(`${cluster.url}/_practice/deployments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ flavor }) });
  return (await response.json()) as Deployment;
}

function auth(d: Deployment): string {
  return `Basic ${Buffer.from(`${d.username}:${d.password}`).toString('base64')}`;
}

async function es(d: Deployment, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${cluster.url}${path}`, {
    method,
    headers: { authorization: auth(d), 'content-type': contentType },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function control(d: Deployment, method: string, subpath: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${cluster.url}/_practice/deployments/${d.id}${subpath}`, {
    method,
    headers: { authorization: auth(d), 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe.each(FLAVORS)('ML on the practice cluster, flavour %s', (flavor) => {
  it('answers _ml/info with the deployment version and creates the wizard job', async () => {
    const d = await deploy(flavor);
    const info = await es(d, 'GET', '/_ml/info');
    expect(info.status).toBe(200);
    expect((info.body.native_code as { version: string }).version).toBe(d.version);
    const put = await es(d, 'PUT', '/_ml/anomaly_detectors/flights', fixture(WIZARD_JOB[flavor]));
    expect(put.status).toBe(200);
    expect(put.body.job_version).toBe(d.version);
  });

  it('refuses to create a job on Basic with the exact 403, still lists jobs', async () => {
    const d = await deploy(flavor);
    await control(d, 'PUT', '/license', { type: 'basic' });
    const put = await es(d, 'PUT', '/_ml/anomaly_detectors/flights', fixture(WIZARD_JOB[flavor]));
    expect(put.status).toBe(403);
    const expected = fixture('errors/DERIVED-ml-basic-license.403.json');
    expect(put.body).toEqual(expected);
    const list = await es(d, 'GET', '/_ml/anomaly_detectors');
    expect(list.status).toBe(200);
  });

  it('takes the ML node away through the control API: _nodes loses the role, opening a job answers 429', async () => {
    const d = await deploy(flavor);
    await es(d, 'PUT', '/_ml/anomaly_detectors/flights', fixture(WIZARD_JOB[flavor]));
    const off = await control(d, 'PUT', '/ml', { mlNodes: false });
    expect(off.body).toEqual({ mlNodes: false });
    const nodes = await es(d, 'GET', '/_nodes');
    const roles = Object.values(nodes.body.nodes as Record<string, { roles: string[] }>)[0]?.roles ?? [];
    expect(roles).not.toContain('ml');
    const open = await es(d, 'POST', '/_ml/anomaly_detectors/flights/_open');
    expect(open.status).toBe(429);
    const error = open.body.error as { type: string; reason: string; caused_by: { reason: string } };
    const expected = (fixture('errors/kibana-issue-125276.ml-open-job-no-ml-node.429.json') as { error: { type: string; reason: string } }).error;
    expect([error.type, error.reason]).toEqual([expected.type, expected.reason]);
    expect(error.caused_by.reason).toContain("This node isn't a machine learning node.");
    expect((await control(d, 'PUT', '/ml', { mlNodes: 'no' })).status).toBe(400);
    await control(d, 'PUT', '/ml', { mlNodes: true });
    expect((await es(d, 'POST', '/_ml/anomaly_detectors/flights/_open')).body).toMatchObject({ opened: true });
  });

  it('finds the structure of flights.csv on the flavour\'s paths', async () => {
    const d = await deploy(flavor);
    const sample = [...flightsCsvChunks({ from: '2017-11-09', to: '2017-11-09' })].join('').slice(0, 50_000);
    const found = await es(d, 'POST', '/_text_structure/find_structure', sample, 'application/x-ndjson');
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ format: 'delimited', delimiter: ',', has_header_row: true, timestamp_field: 'timestamp', need_client_timezone: true });
    const old = await es(d, 'POST', '/_ml/find_file_structure', sample, 'application/x-ndjson');
    if (flavor === '7') expect(old.body).toMatchObject({ format: 'delimited', timestamp_field: 'timestamp' });
    else expect(old.status).toBe(400);
    const bad = await es(d, 'POST', '/_text_structure/find_structure', 'just one line', 'application/x-ndjson');
    expect(bad.status).toBe(400);
  });
});

describe('the flights sample and file', () => {
  it('loads a day of the sample into index flights in the given zone, twice without duplicates', async () => {
    const d = await deploy('8');
    const range = { from: '2017-11-23', to: '2017-11-23' };
    const expectedRows = flightsSize(range).rows;
    const started = await control(d, 'POST', '/datasets/flights', { timeZone: 'Asia/Seoul', ...range });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ state: 'running', totalRows: expectedRows, index: 'flights' });
    const done = async () => {
      for (;;) {
        const progress = await control(d, 'GET', '/datasets/flights');
        if (progress.body.state !== 'running') return progress.body;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    expect(await done()).toMatchObject({ state: 'done', rows: expectedRows, failedRows: 0 });
    await control(d, 'POST', '/datasets/flights', { timeZone: 'Asia/Seoul', ...range });
    await done();
    const count = await es(d, 'GET', '/flights/_count');
    expect(count.body.count).toBe(expectedRows);
    const first = await es(d, 'POST', '/flights/_search', { size: 1, sort: [{ '@timestamp': 'asc' }] });
    const source = ((first.body.hits as { hits: { _source: Record<string, unknown> }[] }).hits[0] as { _source: Record<string, unknown> })._source;
    expect(source['@timestamp']).toMatch(/^2017-11-23T00:\d\d:00\.000\+09:00$/);
    expect(Object.keys(source)).toEqual(['timestamp', 'carrier', 'origin', 'dest', 'dep_delay', '@timestamp']);
    const pipeline = await es(d, 'GET', '/_ingest/pipeline/flights-pipeline');
    expect(JSON.stringify(pipeline.body)).toContain('"timezone":"Asia/Seoul"');
    expect((await control(d, 'POST', '/datasets/flights', { timeZone: 'Mars/Base' })).status).toBe(400);
    expect((await control(d, 'POST', '/datasets/flights', { timeZone: 'UTC', from: '2017-09-01' })).status).toBe(400);
  });

  it('serves flights.csv: the same bytes as the generator, with its length', async () => {
    const slice = { from: '2017-11-20', to: '2017-11-21' };
    const response = await fetch(`${cluster.url}/_practice/datasets/flights.csv?from=${slice.from}&to=${slice.to}`);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(Number(response.headers.get('content-length'))).toBe(flightsSize(slice).bytes);
    const served = createHash('sha256').update(Buffer.from(await response.arrayBuffer())).digest('hex');
    const generated = createHash('sha256');
    for (const chunk of flightsCsvChunks(slice)) generated.update(chunk);
    expect(served).toBe(generated.digest('hex'));
    const whole = await fetch(`${cluster.url}/_practice/datasets/flights.csv`, { method: 'HEAD' });
    expect(Number(whole.headers.get('content-length'))).toBe(flightsSize().bytes);
    expect((await fetch(`${cluster.url}/_practice/datasets/flights.csv?from=2016-01-01`)).status).toBe(400);
  });
});
