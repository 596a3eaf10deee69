import { beforeAll, describe, expect, it, vi } from 'vitest';
import { type Engine, EsError } from './api';
import { esErrorBody } from './errors';
import { IndexState } from './index-state';
import { createEngine } from './index';


// Aggregation answers are nested JSON read field by field in assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
/**
 * Aggregations over generated metric documents. Expected values are computed here with plain
 * array operations on the same documents, independently of the engine.
 */

const NOW = Date.parse('2026-03-10T12:00:00.000Z');
const START = NOW - 30 * 60_000;

interface Doc {
  '@timestamp': string;
  host: { name: string };
  cpu?: number;
  load?: number;
  net?: { in: number };
  tags?: string[];
}

const HOSTS = ['alpha', 'beta', 'gamma'];
const DOCS: Doc[] = [];

beforeAll(() => {
  // Every 10 s for 30 minutes, three hosts; gamma stops reporting cpu after 20 minutes and skips a
  // 2-minute window entirely, so histograms have empty buckets.
  for (let t = START; t < NOW; t += 10_000) {
    HOSTS.forEach((h, i) => {
      const minute = Math.floor((t - START) / 60_000);
      if (h === 'gamma' && minute >= 12 && minute < 14) return;
      const doc: Doc = { '@timestamp': new Date(t).toISOString(), host: { name: h }, load: ((t / 10_000) % 7) + i, net: { in: Math.floor((t - START) / 1000) * (i + 1) * 100 } };
      if (!(h === 'gamma' && minute >= 20)) doc.cpu = Math.round((((t / 10_000) * (i + 3)) % 100) / 100 * 1000) / 1000;
      if (i === 0) doc.tags = minute % 2 === 0 ? ['even', 'x'] : ['odd'];
      DOCS.push(doc);
    });
  }
  engine = createEngine({ flavor: '8', now: () => NOW });
  engine.createIndex('metrics', {
    mappings: { properties: { '@timestamp': { type: 'date' }, host: { properties: { name: { type: 'keyword' } } }, cpu: { type: 'double' }, load: { type: 'double' }, net: { properties: { in: { type: 'long' } } }, tags: { type: 'keyword' } } },
  });
  const r = engine.bulk(DOCS.map((source) => ({ op: 'index' as const, index: 'metrics', source: source as unknown as Record<string, unknown> })), { refresh: true });
  expect(r.errors).toBe(false);
});

let engine: Engine;

type Res = { aggregations: Record<string, Json>; hits: { total: { value: number } } };

function aggs(body: Record<string, unknown>): Res['aggregations'] {
  return (engine.search('metrics', { size: 0, ...body }) as unknown as Res).aggregations;
}

const ts = (d: Doc) => Date.parse(d['@timestamp']);
const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

describe('metric aggregations', () => {
  it('avg, min, max, sum, value_count, cardinality, stats match plain arithmetic', () => {
    const cpu = DOCS.filter((d) => d.cpu !== undefined).map((d) => d.cpu as number);
    const a = aggs({ aggs: { avg: { avg: { field: 'cpu' } }, min: { min: { field: 'cpu' } }, max: { max: { field: 'cpu' } }, sum: { sum: { field: 'cpu' } }, n: { value_count: { field: 'cpu' } }, hosts: { cardinality: { field: 'host.name' } }, st: { stats: { field: 'cpu' } } } });
    expect(a.avg.value).toBeCloseTo(avg(cpu) as number, 10);
    expect(a.min.value).toBe(Math.min(...cpu));
    expect(a.max.value).toBe(Math.max(...cpu));
    expect(a.sum.value).toBeCloseTo(cpu.reduce((x, y) => x + y, 0), 8);
    expect(a.n.value).toBe(cpu.length);
    expect(a.hosts.value).toBe(3);
    expect(a.st).toMatchObject({ count: cpu.length, min: Math.min(...cpu), max: Math.max(...cpu) });
  });

  it('returns null for min/max/avg over no values, 0 for sum', () => {
    const a = aggs({ query: { term: { 'host.name': 'nobody' } }, aggs: { a: { avg: { field: 'cpu' } }, mi: { min: { field: 'cpu' } }, ma: { max: { field: 'cpu' } }, s: { sum: { field: 'cpu' } } } });
    expect(a).toEqual({ a: { value: null }, mi: { value: null }, ma: { value: null }, s: { value: 0 } });
  });

  it('counts every value of multi-valued fields', () => {
    const tagCount = DOCS.reduce((n, d) => n + (d.tags?.length ?? 0), 0);
    expect(aggs({ aggs: { n: { value_count: { field: 'tags' } } } }).n.value).toBe(tagCount);
  });

  it('prints dates of a date field with value_as_string', () => {
    const a = aggs({ aggs: { last: { max: { field: '@timestamp' } } } });
    const last = Math.max(...DOCS.map(ts));
    expect(a.last).toEqual({ value: last, value_as_string: new Date(last).toISOString() });
  });
});

