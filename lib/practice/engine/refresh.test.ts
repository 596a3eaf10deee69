import { describe, expect, it } from 'vitest';
import type { Engine } from './api';
import { createEngine } from './index';

/**
 * Near-real-time search as Elasticsearch documents it ("Near real-time search", "refresh API",
 * `index.refresh_interval`): a write is searchable after the next refresh, get by id is realtime,
 * a refresh happens every `refresh_interval` (1 s by default, `-1` turns it off), and `refresh:
 * true` refreshes at once and says `forced_refresh`.
 */

const T0 = Date.UTC(2026, 2, 10, 12, 0, 0);

function lab(): { engine: Engine; advance(ms: number): void } {
  let now = T0;
  const engine = createEngine({ flavor: '8', now: () => now });
  return {
    engine,
    advance(ms) {
      now += ms;
    },
  };
}

type Res = { hits: { total: { value: number }; hits: { _id: string; _source: Record<string, unknown> }[] } };
const hits = (engine: Engine, index: string, body: Record<string, unknown> = {}) => engine.search(index, body) as unknown as Res;

describe('near real-time search', () => {
  it('finds a document only after a refresh, while get by id sees it at once', () => {
    const { engine, advance } = lab();
    const w = engine.index('logs', { msg: 'hello' }, { id: '1' });
    expect(w).not.toHaveProperty('forced_refresh');
    expect(engine.get('logs', '1')).toMatchObject({ found: true, _source: { msg: 'hello' } });
    expect(hits(engine, 'logs').hits.total.value).toBe(0);
    expect(engine.count('logs', undefined).count).toBe(0);
    expect(engine.catIndices('logs')[0]?.docsCount).toBe(0);
    advance(999);
    expect(hits(engine, 'logs').hits.total.value).toBe(0);
    // The default refresh_interval is 1 s.
    advance(1);
    expect(hits(engine, 'logs').hits.hits.map((h) => h._id)).toEqual(['1']);
    expect(engine.catIndices('logs')[0]?.docsCount).toBe(1);
  });

  it('refresh: true makes the write searchable at once and answers forced_refresh before _shards', () => {
    const { engine } = lab();
    const w = engine.index('logs', { msg: 'hello' }, { id: '1', refresh: true });
    expect(Object.keys(w)).toEqual(['_index', '_id', '_version', 'result', 'forced_refresh', '_shards', '_seq_no', '_primary_term']);
    expect(w.forced_refresh).toBe(true);
    expect(hits(engine, 'logs').hits.total.value).toBe(1);
    const d = engine.delete('logs', '1', { refresh: true });
    expect(d).toMatchObject({ result: 'deleted', forced_refresh: true });
    expect(hits(engine, 'logs').hits.total.value).toBe(0);
  });

  it('keeps showing the version search saw until the next refresh after an update or a delete', () => {
    const { engine } = lab();
    engine.index('logs', { v: 1 }, { id: 'a', refresh: true });
    engine.index('logs', { v: 1 }, { id: 'b', refresh: true });
    engine.index('logs', { v: 2 }, { id: 'a' });
    engine.delete('logs', 'b');
    expect(engine.get('logs', 'a')._source).toEqual({ v: 2 });
    expect(engine.get('logs', 'b').found).toBe(false);
    const before = hits(engine, 'logs');
    expect(before.hits.hits.map((h) => [h._id, h._source.v]).sort()).toEqual([['a', 1], ['b', 1]]);
    expect(engine.count('logs', { query: { term: { v: 1 } } }).count).toBe(2);
    engine.refresh('logs');
    const after = hits(engine, 'logs');
    expect(after.hits.hits.map((h) => [h._id, h._source.v])).toEqual([['a', 2]]);
    // The old version is gone for good: a realtime get and the id still work.
    expect(engine.get('logs', 'a')).toMatchObject({ found: true, _version: 2 });
    engine.index('logs', { v: 3 }, { id: 'b', refresh: true });
    expect(hits(engine, 'logs', { query: { ids: { values: ['b'] } } }).hits.hits[0]?._source).toEqual({ v: 3 });
  });

  it('refreshes every refresh_interval after a write, so a later write waits for its own refresh', () => {
    const { engine, advance } = lab();
    engine.createIndex('slow', { settings: { index: { refresh_interval: '5s' } } });
    engine.index('slow', { n: 1 }, { id: '1' });
    advance(4_000);
    expect(hits(engine, 'slow').hits.total.value).toBe(0);
    advance(1_500);
    // The refresh due at 5 s ran before this write, not after it.
    engine.index('slow', { n: 2 }, { id: '2' });
    expect(hits(engine, 'slow').hits.hits.map((h) => h._id)).toEqual(['1']);
    advance(5_000);
    expect(hits(engine, 'slow').hits.hits.map((h) => h._id).sort()).toEqual(['1', '2']);
  });

  it('with refresh_interval -1 only an explicit refresh makes writes searchable', () => {
    const { engine, advance } = lab();
    engine.createIndex('off');
    expect(engine.updateSettings('off', { index: { refresh_interval: '-1' } })).toEqual({ acknowledged: true });
    expect(engine.getSettings('off').off?.settings).toMatchObject({ index: { refresh_interval: '-1' } });
    engine.bulk([{ op: 'index', index: 'off', id: '1', source: { n: 1 } }]);
    advance(3_600_000);
    expect(hits(engine, 'off').hits.total.value).toBe(0);
    expect(engine.refresh('off')._shards).toEqual({ total: 2, successful: 2, failed: 0 });
    expect(hits(engine, 'off').hits.total.value).toBe(1);
    // Back to the default (null resets a setting): periodic refresh again.
    engine.updateSettings('off', { 'index.refresh_interval': null });
    engine.index('off', { n: 2 }, { id: '2' });
    advance(1_000);
    expect(hits(engine, 'off').hits.total.value).toBe(2);
  });

  it('says forced_refresh on every bulk item that did not fail, after its result', () => {
    const { engine } = lab();
    engine.createIndex('strict', { mappings: { dynamic: 'strict', properties: { n: { type: 'long' } } } });
    const r = engine.bulk(
      [
        { op: 'index', index: 'strict', id: '1', source: { n: 1 } },
        { op: 'index', index: 'strict', id: '2', source: { other: 1 } },
        { op: 'delete', index: 'strict', id: '9' },
      ],
      { refresh: true },
    );
    expect(Object.keys(r.items[0]?.index ?? {})).toEqual(['_index', '_id', '_version', 'result', 'forced_refresh', '_shards', '_seq_no', '_primary_term', 'status']);
    expect(r.items[1]?.index).not.toHaveProperty('forced_refresh');
    expect(r.items[2]?.delete).toMatchObject({ result: 'not_found', forced_refresh: true, status: 404 });
    expect(hits(engine, 'strict').hits.total.value).toBe(1);
  });

  it('refuses static or unknown settings and bad time values with ES messages, changing nothing', () => {
    const { engine } = lab();
    engine.createIndex('s');
    const uuid = engine.getSettings('s').s?.settings as { index: { uuid: string } };
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as { status: number; type: string; reason: string };
      }
      throw new Error('expected an error');
    };
    expect(err(() => engine.updateSettings('s', { index: { number_of_shards: 2 } }))).toMatchObject({
      status: 400,
      type: 'illegal_argument_exception',
      reason: `Can't update non dynamic settings [[index.number_of_shards]] for open indices [[s/${uuid.index.uuid}]]`,
    });
    expect(err(() => engine.updateSettings('s', { 'index.no_such_thing': 1 })).reason).toBe(
      'unknown setting [index.no_such_thing] please check that any required plugins are installed, or check the breaking changes documentation for removed settings',
    );
    expect(err(() => engine.updateSettings('s', { refresh_interval: 'soon' })).reason).toBe('failed to parse setting [index.refresh_interval] with value [soon] as a time value: unit is missing or unrecognized');
    expect(engine.getSettings('s').s?.settings).not.toHaveProperty('index.refresh_interval');
  });
});
