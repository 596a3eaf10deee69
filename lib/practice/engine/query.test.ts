import { beforeAll, describe, expect, it } from 'vitest';
import { type Engine, EsError } from './api';
import { esErrorBody } from './errors';
import { createEngine } from './index';

/**
 * Query DSL cases on a small hand-built index. Every expected id list is written by hand from the
 * documents below, never computed by the engine.
 */

const NOW = Date.parse('2026-03-10T12:00:00.000Z');

const DOCS: Record<string, Record<string, unknown>> = {
  a: { '@timestamp': '2026-03-10T11:59:30.000Z', host: { name: 'web-1' }, level: 'error', message: 'Failed password for invalid user admin from 10.0.0.1', bytes: 100, ratio: 0.5, ok: false, tags: ['ssh', 'auth'], ip: '10.0.0.1' },
  b: { '@timestamp': '2026-03-10T11:58:00.000Z', host: { name: 'web-2' }, level: 'info', message: 'Accepted password for ubuntu from 10.0.0.2', bytes: 250, ratio: 1.5, ok: true, tags: ['ssh'], ip: '10.0.0.2' },
  c: { '@timestamp': '2026-03-10T11:00:00.000Z', 'host.name': 'db-1', level: 'warn', message: 'error: maximum authentication attempts exceeded input_userauth_request: invalid user test [preauth]', bytes: 5000, ratio: 2.25, ok: true, ip: '192.168.1.7' },
  d: { '@timestamp': '2026-03-09T12:00:00.000Z', host: { name: 'web-1' }, level: 'info', message: 'Server listening on 0.0.0.0 port 22.', bytes: 0, tags: [], ip: '10.1.2.3' },
  e: { '@timestamp': '2026-03-01T00:00:00.000Z', host: { name: 'WEB-1' }, level: 'ERROR', message: 'Disconnected from invalid user admin 10.0.0.1 port 4242', ratio: 0.25, ok: false },
};

let engine: Engine;

beforeAll(() => {
  engine = createEngine({ flavor: '8', now: () => NOW });
  engine.createIndex('logs', {
    mappings: {
      properties: {
        '@timestamp': { type: 'date' },
        host: { properties: { name: { type: 'keyword' } } },
        level: { type: 'keyword' },
        message: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 60 } } },
        bytes: { type: 'long' },
        ratio: { type: 'double' },
        ok: { type: 'boolean' },
        tags: { type: 'keyword' },
        ip: { type: 'ip' },
      },
    },
  });
  engine.bulk(Object.entries(DOCS).map(([id, source]) => ({ op: 'index' as const, index: 'logs', id, source })), { refresh: true });
});

function ids(query: Record<string, unknown>): string[] {
  const res = engine.search('logs', { query, size: 100, _source: false }) as { hits: { hits: { _id: string }[] } };
  return res.hits.hits.map((h) => h._id).sort();
}

