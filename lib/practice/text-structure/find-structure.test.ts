import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { sharedFile } from '@/lib/testing/shared-files';
import { flightsCsvChunks } from '../../datasets/flights';
import { EsError, type Flavor } from '../engine/api';
import { findStructure, type FindStructureParams } from './index';

const FIXTURES = sharedFile('fixtures', 'text-structure');
const fixture = (name: string) => JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as Record<string, unknown>;
const FLAVOURS: Flavor[] = ['7', '8'];

function catchEs(fn: () => unknown): EsError {
  try {
    fn();
  } catch (e) {
    if (e instanceof EsError) return e;
    throw e;
  }
  throw new Error('expected an EsError');
}

const find = (text: string | Uint8Array, params: FindStructureParams = {}, flavor: Flavor = '8') => findStructure(text, params, { flavor });

/** A taxi CSV with the fixture's header, its blank second line and first record, then records of the same column types. */
function taxiCsv(rows: number): string {
  const sampleStart = fixture('es-docs-find-structure.nyc-taxi-csv.response.EXCERPT.json').sample_start as string;
  const lines = [sampleStart.trimEnd()];
  for (let i = 0; i < rows; i += 1) {
    const minute = String(16 + (i % 40)).padStart(2, '0');
    const fare = i % 3 === 0 ? String(5 + (i % 7)) : `${5 + (i % 7)}.5`;
    lines.push(`${1 + (i % 2)},2018-06-01 00:${minute}:0${i % 10},2018-06-01 00:${minute}:4${i % 10},${1 + (i % 4)},${(i % 9) + 0.25},1,${i % 17 === 0 ? 'Y' : 'N'},${100 + i},${200 + i},${1 + (i % 2)},${fare},0.5,0.5,${i % 5}.${i % 10},${i % 11 === 0 ? '5.76' : '0'},0.3,${fare}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('find_structure: NDJSON (fixture es-spec-find-structure.ndjson-books)', () => {
  const request = parseYaml(readFileSync(path.join(FIXTURES, 'es-spec-find-structure.ndjson-books.request.yaml'), 'utf8')) as { value: string };
  for (const flavor of FLAVOURS) {
    it(`answers exactly the documented response (flavour ${flavor})`, () => {
      expect(find(request.value, {}, flavor)).toEqual(fixture('es-spec-find-structure.ndjson-books.response.json'));
      expect(JSON.stringify(find(Buffer.from(request.value), {}, flavor))).toBe(JSON.stringify(fixture('es-spec-find-structure.ndjson-books.response.json')));
    });
  }
});

describe('find_structure: CSV (fixture es-docs-find-structure.nyc-taxi-csv)', () => {
  const expected = fixture('es-docs-find-structure.nyc-taxi-csv.response.EXCERPT.json');
  const got = find(Buffer.from(taxiCsv(60)));

  it('finds the delimiter, quote, header row, columns and the sample start with its blank line', () => {
    for (const key of ['sample_start', 'charset', 'has_byte_order_marker', 'format', 'column_names', 'has_header_row', 'delimiter', 'quote', 'exclude_lines_pattern', 'multiline_start_pattern']) {
      expect(got[key], key).toEqual(expected[key]);
    }
    expect(got.num_lines_analyzed).toBe(63);
    expect(got.num_messages_analyzed).toBe(61);
  });

  it('finds the first date column as the timestamp, with its Java and Joda formats', () => {
    for (const key of ['timestamp_field', 'joda_timestamp_formats', 'java_timestamp_formats', 'need_client_timezone']) expect(got[key], key).toEqual(expected[key]);
  });

  it('proposes the same mappings and ingest pipeline (csv, date, convert per number, remove)', () => {
    expect(got.mappings).toEqual(expected.mappings);
    expect(got.ingest_pipeline).toEqual(expected.ingest_pipeline);
  });

  it('keeps ES key order', () => {
    const order = Object.keys(got).filter((k) => k in expected);
    expect(order).toEqual(Object.keys(expected).filter((k) => k in got));
  });

  it('gives field stats: numbers with min/max/mean/median, dates with earliest/latest, top hits by count then value', () => {
    const stats = got.field_stats as Record<string, Record<string, unknown>>;
    expect(stats.VendorID).toMatchObject({ count: 61, cardinality: 2, min_value: 1, max_value: 2, mean_value: 91 / 61, median_value: 1 });
    expect(stats.VendorID?.top_hits).toEqual([
      { value: 1, count: 31 },
      { value: 2, count: 30 },
    ]);
    expect(stats.passenger_count).toMatchObject({ count: 61, min_value: 1, max_value: 4, median_value: 2 });
    expect(Object.keys(stats.tpep_pickup_datetime ?? {})).toEqual(['count', 'cardinality', 'earliest', 'latest', 'top_hits']);
    expect(stats.tpep_pickup_datetime).toMatchObject({ earliest: '2018-06-01 00:15:40', latest: '2018-06-01 00:55:09' });
    expect(stats.store_and_fwd_flag).toEqual({ count: 61, cardinality: 2, top_hits: [{ value: 'N', count: 57 }, { value: 'Y', count: 4 }] });
    expect(Object.keys(stats)).toEqual([...Object.keys(stats)].sort());
  });
});

describe('find_structure on the calibration sample (fixture flights/DERIVED-flights-sample.csv)', () => {
  it('reads the handout-like sample as the generated file is read', () => {
    const sample = readFileSync(sharedFile('fixtures', 'flights', 'DERIVED-flights-sample.csv'));
    const r = find(sample);
    expect(r).toMatchObject({ format: 'delimited', has_header_row: true, column_names: ['timestamp', 'carrier', 'origin', 'dest', 'dep_delay'], timestamp_field: 'timestamp', need_client_timezone: true, num_messages_analyzed: 19 });
    const generated = find([...flightsCsvChunks({ from: '2017-11-23', to: '2017-11-23' })].join('').split('\n').slice(0, 20).join('\n'));
    expect(generated.mappings).toEqual(r.mappings);
    expect(generated.ingest_pipeline).toEqual(r.ingest_pipeline);
  });
});

describe('find_structure on the generated flights.csv (FLIGHTS-CALIBRATION.md §5.4)', () => {
  const chunks = flightsCsvChunks({ from: '2017-10-01', to: '2017-10-01' });
  const text = [...chunks].join('');

  for (const flavor of FLAVOURS) {
    it(`reads the first 1000 lines as delimited with timestamp "timestamp" needing the client's zone (flavour ${flavor})`, () => {
      const r = find(text, {}, flavor);
      expect(r).toMatchObject({ num_lines_analyzed: 1000, num_messages_analyzed: 999, format: 'delimited', has_header_row: true, timestamp_field: 'timestamp', need_client_timezone: true, java_timestamp_formats: ['yyyy-MM-dd HH:mm:ss'] });
      expect((r.mappings as { properties: Record<string, unknown> }).properties).toEqual({
        '@timestamp': { type: 'date' },
        carrier: { type: 'keyword' },
        dep_delay: { type: 'long' },
        dest: { type: 'keyword' },
        origin: { type: 'keyword' },
        timestamp: { type: 'date', format: 'yyyy-MM-dd HH:mm:ss' },
      });
    });
  }

  it('honours lines_to_sample and explains its decisions with explain=true', () => {
    const r = find(text, { lines_to_sample: '50', explain: 'true' });
    expect(r.num_lines_analyzed).toBe(50);
    expect(r.explanation).toEqual(expect.arrayContaining(['Deciding sample is CSV', 'Guessing timestamp field is [timestamp] with format [yyyy-MM-dd HH:mm:ss]']));
    expect(find(text, { lines_to_sample: '50' }).explanation).toBeUndefined();
  });

  it('reads a UTF-8 byte order mark and Windows line ends', () => {
    const crlf = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text.split('\n').slice(0, 20).join('\r\n'))]);
    const r = find(crlf);
    expect(r).toMatchObject({ has_byte_order_marker: true, format: 'delimited', num_messages_analyzed: 19, column_names: ['timestamp', 'carrier', 'origin', 'dest', 'dep_delay'] });
  });

  it('takes a tab-separated file and names columns without a header', () => {
    const tsv = text
      .split('\n')
      .slice(1, 30)
      .map((l) => l.replace(/,/g, '\t'))
      .join('\n');
    const r = find(tsv);
    expect(r).toMatchObject({ delimiter: '\t', has_header_row: false, column_names: ['column1', 'column2', 'column3', 'column4', 'column5'], timestamp_field: 'column1' });
    expect((r.ingest_pipeline as { processors: Record<string, Record<string, unknown>>[] }).processors[0]?.csv).toMatchObject({ separator: '\t' });
  });
});

