import { describe, expect, it } from 'vitest';
import { createEngine } from './index';

/**
 * `highlight` as ES's plain highlighter documents it ("Highlighting"): the query's terms wrapped in
 * `pre_tags`/`post_tags` (`<em>` by default), fragments of about `fragment_size` characters cut at
 * token boundaries, the best `number_of_fragments` first (0: the whole value), only the fields the
 * query searched unless `require_field_match` is false, `no_match_size` and the html encoder.
 */

const LOG =
  'Failed password for invalid user admin from 203.0.113.9 port 4242 ssh2. The quick brown fox jumps over the lazy dog while the admin sleeps. Another failed login for root from 198.51.100.7 was recorded by sshd in the auth log.';

function lab() {
  const engine = createEngine({ flavor: '8', now: () => 0 });
  engine.createIndex('logs', { mappings: { properties: { message: { type: 'text' }, user: { type: 'keyword' }, note: { type: 'text' }, n: { type: 'long' } } } });
  engine.index('logs', { message: LOG, user: 'admin', note: 'nothing to see in this field at all', n: 1 }, { id: '1', refresh: true });
  engine.index('logs', { message: ['first <admin> line', 'second line'], user: 'root', note: 'admin & root', n: 2 }, { id: '2', refresh: true });
  return engine;
}

type Res = { hits: { hits: { _id: string; highlight?: Record<string, string[]> }[] } };

function highlights(body: Record<string, unknown>): Record<string, Record<string, string[]> | undefined> {
  const r = lab().search('logs', body) as unknown as Res;
  return Object.fromEntries(r.hits.hits.map((h) => [h._id, h.highlight]));
}

describe('plain highlighting', () => {
  it('marks the query terms in fragments of about fragment_size, best first', () => {
    const h = highlights({ query: { match: { message: 'failed admin' } }, highlight: { fields: { message: { fragment_size: 40, number_of_fragments: 2 } } } });
    expect(h['1']).toEqual({ message: ['<em>Failed</em> password for invalid user <em>admin</em>', ' while the <em>admin</em> sleeps. Another <em>failed</em>'] });
  });

  it('returns the whole value with number_of_fragments 0, with the tags asked for', () => {
    const h = highlights({ query: { match: { message: 'failed' } }, highlight: { pre_tags: ['<b>'], post_tags: ['</b>'], fields: { message: { number_of_fragments: 0 } } } });
    expect(h['1']?.message).toEqual([LOG.replace('Failed', '<b>Failed</b>').replace('failed', '<b>failed</b>')]);
  });

  it('marks a phrase only where it matches, and keeps it in one fragment', () => {
    const h = highlights({ query: { match_phrase: { message: 'the lazy dog' } }, highlight: { fields: { message: { fragment_size: 20, number_of_fragments: 1 } } } });
    expect(h['1']?.message).toEqual([' over <em>the</em> <em>lazy</em> <em>dog</em>']);
  });

  it('highlights only the fields the query searched, unless require_field_match is false', () => {
    expect(highlights({ query: { term: { user: 'admin' } }, highlight: { fields: { '*': {} } } })['1']).toEqual({ user: ['<em>admin</em>'] });
    const loose = highlights({ query: { term: { user: 'admin' } }, highlight: { require_field_match: false, fields: { '*': {} } } })['1'];
    expect(Object.keys(loose ?? {}).sort()).toEqual(['message', 'user']);
    expect(loose?.message?.[0]).toContain('<em>admin</em>');
  });

  it('follows query_string clauses (wildcards too) but not must_not ones', () => {
    const h = highlights({ query: { query_string: { query: 'fail* -fox', default_field: 'message' } }, highlight: { fields: { message: { fragment_size: 30 } } } });
    expect(h).toEqual({});
    const kept = highlights({ query: { bool: { must: [{ query_string: { query: 'fail*', default_field: 'message' } }], must_not: [{ match: { message: 'second' } }] } }, highlight: { fields: { message: { fragment_size: 30 } } } });
    expect(kept['1']?.message).toEqual(['<em>Failed</em> password for invalid', ' <em>failed</em> login for root from']);
  });

  it('answers no_match_size of a field without matches, encodes html when asked, and leaves out fields it cannot highlight', () => {
    const h = highlights({ query: { match: { message: 'dog' } }, highlight: { fields: { note: { no_match_size: 12 }, n: {} } } });
    expect(h['1']).toEqual({ note: ['nothing to'] });
    const html = highlights({ query: { match: { message: 'admin' } }, highlight: { encoder: 'html', fields: { message: {} } } });
    expect(html['2']?.message).toEqual(['first &lt;<em>admin</em>&gt; line']);
  });

  it('refuses the fast vector highlighter and unknown options with ES-style errors', () => {
    const engine = lab();
    expect(() => engine.search('logs', { query: { match_all: {} }, highlight: { type: 'fvh', fields: { message: {} } } })).toThrow(/term vectors/);
    expect(() => engine.search('logs', { query: { match_all: {} }, highlight: { shiny: true, fields: { message: {} } } })).toThrow('[highlight] unknown field [shiny]');
  });
});
