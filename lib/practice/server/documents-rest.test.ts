import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRestLab, type RestDeployment, type RestLab } from '@/lib/testing/practice-rest';

/**
 * The document APIs real clients use beyond index/get/bulk, written from ES's documentation:
 * `_mget` (docs and ids forms), `_update` with a script, `_update_by_query`, `_delete_by_query`
 * and `_reindex` in their synchronous form (conflicts, scripts, `max_docs`, `refresh`), and index
 * `_stats`. Each new endpoint keeps the routing and permission rules of the others.
 */

let lab: RestLab;

beforeAll(async () => {
  lab = await startRestLab();
});

afterAll(async () => {
  await lab?.close();
});

const BY_QUERY_KEYS = ['took', 'timed_out', 'total', 'updated', 'deleted', 'batches', 'version_conflicts', 'noops', 'retries', 'throttled_millis', 'requests_per_second', 'throttled_until_millis', 'failures'];

describe.each(['7', '8', '9'] as const)('flavour %s', (flavor) => {
  let d: RestDeployment;
  const seed = async (index: string, docs: Record<string, unknown>[]) => {
    const lines = docs.flatMap((doc, i) => [{ index: { _index: index, _id: String(i + 1) } }, doc]);
    expect((await d.call('POST', '/_bulk?refresh=true', lines)).body.errors).toBe(false);
  };
  const sources = async (index: string) => {
    const r = await d.call('GET', `/${index}/_search?size=100`);
    return Object.fromEntries((r.body.hits.hits as { _id: string; _source: unknown }[]).map((h) => [h._id, h._source]));
  };

  beforeAll(async () => {
    d = await lab.deploy(flavor);
  });

  describe('_mget', () => {
    beforeAll(async () => {
      await seed('m1', [{ a: 1, b: { c: 2 } }, { a: 3 }]);
      await d.call('PUT', '/m2/_doc/x', { z: 'realtime' });
    });

    it('gets documents of several indices in order, realtime, each with its own _source filter', async () => {
      const r = await d.call('POST', '/_mget', { docs: [{ _index: 'm1', _id: '1', _source: ['b'] }, { _index: 'm2', _id: 'x' }, { _index: 'm1', _id: 'nope' }, { _index: 'gone', _id: '1' }] });
      expect(r.status).toBe(200);
      const [first, second, third, fourth] = r.body.docs;
      expect(first).toMatchObject({ _index: 'm1', _id: '1', found: true, _version: 1, _source: { b: { c: 2 } } });
      expect(first._source).not.toHaveProperty('a');
      expect(second).toMatchObject({ _index: 'm2', _id: 'x', found: true, _source: { z: 'realtime' } });
      expect(third).toEqual({ _index: 'm1', ...(flavor === '7' ? { _type: '_doc' } : {}), _id: 'nope', found: false });
      expect(fourth).toMatchObject({ _index: 'gone', _id: '1', error: { root_cause: [{ type: 'index_not_found_exception' }], type: 'index_not_found_exception', reason: 'no such index [gone]' } });
    });

    it('takes ids with the index in the path, and _source parameters for every document', async () => {
      const r = await d.call('GET', '/m1/_mget?_source_excludes=b', { ids: ['2', '1'] });
      expect(r.body.docs.map((doc: { _id: string; _source: unknown }) => [doc._id, doc._source])).toEqual([
        ['2', { a: 3 }],
        ['1', { a: 1 }],
      ]);
      expect((await d.call('GET', '/m1/_mget?_source=false', { ids: ['1'] })).body.docs[0]).not.toHaveProperty('_source');
    });

    it('refuses a request without documents, indices or ids, as ES validates it', async () => {
      expect(await d.call('POST', '/_mget', { docs: [] })).toMatchObject({ status: 400, body: { error: { type: 'action_request_validation_exception', reason: 'Validation Failed: 1: no documents to get;' } } });
      expect(await d.call('POST', '/_mget', { ids: ['1'] })).toMatchObject({ status: 400, body: { error: { reason: 'Validation Failed: 1: index is missing for doc 0;' } } });
      expect(await d.call('POST', '/_mget', { docs: [{ _index: 'm1' }] })).toMatchObject({ status: 400, body: { error: { reason: 'Validation Failed: 1: id is missing for doc 0;' } } });
    });

    it('answers a refused document with its 403 in place', async () => {
      const key = await d.call('POST', '/_security/api_key', { name: 'm1-reader', role_descriptors: { r: { indices: [{ names: ['m1'], privileges: ['read'] }] } } });
      const reader = d.as(`ApiKey ${key.body.encoded}`);
      const r = await reader.call('POST', '/_mget', { docs: [{ _index: 'm1', _id: '2' }, { _index: 'm2', _id: 'x' }] });
      expect(r.body.docs[0]).toMatchObject({ _id: '2', found: true });
      expect(r.body.docs[1]).toMatchObject({ _index: 'm2', _id: 'x', error: { type: 'security_exception' } });
      expect(r.body.docs[1].error.reason).toContain('action [indices:data/read/mget[shard]] is unauthorized');
    });
  });

  describe('_update with a script', () => {
    it('runs Painless on ctx._source, honours ctx.op and upserts', async () => {
      await d.call('PUT', '/counters/_doc/1?refresh=true', { count: 1, tags: ['a'] });
      const up = await d.call('POST', '/counters/_update/1', { script: { source: 'ctx._source.count += params.n; ctx._source.tags.add(params.tag)', params: { n: 4, tag: 'b' } } });
      expect(up.body).toMatchObject({ _id: '1', _version: 2, result: 'updated' });
      expect((await d.call('GET', '/counters/_doc/1')).body._source).toEqual({ count: 5, tags: ['a', 'b'] });
      expect((await d.call('POST', '/counters/_update/1', { script: "if (ctx._source.count > 3) { ctx.op = 'noop' }" })).body).toMatchObject({ result: 'noop', _version: 2 });
      expect((await d.call('POST', '/counters/_update/2', { script: { source: 'ctx._source.count += 1' }, upsert: { count: 0 } })).body).toMatchObject({ result: 'created' });
      expect((await d.call('GET', '/counters/_doc/2')).body._source).toEqual({ count: 0 });
      expect((await d.call('POST', '/counters/_update/3', { scripted_upsert: true, script: { source: 'ctx._source.count = params.start + 1', params: { start: 10 } }, upsert: {} })).status).toBe(201);
      expect((await d.call('GET', '/counters/_doc/3')).body._source).toEqual({ count: 11 });
      expect((await d.call('POST', '/counters/_update/3', { script: "ctx.op = 'delete'" })).body).toMatchObject({ result: 'deleted' });
      expect((await d.call('GET', '/counters/_doc/3')).status).toBe(404);
    });

    it('reports a failing script as ES does: failed to execute script, caused by the script_exception', async () => {
      const r = await d.call('POST', '/counters/_update/1', { script: 'ctx._source.missing.length()' });
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ type: 'illegal_argument_exception', reason: 'failed to execute script', caused_by: { type: 'script_exception', reason: 'runtime error', lang: 'painless' } });
      expect((await d.call('POST', '/counters/_update/1', { script: { source: 'x', lang: 'mustache' } })).body.error).toMatchObject({ reason: 'script_lang not supported [mustache]' });
    });
  });

  describe('_update_by_query and _delete_by_query', () => {
    beforeAll(async () => {
      await seed('ubq', [
        { tag: 'a', n: 1 },
        { tag: 'a', n: 2 },
        { tag: 'b', n: 3 },
        { tag: 'c', n: 4 },
      ]);
    });

    it('updates what the query matches with a script, in the synchronous answer\'s shape', async () => {
      const r = await d.call('POST', '/ubq/_update_by_query?refresh=true', { query: { term: { 'tag.keyword': 'a' } }, script: { source: 'ctx._source.n += params.by', params: { by: 10 } } });
      expect(r.status).toBe(200);
      expect(Object.keys(r.body)).toEqual(BY_QUERY_KEYS);
      expect(r.body).toMatchObject({ timed_out: false, total: 2, updated: 2, deleted: 0, batches: 1, version_conflicts: 0, noops: 0, retries: { bulk: 0, search: 0 }, requests_per_second: -1, failures: [] });
      const after = await sources('ubq');
      expect([after['1'], after['2'], after['3']]).toEqual([{ tag: 'a', n: 11 }, { tag: 'a', n: 12 }, { tag: 'b', n: 3 }]);
      expect((await d.call('GET', '/ubq/_doc/1')).body._version).toBe(2);
    });

    it('counts noops and deletes a script asks for, reindexes in place without one, and stops at max_docs', async () => {
      const ops = await d.call('POST', '/ubq/_update_by_query?refresh=true', { script: "if (ctx._source.n > 10) { ctx.op = 'noop' } else if (ctx._source.tag == 'c') { ctx.op = 'delete' }" });
      expect(ops.body).toMatchObject({ total: 4, updated: 1, deleted: 1, noops: 2 });
      const touch = await d.call('POST', '/ubq/_update_by_query?q=tag:b&refresh=true');
      expect(touch.body).toMatchObject({ total: 1, updated: 1 });
      expect((await d.call('GET', '/ubq/_doc/3')).body._version).toBe(3);
      const limited = await d.call('POST', '/ubq/_update_by_query?max_docs=2', {});
      expect(limited.body).toMatchObject({ total: 2, updated: 2 });
    });

    it('aborts on a version conflict with 409 and the failure, or counts it with conflicts=proceed', async () => {
      await seed('conflicts', [{ n: 1 }, { n: 2 }]);
      // Changed since the last refresh: the search still sees seq_no 0.
      await d.call('PUT', '/conflicts/_doc/1', { n: 100 });
      const aborted = await d.call('POST', '/conflicts/_update_by_query', { script: 'ctx._source.n += 1' });
      expect(aborted.status).toBe(409);
      expect(aborted.body.version_conflicts).toBe(1);
      expect(aborted.body.failures[0]).toMatchObject({
        index: 'conflicts',
        id: '1',
        status: 409,
        cause: { type: 'version_conflict_engine_exception', reason: '[1]: version conflict, required seqNo [0], primary term [1]. current document has seqNo [2] and primary term [1]', index: 'conflicts', shard: '0' },
      });
      if (flavor === '7') expect(aborted.body.failures[0].type).toBe('_doc');
      // The rest of the batch was written.
      expect((await d.call('GET', '/conflicts/_doc/2')).body._source).toEqual({ n: 3 });
      await d.call('POST', '/conflicts/_refresh');
      await d.call('PUT', '/conflicts/_doc/1', { n: 200 });
      const proceeded = await d.call('POST', '/conflicts/_update_by_query?conflicts=proceed&refresh=true', { script: 'ctx._source.n += 1' });
      expect(proceeded.status).toBe(200);
      expect(proceeded.body).toMatchObject({ total: 2, updated: 1, version_conflicts: 1, failures: [] });
      expect((await d.call('GET', '/conflicts/_doc/1')).body._source).toEqual({ n: 200 });
      expect((await d.call('GET', '/conflicts/_doc/2')).body._source).toEqual({ n: 4 });
    });

    it('refuses what ES refuses: a changed _id, an unknown op, a malformed conflicts value', async () => {
      expect((await d.call('POST', '/ubq/_update_by_query', { script: "ctx._id = 'other'" })).body.error).toMatchObject({ type: 'illegal_argument_exception', reason: 'Modifying [_id] not allowed' });
      expect((await d.call('POST', '/ubq/_update_by_query', { script: "ctx.op = 'create'" })).body.error).toMatchObject({ reason: 'Operation type [create] not allowed, only [noop, index, delete] are allowed' });
      expect((await d.call('POST', '/ubq/_update_by_query?conflicts=maybe', {})).body.error).toMatchObject({ reason: 'conflicts may only be "proceed" or "abort" but was [maybe]' });
    });

    it('deletes what the query matches, and wants a query', async () => {
      await seed('dbq', [{ level: 'info' }, { level: 'error' }, { level: 'error' }]);
      const r = await d.call('POST', '/dbq/_delete_by_query?refresh=true', { query: { match: { level: 'error' } } });
      expect(Object.keys(r.body)).toEqual(BY_QUERY_KEYS.filter((k) => k !== 'updated'));
      expect(r.body).toMatchObject({ total: 2, deleted: 2, failures: [] });
      expect(Object.keys(await sources('dbq'))).toEqual(['1']);
      expect(await d.call('POST', '/dbq/_delete_by_query', {})).toMatchObject({ status: 400, body: { error: { reason: 'Validation Failed: 1: query is missing;' } } });
    });
  });

  describe('_reindex', () => {
    beforeAll(async () => {
      await seed('src', [
        { user: 'kim', n: 1, secret: 'x' },
        { user: 'lee', n: 2, secret: 'y' },
        { user: 'park', n: 3, secret: 'z' },
      ]);
      await d.call('PUT', '/_ingest/pipeline/stamp', { processors: [{ set: { field: 'copied', value: true } }] });
    });

    it('copies what the source query matches, with its _source filter, through the destination pipeline', async () => {
      const r = await d.call('POST', '/_reindex?refresh=true', { source: { index: 'src', query: { range: { n: { gte: 2 } } }, _source: { excludes: ['secret'] } }, dest: { index: 'dst', pipeline: 'stamp' } });
      expect(r.status).toBe(200);
      expect(Object.keys(r.body)).toEqual(['took', 'timed_out', 'total', 'updated', 'created', 'deleted', 'batches', 'version_conflicts', 'noops', 'retries', 'throttled_millis', 'requests_per_second', 'throttled_until_millis', 'failures']);
      expect(r.body).toMatchObject({ total: 2, created: 2, updated: 0, batches: 1 });
      expect(await sources('dst')).toEqual({ '2': { user: 'lee', n: 2, copied: true }, '3': { user: 'park', n: 3, copied: true } });
      const again = await d.call('POST', '/_reindex', { source: { index: 'src' }, dest: { index: 'dst' } });
      expect(again.body).toMatchObject({ total: 3, created: 1, updated: 2 });
    });

    it('with op_type create counts existing documents as conflicts, and runs a script on each', async () => {
      const strict = await d.call('POST', '/_reindex', { source: { index: 'src' }, dest: { index: 'dst', op_type: 'create' } });
      expect(strict.status).toBe(409);
      expect(strict.body.failures[0]).toMatchObject({ index: 'dst', id: '1', status: 409, cause: { type: 'version_conflict_engine_exception', reason: '[1]: version conflict, document already exists (current version [1])' } });
      const scripted = await d.call('POST', '/_reindex?refresh=true', {
        conflicts: 'proceed',
        source: { index: 'src' },
        dest: { index: 'upper' },
        script: { source: "if (ctx._source.n == 1) { ctx.op = 'noop' } else { ctx._source.user = ctx._source.user.toUpperCase(); ctx._id = 'u' + ctx._id }" },
      });
      expect(scripted.body).toMatchObject({ total: 3, created: 2, noops: 1 });
      expect(await sources('upper')).toEqual({ u2: { user: 'LEE', n: 2, secret: 'y' }, u3: { user: 'PARK', n: 3, secret: 'z' } });
    });

    it('refuses reindexing into its source, from a remote cluster, or without a destination', async () => {
      expect(await d.call('POST', '/_reindex', { source: { index: 'src' }, dest: { index: 'src' } })).toMatchObject({ status: 400, body: { error: { reason: 'Validation Failed: 1: reindex cannot write into an index its reading from [src];' } } });
      expect((await d.call('POST', '/_reindex', { source: { index: 'src', remote: { host: 'http://example.com:9200' } }, dest: { index: 'x' } })).status).toBe(400);
      expect(await d.call('POST', '/_reindex', { source: { index: 'src' }, dest: {} })).toMatchObject({ status: 400, body: { error: { reason: 'Validation Failed: 1: index must be specified;' } } });
    });

    it('needs read on the source and write on the destination', async () => {
      const key = await d.call('POST', '/_security/api_key', { name: 'copier', role_descriptors: { r: { indices: [{ names: ['src'], privileges: ['read'] }, { names: ['copies'], privileges: ['write', 'create_index'] }] } } });
      const copier = d.as(`ApiKey ${key.body.encoded}`);
      expect((await copier.call('POST', '/_reindex', { source: { index: 'src' }, dest: { index: 'copies' } })).body).toMatchObject({ created: 3 });
      expect((await copier.call('POST', '/_reindex', { source: { index: 'src' }, dest: { index: 'dst' } })).status).toBe(403);
      expect((await copier.call('POST', '/_reindex', { source: { index: 'ubq' }, dest: { index: 'copies' } })).status).toBe(403);
      expect((await copier.call('POST', '/src/_update_by_query', {})).status).toBe(403);
      expect((await copier.call('POST', '/src/_delete_by_query', { query: { match_all: {} } })).status).toBe(403);
    });
  });

  describe('index _stats', () => {
    it('counts documents, indexing, gets and searches per index, for the metrics asked', async () => {
      await seed('stats', [{ a: 1 }, { a: 2 }]);
      await d.call('DELETE', '/stats/_doc/2?refresh=true');
      await d.call('GET', '/stats/_doc/1');
      await d.call('GET', '/stats/_doc/9');
      await d.call('GET', '/stats/_search');
      const r = await d.call('GET', '/stats/_stats');
      expect(r.status).toBe(200);
      expect(r.body._shards).toEqual({ total: 2, successful: 2, failed: 0 });
      const primaries = r.body.indices.stats.primaries;
      expect(primaries.docs).toEqual({ count: 1, deleted: 0 });
      expect(r.body.indices.stats.total.docs.count).toBe(2);
      expect(primaries.indexing).toMatchObject({ index_total: 2, delete_total: 1, index_failed: 0 });
      expect(primaries.get).toMatchObject({ total: 2, exists_total: 1, missing_total: 1 });
      expect(primaries.search).toMatchObject({ query_total: 1, fetch_total: 1, open_contexts: 0 });
      expect(primaries.refresh.total).toBeGreaterThan(0);
      expect(r.body._all.primaries.docs.count).toBe(1);
      const some = await d.call('GET', '/stats/_stats/docs,store?level=cluster');
      expect(Object.keys(some.body._all.primaries).sort()).toEqual(['docs', 'store']);
      expect(some.body).not.toHaveProperty('indices');
      expect(await d.call('GET', '/stats/_stats/nonsense')).toMatchObject({ status: 400, body: { error: { reason: 'request [/_stats/nonsense] contains unrecognized metric: [nonsense]' } } });
      expect((await d.call('GET', '/_stats')).body.indices).toHaveProperty('stats');
    });
  });

  describe('routing of the new endpoints', () => {
    it('never takes an underscore path for an index, and answers 405 for the wrong method', async () => {
      expect(await d.call('GET', '/_update_by_query')).toMatchObject({ status: 400, body: { error: 'no handler found for uri [/_update_by_query] and method [GET]' } });
      expect((await d.call('GET', '/ubq/_update_by_query')).status).toBe(405);
      expect((await d.call('PUT', '/_mget')).status).toBe(405);
      expect((await d.call('GET', '/_pit')).status).toBe(405);
      expect(await d.call('POST', '/_search/scroll/a/b')).toMatchObject({ status: 400 });
      const names = (await d.call('GET', '/_cat/indices?format=json&expand_wildcards=all')).body.map((row: { index: string }) => row.index);
      expect(names.filter((n: string) => n.startsWith('_'))).toEqual([]);
    });
  });
});