describe('terms', () => {
  it('counts per key, orders by count then key, reports sum_other_doc_count', () => {
    const counts = new Map<string, number>();
    for (const d of DOCS) counts.set(d.host.name, (counts.get(d.host.name) ?? 0) + 1);
    const expected = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const a = aggs({ aggs: { h: { terms: { field: 'host.name', size: 2 } } } });
    expect(a.h.buckets.map((b: { key: string; doc_count: number }) => [b.key, b.doc_count])).toEqual(expected.slice(0, 2));
    expect(a.h.sum_other_doc_count).toBe(expected.slice(2).reduce((n, e) => n + e[1], 0));
    expect(a.h.doc_count_error_upper_bound).toBe(0);
  });

  it('orders by a sub-aggregation and by key', () => {
    const byHost = HOSTS.map((h) => ({ h, cpu: avg(DOCS.filter((d) => d.host.name === h && d.cpu !== undefined).map((d) => d.cpu as number)) as number }));
    const a = aggs({ aggs: { h: { terms: { field: 'host.name', order: { cpu: 'desc' } }, aggs: { cpu: { avg: { field: 'cpu' } } } }, k: { terms: { field: 'host.name', order: { _key: 'desc' } } } } });
    expect(a.h.buckets.map((b: { key: string }) => b.key)).toEqual([...byHost].sort((x, y) => y.cpu - x.cpu).map((x) => x.h));
    expect(a.k.buckets.map((b: { key: string }) => b.key)).toEqual(['gamma', 'beta', 'alpha']);
  });

  it('puts a multi-valued document in each of its buckets, and uses `missing`', () => {
    const even = DOCS.filter((d) => d.tags?.includes('even')).length;
    const none = DOCS.filter((d) => !d.tags).length;
    const a = aggs({ aggs: { t: { terms: { field: 'tags', missing: 'none', size: 10 } } } });
    const get = (k: string) => a.t.buckets.find((b: { key: string }) => b.key === k)?.doc_count;
    expect(get('even')).toBe(even);
    expect(get('x')).toBe(even);
    expect(get('none')).toBe(none);
  });

  it('refuses text fields with the fielddata error', () => {
    engine.createIndex('texts', { mappings: { properties: { msg: { type: 'text' } } } });
    engine.index('texts', { msg: 'hello' }, { refresh: true });
    try {
      engine.search('texts', { aggs: { m: { terms: { field: 'msg' } } } });
      throw new Error('expected an error');
    } catch (e) {
      const body = esErrorBody(e as EsError);
      expect(body.type).toBe('search_phase_execution_exception');
      expect(body.root_cause[0]?.reason).toMatch(/^Fielddata is disabled on \[msg\] in \[texts\]/);
    }
  });
});

