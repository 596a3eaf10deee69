import { describe, expect, it } from 'vitest';
import { type Engine, EsError, type Flavor } from './api';
import { esErrorBody } from './errors';
import { createEngine } from './index';

/**
 * Issue 12, finding 1: what a tenant can make one search cost. Wildcards and regexps are matched
 * by automata (linear in each value), too complex ones are refused as Elasticsearch refuses them,
 * and every search stops when its time budget is spent, answering `timed_out: true`.
 */

const NOW = Date.parse('2026-03-10T12:00:00.000Z');

interface Res {
  timed_out: boolean;
  hits: { total: { value: number }; hits: { _id: string }[] };
  aggregations?: Record<string, { buckets: { key: string; doc_count: number }[] }>;
}

/** An auth log where a learner made SSH attempts as `aaaa…` (the set-up), plus others. */
function authLog(flavor: Flavor = '8', options: { searchTimeoutMs?: number; elapsed?: () => number } = {}): Engine {
  const engine = createEngine({ flavor, now: () => NOW, ...options });
  engine.createIndex('auth', { mappings: { properties: { '@timestamp': { type: 'date' }, user: { properties: { name: { type: 'keyword' } } }, message: { type: 'text' } } } });
  const users = [...Array.from({ length: 11 }, () => 'a'.repeat(32)), `${'a'.repeat(31)}c`, 'root', 'admin', 'hAx0R'];
  engine.bulk(
    users.map((name, i) => ({
      op: 'index' as const,
      index: 'auth',
      id: `e${i}`,
      source: { '@timestamp': new Date(NOW - i * 1000).toISOString(), user: { name }, message: `Invalid user ${name} from 203.0.113.7` },
    })),
    { refresh: true },
  );
  return engine;
}

function failure(run: () => unknown): ReturnType<typeof esErrorBody> & { status: number } {
  try {
    run();
  } catch (e) {
    if (e instanceof EsError) return { ...esErrorBody(e), status: e.status };
    throw e;
  }
  throw new Error('expected the search to fail');
}

const crafted = (groups: number) => `${'*a'.repeat(groups)}*c`;

