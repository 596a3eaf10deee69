import { describe, expect, it } from 'vitest';
import { flightsSummary } from '../datasets/flights';
import { createEngine, EsError, type Engine } from './engine';
import { attachSharedDataset, flightsIdPrefix, resolveSharedDataset, sharedFlights, sharedFlightsPaced } from './shared-datasets';

const SLICE = { from: '2017-11-09', to: '2017-11-26' };

function hitsOf(r: Record<string, unknown>): { _id: string; _source: Record<string, unknown> }[] {
  return (r.hits as { hits: { _id: string; _source: Record<string, unknown> }[] }).hits;
}

function total(engine: Engine, body: Record<string, unknown> = {}): number {
  return engine.count('flights', body).count;
}

function catchEs(run: () => unknown): EsError {
  try {
    run();
  } catch (error) {
    if (error instanceof EsError) return error;
    throw error;
  }
  throw new Error('expected an EsError');
}

async function rejectsEs(run: () => Promise<unknown>): Promise<EsError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof EsError) return error;
    throw error;
  }
  throw new Error('expected an EsError');
}

describe('the shared flights sample', () => {
  const rows = flightsSummary().rows;
  const sliceRows = flightsSummary(SLICE).rows;

  it('gives each deployment the whole file or a slice, read in its zone, as the importer would have indexed it', async () => {
    const seoul = createEngine({ flavor: '8' });
    const utc = createEngine({ flavor: '7' });
    expect(await attachSharedDataset(seoul, 'flights', { timeZone: 'Asia/Seoul', ...SLICE })).toEqual({ index: 'flights', docs: sliceRows, timeZone: 'Asia/Seoul' });
    expect(await attachSharedDataset(utc, 'flights', { timeZone: 'UTC' })).toEqual({ index: 'flights', docs: rows, timeZone: 'UTC' });
    expect(total(seoul)).toBe(sliceRows);
    expect(total(utc)).toBe(rows);
    expect(seoul.getMapping('flights').flights?.mappings.properties).toMatchObject({ timestamp: { type: 'date', format: 'yyyy-MM-dd HH:mm:ss' }, dep_delay: { type: 'long' }, carrier: { type: 'keyword' } });

    const first = hitsOf(seoul.search('flights', { size: 1, sort: [{ '@timestamp': 'asc' }] }))[0];
    expect(first?._source).toMatchObject({ timestamp: expect.stringMatching(/^2017-11-09 00:0\d:00$/) });
    const minute = String(first?._source.timestamp).slice(14, 16);
    // As the date processor writes it: the wall-clock time with the zone's offset.
    expect(first?._source['@timestamp']).toBe(`2017-11-09T00:${minute}:00.000+09:00`);
    expect(Object.keys(first?._source ?? {})).toEqual(['timestamp', 'carrier', 'origin', 'dest', 'dep_delay', '@timestamp']);
    // The importer's ids: the slice file's key and the row's line (the header is line 1).
    expect(first?._id).toBe(`${flightsIdPrefix(SLICE)}2`);
    const range = seoul.search('flights', { size: 0, query: { range: { '@timestamp': { lt: '2017-11-08T15:10:00Z' } } } });
    expect((range.hits as { total: { value: number } }).total.value).toBeGreaterThan(0);
    const wholeFileId = `${flightsIdPrefix()}2`;
    expect(utc.get('flights', wholeFileId)).toMatchObject({ found: true, _type: '_doc', _source: { timestamp: '2017-10-01 00:02:00', '@timestamp': '2017-10-01T00:02:00.000Z' } });

    // Days bucketed in the learner's zone hold the file's days exactly.
    const perDay = seoul.search('flights', { size: 0, aggs: { d: { date_histogram: { field: '@timestamp', calendar_interval: 'day', time_zone: 'Asia/Seoul' } } } });
    const buckets = (perDay.aggregations as { d: { buckets: { key_as_string: string; doc_count: number }[] } }).d.buckets;
    expect(buckets.map((b) => [b.key_as_string.slice(0, 10), b.doc_count])).toEqual(flightsSummary(SLICE).days.map((d) => [d.date, d.rows]));
  });

  it('crosses the end of daylight saving time in file order (New York, 2017-11-05)', async () => {
    const ny = createEngine({ flavor: '9' });
    await attachSharedDataset(ny, 'flights', { timeZone: 'America/New_York', from: '2017-11-04', to: '2017-11-06' });
    const before = hitsOf(ny.search('flights', { size: 1, query: { term: { timestamp: '2017-11-04 12:00:00' } } }))[0];
    const after = hitsOf(ny.search('flights', { size: 1, query: { term: { timestamp: '2017-11-06 12:00:00' } } }))[0];
    expect(before?._source['@timestamp']).toBe('2017-11-04T12:00:00.000-04:00');
    expect(after?._source['@timestamp']).toBe('2017-11-06T12:00:00.000-05:00');
    expect(hitsOf(ny.search('flights', { size: 1, query: { range: { '@timestamp': { gte: '2017-11-06T17:00:00Z', lte: '2017-11-06T17:00:00Z' } } } }))[0]?._source.timestamp).toBe('2017-11-06 12:00:00');
    const sorted = hitsOf(ny.search('flights', { size: 500, sort: [{ '@timestamp': 'asc' }], query: { range: { '@timestamp': { gte: '2017-11-05T04:00:00Z', lt: '2017-11-05T08:00:00Z' } } } }));
    const times = sorted.map((h) => Date.parse(String(h._source['@timestamp'])));
    expect(times.length).toBeGreaterThan(100);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it("keeps each deployment's deletes, overwrites and new documents to itself", async () => {
    const a = createEngine({ flavor: '8' });
    const b = createEngine({ flavor: '8' });
    await attachSharedDataset(a, 'flights', { timeZone: 'UTC', ...SLICE });
    await attachSharedDataset(b, 'flights', { timeZone: 'UTC', ...SLICE });
    const [one, two] = hitsOf(a.search('flights', { size: 2, query: { term: { origin: 'ATL' } } }));
    expect(a.delete('flights', one?._id as string)).toMatchObject({ result: 'deleted', _version: 2 });
    expect(a.get('flights', one?._id as string).found).toBe(false);
    expect(b.get('flights', one?._id as string).found).toBe(true);
    expect(a.delete('flights', one?._id as string).result).toBe('not_found');

    const overwritten = a.index('flights', { ...two?._source, dep_delay: 999 }, { id: two?._id as string });
    expect(overwritten).toMatchObject({ result: 'updated', _version: 2 });
    expect(a.get('flights', two?._id as string)).toMatchObject({ found: true, _version: 2, _source: { dep_delay: 999 } });
    // Search sees the shared rows as they were until the next refresh, as it sees any old version.
    expect(total(a)).toBe(sliceRows);
    expect(total(a, { query: { term: { dep_delay: 999 } } })).toBe(0);
    a.refresh('flights');
    expect(total(a)).toBe(sliceRows - 1);
    expect(total(a, { query: { term: { dep_delay: 999 } } })).toBe(1);
    expect(total(b, { query: { term: { dep_delay: 999 } } })).toBe(0);
    expect(catchEs(() => a.index('flights', { x: 1 }, { id: hitsOf(a.search('flights', { size: 1, sort: [{ '@timestamp': 'desc' }] }))[0]?._id as string, opType: 'create' })).type).toBe('version_conflict_engine_exception');

    a.bulk([{ op: 'index', index: 'flights', source: { '@timestamp': '2017-11-20T10:00:00Z', timestamp: '2017-11-20 10:00:00', carrier: 'ZZ', origin: 'ICN', dest: 'ATL', dep_delay: 1 } }]);
    a.refresh('flights');
    expect(total(a)).toBe(sliceRows);
    expect(total(b)).toBe(sliceRows);
    const carriers = a.search('flights', { size: 0, aggs: { c: { terms: { field: 'carrier', size: 50 } } } });
    expect((carriers.aggregations as { c: { buckets: { key: string }[] } }).c.buckets.map((x) => x.key)).toContain('ZZ');
    // Only the deployment's own part counts in its memory.
    expect(a.approximateBytes()).toBeLessThan(1024 * 1024);
    expect(b.approximateBytes()).toBeLessThan(1024 * 1024);
  });

  it('makes a repeated press a no-op, refuses another index of the same name, bad zones and days', async () => {
    const e = createEngine({ flavor: '8' });
    await attachSharedDataset(e, 'flights', { timeZone: 'UTC', ...SLICE });
    expect((await attachSharedDataset(e, 'flights', { timeZone: 'UTC', ...SLICE })).docs).toBe(sliceRows);
    expect((await rejectsEs(() => attachSharedDataset(e, 'flights', { timeZone: 'UTC' }))).type).toBe('resource_already_exists_exception');
    expect((await rejectsEs(() => attachSharedDataset(createEngine({ flavor: '8' }), 'flights', { timeZone: 'Mars/Olympus' }))).reason).toContain('Mars/Olympus');
    expect((await rejectsEs(() => attachSharedDataset(createEngine({ flavor: '8' }), 'flights', { timeZone: 'UTC', from: '2017-12-01' }))).type).toBe('illegal_argument_exception');
    expect((await rejectsEs(() => attachSharedDataset(createEngine({ flavor: '8' }), 'flights', { timeZone: 'UTC', from: '2017-11-10', to: '2017-11-09' }))).reason).toContain('[to]');
  });

  it('shares one copy per zone between deployments, built once for callers asking at the same time, and finds it again from its descriptor', async () => {
    const [seoul, again] = await Promise.all([sharedFlightsPaced('Asia/Seoul'), sharedFlightsPaced('Asia/Seoul')]);
    expect(again).toBe(seoul);
    expect(sharedFlights('Asia/Seoul')).toBe(seoul);
    expect(resolveSharedDataset({ dataset: 'flights', timeZone: 'Asia/Seoul' })).toBe(seoul);
    expect(resolveSharedDataset({ dataset: 'nope' })).toBeUndefined();
    const ny = sharedFlights('America/New_York');
    // Zones share every column but the time.
    expect(ny.store.seq).toBe(seoul.store.seq);
    expect(ny.store.ts).not.toBe(seoul.store.ts);
  });
});