describe('date_histogram', () => {
  it('buckets by fixed_interval with epoch keys and ISO key_as_string, filling empty buckets', () => {
    const a = aggs({ query: { term: { 'host.name': 'gamma' } }, aggs: { t: { date_histogram: { field: '@timestamp', fixed_interval: '1m' } } } });
    const gamma = DOCS.filter((d) => d.host.name === 'gamma').map(ts);
    const first = Math.floor(Math.min(...gamma) / 60_000) * 60_000;
    const last = Math.floor(Math.max(...gamma) / 60_000) * 60_000;
    const expected: { key: number; doc_count: number }[] = [];
    for (let k = first; k <= last; k += 60_000) expected.push({ key: k, doc_count: gamma.filter((t) => t >= k && t < k + 60_000).length });
    expect(a.t.buckets.map((b: { key: number; doc_count: number }) => ({ key: b.key, doc_count: b.doc_count }))).toEqual(expected);
    expect(a.t.buckets.some((b: { doc_count: number }) => b.doc_count === 0)).toBe(true);
    expect(a.t.buckets[0].key_as_string).toBe(new Date(first).toISOString());
  });

  it('honours min_doc_count, extended_bounds with date math and calendar_interval', () => {
    const a = aggs({
      query: { term: { 'host.name': 'gamma' } },
      aggs: {
        nz: { date_histogram: { field: '@timestamp', fixed_interval: '1m', min_doc_count: 1 } },
        ext: { date_histogram: { field: '@timestamp', fixed_interval: '30m', extended_bounds: { min: 'now-2h', max: 'now' } } },
        cal: { date_histogram: { field: '@timestamp', calendar_interval: 'hour', format: 'yyyy-MM-dd HH:mm' } },
      },
    });
    expect(a.nz.buckets.every((b: { doc_count: number }) => b.doc_count > 0)).toBe(true);
    const lo = Math.floor((NOW - 2 * 3_600_000) / 1_800_000) * 1_800_000;
    expect(a.ext.buckets[0].key).toBe(lo);
    expect(a.ext.buckets.at(-1).key).toBe(NOW);
    expect(a.cal.buckets.map((b: { key_as_string: string }) => b.key_as_string)).toEqual(['2026-03-10 11:00']);
  });

  it('averages per bucket (the CPU panel) as plain arithmetic does', () => {
    const a = aggs({ query: { bool: { filter: [{ term: { 'host.name': 'alpha' } }, { range: { '@timestamp': { gte: 'now-15m' } } }] } }, aggs: { t: { date_histogram: { field: '@timestamp', fixed_interval: '30s' }, aggs: { cpu: { avg: { field: 'cpu' } } } } } });
    for (const b of a.t.buckets as { key: number; cpu: { value: number | null } }[]) {
      const xs = DOCS.filter((d) => d.host.name === 'alpha' && ts(d) >= b.key && ts(d) < b.key + 30_000 && ts(d) >= NOW - 15 * 60_000).map((d) => d.cpu as number);
      expect(b.cpu.value).toBeCloseTo(avg(xs) as number, 10);
    }
  });

  it('reads a sub-aggregation\'s field once per index for the whole search, not once per bucket', () => {
    const reader = vi.spyOn(IndexState.prototype, 'reader');
    try {
      const a = aggs({ aggs: { t: { date_histogram: { field: '@timestamp', fixed_interval: '1m' }, aggs: { cpu: { avg: { field: 'cpu' } }, load: { max: { field: 'load' } } } } } });
      expect(a.t.buckets).toHaveLength(30);
      const fields = reader.mock.calls.map(([field]) => field);
      expect(fields.filter((f) => f === 'cpu')).toHaveLength(1);
      expect(fields.filter((f) => f === 'load')).toHaveLength(1);
      // Every bucket still got its own values (gamma's gap and missing cpu included).
      const first = a.t.buckets[0] as { key: number; cpu: { value: number }; load: { value: number } };
      const xs = DOCS.filter((d) => ts(d) >= first.key && ts(d) < first.key + 60_000);
      expect(first.cpu.value).toBeCloseTo(avg(xs.flatMap((d) => (d.cpu === undefined ? [] : [d.cpu]))) as number, 10);
      expect(first.load.value).toBe(Math.max(...xs.map((d) => d.load as number)));
    } finally {
      reader.mockRestore();
    }
  });

  it('supports time_zone for calendar rounding', () => {
    const a = aggs({ aggs: { d: { date_histogram: { field: '@timestamp', calendar_interval: 'day', time_zone: 'Asia/Seoul' } } } });
    expect(a.d.buckets).toHaveLength(1);
    expect(a.d.buckets[0].key).toBe(Date.parse('2026-03-09T15:00:00.000Z'));
    expect(a.d.buckets[0].key_as_string).toBe('2026-03-10T00:00:00.000+09:00');
  });

  it('accepts the deprecated `interval` on 7.x only', () => {
    const e7 = createEngine({ flavor: '7', now: () => NOW });
    e7.index('m', { '@timestamp': new Date(NOW - 1000).toISOString() }, { refresh: true });
    const r = e7.search('m', { size: 0, aggs: { t: { date_histogram: { field: '@timestamp', interval: '1m' } } } }) as unknown as Res;
    expect(r.aggregations.t.buckets).toEqual([{ key_as_string: '2026-03-10T11:59:00.000Z', key: NOW - 60_000, doc_count: 1 }]);
  });

  it('rejects bad intervals with ES messages', () => {
    const err = (body: Record<string, unknown>) => {
      try {
        engine.search('metrics', body);
      } catch (e) {
        return esErrorBody(e as EsError);
      }
      throw new Error('expected an error');
    };
    expect(err({ aggs: { t: { date_histogram: { field: '@timestamp' } } } }).reason).toBe('Invalid interval specified, must be non-null and non-empty');
    expect(err({ aggs: { t: { date_histogram: { field: '@timestamp', calendar_interval: '2d' } } } }).reason).toBe('The supplied interval [2d] could not be parsed as a calendar interval.');
    expect(err({ aggs: { t: { date_histogram: { field: '@timestamp', interval: '1m' } } } })).toMatchObject({ type: 'x_content_parse_exception' });
  });
});

