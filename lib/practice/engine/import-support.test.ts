import { describe, expect, it } from 'vitest';
import { findStructure } from '../text-structure';
import { type Engine, EsError, FLAVORS, type Flavor } from './api';
import { createEngine } from './index';

/**
 * What chapter 5's import and ML results need from the engine: the `csv` ingest processor and the
 * rest of the structure finder's proposed pipeline (`date` with a Java format and `timezone`,
 * `convert`, `remove`), and alias filters honoured by search (`.ml-anomalies-<job>`).
 */

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

const FLIGHTS_SAMPLE = ['timestamp,carrier,origin,dest,dep_delay', '2017-11-09 00:01:00,OO,SNA,CLT,-3', '2017-11-09 00:02:00,AA,LGA,IAH,8', ''].join('\n');

describe('csv ingest processor', () => {
  it('splits a line into target fields, skipping empty fields unless empty_value is set', () => {
    const e = fresh();
    e.putPipeline('p', { processors: [{ csv: { field: 'message', target_fields: ['a', 'b', 'c', 'd'] } }] });
    e.index('x', { message: 'one,,three' }, { id: '1', pipeline: 'p' });
    expect(e.get('x', '1')._source).toEqual({ message: 'one,,three', a: 'one', c: 'three' });
    e.putPipeline('q', { processors: [{ csv: { field: 'message', target_fields: ['a', 'b', 'c'], empty_value: 'n/a' } }] });
    e.index('x', { message: 'one,,three' }, { id: '2', pipeline: 'q' });
    expect(e.get('x', '2')._source).toMatchObject({ a: 'one', b: 'n/a', c: 'three' });
  });

  it('honours separator, quote (doubled inside a quoted field), trim and ignores extra columns', () => {
    const e = fresh();
    e.putPipeline('p', { processors: [{ csv: { field: 'm', target_fields: ['a', 'b'], separator: ';', quote: "'", trim: true } }] });
    e.index('x', { m: "  'x;''y''' ; z ;extra" }, { id: '1', pipeline: 'p' });
    expect(e.get('x', '1')._source).toMatchObject({ a: "x;'y'", b: 'z' });
    e.putPipeline('d', { processors: [{ csv: { field: 'm', target_fields: ['a', 'b'] } }] });
    e.index('x', { m: '"say ""hi""",2' }, { id: '2', pipeline: 'd' });
    expect(e.get('x', '2')._source).toMatchObject({ a: 'say "hi"', b: '2' });
  });

  it('answers ES errors: missing field, unmatched quote, bad config', () => {
    const e = fresh();
    e.putPipeline('p', { processors: [{ csv: { field: 'm', target_fields: ['a'] } }] });
    const missing = catchEs(() => e.index('x', { other: 1 }, { pipeline: 'p' }));
    expect([missing.status, missing.type, missing.reason]).toEqual([400, 'illegal_argument_exception', 'field [m] not present as part of path [m]']);
    e.putPipeline('lenient', { processors: [{ csv: { field: 'm', target_fields: ['a'], ignore_missing: true } }] });
    expect(e.index('x', { other: 1 }, { id: 'ok', pipeline: 'lenient' }).result).toBe('created');
    expect(catchEs(() => e.index('x', { m: '"open,b' }, { pipeline: 'p' })).reason).toBe('Unmatched quote');
    const noTargets = catchEs(() => e.putPipeline('bad', { processors: [{ csv: { field: 'm' } }] }));
    expect([noTargets.type, noTargets.reason]).toEqual(['parse_exception', '[target_fields] required property is missing']);
    const sep = catchEs(() => e.putPipeline('bad', { processors: [{ csv: { field: 'm', target_fields: ['a'], separator: ';;' } }] }));
    expect(sep.reason).toBe('[separator] separator has to be single character like , or ;');
  });
});