describe('wildcard and regexp queries', () => {
  it("answer the issue's crafted filter (wildcard, query_string) with the one matching user", () => {
    const engine = authLog();
    for (const groups of [9, 12, 30]) {
      const wildcard = engine.search('auth', { query: { wildcard: { 'user.name': { value: crafted(groups) } } } }) as unknown as Res;
      expect(wildcard.hits.hits.map((h) => h._id)).toEqual(['e11']);
      const qs = engine.search('auth', { query: { query_string: { query: `user.name:${crafted(groups)}` } } }) as unknown as Res;
      expect(qs.hits.hits.map((h) => h._id)).toEqual(['e11']);
    }
    const regexp = engine.search('auth', { query: { regexp: { 'user.name': { value: '(a+)+c' } } } }) as unknown as Res;
    expect(regexp.hits.hits.map((h) => h._id)).toEqual(['e11']);
  });

  it("highlights the crafted filter's terms through the same automata (16 groups over 32 a's would take a backtracking matcher hours)", () => {
    const engine = authLog();
    const r = engine.search('auth', {
      size: 20,
      query: { bool: { should: [{ match: { message: 'invalid' } }, { wildcard: { message: { value: crafted(16) } } }, { regexp: { message: '(a|aa)*c' } }] } },
      highlight: { fields: { message: {} } },
    }) as unknown as { hits: { hits: { _id: string; highlight?: { message?: string[] } }[] } };
    const marked = (id: string) => r.hits.hits.find((h) => h._id === id)?.highlight?.message?.[0];
    expect(r.hits.hits).toHaveLength(15);
    expect(marked('e11')).toBe(`<em>Invalid</em> user <em>${'a'.repeat(31)}c</em> from 203.0.113.7`);
    expect(marked('e0')).toBe(`<em>Invalid</em> user ${'a'.repeat(32)} from 203.0.113.7`);
  });

  it.each([
    ['8', 'would require more than 10000 effort.'],
    ['9', 'would require more than 10000 effort.'],
    ['7', 'would result in more than 10000 states.'],
  ] as const)("refuse a regexp too complex to determinize with Elasticsearch's error (%s.x)", (flavor, ending) => {
    const engine = authLog(flavor);
    const error = failure(() => engine.search('auth', { query: { regexp: { 'user.name': '(a|b)*a(a|b){20}' } } }));
    expect(error.status).toBe(400);
    expect(error.type).toBe('search_phase_execution_exception');
    expect(error.reason).toBe('all shards failed');
    const root = error.root_cause[0] as { type: string; reason: string; index: string };
    expect(root.type).toBe('query_shard_exception');
    expect(root.index).toBe('auth');
    expect(root.reason.startsWith('failed to create query: Determinizing automaton with ')).toBe(true);
    expect(root.reason.endsWith(ending)).toBe(true);
    const cause = error.caused_by as { type: string; reason: string };
    expect(cause.type).toBe('too_complex_to_determinize_exception');
    expect(root.reason).toBe(`failed to create query: ${cause.reason}`);
  });

  it('honour max_determinized_states and flags, and refuse unknown flags', () => {
    const engine = authLog();
    const pattern = '(a|b)*a(a|b){9}';
    expect(failure(() => engine.search('auth', { query: { regexp: { 'user.name': { value: pattern, max_determinized_states: 100 } } } })).caused_by).toMatchObject({ type: 'too_complex_to_determinize_exception' });
    expect((engine.search('auth', { query: { regexp: { 'user.name': { value: pattern, max_determinized_states: 100_000 } } } }) as unknown as Res).hits.total.value).toBe(11);
    expect((engine.search('auth', { query: { regexp: { 'user.name': { value: 'r@', flags: 'NONE' } } } }) as unknown as Res).hits.total.value).toBe(0);
    expect((engine.search('auth', { query: { regexp: { 'user.name': { value: 'r@', flags: 'ANYSTRING' } } } }) as unknown as Res).hits.total.value).toBe(1);
    expect(failure(() => engine.search('auth', { query: { regexp: { 'user.name': { value: 'r.*', flags: 'SOMETIMES' } } } })).type).toBe('parsing_exception');
  });

  it('refuse a too complex wildcard, and one in query_string, the same way', () => {
    const engine = authLog();
    expect(failure(() => engine.search('auth', { query: { wildcard: { 'user.name': `*a${'?'.repeat(20)}` } } })).caused_by).toMatchObject({ type: 'too_complex_to_determinize_exception' });
    expect(failure(() => engine.search('auth', { query: { query_string: { query: '/(a|b)*a(a|b){20}/', default_field: 'user.name' } } })).caused_by).toMatchObject({ type: 'too_complex_to_determinize_exception' });
    // Over every field (`*`), query_string is lenient and drops the clause instead, as Elasticsearch does.
    expect((engine.search('auth', { query: { query_string: { query: 'user.name:/(a|b)*a(a|b){20}/' } } }) as unknown as Res).hits.total.value).toBe(0);
  });

  it('refuse a regexp longer than index.max_regex_length (1000)', () => {
    const engine = authLog();
    const error = failure(() => engine.search('auth', { query: { regexp: { 'user.name': 'a'.repeat(1001) } } }));
    expect(error.caused_by).toEqual({
      type: 'illegal_argument_exception',
      reason: 'The length of regex [1001] used in the Regexp Query request has exceeded the allowed maximum of [1000]. This maximum can be set by changing the [index.max_regex_length] index level setting.',
    });
  });

  it("match a terms aggregation's regex include with the same automata", () => {
    const engine = authLog();
    const r = engine.search('auth', { size: 0, aggs: { users: { terms: { field: 'user.name', include: '(a+)+c|root' } } } }) as unknown as Res;
    expect(r.aggregations?.users?.buckets.map((b) => b.key).sort()).toEqual([`${'a'.repeat(31)}c`, 'root']);
  });
});

