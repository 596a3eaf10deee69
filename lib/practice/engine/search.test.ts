import { describe, expect, it } from 'vitest';
import { type Engine, EsError } from './api';
import { esErrorBody } from './errors';
import { createEngine } from './index';

const NOW = Date.parse('2026-03-10T12:00:00.000Z');

interface Hit {
  _id: string;
  _score: number | null;
  _source?: Record<string, unknown>;
  sort?: unknown[];
  fields?: Record<string, unknown[]>;
}
interface Res {
  hits: { total: unknown; max_score: number | null; hits: Hit[] };
}

function authLog(): { engine: Engine; docs: { id: string; ts: number; offset: number; user: string }[] } {
  const engine = createEngine({ flavor: '8', now: () => NOW });
  engine.createIndex('filebeat-a', { mappings: { properties: { '@timestamp': { type: 'date' }, user: { type: 'keyword' }, log: { properties: { offset: { type: 'long' } } } } } });
  engine.createIndex('filebeat-b', { mappings: { properties: { '@timestamp': { type: 'date' }, user: { type: 'keyword' } } } });
  const docs: { id: string; ts: number; offset: number; user: string }[] = [];
  // Many ties: five events share each second, spread over two indices, written out of time order.
  for (let i = 0; i < 60; i += 1) {
    const ts = NOW - Math.floor(i / 5) * 1000;
    docs.push({ id: `e${i}`, ts, offset: i, user: `u${i % 7}` });
  }
  const shuffled = [...docs].sort((a, b) => ((a.offset * 7919) % 61) - ((b.offset * 7919) % 61));
  engine.bulk(
    shuffled.map((d) => ({
      op: 'index' as const,
      index: d.offset % 2 ? 'filebeat-a' : 'filebeat-b',
      id: d.id,
      source: d.offset % 2 ? { '@timestamp': new Date(d.ts).toISOString(), user: d.user, log: { offset: d.offset } } : { '@timestamp': new Date(d.ts).toISOString(), user: d.user },
    })),
    { refresh: true },
  );
  return { engine, docs };
}

describe('sorting and search_after', () => {
  it('pages through tied timestamps without duplicates or gaps when the sort has a tiebreaker', () => {
    const { engine, docs } = authLog();
    const seen: string[] = [];
    let after: unknown[] | undefined;
    for (let page = 0; page < 20; page += 1) {
      const body: Record<string, unknown> = { size: 7, sort: [{ '@timestamp': 'desc' }, { user: 'asc' }, { _doc: 'asc' }] };
      if (after) body.search_after = after;
      const r = engine.search('filebeat-*', body) as unknown as Res;
      if (r.hits.hits.length === 0) break;
      expect(r.hits.total).toEqual({ value: 60, relation: 'eq' });
      for (const h of r.hits.hits) seen.push(h._id);
      after = r.hits.hits.at(-1)?.sort;
    }
    expect(seen).toHaveLength(60);
    expect(new Set(seen).size).toBe(60);
    const expected = [...docs].sort((a, b) => b.ts - a.ts || (a.user < b.user ? -1 : a.user > b.user ? 1 : 0));
    const tsOf = new Map(docs.map((d) => [d.id, d.ts]));
    expect(seen.map((id) => tsOf.get(id))).toEqual(expected.map((d) => d.ts));
  });

  it('returns epoch millis sort values, null _score, and the ES missing-value sentinel', () => {
    const { engine } = authLog();
    const r = engine.search('filebeat-*', { size: 3, sort: [{ '@timestamp': { order: 'desc' } }, { 'log.offset': { order: 'asc', unmapped_type: 'long' } }] }) as unknown as Res;
    expect(r.hits.max_score).toBeNull();
    expect(r.hits.hits.map((h) => h._score)).toEqual([null, null, null]);
    expect(r.hits.hits.map((h) => h.sort)).toEqual([
      [NOW, 1],
      [NOW, 3],
      [NOW, 9223372036854775807],
    ]);
  });

  it('fails an index whose field is unmapped for sorting unless unmapped_type is given', () => {
    const { engine } = authLog();
    const r = engine.search('filebeat-*', { sort: [{ 'log.offset': 'asc' }] }) as { _shards: { failed: number; failures: { index: string; reason: { reason: string } }[] } };
    expect(r._shards.failed).toBe(1);
    expect(r._shards.failures[0]?.index).toBe('filebeat-b');
    expect(r._shards.failures[0]?.reason.reason).toBe('No mapping found for [log.offset] in order to sort on');
    const e = (() => {
      try {
        engine.search('filebeat-b', { sort: ['log.offset'] });
      } catch (err) {
        return esErrorBody(err as EsError);
      }
      throw new Error('expected an error');
    })();
    expect(e.type).toBe('search_phase_execution_exception');
  });

  it('accepts the sort forms ES accepts', () => {
    const { engine } = authLog();
    const forms = [['user', '@timestamp'], [{ user: 'asc' }, { '@timestamp': 'asc' }], [{ user: { order: 'asc' } }, '@timestamp']];
    const results = forms.map((sort) => (engine.search('filebeat-*', { size: 5, sort }) as unknown as Res).hits.hits.map((h) => h._id));
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
    const param = (engine.search('filebeat-*', { size: 5 }, { sort: 'user:asc,@timestamp:asc' }) as unknown as Res).hits.hits.map((h) => h._id);
    expect(param).toEqual(results[0]);
  });

  it('validates search_after against the sort', () => {
    const { engine } = authLog();
    const err = (() => {
      try {
        engine.search('filebeat-*', { sort: ['@timestamp'], search_after: [1, 2] });
      } catch (e) {
        return esErrorBody(e as EsError);
      }
      throw new Error('expected an error');
    })();
    expect(err.root_cause[0]?.reason).toBe('search_after has 2 value(s) but sort has 1.');
  });
});