describe('date, convert and remove as the structure finder proposes them', () => {
  it('reads a zoneless time in the pipeline timezone and writes @timestamp with that offset', () => {
    const e = fresh();
    e.putPipeline('p', { processors: [{ date: { field: 't', timezone: 'Asia/Seoul', formats: ['yyyy-MM-dd HH:mm:ss'] } }] });
    e.index('x', { t: '2017-11-23 00:30:00' }, { id: '1', pipeline: 'p' });
    expect(e.get('x', '1')._source?.['@timestamp']).toBe('2017-11-23T00:30:00.000+09:00');
    e.putPipeline('utc', { processors: [{ date: { field: 't', formats: ['yyyy-MM-dd HH:mm:ss'] } }] });
    e.index('x', { t: '2017-11-23 00:30:00' }, { id: '2', pipeline: 'utc' });
    expect(e.get('x', '2')._source?.['@timestamp']).toBe('2017-11-23T00:30:00.000Z');
    // A zone from the document (the finder's `{{ event.timezone }}` placeholder).
    e.putPipeline('doc', { processors: [{ date: { field: 't', timezone: '{{ event.timezone }}', formats: ['yyyy-MM-dd HH:mm:ss'] } }] });
    e.index('x', { t: '2017-11-23 00:30:00', event: { timezone: 'America/New_York' } }, { id: '3', pipeline: 'doc', refresh: true });
    expect(e.get('x', '3')._source?.['@timestamp']).toBe('2017-11-23T00:30:00.000-05:00');
    const search = e.search('x', { query: { range: { '@timestamp': { gte: '2017-11-22T15:30:00Z', lte: '2017-11-22T15:30:00Z' } } } }) as { hits: { hits: { _id: string }[] } };
    expect(search.hits.hits.map((h) => h._id)).toEqual(['1']);
  });

  it('convert refuses what is not a number, as ES does', () => {
    const e = fresh();
    e.putPipeline('p', { processors: [{ convert: { field: 'n', type: 'long' } }] });
    e.index('x', { n: '-12' }, { id: '1', pipeline: 'p' });
    expect(e.get('x', '1')._source?.n).toBe(-12);
    expect(catchEs(() => e.index('x', { n: '1.5' }, { pipeline: 'p' })).reason).toBe('unable to convert [1.5] to long');
  });

  it.each(FLAVORS)('the finder proposal imports flights rows on %s', (flavor) => {
    const e = fresh(flavor);
    const structure = findStructure(FLIGHTS_SAMPLE, {}, { flavor }) as { mappings: Record<string, unknown>; ingest_pipeline: { processors: Record<string, Record<string, unknown>>[] } };
    const processors = structure.ingest_pipeline.processors.map((p) => (p.date ? { date: { ...p.date, timezone: 'Asia/Seoul' } } : p));
    e.putPipeline('flights-pipeline', { processors });
    e.createIndex('flights', { mappings: structure.mappings });
    const lines = FLIGHTS_SAMPLE.trim().split('\n').slice(1);
    const r = e.bulk(lines.map((line, i) => ({ op: 'index', index: 'flights', id: String(i), pipeline: 'flights-pipeline', source: { message: line } })));
    expect(r.errors).toBe(false);
    expect(e.get('flights', '0')._source).toEqual({ timestamp: '2017-11-09 00:01:00', carrier: 'OO', origin: 'SNA', dest: 'CLT', dep_delay: -3, '@timestamp': '2017-11-09T00:01:00.000+09:00' });
  });
});

describe('alias filters in search', () => {
  function results(): Engine {
    const e = fresh();
    e.createIndex('.ml-anomalies-shared', { settings: { index: { hidden: true } }, mappings: { properties: { job_id: { type: 'keyword' }, n: { type: 'long' } } } });
    e.bulk([
      { op: 'index', index: '.ml-anomalies-shared', id: 'a1', source: { job_id: 'a', n: 1 } },
      { op: 'index', index: '.ml-anomalies-shared', id: 'a2', source: { job_id: 'a', n: 2 } },
      { op: 'index', index: '.ml-anomalies-shared', id: 'b1', source: { job_id: 'b', n: 3 } },
    ], { refresh: true });
    e.updateAliases?.([
      { add: { index: '.ml-anomalies-shared', alias: '.ml-anomalies-a', filter: { term: { job_id: { value: 'a' } } }, is_hidden: true } },
      { add: { index: '.ml-anomalies-shared', alias: '.ml-anomalies-b', filter: { term: { job_id: { value: 'b' } } }, is_hidden: true } },
      { add: { index: '.ml-anomalies-shared', alias: '.ml-anomalies-.write-a', is_hidden: true } },
    ]);
    return e;
  }
  const ids = (r: unknown) => (r as { hits: { hits: { _id: string }[] } }).hits.hits.map((h) => h._id).sort();

  it('a filtered alias reads only its job; the index or a wildcard over it reads all', () => {
    const e = results();
    expect(ids(e.search('.ml-anomalies-a', { size: 10 }))).toEqual(['a1', 'a2']);
    expect(ids(e.search('.ml-anomalies-b', { size: 10, query: { range: { n: { gte: 0 } } } }))).toEqual(['b1']);
    expect(ids(e.search('.ml-anomalies-*', { size: 10 }))).toEqual(['a1', 'a2', 'b1']);
    expect(ids(e.search('.ml-anomalies-shared', { size: 10 }))).toEqual(['a1', 'a2', 'b1']);
    // Two filtered aliases: either filter matches.
    expect(ids(e.search('.ml-anomalies-a,.ml-anomalies-b', { size: 10 }))).toEqual(['a1', 'a2', 'b1']);
    // An unfiltered alias beside a filtered one lifts the filter.
    expect(ids(e.search('.ml-anomalies-a,.ml-anomalies-.write-a', { size: 10 }))).toEqual(['a1', 'a2', 'b1']);
  });

  it('counts and aggregations see the filtered documents only', () => {
    const e = results();
    expect(e.count('.ml-anomalies-a', undefined).count).toBe(2);
    expect(e.count('.ml-anomalies-b', { query: { match_all: {} } }).count).toBe(1);
    const aggs = e.search('.ml-anomalies-a', { size: 0, aggs: { total: { sum: { field: 'n' } } } }) as { aggregations: { total: { value: number } } };
    expect(aggs.aggregations.total.value).toBe(3);
  });
});