describe.each(['8', '9'] as const)('writes to a data stream on flavour %s', (flavor) => {
  let d: RestDeployment;
  beforeAll(async () => {
    d = await lab.deploy(flavor);
    const template = { index_patterns: ['alerts-*'], data_stream: {}, priority: 200, template: { mappings: { properties: { '@timestamp': { type: 'date' } } } } };
    expect((await d.call('PUT', '/_index_template/alerts', template)).status).toBe(200);
  });

  it('takes a document without an id (a create, as ES makes it) and refuses an index with an id', async () => {
    const created = await d.call('POST', '/alerts-watch/_doc?refresh=true', { '@timestamp': '2026-12-07T01:00:00Z', watch: 'ssh' });
    expect(created.status).toBe(201);
    expect(created.body._index).toMatch(/^\.ds-alerts-watch-/);
    expect((await d.call('GET', '/alerts-watch/_count')).body.count).toBe(1);
    const refused = await d.call('PUT', '/alerts-watch/_doc/1', { '@timestamp': '2026-12-07T01:00:00Z' });
    expect(refused).toMatchObject({ status: 400, body: { error: { type: 'illegal_argument_exception', reason: 'only write ops with an op_type of create are allowed in data streams' } } });
    expect((await d.call('PUT', '/alerts-watch/_doc/1?op_type=create', { '@timestamp': '2026-12-07T01:00:00Z' })).status).toBe(201);
    const explicitIndex = await d.call('POST', '/alerts-watch/_doc?op_type=index', { '@timestamp': '2026-12-07T01:00:00Z' });
    expect(explicitIndex.status).toBe(400);
  });
});
