import { describe, expect, it } from 'vitest';
import { type Engine, EsError, type Flavor } from './api';
import { esErrorBody } from './errors';
import { createEngine } from './index';

const NOW = Date.parse('2026-03-10T12:00:00.000Z');

function fresh(flavor: Flavor = '8'): Engine {
  return createEngine({ flavor, now: () => NOW });
}

function catchEs(fn: () => unknown): EsError {
  try {
    fn();
  } catch (e) {
    if (e instanceof EsError) return e;
    throw e;
  }
  throw new Error('expected an EsError');
}

describe('dynamic mapping', () => {
  it('maps like ES: text + keyword(256), long, float, boolean, date detection, objects and dotted keys', () => {
    const e = fresh();
    e.index('dyn', { msg: 'hello world', n: 3, f: 1.5, b: true, when: '2026-01-01T00:00:00Z', 'a.b.c': 'x', obj: { inner: 1 }, empty: {}, nothing: null });
    const m = e.getMapping('dyn').dyn?.mappings.properties as Record<string, unknown>;
    expect(m.msg).toEqual({ type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } });
    expect(m.n).toEqual({ type: 'long' });
    expect(m.f).toEqual({ type: 'float' });
    expect(m.b).toEqual({ type: 'boolean' });
    expect(m.when).toEqual({ type: 'date' });
    expect(m.a).toEqual({ properties: { b: { properties: { c: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } } } } } });
    expect(m.obj).toEqual({ properties: { inner: { type: 'long' } } });
    expect(m.empty).toEqual({ type: 'object' });
    expect(m.nothing).toBeUndefined();
    expect(Object.keys(m)).toEqual([...Object.keys(m)].sort());
  });

  it('applies dynamic templates, strict and false', () => {
    const e = fresh();
    e.createIndex('t', { mappings: { dynamic_templates: [{ strings: { match_mapping_type: 'string', mapping: { type: 'keyword' } } }] } });
    e.index('t', { s: 'x' });
    expect(e.getMapping('t').t?.mappings.properties).toEqual({ s: { type: 'keyword' } });
    e.createIndex('strict', { mappings: { dynamic: 'strict', properties: { a: { type: 'keyword' } } } });
    const err = catchEs(() => e.index('strict', { a: 'x', b: 1 }));
    expect(err.type).toBe('strict_dynamic_mapping_exception');
    expect(err.reason).toBe('[_doc] object mapping [_doc] set to strict, dynamic introduction of [b] within [_doc] is not allowed');
    e.createIndex('loose', { mappings: { dynamic: false, properties: { a: { type: 'keyword' } } } });
    e.index('loose', { a: 'x', b: 'kept in source only' }, { id: '1' });
    expect(e.get('loose', '1')._source).toEqual({ a: 'x', b: 'kept in source only' });
    expect(e.count('loose', { query: { match: { b: 'kept' } } }).count).toBe(0);
  });

  it('rejects values that do not fit the mapped type', () => {
    const e = fresh('7');
    e.createIndex('typed', { mappings: { properties: { n: { type: 'long' } } } });
    const err = catchEs(() => e.index('typed', { n: 'abc' }, { id: '1' }));
    expect(err.status).toBe(400);
    expect(err.type).toBe('mapper_parsing_exception');
    expect(err.reason).toBe("failed to parse field [n] of type [long] in document with id '1'. Preview of field's value: 'abc'");
    expect(catchEs(() => e.putMapping('typed', { properties: { n: { type: 'keyword' } } })).reason).toBe('mapper [n] cannot be changed from type [long] to [keyword]');
  });
});