describe('pipelines', () => {
  it('derivative of a max counter per bucket, with normalized_value and no value on the first bucket', () => {
    const a = aggs({
      query: { term: { 'host.name': 'beta' } },
      aggs: { t: { date_histogram: { field: '@timestamp', fixed_interval: '1m' }, aggs: { m: { max: { field: 'net.in' } }, rate: { derivative: { buckets_path: 'm', unit: '1s' } } } } },
    });
    const buckets = a.t.buckets as { key: number; m: { value: number }; rate?: { value: number; normalized_value: number } }[];
    expect(buckets[0]?.rate).toBeUndefined();
    for (let i = 1; i < buckets.length; i += 1) {
      const cur = Math.max(...DOCS.filter((d) => d.host.name === 'beta' && ts(d) >= (buckets[i]?.key as number) && ts(d) < (buckets[i]?.key as number) + 60_000).map((d) => d.net?.in as number));
      const prev = Math.max(...DOCS.filter((d) => d.host.name === 'beta' && ts(d) >= (buckets[i - 1]?.key as number) && ts(d) < (buckets[i - 1]?.key as number) + 60_000).map((d) => d.net?.in as number));
      expect(buckets[i]?.rate?.value).toBe(cur - prev);
      expect(buckets[i]?.rate?.normalized_value).toBeCloseTo((cur - prev) / 60, 10);
    }
  });

  it('skips gaps: derivatives next to an empty bucket have null values', () => {
    const a = aggs({
      query: { term: { 'host.name': 'gamma' } },
      aggs: { t: { date_histogram: { field: '@timestamp', fixed_interval: '1m' }, aggs: { m: { max: { field: 'net.in' } }, d: { derivative: { buckets_path: 'm' } } } } },
    });
    const buckets = a.t.buckets as { doc_count: number; d?: { value: number | null } }[];
    const gap = buckets.findIndex((b) => b.doc_count === 0);
    expect(gap).toBeGreaterThan(0);
    // Gamma is silent for two minutes: both empty buckets and the first one after them have no value.
    expect(buckets[gap + 1]?.doc_count).toBe(0);
    expect([buckets[gap]?.d?.value, buckets[gap + 1]?.d?.value, buckets[gap + 2]?.d?.value]).toEqual([null, null, null]);
    expect(buckets[gap + 3]?.d?.value).toEqual(expect.any(Number));
  });

  it('sum_bucket / max_bucket over terms inside each histogram bucket, then a derivative of the sum', () => {
    const a = aggs({
      aggs: {
        t: {
          date_histogram: { field: '@timestamp', fixed_interval: '5m' },
          aggs: {
            hosts: { terms: { field: 'host.name' }, aggs: { m: { max: { field: 'net.in' } } } },
            total: { sum_bucket: { buckets_path: 'hosts>m' } },
            top: { max_bucket: { buckets_path: 'hosts>m' } },
            rate: { derivative: { buckets_path: 'total', unit: '1s' } },
          },
        },
      },
    });
    const b = a.t.buckets[1] as { key: number; total: { value: number }; top: { value: number; keys: string[] }; rate: { value: number } };
    const inBucket = (h: string, k: number) => Math.max(...DOCS.filter((d) => d.host.name === h && ts(d) >= k && ts(d) < k + 300_000).map((d) => d.net?.in as number));
    const total = HOSTS.reduce((s, h) => s + inBucket(h, b.key), 0);
    expect(b.total.value).toBe(total);
    expect(b.top).toEqual({ value: inBucket('gamma', b.key), keys: ['gamma'] });
    const prevTotal = HOSTS.reduce((s, h) => s + inBucket(h, b.key - 300_000), 0);
    expect(b.rate.value).toBe(total - prevTotal);
  });

  it('bucket_script and cumulative_sum', () => {
    const a = aggs({
      query: { term: { 'host.name': 'alpha' } },
      aggs: { t: { date_histogram: { field: '@timestamp', fixed_interval: '10m' }, aggs: { c: { avg: { field: 'cpu' } }, l: { avg: { field: 'load' } }, r: { bucket_script: { buckets_path: { c: 'c', l: 'l' }, script: 'params.c / params.l' } }, n: { cumulative_sum: { buckets_path: '_count' } } } } },
    });
    let running = 0;
    for (const b of a.t.buckets as { doc_count: number; c: { value: number }; l: { value: number }; r: { value: number }; n: { value: number } }[]) {
      expect(b.r.value).toBeCloseTo(b.c.value / b.l.value, 12);
      running += b.doc_count;
      expect(b.n.value).toBe(running);
    }
  });

  it('rejects a derivative outside a histogram', () => {
    try {
      aggs({ aggs: { h: { terms: { field: 'host.name' }, aggs: { m: { max: { field: 'cpu' } }, d: { derivative: { buckets_path: 'm' } } } } } });
      throw new Error('expected an error');
    } catch (e) {
      expect(esErrorBody(e as EsError).reason).toBe('derivative aggregation [d] must have a histogram, date_histogram or auto_date_histogram as parent');
    }
  });
});