const CASES: [string, Record<string, unknown>, string[]][] = [
  ['match_all', { match_all: {} }, ['a', 'b', 'c', 'd', 'e']],
  ['match_none', { match_none: {} }, []],
  ['term on keyword is exact and case sensitive', { term: { 'host.name': 'web-1' } }, ['a', 'd']],
  ['term on keyword with case_insensitive', { term: { 'host.name': { value: 'web-1', case_insensitive: true } } }, ['a', 'd', 'e']],
  ['term on dotted-key document', { term: { 'host.name': 'db-1' } }, ['c']],
  ['term on text matches analyzed tokens', { term: { message: 'invalid' } }, ['a', 'c', 'e']],
  ['term on text does not analyze the value', { term: { message: 'Invalid' } }, []],
  ['term on multi-field keyword is exact', { term: { 'message.keyword': 'Accepted password for ubuntu from 10.0.0.2' } }, ['b']],
  ['term on keyword above ignore_above is not indexed', { exists: { field: 'message.keyword' } }, ['a', 'b', 'd', 'e']],
  ['terms', { terms: { level: ['error', 'warn'] } }, ['a', 'c']],
  ['terms on array field', { terms: { tags: ['auth'] } }, ['a']],
  ['term on long with string value', { term: { bytes: '250' } }, ['b']],
  ['term on boolean', { term: { ok: true } }, ['b', 'c']],
  ['term on ip with CIDR', { term: { ip: '10.0.0.0/24' } }, ['a', 'b']],
  ['range on long', { range: { bytes: { gte: 100, lt: 5000 } } }, ['a', 'b']],
  ['range on double', { range: { ratio: { gt: 0.5 } } }, ['b', 'c']],
  ['range with from/to/include_upper', { range: { bytes: { from: 0, to: 100, include_upper: false } } }, ['d']],
  ['range on date with now math', { range: { '@timestamp': { gte: 'now-5m' } } }, ['a', 'b']],
  ['range on date rounded to day', { range: { '@timestamp': { gte: 'now/d' } } }, ['a', 'b', 'c']],
  ['range lte date-only rounds up to end of day', { range: { '@timestamp': { lte: '2026-03-09' } } }, ['d', 'e']],
  ['range gt date-only excludes the whole day', { range: { '@timestamp': { gt: '2026-03-09' } } }, ['a', 'b', 'c']],
  ['range with anchored date math', { range: { '@timestamp': { gte: '2026-03-10T12:00:00Z||-1h', lt: '2026-03-10T12:00:00Z||-1m' } } }, ['b', 'c']],
  ['range with format', { range: { '@timestamp': { gte: '09/03/2026', format: 'dd/MM/yyyy' } } }, ['a', 'b', 'c', 'd']],
  ['range with epoch_millis', { range: { '@timestamp': { gte: Date.parse('2026-03-10T11:59:00Z'), format: 'epoch_millis' } } }, ['a']],
  ['range with time_zone', { range: { '@timestamp': { gte: '2026-03-10T20:00:00', time_zone: '+09:00' } } }, ['a', 'b', 'c']],
  ['exists', { exists: { field: 'ratio' } }, ['a', 'b', 'c', 'e']],
  ['exists on empty array is false', { exists: { field: 'tags' } }, ['a', 'b']],
  ['exists on object field', { exists: { field: 'host' } }, ['a', 'b', 'c', 'd', 'e']],
  ['ids', { ids: { values: ['a', 'e', 'zz'] } }, ['a', 'e']],
  ['match or', { match: { message: 'ubuntu admin' } }, ['a', 'b', 'e']],
  ['match and', { match: { message: { query: 'invalid admin', operator: 'and' } } }, ['a', 'e']],
  ['match minimum_should_match', { match: { message: { query: 'invalid admin ubuntu', minimum_should_match: 2 } } }, ['a', 'e']],
  ['match on keyword is exact', { match: { level: 'ERROR' } }, ['e']],
  ['match keeps dotted words together', { match: { message: '10.0.0.1' } }, ['a', 'e']],
  ['match keeps underscored words together', { match: { message: 'input_userauth_request' } }, ['c']],
  ['match underscored word parts do not match', { match: { message: 'userauth' } }, []],
  ['match_phrase', { match_phrase: { message: 'invalid user admin' } }, ['a', 'e']],
  ['match_phrase with gap needs slop', { match_phrase: { message: 'invalid admin' } }, []],
  ['match_phrase slop', { match_phrase: { message: { query: 'invalid admin', slop: 1 } } }, ['a', 'e']],
  ['match_phrase_prefix', { match_phrase_prefix: { message: 'server liste' } }, ['d']],
  ['multi_match on keyword fields matches the whole value', { multi_match: { query: 'warn', fields: ['host.name', 'level'] } }, ['c']],
  ['multi_match on keyword fields does not split words', { multi_match: { query: 'web-2 warn', fields: ['host.name', 'level'] } }, []],
  ['multi_match with wildcard fields', { multi_match: { query: 'ubuntu', fields: ['mess*'] } }, ['b']],
  ['prefix on keyword', { prefix: { 'host.name': 'web' } }, ['a', 'b', 'd']],
  ['prefix on text token', { prefix: { message: 'pass' } }, ['a', 'b']],
  ['wildcard on keyword', { wildcard: { 'host.name': { value: 'w?b-*' } } }, ['a', 'b', 'd']],
  ['regexp on keyword', { regexp: { 'host.name': 'web-[12]' } }, ['a', 'b', 'd']],
  ['bool must + filter + must_not', { bool: { must: [{ match: { message: 'password' } }], filter: { term: { 'host.name': 'web-1' } }, must_not: [{ term: { level: 'info' } }] } }, ['a']],
  ['bool should alone needs one', { bool: { should: [{ term: { level: 'warn' } }, { term: { 'host.name': 'web-2' } }] } }, ['b', 'c']],
  ['bool should is optional with filter', { bool: { filter: [{ term: { 'host.name': 'web-1' } }], should: [{ term: { level: 'nope' } }] } }, ['a', 'd']],
  ['bool minimum_should_match with filter', { bool: { filter: [{ exists: { field: 'ip' } }], should: [{ term: { level: 'nope' } }, { term: { ok: true } }], minimum_should_match: 1 } }, ['b', 'c']],
  ['bool minimum_should_match percentage', { bool: { should: [{ term: { ok: true } }, { term: { level: 'warn' } }, { term: { tags: 'ssh' } }], minimum_should_match: '70%' } }, ['b', 'c']],
  ['bool minimum_should_match percentage rounds down', { bool: { should: [{ term: { ok: true } }, { term: { level: 'warn' } }, { term: { tags: 'ssh' } }], minimum_should_match: '60%' } }, ['a', 'b', 'c']],
  ['bool only must_not', { bool: { must_not: { exists: { field: 'bytes' } } } }, ['e']],
  ['nested bool in should with time range', { bool: { should: [{ bool: { filter: [{ range: { '@timestamp': { gte: 'now-5m' } } }] } }, { term: { level: 'warn' } }] } }, ['a', 'b', 'c']],
  ['must_not with time range', { bool: { must_not: [{ range: { '@timestamp': { gte: 'now-1d' } } }] } }, ['e']],
  ['constant_score', { constant_score: { filter: { term: { level: 'info' } } } }, ['b', 'd']],
  ['dis_max', { dis_max: { queries: [{ term: { level: 'warn' } }, { term: { bytes: 0 } }] } }, ['c', 'd']],
  ['query_string across all fields', { query_string: { query: 'input_userauth_request' } }, ['c']],
  ['query_string field:value', { query_string: { query: 'level:error' } }, ['a']],
  ['query_string AND / OR precedence as Lucene', { query_string: { query: 'level:info AND host.name:web-1 OR level:warn' } }, ['d']],
  ['query_string NOT', { query_string: { query: 'password NOT ubuntu' } }, ['a']],
  ['query_string pure negative', { query_string: { query: '-level:info' } }, ['a', 'c', 'e']],
  ['query_string +/-', { query_string: { query: '+invalid -admin' } }, ['c']],
  ['query_string phrase', { query_string: { query: '"invalid user admin"' } }, ['a', 'e']],
  ['query_string wildcard', { query_string: { query: 'host.name:web*' } }, ['a', 'b', 'd']],
  ['query_string parentheses', { query_string: { query: '(level:warn OR level:info) AND ok:true' } }, ['b', 'c']],
  ['query_string range', { query_string: { query: 'bytes:[100 TO 250]' } }, ['a', 'b']],
  ['query_string comparison', { query_string: { query: 'bytes:>250' } }, ['c']],
  ['query_string _exists_', { query_string: { query: '_exists_:tags' } }, ['a', 'b']],
  ['query_string default_operator AND', { query_string: { query: 'invalid admin', default_operator: 'AND', default_field: 'message' } }, ['a', 'e']],
  ['query_string fields', { query_string: { query: 'web-2', fields: ['host.name', 'level'] } }, ['b']],
  ['simple_query_string', { simple_query_string: { query: 'admin +invalid', fields: ['message'] } }, ['a', 'e']],
  ['simple_query_string or', { simple_query_string: { query: 'ubuntu | test', fields: ['message'] } }, ['b', 'c']],
  ['simple_query_string negation with default OR matches the complement too', { simple_query_string: { query: 'ubuntu -admin', fields: ['message'] } }, ['b', 'c', 'd']],
  ['simple_query_string prefix and phrase', { simple_query_string: { query: '"Server listening" | accept*', fields: ['message'] } }, ['b', 'd']],
  ['unmapped field matches nothing', { term: { nope: 'x' } }, []],
];