describe('the search time budget', () => {
  /** A clock that moves 1 ms each time it is read: the budget runs out after a known amount of work. */
  function ticking(): () => number {
    let t = 0;
    return () => (t += 1);
  }

  function bigLog(options: { searchTimeoutMs?: number; elapsed?: () => number }): Engine {
    const engine = createEngine({ flavor: '8', now: () => NOW, ...options });
    engine.createIndex('big', { mappings: { properties: { '@timestamp': { type: 'date' }, n: { type: 'long' }, user: { type: 'keyword' } } } });
    engine.bulk(
      Array.from({ length: 5_000 }, (_, i) => ({ op: 'index' as const, index: 'big', id: `d${i}`, source: { '@timestamp': new Date(NOW - i).toISOString(), n: i, user: i % 2 ? 'root' : 'admin' } })),
      { refresh: true },
    );
    return engine;
  }

  it("answers timed_out: true with what it found so far when the request's timeout runs out", () => {
    const engine = bigLog({ elapsed: ticking() });
    const r = engine.search('big', { timeout: '10ms', query: { term: { user: 'root' } }, track_total_hits: true }) as unknown as Res;
    expect(r.timed_out).toBe(true);
    expect(r.hits.total.value).toBeGreaterThan(0);
    expect(r.hits.total.value).toBeLessThan(2_500);
    const url = engine.search('big', { query: { term: { user: 'root' } }, track_total_hits: true }, { timeout: '10ms' }) as unknown as Res;
    expect(url.timed_out).toBe(true);
  });

  it('has a default budget that a search without a timeout meets too (search.default_search_timeout)', () => {
    const engine = bigLog({ elapsed: ticking(), searchTimeoutMs: 20 });
    const r = engine.search('big', { query: { match_all: {} }, track_total_hits: true }) as unknown as Res;
    expect(r.timed_out).toBe(true);
    expect(r.hits.total.value).toBeLessThan(5_000);
    // A request cannot buy more time than the cluster's budget.
    expect((engine.search('big', { timeout: '1h', query: { match_all: {} } }) as unknown as Res).timed_out).toBe(true);
  });

  it('is not spent by an ordinary search', () => {
    const engine = bigLog({});
    const r = engine.search('big', { timeout: '30s', query: { term: { user: 'root' } }, track_total_hits: true }) as unknown as Res;
    expect(r.timed_out).toBe(false);
    expect(r.hits.total.value).toBe(2_500);
  });

  it('is shared by the searches of one _msearch', () => {
    const engine = bigLog({ elapsed: ticking(), searchTimeoutMs: 150 });
    const { responses } = engine.msearch(Array.from({ length: 4 }, () => ({ header: { index: 'big' }, body: { query: { match_all: {} }, track_total_hits: true } })));
    const timedOut = responses.map((r) => (r as unknown as Res).timed_out);
    expect(timedOut.at(-1)).toBe(true);
    expect((responses.at(-1) as unknown as Res).hits.total.value).toBe(0);
  });

  it('stops _delete_by_query at a search that runs out of time, writing nothing, with timed_out: true', () => {
    const engine = bigLog({ elapsed: ticking(), searchTimeoutMs: 20 });
    const { body } = engine.deleteByQuery('big', { query: { term: { user: 'root' } } });
    expect(body).toMatchObject({ timed_out: true, total: 0, deleted: 0 });
    expect(['d1', 'd3', 'd4999'].map((id) => engine.get('big', id).found)).toEqual([true, true, true]);
    const untimed = bigLog({});
    expect(untimed.deleteByQuery('big', { query: { term: { user: 'root' } } }).body).toMatchObject({ timed_out: false, total: 2_500, deleted: 2_500 });
  });

  it('refuses a timeout that is not a time value', () => {
    const engine = bigLog({});
    expect(failure(() => engine.search('big', { timeout: 'soon' })).reason).toBe('failed to parse setting [timeout] with value [soon] as a time value: unit is missing or unrecognized');
  });
});