describe('bucket and hit aggregations', () => {
  it('top_hits returns the latest document per host with sort values', () => {
    const a = aggs({ aggs: { h: { terms: { field: 'host.name' }, aggs: { last: { top_hits: { size: 1, sort: [{ '@timestamp': 'desc' }], _source: ['host.name', 'cpu'] } } } } } });
    for (const b of a.h.buckets as { key: string; doc_count: number; last: { hits: { total: { value: number }; hits: { _source: { host: { name: string } }; sort: number[] }[] } } }[]) {
      const latest = Math.max(...DOCS.filter((d) => d.host.name === b.key).map(ts));
      expect(b.last.hits.total.value).toBe(b.doc_count);
      expect(b.last.hits.hits[0]?.sort).toEqual([latest]);
      expect(b.last.hits.hits[0]?._source.host.name).toBe(b.key);
    }
  });

  it('filter, filters, range, histogram and composite', () => {
    const a = aggs({
      aggs: {
        f: { filter: { term: { 'host.name': 'beta' } }, aggs: { c: { avg: { field: 'cpu' } } } },
        fs: { filters: { filters: { a: { term: { 'host.name': 'alpha' } }, g: { term: { 'host.name': 'gamma' } } } } },
        r: { range: { field: 'load', ranges: [{ to: 2 }, { from: 2, to: 5 }, { from: 5 }] } },
        hi: { histogram: { field: 'load', interval: 5 } },
        co: { composite: { size: 2, sources: [{ host: { terms: { field: 'host.name' } } }] } },
      },
    });
    const beta = DOCS.filter((d) => d.host.name === 'beta');
    expect(a.f.doc_count).toBe(beta.length);
    expect(a.f.c.value).toBeCloseTo(avg(beta.map((d) => d.cpu as number)) as number, 10);
    expect(a.fs.buckets.g.doc_count).toBe(DOCS.filter((d) => d.host.name === 'gamma').length);
    const loads = DOCS.map((d) => d.load as number);
    expect(a.r.buckets.map((b: { key: string; doc_count: number }) => [b.key, b.doc_count])).toEqual([
      ['*-2.0', loads.filter((l) => l < 2).length],
      ['2.0-5.0', loads.filter((l) => l >= 2 && l < 5).length],
      ['5.0-*', loads.filter((l) => l >= 5).length],
    ]);
    expect(a.hi.buckets.map((b: { key: number; doc_count: number }) => b.doc_count)).toEqual([0, 5].map((k) => loads.filter((l) => l >= k && l < k + 5).length));
    expect(a.co.buckets.map((b: { key: { host: string } }) => b.key.host)).toEqual(['alpha', 'beta']);
    expect(a.co.after_key).toEqual({ host: 'beta' });
  });
});