describe('resolve', () => {
  const e = fresh();
  e.createIndex('metricbeat-7.6.2-2026.03.09');
  e.createIndex('metricbeat-7.6.2-2026.03.10', { aliases: { 'metricbeat-7.6.2': { is_write_index: true } } });
  e.createIndex('filebeat-7.6.2-2026.03.10');
  e.createIndex('.hidden-thing', { settings: { index: { hidden: true } } });
  e.createIndex('.watcher-history-10-2026.03.10', { settings: { 'index.hidden': true } });

  it.each([
    ['metricbeat-*', ['metricbeat-7.6.2-2026.03.09', 'metricbeat-7.6.2-2026.03.10']],
    ['metricbeat-*,filebeat-*', ['filebeat-7.6.2-2026.03.10', 'metricbeat-7.6.2-2026.03.09', 'metricbeat-7.6.2-2026.03.10']],
    ['*,-metricbeat-*', ['filebeat-7.6.2-2026.03.10']],
    ['metricbeat-7.6.2', ['metricbeat-7.6.2-2026.03.10']],
    ['nothing-*', []],
    ['*', ['filebeat-7.6.2-2026.03.10', 'metricbeat-7.6.2-2026.03.09', 'metricbeat-7.6.2-2026.03.10']],
    ['.watcher-history-*', ['.watcher-history-10-2026.03.10']],
  ])('%s', (target, expected) => {
    expect(e.resolve(target)).toEqual(expected);
  });

  it('includes hidden indices with expand_wildcards=all', () => {
    expect(e.resolve('*', { expandWildcards: 'all' })).toContain('.hidden-thing');
  });

  it('answers a missing concrete index with ES 404 body', () => {
    const err = catchEs(() => e.search('nope', {}));
    expect(err.status).toBe(404);
    expect(esErrorBody(err)).toEqual({
      root_cause: [{ type: 'index_not_found_exception', reason: 'no such index [nope]', 'resource.type': 'index_or_alias', 'resource.id': 'nope', index_uuid: '_na_', index: 'nope' }],
      type: 'index_not_found_exception',
      reason: 'no such index [nope]',
      'resource.type': 'index_or_alias',
      'resource.id': 'nope',
      index_uuid: '_na_',
      index: 'nope',
    });
    expect(e.resolve('nope,metricbeat-*', { ignoreUnavailable: true })).toHaveLength(2);
    expect(catchEs(() => e.resolve('nothing-*', { allowNoIndices: false })).status).toBe(404);
  });

  it('answers a wildcard that matches nothing with an empty result', () => {
    const r = e.search('nothing-*', { aggs: { a: { max: { field: 'x' } } } }) as { hits: { total: unknown; hits: unknown[] }; _shards: { total: number } };
    expect(r._shards.total).toBe(0);
    expect(r.hits.total).toEqual({ value: 0, relation: 'eq' });
    expect(r.hits.hits).toEqual([]);
  });

  it('writes to an alias go to its write index', () => {
    const r = e.index('metricbeat-7.6.2', { '@timestamp': '2026-03-10T11:00:00Z' });
    expect(r._index).toBe('metricbeat-7.6.2-2026.03.10');
  });

  it('validates index names as ES does', () => {
    expect(catchEs(() => e.createIndex('Upper')).reason).toBe('Invalid index name [Upper], must be lowercase');
    expect(catchEs(() => e.createIndex('_x')).type).toBe('invalid_index_name_exception');
    expect(catchEs(() => e.createIndex('filebeat-7.6.2-2026.03.10')).type).toBe('resource_already_exists_exception');
  });
});

