import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock';
import type { Flavor } from '../engine/api';
import { startPracticeCluster, type PracticeCluster } from './index';

/** `_field_caps` over HTTP, with the answer shapes of the ES reference, on every flavour. */

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
let cluster: PracticeCluster;

interface Created {
  id: string;
  username: string;
  password: string;
}

const basic = (d: Created) => `Basic ${Buffer.from(`${d.username}:${d.password}`).toString('base64')}`;

async function call(method: string, path: string, auth?: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (auth) headers.authorization = auth;
  const response = await fetch(`${cluster.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

async function deploy(flavor: Flavor): Promise<Created> {
  return (await call('POST', '/_practice/deployments', undefined, { flavor })).body as unknown as Created;
}

/** Two indices that agree on some fields and disagree on others. */
async function twoIndices(d: Created): Promise<void> {
  const auth = basic(d);
  await call('PUT', '/metrics-a', auth, {
    mappings: {
      properties: {
        '@timestamp': { type: 'date' },
        message: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } },
        host: { properties: { name: { type: 'keyword' } } },
        system: { properties: { cpu: { properties: { total: { properties: { pct: { type: 'scaled_float', scaling_factor: 1000 }, norm: { properties: { pct: { type: 'scaled_float', scaling_factor: 1000 } } } } } } } } },
        rating: { type: 'long' },
        cpu_pct: { type: 'alias', path: 'system.cpu.total.pct' },
      },
    },
  });
  await call('PUT', '/metrics-b', auth, {
    mappings: {
      properties: {
        '@timestamp': { type: 'date' },
        host: { properties: { name: { type: 'keyword', doc_values: false, index: false } } },
        rating: { type: 'keyword' },
        only_b: { type: 'keyword' },
      },
    },
  });
}

beforeAll(async () => {
  cluster = await startPracticeCluster({ port: 0, clock: new ManualClock(T0), scheduler: false });
});

afterAll(async () => {
  await cluster?.close();
});

for (const flavor of ['7', '8', '9'] as const) {
  describe(`_field_caps on a ${flavor}.x practice deployment`, () => {
    it('merges each field over the target\'s indices: one type, several types, disagreeing capabilities', async () => {
      const d = await deploy(flavor);
      await twoIndices(d);
      const answer = await call('GET', '/metrics-*/_field_caps?fields=rating,host.name,@timestamp,system.cpu.*,system,message*,cpu_pct', basic(d));
      expect(answer.status).toBe(200);
      expect(answer.body.indices).toEqual(['metrics-a', 'metrics-b']);
      const fields = answer.body.fields as Record<string, Record<string, Record<string, unknown>>>;
      expect(fields['@timestamp']).toEqual({ date: { type: 'date', metadata_field: false, searchable: true, aggregatable: true } });
      expect(fields.rating).toEqual({
        long: { type: 'long', metadata_field: false, searchable: true, aggregatable: true, indices: ['metrics-a'] },
        keyword: { type: 'keyword', metadata_field: false, searchable: true, aggregatable: true, indices: ['metrics-b'] },
      });
      expect(fields['host.name']?.keyword).toEqual({
        type: 'keyword',
        metadata_field: false,
        // 8.1+ search a non-indexed keyword through doc values; with neither, no version can.
        searchable: false,
        aggregatable: false,
        non_searchable_indices: ['metrics-b'],
        non_aggregatable_indices: ['metrics-b'],
      });
      expect(fields['system.cpu.total.norm.pct']).toEqual({ scaled_float: { type: 'scaled_float', metadata_field: false, searchable: true, aggregatable: true } });
      expect(fields['system.cpu']).toBeUndefined();
      expect(fields.system).toEqual({ object: { type: 'object', metadata_field: false, searchable: false, aggregatable: false } });
      expect(fields.message).toEqual({ text: { type: 'text', metadata_field: false, searchable: true, aggregatable: false } });
      expect(fields['message.keyword']).toEqual({ keyword: { type: 'keyword', metadata_field: false, searchable: true, aggregatable: true } });
      // An alias answers with its target's type.
      expect(fields.cpu_pct).toEqual({ scaled_float: { type: 'scaled_float', metadata_field: false, searchable: true, aggregatable: true } });
      expect(fields.only_b).toBeUndefined();
    });

    it('lists unmapped indices with include_unmapped, metadata fields with *, and refuses a request without fields', async () => {
      const d = await deploy(flavor);
      await twoIndices(d);
      const unmapped = await call('GET', '/metrics-*/_field_caps?fields=only_b&include_unmapped=true', basic(d));
      expect((unmapped.body.fields as Record<string, unknown>).only_b).toEqual({
        keyword: { type: 'keyword', metadata_field: false, searchable: true, aggregatable: true, indices: ['metrics-b'] },
        unmapped: { type: 'unmapped', metadata_field: false, searchable: false, aggregatable: false, indices: ['metrics-a'] },
      });
      const all = await call('POST', '/metrics-a/_field_caps?fields=*', basic(d));
      const fields = all.body.fields as Record<string, Record<string, Record<string, unknown>>>;
      expect(fields._index).toEqual({ _index: { type: '_index', metadata_field: true, searchable: true, aggregatable: true } });
      expect(fields._id?._id?.aggregatable).toBe(flavor === '7');
      expect('_type' in fields).toBe(flavor === '7');
      const missing = await call('GET', '/metrics-*/_field_caps', basic(d));
      expect(missing).toEqual({ status: 400, body: { error: { root_cause: [{ type: 'action_request_validation_exception', reason: "Validation Failed: 1: specified fields can't be null or empty;" }], type: 'action_request_validation_exception', reason: "Validation Failed: 1: specified fields can't be null or empty;" }, status: 400 } });
    });

    it('answers for nothing when a pattern matches no index, and 404 for a missing named index', async () => {
      const d = await deploy(flavor);
      expect((await call('GET', '/nothing-*/_field_caps?fields=*', basic(d))).body).toEqual({ indices: [], fields: {} });
      const named = await call('GET', '/nothing/_field_caps?fields=*', basic(d));
      expect(named.status).toBe(404);
      expect(named.body).toMatchObject({ error: { type: 'index_not_found_exception' } });
      expect((await call('GET', '/nothing/_field_caps?fields=*&ignore_unavailable=true', basic(d))).body).toEqual({ indices: [], fields: {} });
    });
  });
}

describe('_field_caps by version', () => {
  it('8.x and 9.x filter by types and filters; 7.x does not know those parameters', async () => {
    for (const flavor of ['8', '9'] as const) {
      const d = await deploy(flavor);
      await twoIndices(d);
      const typed = await call('GET', '/metrics-*/_field_caps?fields=*&types=scaled_float,date', basic(d));
      expect(Object.keys(typed.body.fields as object).sort()).toEqual(['@timestamp', 'cpu_pct', 'system.cpu.total.norm.pct', 'system.cpu.total.pct']);
      const filtered = await call('GET', '/metrics-a/_field_caps?fields=*&filters=-metadata,-multifield,-parent', basic(d));
      const names = Object.keys(filtered.body.fields as object);
      expect(names).toContain('message');
      expect(names).not.toContain('message.keyword');
      expect(names).not.toContain('_id');
      expect(names).not.toContain('system.cpu');
      const body = await call('POST', '/metrics-a/_field_caps', basic(d), { fields: ['rating'] });
      expect(Object.keys(body.body.fields as object)).toEqual(['rating']);
    }
    const d7 = await deploy('7');
    const refused = await call('GET', '/_field_caps?fields=*&types=keyword', basic(d7));
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: { type: 'illegal_argument_exception', reason: 'request [/_field_caps] contains unrecognized parameter: [types]' } });
  });

  it('follows a data stream to its backing index, which carries the data stream timestamp field', async () => {
    const d = await deploy('8');
    await call('PUT', '/_index_template/logs-lab', basic(d), { index_patterns: ['logs-lab-*'], data_stream: {}, template: { mappings: { properties: { '@timestamp': { type: 'date' } } } } });
    const doc = await call('POST', '/logs-lab-one/_doc?op_type=create', basic(d), { '@timestamp': new Date(T0).toISOString(), message: 'x' });
    expect(doc.status, JSON.stringify(doc.body)).toBe(201);
    const answer = await call('GET', '/logs-lab-one/_field_caps?fields=_data_stream_timestamp,@timestamp', basic(d));
    expect((answer.body.indices as string[])[0]).toMatch(/^\.ds-logs-lab-one-/);
    expect(Object.keys(answer.body.fields as object).sort()).toEqual(['@timestamp', '_data_stream_timestamp']);
  });

  it('keeps the indices an index_filter matches', async () => {
    const d = await deploy('8');
    await twoIndices(d);
    await call('POST', '/metrics-a/_doc?refresh=true', basic(d), { '@timestamp': new Date(T0).toISOString(), rating: 3 });
    const answer = await call('POST', '/metrics-*/_field_caps?fields=rating', basic(d), { index_filter: { range: { '@timestamp': { gte: new Date(T0 - 60_000).toISOString() } } } });
    expect(answer.body).toEqual({ indices: ['metrics-a'], fields: { rating: { long: { type: 'long', metadata_field: false, searchable: true, aggregatable: true } } } });
  });
});