describe('query DSL', () => {
  it.each(CASES)('%s', (_name, query, expected) => {
    expect(ids(query)).toEqual(expected);
  });
});

describe('query errors', () => {
  const error = (query: unknown): ReturnType<typeof esErrorBody> & { status: number } => {
    try {
      engine.search('logs', { query } as Record<string, unknown>);
    } catch (e) {
      if (e instanceof EsError) return { ...esErrorBody(e), status: e.status };
      throw e;
    }
    throw new Error('expected an error');
  };

  it('rejects an unknown query with parsing_exception, line and col', () => {
    const e = error({ foo: { bar: 1 } });
    expect(e.status).toBe(400);
    expect(e.type).toBe('parsing_exception');
    expect(e.reason).toBe('unknown query [foo]');
    // `{"query":{"foo":` -> the value starts at column 17
    expect([e.line, e.col]).toEqual([1, 17]);
    expect(e.caused_by).toEqual({ type: 'named_object_not_found_exception', reason: '[1:17] unknown field [foo]' });
    expect(e.root_cause).toEqual([{ type: 'parsing_exception', reason: 'unknown query [foo]', line: 1, col: 17 }]);
  });

  it('suggests the query that was probably meant', () => {
    expect(error({ boool: {} }).reason).toBe('unknown query [boool] did you mean [bool]?');
  });

  it('rejects malformed clauses as ES does', () => {
    expect(error({ term: { a: 1, b: 2 } }).reason).toBe("[term] query doesn't support multiple fields, found [a] and [b]");
    expect(error({ match: { message: { query: 'x', foo: 1 } } }).reason).toBe('[match] query does not support [foo]');
    expect(error({ bool: { must: [], nope: [] } }).reason).toBe('[bool] query does not support [nope]');
    expect(error({ range: { bytes: { gte: 1, foo: 2 } } }).reason).toBe('[range] query does not support [foo]');
    expect(error({ term: { level: 'x' }, match: { level: 'y' } }).reason).toBe('[term] malformed query, expected [END_OBJECT] but found [FIELD_NAME]');
    expect(error('x').reason).toBe('[_na] query malformed, must start with start_object');
  });

  it('reports bad values for field types as search_phase_execution_exception', () => {
    const e = error({ term: { bytes: 'abc' } });
    expect(e.status).toBe(400);
    expect(e.type).toBe('search_phase_execution_exception');
    expect(e.reason).toBe('all shards failed');
    expect(e.phase).toBe('query');
    expect(e.root_cause[0]).toMatchObject({ type: 'query_shard_exception', reason: 'failed to create query: For input string: "abc"', index: 'logs' });
    expect(error({ range: { '@timestamp': { gte: 'yesterday' } } }).root_cause[0]?.type).toBe('query_shard_exception');
  });

  it('answers a query_string syntax error like ES', () => {
    const e = error({ query_string: { query: 'level:(error' } });
    expect(e.type).toBe('search_phase_execution_exception');
    expect(e.root_cause[0]?.reason).toBe('Failed to parse query [level:(error]');
  });

  it('refuses queries it does not evaluate instead of guessing', () => {
    const e = error({ nested: { path: 'x', query: { match_all: {} } } });
    expect(e.type).toBe('parsing_exception');
    expect(e.status).toBe(400);
  });
});