describe('templates and data streams', () => {
  it('creates a data stream with a dated backing index on first write, and accepts only create', () => {
    const e = fresh();
    e.putIndexTemplate('metricbeat', { index_patterns: ['metricbeat-*'], data_stream: {}, priority: 150, template: { mappings: { properties: { host: { properties: { name: { type: 'keyword' } } } } } } });
    const err = catchEs(() => e.index('metricbeat-8.15.0', { '@timestamp': '2026-03-10T11:00:00Z' }));
    expect(err.reason).toBe('only write ops with an op_type of create are allowed in data streams');
    const r = e.index('metricbeat-8.15.0', { '@timestamp': '2026-03-10T11:00:00Z', host: { name: 'h' } }, { opType: 'create', refresh: true });
    expect(r._index).toBe('.ds-metricbeat-8.15.0-2026.03.10-000001');
    const ds = e.getDataStream('metricbeat-8.15.0').data_streams[0];
    expect(ds).toMatchObject({ name: 'metricbeat-8.15.0', timestampField: '@timestamp', generation: 1, template: 'metricbeat', hidden: false });
    expect(ds?.indices[0]?.index_name).toBe('.ds-metricbeat-8.15.0-2026.03.10-000001');
    // The backing index is hidden, but the data stream name matches the wildcard.
    expect(e.resolve('metricbeat-*')).toEqual(['.ds-metricbeat-8.15.0-2026.03.10-000001']);
    expect(e.count('metricbeat-*', { query: { term: { 'host.name': 'h' } } }).count).toBe(1);
    const mapping = e.getMapping('.ds-metricbeat-8.15.0-2026.03.10-000001')['.ds-metricbeat-8.15.0-2026.03.10-000001']?.mappings;
    expect(mapping?.properties?.['@timestamp']).toEqual({ type: 'date' });
    const bulk = e.bulk([
      { op: 'index', index: 'metricbeat-8.15.0', source: { '@timestamp': '2026-03-10T11:00:01Z' } },
      { op: 'create', index: 'metricbeat-8.15.0', source: { '@timestamp': '2026-03-10T11:00:02Z' } },
      { op: 'create', index: 'metricbeat-8.15.0', source: { message: 'no timestamp' } },
    ]);
    expect(bulk.errors).toBe(true);
    expect(bulk.items[0]?.index?.status).toBe(400);
    expect(bulk.items[0]?.index?.error?.type).toBe('illegal_argument_exception');
    expect(bulk.items[1]?.create?.status).toBe(201);
    expect(bulk.items[2]?.create?.error?.reason).toContain('data stream timestamp field [@timestamp] is missing');
    expect(catchEs(() => e.createIndex('metricbeat-x')).reason).toContain('creates data streams only');
    expect(catchEs(() => e.deleteIndexTemplate('metricbeat')).reason).toContain('in use by a data streams');
  });

  it('applies the highest-priority composable template, then legacy templates by order', () => {
    const e = fresh('7');
    e.putLegacyTemplate('old-low', { index_patterns: ['logs-*'], order: 0, settings: { number_of_replicas: 0 }, mappings: { properties: { a: { type: 'keyword' } } } });
    e.putLegacyTemplate('old-high', { index_patterns: ['logs-*'], order: 1, mappings: { properties: { b: { type: 'long' } } } });
    e.index('logs-1', { a: 'x' });
    expect(e.getMapping('logs-1')['logs-1']?.mappings.properties).toMatchObject({ a: { type: 'keyword' }, b: { type: 'long' } });
    expect((e.getSettings('logs-1')['logs-1']?.settings.index as Record<string, unknown>).number_of_replicas).toBe('0');
    e.putIndexTemplate('new-a', { index_patterns: ['logs-*'], priority: 1, template: { mappings: { properties: { c: { type: 'ip' } } } } });
    e.putIndexTemplate('new-b', { index_patterns: ['logs-2*'], priority: 5, template: { mappings: { properties: { c: { type: 'keyword' } } } } });
    e.index('logs-2', { c: 'x' });
    expect(e.getMapping('logs-2')['logs-2']?.mappings.properties).toEqual({ c: { type: 'keyword' } });
    const clash = catchEs(() => e.putIndexTemplate('new-c', { index_patterns: ['logs-*'], priority: 1 }));
    expect(clash.reason).toContain('that have the same priority [1], multiple index templates may not match during index creation');
    expect(catchEs(() => e.putIndexTemplate('bad', { priority: 1 })).reason).toBe('Validation Failed: 1: index patterns are missing;');
    expect(e.getIndexTemplate('new-*').index_templates.map((t) => t.name)).toEqual(['new-a', 'new-b']);
    expect(catchEs(() => e.getIndexTemplate('nope')).status).toBe(404);
  });

  it('stores pipelines, refuses a missing pipeline, runs simple processors', () => {
    const e = fresh();
    e.putPipeline('p', { processors: [{ set: { field: 'event.ingested', value: '{{_ingest.timestamp}}' } }, { lowercase: { field: 'user' } }, { rename: { field: 'src', target_field: 'source.ip' } }, { grok: { field: 'message', patterns: ['%{GREEDYDATA:x}'] } }] });
    expect(Object.keys(e.getPipeline())).toEqual(['p']);
    const r = e.index('x', { user: 'ADMIN', src: '1.2.3.4', message: 'm' }, { id: '1', pipeline: 'p' });
    expect(e.get('x', r._id)._source).toEqual({ user: 'admin', message: 'm', event: { ingested: new Date(NOW).toISOString() }, source: { ip: '1.2.3.4' } });
    const err = catchEs(() => e.index('x', {}, { pipeline: 'missing' }));
    expect([err.status, err.type, err.reason]).toEqual([400, 'illegal_argument_exception', 'pipeline with id [missing] does not exist']);
    expect(catchEs(() => e.putPipeline('bad', { processors: [{ nope: {} }] })).reason).toBe('No processor type exists with name [nope]');
    expect(catchEs(() => e.deletePipeline('zzz')).status).toBe(404);
  });
});

