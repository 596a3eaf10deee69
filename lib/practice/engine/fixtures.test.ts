import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedFile } from '@/lib/testing/shared-files';
import type { Flavor } from './api';
import { createEngine } from './index';


// Aggregation answers are nested JSON read field by field in assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
/**
 * The real Metricbeat sample events published by Elastic (shared/fixtures/metricbeat) round-trip
 * through `_bulk` and are found by term, range and aggregations on their own fields.
 */

const FIXTURES = sharedFile('fixtures', 'metricbeat');
const load = (name: string) => JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as Record<string, unknown>;

const cpu = load('system-cpu');
const memory = load('system-memory');
const loadAvg = load('system-load');

interface Res {
  hits: { total: { value: number }; hits: { _id: string; _source: Record<string, unknown>; sort?: unknown[] }[] };
  aggregations?: Record<string, Json>;
}

function engineWithFixtures(flavor: Flavor) {
  const engine = createEngine({ flavor, now: () => Date.parse('2017-10-12T08:06:00.000Z') });
  const r = engine.bulk([
    { op: 'create', index: 'metricbeat-7.6.2-2017.10.12', id: 'cpu', source: cpu },
    { op: 'create', index: 'metricbeat-7.6.2-2017.10.12', id: 'memory', source: memory },
    { op: 'create', index: 'metricbeat-7.6.2-2017.10.12', id: 'load', source: loadAvg },
  ], { refresh: true });
  return { engine, r };
}

describe('Metricbeat fixtures', () => {
  it.each(['7', '8', '9'] as const)('round-trip through bulk unchanged (flavor %s)', (flavor) => {
    const { engine, r } = engineWithFixtures(flavor);
    expect(r.errors).toBe(false);
    expect(engine.get('metricbeat-7.6.2-2017.10.12', 'cpu')._source).toEqual(cpu);
    expect(engine.get('metricbeat-7.6.2-2017.10.12', 'memory')._source).toEqual(memory);
    expect(engine.get('metricbeat-7.6.2-2017.10.12', 'load')._source).toEqual(loadAvg);
  });

  it('are found by term on event.dataset and range on @timestamp', () => {
    const { engine } = engineWithFixtures('8');
    const r = engine.search('metricbeat-*', { query: { bool: { filter: [{ term: { 'event.dataset.keyword': 'system.cpu' } }, { range: { '@timestamp': { gte: 'now-1m' } } }] } } }) as unknown as Res;
    expect(r.hits.hits.map((h) => h._id)).toEqual(['cpu']);
    const all = engine.search('metricbeat-*', { query: { range: { '@timestamp': { gte: (cpu['@timestamp'] as string), lte: (cpu['@timestamp'] as string) } } } }) as unknown as Res;
    expect(all.hits.total.value).toBe(Number(memory['@timestamp'] === cpu['@timestamp']) + Number(loadAvg['@timestamp'] === cpu['@timestamp']) + 1);
  });

  it('aggregate their metric fields to the published values', () => {
    const { engine } = engineWithFixtures('8');
    const sys = (doc: Record<string, unknown>) => doc.system as Record<string, Json>;
    const r = engine.search('metricbeat-*', {
      size: 0,
      aggs: {
        datasets: { terms: { field: 'metricset.name.keyword' } },
        norm: { max: { field: 'system.cpu.total.norm.pct' } },
        cores: { max: { field: 'system.cpu.cores' } },
        mem: { avg: { field: 'system.memory.actual.used.pct' } },
        load5: { avg: { field: 'system.load.5' } },
        last: { max: { field: '@timestamp' } },
      },
    }) as unknown as Res;
    const a = r.aggregations as Record<string, Json>;
    expect(a.datasets.buckets.map((b: { key: string }) => b.key).sort()).toEqual(['cpu', 'load', 'memory']);
    // Dynamic mapping makes decimals `float`, so values come back at float precision, as in ES.
    expect(a.norm.value).toBe(Math.fround(sys(cpu).cpu.total.norm.pct));
    expect(a.cores.value).toBe(sys(cpu).cpu.cores);
    expect(a.mem.value).toBe(Math.fround(sys(memory).memory.actual.used.pct));
    expect(a.load5.value).toBe(Math.fround(sys(loadAvg).load['5']));
    const latest = Math.max(...[cpu, memory, loadAvg].map((d) => Date.parse(d['@timestamp'] as string)));
    expect(a.last.value).toBe(latest);
  });

  it('read the same whether stored nested or with dotted keys', () => {
    const { engine } = engineWithFixtures('8');
    engine.index('metricbeat-7.6.2-2017.10.12', { '@timestamp': cpu['@timestamp'], 'system.cpu.total.norm.pct': 0.75, 'metricset.name': 'cpu' }, { id: 'dotted', refresh: true });
    const r = engine.search('metricbeat-*', { size: 0, query: { term: { 'metricset.name.keyword': 'cpu' } }, aggs: { n: { value_count: { field: 'system.cpu.total.norm.pct' } }, m: { max: { field: 'system.cpu.total.norm.pct' } } } }) as unknown as Res;
    expect(r.aggregations?.n.value).toBe(2);
    expect(r.aggregations?.m.value).toBe(0.75);
    const hit = engine.search('metricbeat-*', { query: { range: { 'system.cpu.total.norm.pct': { gt: 0.5 } } } }) as unknown as Res;
    expect(hit.hits.hits.map((h) => h._id)).toEqual(['dotted']);
    expect(hit.hits.hits[0]?._source).toEqual({ '@timestamp': cpu['@timestamp'], 'system.cpu.total.norm.pct': 0.75, 'metricset.name': 'cpu' });
  });
});