describe('find_structure: quoting', () => {
  it('reads quoted values with delimiters, doubled quotes and line breaks inside them', () => {
    const csv = 'when,who,note,n\n2021-03-01T10:00:00Z,"Kim, A","said ""hi""",1\n2021-03-01T10:05:00Z,"Lee, B","two\nlines",2\n2021-03-01T10:10:00Z,Park,plain,3\n';
    const r = find(csv, { explain: 'true' });
    expect(r).toMatchObject({ format: 'delimited', quote: '"', column_names: ['when', 'who', 'note', 'n'], num_messages_analyzed: 3, timestamp_field: 'when', need_client_timezone: false, java_timestamp_formats: ['ISO8601'] });
    const stats = r.field_stats as Record<string, { top_hits: { value: unknown }[] }>;
    expect(stats.who?.top_hits.map((h) => h.value)).toEqual(['Kim, A', 'Lee, B', 'Park']);
    expect(stats.note?.top_hits.map((h) => h.value)).toContain('said "hi"');
    expect((r.mappings as { properties: Record<string, unknown> }).properties.when).toEqual({ type: 'date', format: 'iso8601' });
  });
});

describe('find_structure: errors Elasticsearch gives for bad input', () => {
  const good = 'a,b\n1,2\n3,4\n';

  it('validates parameters the way FindStructureAction does', () => {
    let e = catchEs(() => find(''));
    expect([e.status, e.type, e.reason]).toEqual([400, 'action_request_validation_exception', 'Validation Failed: 1: sample must be specified;']);
    e = catchEs(() => find(good, { lines_to_sample: '1', delimiter: ',' }));
    expect(e.reason).toBe('Validation Failed: 1: [lines_to_sample] must be at least [2] if specified;2: [delimiter] may only be specified if [format] is [delimited];');
    e = catchEs(() => find(good, { grok_pattern: '%{GREEDYDATA:x}', format: 'ndjson' }));
    expect(e.reason).toBe('Validation Failed: 1: [grok_pattern] may only be specified if [format] is [semi_structured_text];');
    e = catchEs(() => find(good, { ecs_compatibility: 'v2' }));
    expect(e.reason).toBe('Validation Failed: 1: [ecs_compatibility] must be one of [disabled, v1] if specified;');
    e = catchEs(() => find(good, { format: 'delimited', quote: "''" }));
    expect([e.type, e.reason]).toEqual(['illegal_argument_exception', 'quote must be a single character']);
  });

  it('refuses binary data and too short input', () => {
    let e = catchEs(() => find(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00, 0x0a])));
    expect([e.status, e.type, e.reason]).toEqual([400, 'illegal_argument_exception', 'Could not determine a usable character encoding for the input - could it be binary data?']);
    e = catchEs(() => find('just one line'));
    expect(e.reason).toBe('Input contained too few lines [1] to obtain a meaningful sample');
    e = catchEs(() => find(good, { charset: 'EBCDIC-XYZ' }));
    expect(e.reason).toBe('Supplied character encoding [EBCDIC-XYZ] not available');
  });

  it('does not call a CSV with ragged rows delimited; without any timestamp it cannot read it at all', () => {
    const ragged = 'name,city,score\nann,paris,3\nbob,rome\ncid,oslo,5,extra,more\ndan,kyiv,7\n';
    const e = catchEs(() => find(ragged));
    expect([e.status, e.type, e.reason]).toEqual([400, 'illegal_argument_exception', 'Could not find a timestamp in the sample provided']);
    const asDelimited = catchEs(() => find(ragged, { format: 'delimited' }));
    expect(asDelimited.reason).toBe('Input did not match the specified format [delimited]');
  });

  it('reads a ragged CSV with timestamps as semi-structured text and says which rows broke the CSV', () => {
    const lines = [...flightsCsvChunks({ from: '2017-10-02', to: '2017-10-02' })].join('').split('\n').slice(0, 40);
    lines[3] = `${lines[3]},extra`;
    const r = find(lines.join('\n'), { explain: 'true' });
    expect(r.format).toBe('semi_structured_text');
    expect(r.grok_pattern).toBe('%{TIMESTAMP_ISO8601:timestamp}.*');
    expect(r.explanation).toContain('Not CSV because 1 or more rows did not have the same number of fields as the first row (5). Bad rows [3]');
  });

  it('tolerates bad rows up to 10 % when the delimiter is given, and drops them from the records', () => {
    const lines = [...flightsCsvChunks({ from: '2017-10-02', to: '2017-10-02' })].join('').split('\n').slice(0, 40);
    lines[5] = 'garbage';
    const r = find(lines.join('\n'), { format: 'delimited', delimiter: ',' });
    expect(r).toMatchObject({ format: 'delimited', num_messages_analyzed: 38, timestamp_field: 'timestamp' });
  });

  it('refuses a quote inside an unquoted value, like Logstash', () => {
    expect(catchEs(() => find('a,b,c\n1,x"y,2\n3,4,5\n6,7,8\n')).reason).toBe('Could not find a timestamp in the sample provided');
    const r = find('t,b,c\n2020-01-01 00:00:00,x"y,2\n2020-01-01 00:01:00,4,5\n2020-01-01 00:02:00,7,8\n', { explain: 'true' });
    expect(r.format).toBe('semi_structured_text');
    expect((r.explanation as string[]).some((s) => s.startsWith('Not CSV because a line has an unescaped quote'))).toBe(true);
  });

  it('checks header and column overrides', () => {
    let e = catchEs(() => find('a,a,b\n1,2,3\n4,5,6\n', { format: 'delimited', has_header_row: 'true' }));
    expect(e.reason).toBe('Sample specified to contain a header row, but the first row contains duplicate values: [a]');
    e = catchEs(() => find('a,b,c\n1,2,3\n4,5,6\n', { format: 'delimited', column_names: 'x,y' }));
    expect(e.reason).toBe('[2] column names were specified [x,y] but there are [3] columns in the sample');
    const r = find('a,b,c\n1,2,3\n4,5,6\n', { format: 'delimited', column_names: 'x,y,z', has_header_row: 'true' });
    expect(r.column_names).toEqual(['x', 'y', 'z']);
    e = catchEs(() => find('a,b,c\n1,2,3\n4,5,6\n', { format: 'xml' }));
    expect(e.reason).toBe('Input did not match the specified format [xml]');
    e = catchEs(() => find(good, { format: 'csv' }));
    expect(e.type).toBe('illegal_argument_exception');
  });

  it('answers _ml/find_file_structure on 7.x only', () => {
    const text = 'time,value\n2020-01-01 00:00:00,1\n2020-01-01 00:01:00,2\n2020-01-01 00:02:00,3\n';
    expect(findStructure(text, {}, { flavor: '7', api: 'find_file_structure' })).toEqual(findStructure(text, {}, { flavor: '7', api: 'find_structure' }));
    expect(catchEs(() => findStructure(text, {}, { flavor: '8', api: 'find_file_structure' })).status).toBe(400);
  });
});