describe('documents and bulk', () => {
  it('indexes, gets, overwrites, deletes with _version and _seq_no', () => {
    const e = fresh();
    const a = e.index('docs', { v: 1 }, { id: '1' });
    expect(a).toMatchObject({ _index: 'docs', _id: '1', _version: 1, result: 'created', _seq_no: 0, _primary_term: 1 });
    const b = e.index('docs', { v: 2 }, { id: '1' });
    expect(b).toMatchObject({ _version: 2, result: 'updated', _seq_no: 1 });
    expect(e.get('docs', '1')).toMatchObject({ found: true, _version: 2, _seq_no: 1, _source: { v: 2 } });
    const conflict = catchEs(() => e.index('docs', { v: 3 }, { id: '1', opType: 'create' }));
    expect([conflict.status, conflict.type, conflict.reason]).toEqual([409, 'version_conflict_engine_exception', '[1]: version conflict, document already exists (current version [2])']);
    expect(e.delete('docs', '1')).toMatchObject({ result: 'deleted', _version: 3 });
    expect(e.get('docs', '1')).toEqual({ _index: 'docs', _id: '1', found: false });
    expect(e.delete('docs', '1').result).toBe('not_found');
    const auto = e.index('docs', { v: 4 });
    expect(auto._id).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(e.get('docs', auto._id)._source).toEqual({ v: 4 });
  });

  it('answers each bulk item like ES, including errors and updates', () => {
    const e = fresh();
    e.createIndex('b', { mappings: { properties: { n: { type: 'long' } } } });
    const r = e.bulk([
      { op: 'index', index: 'b', id: '1', source: { n: 1, tags: ['a'] } },
      { op: 'create', index: 'b', id: '1', source: { n: 2 } },
      { op: 'update', index: 'b', id: '1', source: { doc: { m: { x: 1 } } } },
      { op: 'update', index: 'b', id: '1', source: { doc: { m: { x: 1 } } } },
      { op: 'update', index: 'b', id: '9', source: { doc: { n: 1 } } },
      { op: 'update', index: 'b', id: '9', source: { doc: { n: 9 }, doc_as_upsert: true } },
      { op: 'index', index: 'b', id: '2', source: { n: 'x' } },
      { op: 'delete', index: 'b', id: '404' },
      { op: 'delete', index: 'b', id: '9' },
    ]);
    expect(r.errors).toBe(true);
    const status = r.items.map((i) => Object.values(i)[0]?.status);
    expect(status).toEqual([201, 409, 200, 200, 404, 201, 400, 404, 200]);
    expect(r.items[2]?.update?.result).toBe('updated');
    expect(r.items[3]?.update?.result).toBe('noop');
    expect(r.items[4]?.update?.error).toMatchObject({ type: 'document_missing_exception', reason: '[9]: document missing', index: 'b', shard: '0' });
    expect(r.items[6]?.index?.error?.type).toBe('document_parsing_exception');
    expect(r.items[7]?.delete?.result).toBe('not_found');
    expect(r.items[7]?.delete?.error).toBeUndefined();
    expect(e.get('b', '1')._source).toEqual({ n: 1, tags: ['a'], m: { x: 1 } });
  });

  it('rolls off old documents by @timestamp', () => {
    const e = fresh();
    for (let i = 0; i < 10; i += 1) e.index('roll', { '@timestamp': new Date(NOW - i * 3_600_000).toISOString(), i });
    e.index('roll', { note: 'no timestamp' }, { refresh: true });
    expect(e.rollOff('roll*', NOW - 4.5 * 3_600_000)).toBe(5);
    expect(e.count('roll', undefined).count).toBe(6);
    expect(e.rollOff('roll', 2 * 3_600_000)).toBe(2);
    expect(e.approximateBytes()).toBeGreaterThan(0);
  });
});