describe('aggregation parsing errors', () => {
  const err = (a: Record<string, unknown>) => {
    try {
      engine.search('metrics', { aggs: a });
    } catch (e) {
      return { ...esErrorBody(e as EsError), status: (e as EsError).status };
    }
    throw new Error('expected an error');
  };

  it('rejects an unknown aggregation type', () => {
    const e = err({ x: { avgg: { field: 'cpu' } } });
    expect(e.status).toBe(400);
    expect(e.type).toBe('parsing_exception');
    expect(e.reason).toBe('Unknown aggregation type [avgg] did you mean [avg]?');
    expect((e as Record<string, unknown>).caused_by).toMatchObject({ type: 'named_object_not_found_exception' });
  });

  it('rejects unknown parameters and sub-aggregations of metrics', () => {
    expect(err({ x: { terms: { field: 'host.name', sise: 3 } } })).toMatchObject({ type: 'x_content_parse_exception', status: 400 });
    expect(err({ x: { avg: { field: 'cpu' }, aggs: { y: { max: { field: 'cpu' } } } } })).toMatchObject({ type: 'aggregation_initialization_exception' });
    expect(err({ x: { avg: { field: 'cpu' }, max: { field: 'cpu' } } }).reason).toBe('Found two aggregation type definitions in [x]: [avg] and [max]');
  });
});

