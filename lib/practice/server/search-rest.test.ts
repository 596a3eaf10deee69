import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRestLab, type RestDeployment, type RestLab } from '@/lib/testing/practice-rest';

/**
 * REST details of search and `_bulk`, written from ES's documentation: the `q` parameter with
 * `df`, `default_operator`, `analyze_wildcard` and `lenient` ("URI search"); the `query_string`
 * and `simple_query_string` parameters; `_msearch` with `rest_total_hits_as_int`; `search_type`;
 * and `_bulk`'s errors for malformed action lines and an empty `_id` (BulkRequestParser's
 * messages, the item's `illegal_argument_exception`).
 */

let lab: RestLab;

beforeAll(async () => {
  lab = await startRestLab();
});

afterAll(async () => {
  await lab?.close();
});

const error = (reason: string, type = 'illegal_argument_exception') => ({ status: 400, body: { error: { type, reason } } });

describe.each(['7', '8', '9'] as const)('flavour %s', (flavor) => {
  let d: RestDeployment;
  const hits = async (path: string, body?: unknown) => {
    const r = await d.call(body === undefined ? 'GET' : 'POST', path, body);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return (r.body.hits.hits as { _id: string }[]).map((h) => h._id).sort();
  };

  beforeAll(async () => {
    d = await lab.deploy(flavor);
    await d.call('PUT', '/qs', { mappings: { properties: { field: { type: 'text' }, tag: { type: 'keyword' }, number: { type: 'integer' } } } });
    await d.call('POST', '/_bulk?refresh=true', [
      { index: { _index: 'qs', _id: '1' } },
      { field: 'foo bar', tag: 'Alpha', number: 1 },
      { index: { _index: 'qs', _id: '2' } },
      { field: 'foo-bar baz', tag: 'beta', number: 2 },
      { index: { _index: 'qs', _id: '3' } },
      { field: 'quick brown fox', tag: 'gamma', number: 3 },
    ]);
  });

  describe('the q parameter', () => {
    it('searches df, combines terms with default_operator, and counts the same way', async () => {
      expect(await hits('/qs/_search?q=bar&df=field')).toEqual(['1', '2']);
      expect(await hits('/qs/_search?q=field:foo%20field:fox')).toEqual(['1', '2', '3']);
      expect(await hits('/qs/_search?q=field:foo%20field:fox&default_operator=AND')).toEqual([]);
      expect(await hits('/qs/_search?q=field:foo%20field:baz&default_operator=and')).toEqual(['2']);
      expect((await d.call('GET', '/qs/_count?q=field:foo%20field:fox&default_operator=AND')).body.count).toBe(0);
      expect((await d.call('GET', '/qs/_count?q=field:foo')).body.count).toBe(2);
    });

    it('normalizes wildcards on text fields, and analyze_wildcard splits them into the analyzer\'s tokens', async () => {
      expect(await hits('/qs/_search?q=field:BA*')).toEqual(['1', '2']);
      expect(await hits('/qs/_search?q=field:BA*&analyze_wildcard=true')).toEqual(['1', '2']);
      expect(await hits('/qs/_search?q=field:foo-ba*')).toEqual([]);
      expect(await hits('/qs/_search?q=field:foo-ba*&analyze_wildcard=true')).toEqual(['1', '2']);
    });

    it('is lenient about a number field asked for text when told, or when it searches every field', async () => {
      expect((await d.call('GET', '/qs/_search?q=number:foo&lenient=true')).body.hits.hits).toEqual([]);
      // No df: the default `*` makes the parser lenient (QueryStringQueryBuilder's all-fields mode).
      expect((await d.call('GET', '/qs/_search?q=number:foo')).body.hits.hits).toEqual([]);
      expect((await d.call('GET', '/qs/_search?q=number:foo&df=field&lenient=true')).body.hits.hits).toEqual([]);
      const strict = await d.call('GET', '/qs/_search?q=number:foo&df=field');
      expect(strict.status).toBe(400);
      expect(strict.body.error.type).toBe('search_phase_execution_exception');
    });
  });

  describe('query_string and simple_query_string', () => {
    it('honour default_operator, default_field, fields and minimum_should_match', async () => {
      expect(await hits('/qs/_search', { query: { query_string: { query: 'foo fox', default_field: 'field', default_operator: 'AND' } } })).toEqual([]);
      expect(await hits('/qs/_search', { query: { query_string: { query: 'foo fox', fields: ['field'] } } })).toEqual(['1', '2', '3']);
      expect(await hits('/qs/_search', { query: { query_string: { query: 'foo bar baz', default_field: 'field', minimum_should_match: 2 } } })).toEqual(['1', '2']);
      expect(await hits('/qs/_search', { query: { query_string: { query: 'foo bar baz', default_field: 'field', minimum_should_match: '100%' } } })).toEqual(['2']);
      expect(await hits('/qs/_search', { query: { simple_query_string: { query: 'foo fox', fields: ['field'], default_operator: 'and' } } })).toEqual([]);
      expect(await hits('/qs/_search', { query: { simple_query_string: { query: 'foo bar baz', fields: ['field'], minimum_should_match: '3' } } })).toEqual(['2']);
    });

    it('lenient skips fields a term cannot query; otherwise the search fails', async () => {
      expect(await hits('/qs/_search', { query: { query_string: { query: 'fox', fields: ['field', 'number'], lenient: true } } })).toEqual(['3']);
      const strict = await d.call('POST', '/qs/_search', { query: { query_string: { query: 'fox', fields: ['field', 'number'] } } });
      expect(strict.status).toBe(400);
    });

    it('analyze_wildcard, and allow_leading_wildcard: false refusing a leading *', async () => {
      expect(await hits('/qs/_search', { query: { query_string: { query: 'foo-ba*', default_field: 'field', analyze_wildcard: true } } })).toEqual(['1', '2']);
      expect(await hits('/qs/_search', { query: { query_string: { query: '*ox', default_field: 'field' } } })).toEqual(['3']);
      const refused = await d.call('POST', '/qs/_search', { query: { query_string: { query: '*ox', default_field: 'field', allow_leading_wildcard: false } } });
      expect(refused.status).toBe(400);
      expect(JSON.stringify(refused.body)).toContain("'*' or '?' not allowed as first character in WildcardQuery");
    });

    it('simple_query_string flags turn operators off', async () => {
      expect(await hits('/qs/_search', { query: { simple_query_string: { query: 'foo -bar', fields: ['field'] } } })).toEqual(['1', '2', '3']);
      expect(await hits('/qs/_search', { query: { simple_query_string: { query: 'foo -bar', fields: ['field'], default_operator: 'and' } } })).toEqual([]);
      // Without NOT, `-bar` is just text: the analyzer makes it `bar`.
      expect(await hits('/qs/_search', { query: { simple_query_string: { query: 'foo -bar', fields: ['field'], default_operator: 'and', flags: 'AND|OR' } } })).toEqual(['1', '2']);
      expect(await hits('/qs/_search', { query: { simple_query_string: { query: 'fo*', fields: ['field'], flags: 'NONE' } } })).toEqual([]);
      expect(await hits('/qs/_search', { query: { simple_query_string: { query: 'fo*', fields: ['field'], flags: 'PREFIX' } } })).toEqual(['1', '2', '3']);
    });
  });

  describe('_msearch and search_type', () => {
    beforeAll(async () => {
      const lines: unknown[] = [];
      for (let i = 0; i < 10_001; i += 1) lines.push({ index: { _index: 'many' } }, { n: i });
      const bulk = await d.call('POST', '/_bulk?refresh=true', lines);
      expect(bulk.body.errors).toBe(false);
    });

    it('answers accurate integer totals with rest_total_hits_as_int, and capped objects without', async () => {
      const body = [{ index: 'many' }, { size: 0 }, { index: 'qs' }, { query: { match: { field: 'foo' } } }, { index: 'missing' }, {}];
      const asInt = await d.call('POST', '/_msearch?rest_total_hits_as_int=true', body);
      expect(asInt.status).toBe(200);
      expect(asInt.body.responses.map((r: { hits?: { total: unknown }; status: number }) => [r.status, r.hits?.total])).toEqual([
        [200, 10_001],
        [200, 2],
        [404, undefined],
      ]);
      const capped = await d.call('POST', '/_msearch', body);
      expect(capped.body.responses[0].hits.total).toEqual({ value: 10_000, relation: 'gte' });
      const tracked = await d.call('POST', '/_msearch', [{ index: 'many' }, { size: 0, track_total_hits: true }]);
      expect(tracked.body.responses[0].hits.total).toEqual({ value: 10_001, relation: 'eq' });
    });

    it('refuses inaccurate tracking with rest_total_hits_as_int, unknown header keys and the removed search types', async () => {
      expect(await d.call('POST', '/_msearch?rest_total_hits_as_int=true', [{ index: 'many' }, { track_total_hits: 100 }])).toMatchObject(
        error('[rest_total_hits_as_int] cannot be used if the tracking of total hits is not accurate, got 100'),
      );
      expect(await d.call('POST', '/_msearch', [{ index: 'many', rest_total_hits_as_int: true }, {}])).toMatchObject(error('key [rest_total_hits_as_int] is not supported in the metadata section'));
      expect(await d.call('POST', '/_msearch', [{ index: 'many', search_type: 'query_and_fetch' }, {}])).toMatchObject(error('No search type for [query_and_fetch]'));
      expect(await d.call('GET', '/qs/_search?search_type=query_and_fetch')).toMatchObject(error('Unsupported search type [query_and_fetch]'));
      expect(await d.call('GET', '/qs/_search?search_type=dfs_query_and_fetch')).toMatchObject(error('Unsupported search type [dfs_query_and_fetch]'));
      expect(await d.call('GET', '/qs/_search?search_type=scan')).toMatchObject(error('No search type for [scan]'));
      expect((await d.call('GET', '/qs/_search?search_type=dfs_query_then_fetch')).status).toBe(200);
    });
  });

  describe('_bulk errors', () => {
    const malformed = (line: number, what: string) => error(`Malformed action/metadata line [${line}], ${what}`);

    it('fails an item with an empty _id, after creating its index, and writes the others', async () => {
      const r = await d.call('POST', '/_bulk', [{ index: { _index: 'ids', _id: '' } }, { f: 1 }, { create: { _index: 'ids', _id: '' } }, { f: 2 }, { index: { _index: 'ids', _id: 'ok' } }, { f: 3 }]);
      expect(r.status).toBe(200);
      expect(r.body.errors).toBe(true);
      for (const [op, item] of [['index', r.body.items[0].index], ['create', r.body.items[1].create]]) {
        expect(item, op).toMatchObject({ _index: 'ids', _id: '', status: 400, error: { type: 'illegal_argument_exception', reason: 'if _id is specified it must not be empty' } });
      }
      expect(r.body.items[2].index).toMatchObject({ _id: 'ok', status: 201, result: 'created' });
    });

    it('refuses malformed action lines with BulkRequestParser\'s messages and line numbers', async () => {
      expect(await d.call('POST', '/_bulk', [{ index: 'x' }, { f: 1 }])).toMatchObject(malformed(1, 'expected START_OBJECT or END_OBJECT but found [VALUE_STRING]'));
      expect(await d.call('POST', '/_bulk', [{ index: null }, { f: 1 }])).toMatchObject(malformed(1, 'expected START_OBJECT or END_OBJECT but found [VALUE_NULL]'));
      expect(await d.call('POST', '/_bulk', [['index'], { f: 1 }])).toMatchObject(malformed(1, 'expected START_OBJECT but found [START_ARRAY]'));
      expect(await d.call('POST', '/_bulk', [{}, { f: 1 }])).toMatchObject(malformed(1, 'expected FIELD_NAME but found [END_OBJECT]'));
      expect(await d.call('POST', '/_bulk', [{ index: { _index: 'x' } }, { f: 1 }, { upsert: { _index: 'x' } }, { f: 2 }])).toMatchObject(
        malformed(3, 'expected field [create], [delete], [index] or [update] but found [upsert]'),
      );
      expect(await d.call('POST', '/_bulk', [{ index: { _index: 'x', _id: ['a'] } }, { f: 1 }])).toMatchObject(malformed(1, 'expected a simple value for field [_id] but found [START_ARRAY]'));
      expect(await d.call('POST', '/_bulk', [{ index: { _index: 'x', _flavour: 1 } }, { f: 1 }])).toMatchObject(error('Action/metadata line [1] contains an unknown parameter [_flavour]'));
      expect(await d.call('POST', '/_bulk', [{ delete: { _index: 'x' } }])).toMatchObject(error('Validation Failed: 1: id is missing;', 'action_request_validation_exception'));
      expect((await d.call('GET', '/_cat/indices/x?format=json')).status).toBe(404);
    });

    it('a second key after the action is refused from 9.x on, ignored before', async () => {
      const r = await d.call('POST', '/_bulk', [{ index: { _index: 'extra', _id: '1' }, something: 'unexpected' }, { f: 1 }]);
      if (flavor === '9') expect(r).toMatchObject(malformed(1, 'expected END_OBJECT but found [FIELD_NAME]'));
      else expect(r.body.items[0].index).toMatchObject({ _id: '1', status: 201 });
    });
  });
});