describe('flavors', () => {
  it('7 adds _type on hits and write answers; all render hits.total as an object unless rest_total_hits_as_int', () => {
    for (const flavor of ['7', '8', '9'] as const) {
      const e = fresh(flavor);
      const w = e.index('f', { a: 1 }, { id: '1', refresh: true });
      expect('_type' in w).toBe(flavor === '7');
      const r = e.search('f', {}) as { hits: { total: unknown; hits: Record<string, unknown>[] } };
      expect(r.hits.total).toEqual({ value: 1, relation: 'eq' });
      expect(r.hits.hits[0]?._type).toBe(flavor === '7' ? '_doc' : undefined);
      const asInt = e.search('f', {}, { restTotalHitsAsInt: true }) as { hits: { total: unknown } };
      expect(asInt.hits.total).toBe(1);
      const item = e.bulk([{ op: 'index', index: 'f', source: {} }]).items[0]?.index;
      expect(item?._type).toBe(flavor === '7' ? '_doc' : undefined);
    }
  });

  it('refuses wildcard deletes from 8 on (destructive_requires_name) but not on 7', () => {
    for (const flavor of ['8', '9'] as const) {
      const e = fresh(flavor);
      e.createIndex('w-1');
      expect(catchEs(() => e.deleteIndex('w-*')).reason).toBe('Wildcard expressions or all indices are not allowed');
    }
    const e7 = fresh('7');
    e7.createIndex('w-1');
    e7.deleteIndex('w-*');
    expect(e7.indexExists('w-1')).toBe(false);
  });

  it('reports the fielddata error in each flavor\'s wording', () => {
    for (const flavor of ['7', '8', '9'] as const) {
      const e = fresh(flavor);
      e.index('t', { message: 'x' });
      const body = esErrorBody(catchEs(() => e.search('t', { sort: ['message'] })));
      const reason = body.root_cause[0]?.reason as string;
      expect(reason.startsWith('Fielddata is disabled on [message] in [t].')).toBe(flavor !== '7');
      expect(reason).toContain('Text fields are not optimised for operations');
    }
  });
});

describe('msearch and count', () => {
  it('answers each search with a status, and errors per item', () => {
    const e = fresh();
    e.index('m', { a: 'x' }, { refresh: true });
    const r = e.msearch([
      { header: { index: 'm' }, body: { query: { match_all: {} } } },
      { header: { index: 'missing' }, body: {} },
      { header: { index: 'm' }, body: { query: { bad_query: {} } } },
    ]);
    expect(r.responses.map((x) => x.status)).toEqual([200, 404, 400]);
    expect((r.responses[1]?.error as { type: string }).type).toBe('index_not_found_exception');
    expect((r.responses[2]?.error as { root_cause: { type: string }[] }).root_cause[0]?.type).toBe('parsing_exception');
    expect(e.count('m', { query: { term: { 'a.keyword': 'x' } } })).toEqual({ count: 1, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 } });
    expect(catchEs(() => e.count('m', { size: 1 })).reason).toBe('request does not support [size]');
  });
});