describe('a whole time range read without visiting each document', () => {
  // One host's metrics: several document shapes interleaved slot by slot, as Metricbeat's metricsets are.
  const T0 = Date.parse('2026-03-10T00:00:00.000Z');
  function oneHost(): Engine {
    const e = createEngine({ flavor: '8', now: () => T0 + 86_400_000 });
    e.createIndex('day', { mappings: { properties: { '@timestamp': { type: 'date' }, host: { properties: { name: { type: 'keyword' } } } } } });
    const docs: Record<string, unknown>[] = [];
    for (let i = 0; i < 600; i += 1) {
      const t = new Date(T0 + i * 10_000).toISOString();
      docs.push({ '@timestamp': t, host: { name: 'alpha' }, cpu: i % 7 });
      docs.push({ '@timestamp': t, host: { name: 'alpha' }, mem: { used: i } });
    }
    expect(e.bulk(docs.map((source) => ({ op: 'index' as const, index: 'day', source })), { refresh: true }).errors).toBe(false);
    return e;
  }
  const hostList = { size: 0, query: { range: { '@timestamp': { gte: 'now-24h' } } }, aggs: { hosts: { terms: { field: 'host.name', size: 50 }, aggs: { first: { min: { field: '@timestamp' } }, last: { max: { field: '@timestamp' } } } } } };
  const buckets = (e: Engine, body: Record<string, unknown> = hostList) => ((e.search('day', body) as unknown as Res).aggregations.hosts.buckets as Json[]).map((b) => [b.key, b.doc_count, b.first?.value_as_string, b.last?.value_as_string]);
  const first = new Date(T0).toISOString();
  const last = new Date(T0 + 599 * 10_000).toISOString();

  it('puts every document of one host in its bucket with the first and last time', () => {
    expect(buckets(oneHost())).toEqual([['alpha', 1200, first, last]]);
  });

  it('still splits the bucket when one document of a constant-looking shape differs, and when a shape is read from raw documents', () => {
    const e = oneHost();
    // Another host in a shape of its own (the column stays constant there), then in a shared shape (no longer constant).
    e.index('day', { '@timestamp': new Date(T0 + 6_000_000).toISOString(), host: { name: 'beta' }, disk: 1 }, { refresh: true });
    expect(buckets(e)).toEqual([['alpha', 1200, first, last], ['beta', 1, new Date(T0 + 6_000_000).toISOString(), new Date(T0 + 6_000_000).toISOString()]]);
    e.index('day', { '@timestamp': new Date(T0 + 6_010_000).toISOString(), host: { name: 'beta' }, cpu: 3 }, { refresh: true });
    expect(buckets(e).map((b) => [b[0], b[1]])).toEqual([['alpha', 1200], ['beta', 2]]);
  });

  it('counts documents without a time only where they have one, and lets `missing` give them one', () => {
    const e = oneHost();
    e.index('day', { host: { name: 'alpha' }, cpu: 1 }, { refresh: true });
    const body = { size: 0, aggs: { hosts: { terms: { field: 'host.name' }, aggs: { first: { min: { field: '@timestamp' } }, last: { max: { field: '@timestamp' } }, n: { value_count: { field: '@timestamp' } } } } } };
    const [alpha] = (e.search('day', body) as unknown as Res).aggregations.hosts.buckets as Json[];
    expect([alpha.doc_count, alpha.n.value, alpha.first.value_as_string, alpha.last.value_as_string]).toEqual([1201, 1200, first, last]);
    const withMissing = { size: 0, aggs: { first: { min: { field: '@timestamp', missing: '2020-01-01T00:00:00.000Z' } } } };
    expect((e.search('day', withMissing) as unknown as Res).aggregations.first.value_as_string).toBe('2020-01-01T00:00:00.000Z');
  });

  it('reads only the slots a narrower range keeps, and skips deleted documents', () => {
    const e = oneHost();
    const narrow = { ...hostList, query: { range: { '@timestamp': { gte: new Date(T0 + 1_000_000).toISOString(), lt: new Date(T0 + 2_000_000).toISOString() } } } };
    expect(buckets(e, narrow)).toEqual([['alpha', 200, new Date(T0 + 1_000_000).toISOString(), new Date(T0 + 1_990_000).toISOString()]]);
    const hits = (e.search('day', { size: 2, sort: [{ '@timestamp': 'desc' }] }) as unknown as { hits: { hits: { _id: string }[] } }).hits.hits;
    for (const h of hits) e.delete('day', h._id, { refresh: true });
    expect(buckets(e)).toEqual([['alpha', 1198, first, new Date(T0 + 598 * 10_000).toISOString()]]);
  });
});