describe('hits', () => {
  const engine = createEngine({ flavor: '8', now: () => NOW });
  for (let i = 0; i < 12_000; i += 1) engine.index('many', { '@timestamp': new Date(NOW - i * 1000).toISOString(), n: i, host: { name: `h${i % 3}`, ip: '10.0.0.1' }, 'agent.name': 'a' });
  engine.refresh('many');

  it('caps hits.total at 10000 with relation gte unless track_total_hits', () => {
    expect((engine.search('many', { size: 0 }) as unknown as Res).hits.total).toEqual({ value: 10000, relation: 'gte' });
    expect((engine.search('many', { size: 0, track_total_hits: true }) as unknown as Res).hits.total).toEqual({ value: 12000, relation: 'eq' });
    expect((engine.search('many', { size: 0, track_total_hits: 100 }) as unknown as Res).hits.total).toEqual({ value: 100, relation: 'gte' });
    expect('total' in (engine.search('many', { size: 0, track_total_hits: false }) as unknown as Res).hits).toBe(false);
    expect((engine.search('many', { size: 0 }, { restTotalHitsAsInt: true }) as unknown as Res).hits.total).toBe(12000);
  });

  it('filters _source with lists, wildcards, includes and excludes, dotted keys included', () => {
    const first = (source: unknown) => (engine.search('many', { size: 1, sort: [{ n: 'asc' }], _source: source }) as unknown as Res).hits.hits[0]?._source;
    expect(first(false)).toBeUndefined();
    expect(first(['n'])).toEqual({ n: 0 });
    expect(first('host.*')).toEqual({ host: { name: 'h0', ip: '10.0.0.1' } });
    expect(first({ includes: ['host', 'agent.*'], excludes: ['host.ip'] })).toEqual({ host: { name: 'h0' }, 'agent.name': 'a' });
  });

  it('uses from/size, max_result_window and the fields option', () => {
    const r = engine.search('many', { from: 5, size: 2, sort: [{ n: 'asc' }], fields: ['@timestamp', 'n'], _source: false }) as unknown as Res & { hits: { hits: { fields: Record<string, unknown[]> }[] } };
    expect(r.hits.hits.map((h) => h.fields)).toEqual([
      { '@timestamp': [new Date(NOW - 5000).toISOString()], n: [5] },
      { '@timestamp': [new Date(NOW - 6000).toISOString()], n: [6] },
    ]);
    const err = (() => {
      try {
        engine.search('many', { from: 9995, size: 10 });
      } catch (e) {
        return esErrorBody(e as EsError);
      }
      throw new Error('expected an error');
    })();
    expect(err.root_cause[0]?.reason).toMatch(/^Result window is too large, from \+ size must be less than or equal to: \[10000\] but was \[10005\]/);
  });

  it('scores full-text matches and gives filters score 0', () => {
    engine.index('scored', { msg: 'error error disk' }, { id: 'twice' });
    engine.index('scored', { msg: 'error net' }, { id: 'once', refresh: true });
    const r = engine.search('scored', { query: { match: { msg: 'error' } } }) as unknown as Res;
    expect(r.hits.hits.map((h) => h._id)).toEqual(['twice', 'once']);
    expect(r.hits.max_score).toBe(r.hits.hits[0]?._score);
    const f = engine.search('scored', { query: { bool: { filter: { match: { msg: 'error' } } } } }) as unknown as Res;
    expect(f.hits.hits.map((h) => h._score)).toEqual([0, 0]);
  });

  it('rejects unknown top-level keys with parsing_exception', () => {
    try {
      engine.search('many', { qeury: {} });
      throw new Error('expected an error');
    } catch (e) {
      expect(esErrorBody(e as EsError)).toMatchObject({ type: 'parsing_exception', reason: 'Unknown key for a START_OBJECT in [qeury].', line: 1, col: 10 });
    }
  });

  it('answers the three panel queries quickly on a day of data', () => {
    const started = performance.now();
    engine.search('many', { size: 0, query: { bool: { filter: [{ range: { '@timestamp': { gte: 'now-5m' } } }] } }, aggs: { h: { terms: { field: 'host.name.keyword' }, aggs: { last: { max: { field: '@timestamp' } } } } } });
    engine.search('many', { size: 100, sort: [{ '@timestamp': 'desc' }], query: { bool: { filter: [{ range: { '@timestamp': { gte: 'now-15m' } } }] } } });
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
