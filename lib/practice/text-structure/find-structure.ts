/**
 * The practice cluster's text structure finder: `POST _text_structure/find_structure` (7.13+, 8.x,
 * 9.x) and its older name `POST _ml/find_file_structure` (7.x). It reads the beginning of a file
 * the way Elasticsearch does (charset and byte order mark, the first `lines_to_sample` lines), tries
 * NDJSON, then delimited text (comma, tab, semicolon, pipe), then semi-structured text, and answers
 * with ES's structure: format, delimiter/quote/header/columns, the timestamp field with its Java and
 * Joda formats, mappings, an ingest pipeline (csv, date, convert, remove), field stats and, with
 * `explain`, the reasons. Bad input gets ES's errors (see find-structure.asciidoc, the fixtures in
 * ../shared/fixtures/text-structure/ and ES-ML-REFERENCE.md §9).
 *
 * What it leaves out: XML, Grok pattern inference beyond "timestamp then the rest" for
 * semi-structured text, arbitrary Java `timestamp_format` patterns (the common ones are known).
 */
import { CsvError, parse } from 'csv-parse/sync';
import { EsError, type Flavor } from '../engine/api';
import { fieldStats, type FieldMapping, type FieldStats, guessScalarMapping, sortedKeys } from './fields';
import { findTimestampFormat, formatByName, type TimestampFormat } from './timestamps';

/** What differs between the versions the practice cluster plays (a "9" slots in here). */
export interface TextStructureDialect {
  /** `_ml/find_file_structure` exists (7.x only; removed in 8.0). */
  findFileStructure: boolean;
  /** `ecs_compatibility` is echoed in the answer (7.16+). */
  echoEcsCompatibility: boolean;
  /** Newer finders add `ignore_missing` to the csv (false) and convert (true) processors. */
  ignoreMissingInPipeline: boolean;
  /** Newer finders only write `multiline_start_pattern` when a sampled record spans lines. */
  multilineOnlyWhenNeeded: boolean;
}

export const TEXT_STRUCTURE_DIALECTS: Record<Flavor, TextStructureDialect> = {
  '7': { findFileStructure: true, echoEcsCompatibility: true, ignoreMissingInPipeline: false, multilineOnlyWhenNeeded: false },
  '8': { findFileStructure: false, echoEcsCompatibility: true, ignoreMissingInPipeline: false, multilineOnlyWhenNeeded: false },
  '9': { findFileStructure: false, echoEcsCompatibility: true, ignoreMissingInPipeline: false, multilineOnlyWhenNeeded: false },
};

/** Query parameters of the request, as strings (URL) or already typed. */
export interface FindStructureParams {
  lines_to_sample?: string | number;
  line_merge_size_limit?: string | number;
  timeout?: string;
  charset?: string;
  format?: string;
  has_header_row?: string | boolean;
  delimiter?: string;
  quote?: string;
  should_trim_fields?: string | boolean;
  column_names?: string | string[];
  grok_pattern?: string;
  timestamp_field?: string;
  timestamp_format?: string;
  explain?: string | boolean;
  ecs_compatibility?: string;
}

export interface FindStructureOptions {
  flavor: Flavor;
  /** Which REST path was called; `find_file_structure` only exists where the dialect has it. */
  api?: 'find_structure' | 'find_file_structure';
}

type Format = 'ndjson' | 'xml' | 'delimited' | 'semi_structured_text';
const FORMATS: Format[] = ['ndjson', 'xml', 'delimited', 'semi_structured_text'];
const MIN_SAMPLE_LINES = 2;
const DEFAULT_SAMPLE_LINES = 1000;
const MAX_EXCLUDE_LINES_PATTERN_LENGTH = 1000;
const PIPELINE_DESCRIPTION = 'Ingest pipeline created by text structure finder';
const CONVERTIBLE = new Set(['integer', 'long', 'float', 'double', 'boolean']);

function illegal(reason: string): EsError {
  return new EsError(400, 'illegal_argument_exception', reason);
}

function bool(v: string | boolean | undefined): boolean | undefined {
  if (v === undefined || v === '') return undefined;
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  throw illegal(`Failed to parse value [${String(v)}] as only [true] or [false] are allowed.`);
}

function int(v: string | number | undefined, name: string): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n)) throw illegal(`Failed to parse int parameter [${name}] with value [${String(v)}]`);
  return n;
}

function singleChar(v: string | undefined, name: string): string | undefined {
  if (v === undefined || v === '') return undefined;
  if (v.length !== 1) throw illegal(`${name} must be a single character`);
  return v;
}

interface Overrides {
  linesToSample: number;
  charset?: string;
  format?: Format;
  hasHeaderRow?: boolean;
  delimiter?: string;
  quote?: string;
  shouldTrimFields?: boolean;
  columnNames?: string[];
  grokPattern?: string;
  timestampField?: string;
  timestampFormat?: string;
  explain: boolean;
  ecsCompatibility?: string;
}

function readParams(p: FindStructureParams): Overrides {
  const problems: string[] = [];
  let format: Format | undefined;
  if (p.format !== undefined && p.format !== '') {
    if (!FORMATS.includes(p.format.toLowerCase() as Format)) {
      throw illegal(`No enum constant org.elasticsearch.xpack.core.textstructure.structurefinder.TextStructure.Format.${p.format.toUpperCase()}`);
    }
    format = p.format.toLowerCase() as Format;
  }
  const linesToSample = int(p.lines_to_sample, 'lines_to_sample');
  const lineMerge = int(p.line_merge_size_limit, 'line_merge_size_limit');
  const o: Overrides = {
    linesToSample: linesToSample ?? DEFAULT_SAMPLE_LINES,
    charset: p.charset || undefined,
    format,
    hasHeaderRow: bool(p.has_header_row),
    delimiter: singleChar(p.delimiter, 'delimiter'),
    quote: singleChar(p.quote, 'quote'),
    shouldTrimFields: bool(p.should_trim_fields),
    columnNames: p.column_names === undefined || p.column_names === '' ? undefined : Array.isArray(p.column_names) ? p.column_names : p.column_names.split(','),
    grokPattern: p.grok_pattern || undefined,
    timestampField: p.timestamp_field || undefined,
    timestampFormat: p.timestamp_format || undefined,
    explain: bool(p.explain) ?? false,
    ecsCompatibility: p.ecs_compatibility || undefined,
  };
  if (linesToSample !== undefined && linesToSample < MIN_SAMPLE_LINES) problems.push(`[lines_to_sample] must be at least [${MIN_SAMPLE_LINES}] if specified`);
  if (lineMerge !== undefined && lineMerge <= 0) problems.push('[line_merge_size_limit] must be positive if specified');
  if (format !== 'delimited') {
    const onlyDelimited: [unknown, string][] = [
      [o.columnNames, 'column_names'],
      [o.hasHeaderRow, 'has_header_row'],
      [o.delimiter, 'delimiter'],
      [o.quote, 'quote'],
      [o.shouldTrimFields, 'should_trim_fields'],
    ];
    for (const [v, name] of onlyDelimited) if (v !== undefined) problems.push(`[${name}] may only be specified if [format] is [delimited]`);
  }
  if (format !== 'semi_structured_text' && o.grokPattern !== undefined) problems.push('[grok_pattern] may only be specified if [format] is [semi_structured_text]');
  if (o.ecsCompatibility !== undefined && !['disabled', 'v1'].includes(o.ecsCompatibility)) problems.push('[ecs_compatibility] must be one of [disabled, v1] if specified');
  return Object.assign(o, { problems });
}

// ---------------------------------------------------------------------------------------------
// Charset and sample

const CHARSETS: Record<string, string> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'utf-16le': 'utf-16le',
  'utf-16be': 'utf-16be',
  'iso-8859-1': 'latin1',
  'us-ascii': 'utf-8',
  'windows-1252': 'windows-1252',
};

interface Decoded {
  text: string;
  charset: string;
  bom: boolean | undefined;
}

function decode(input: string | Uint8Array, requested: string | undefined, explanation: string[]): Decoded {
  if (requested !== undefined && !CHARSETS[requested.toLowerCase()]) throw illegal(`Supplied character encoding [${requested}] not available`);
  if (typeof input === 'string') {
    const bom = input.charCodeAt(0) === 0xfeff;
    explanation.push(`Using character encoding [${requested ?? 'UTF-8'}], which matched the input with [100%] confidence - the text was already decoded`);
    return { text: bom ? input.slice(1) : input, charset: requested ?? 'UTF-8', bom };
  }
  const bytes = input;
  if (requested !== undefined) {
    const enc = CHARSETS[requested.toLowerCase()];
    if (!enc) throw illegal(`Supplied character encoding [${requested}] not available`);
    explanation.push(`Using specified character encoding [${requested}]`);
    const text = new TextDecoder(enc).decode(bytes);
    const bom = requested.toUpperCase().startsWith('UTF') ? text.charCodeAt(0) === 0xfeff || (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) : undefined;
    return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, charset: requested, bom };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), charset: 'UTF-16LE', bom: true };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), charset: 'UTF-16BE', bom: true };
  const head = bytes.subarray(0, 8192);
  let zeros = 0;
  let ascii = true;
  for (const b of head) {
    if (b === 0) zeros += 1;
    else if (b >= 128) ascii = false;
  }
  if (zeros > 0) throw illegal('Could not determine a usable character encoding for the input - could it be binary data?');
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bom ? bytes.subarray(3) : bytes);
    explanation.push(ascii ? 'Using character encoding [UTF-8], which matched the input with [15%] confidence - first [8kB] of input was pure ASCII' : 'Using character encoding [UTF-8], which matched the input with [80%] confidence');
    return { text, charset: 'UTF-8', bom };
  } catch {
    explanation.push('Using character encoding [ISO-8859-1], which matched the input with [50%] confidence');
    return { text: new TextDecoder('latin1').decode(bytes), charset: 'ISO-8859-1', bom: false };
  }
}

/** The first `max` lines as ES's BufferedReader reads them (\n, \r\n and \r end a line), each ending in \n. */
function sampleLines(text: string, max: number): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length && lines.length < max; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      lines.push(text.slice(start, i));
      if (c === 13 && text.charCodeAt(i + 1) === 10) i += 1;
      start = i + 1;
    }
  }
  if (lines.length < max && start < text.length) lines.push(text.slice(start));
  return lines;
}

// ---------------------------------------------------------------------------------------------
// NDJSON

function tryNdjson(lines: string[], explanation: string[]): Record<string, unknown>[] | undefined {
  const records: Record<string, unknown>[] = [];
  for (const line of lines) {
    if (line.trim() === '') continue;
    if (!line.trimStart().startsWith('{')) {
      explanation.push(`Not NDJSON because a line does not start with an opening brace: [${line.slice(0, 80)}]`);
      return undefined;
    }
    try {
      const v = JSON.parse(line) as unknown;
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
      records.push(v as Record<string, unknown>);
    } catch (e) {
      explanation.push(`Not NDJSON because there was a parsing exception: [${(e as Error).message}]`);
      return undefined;
    }
  }
  if (records.length === 0) {
    explanation.push('Not NDJSON because the sample contains no records');
    return undefined;
  }
  explanation.push('Deciding sample is newline-delimited JSON');
  return records;
}

/** Values as ES sees them after `toString()`: JSON numbers as Java prints longs and doubles. */
function scalarString(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 1e18 ? String(v) : javaDouble(v);
  return String(v);
}

function javaDouble(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e7) return `${n}.0`;
  const s = String(n);
  if (/e/.test(s)) return s.replace('e+', 'E').replace('e-', 'E-');
  if (Math.abs(n) >= 1e7) return n.toExponential().replace('e+', 'E');
  return s;
}

// ---------------------------------------------------------------------------------------------
// Delimited

interface DelimitedSpec {
  delimiter: string;
  quote: string;
  minFields: number;
  trim: boolean;
  name: string;
}

const DEFAULT_DELIMITED: DelimitedSpec[] = [
  { delimiter: ',', quote: '"', minFields: 2, trim: false, name: 'CSV' },
  { delimiter: '\t', quote: '"', minFields: 2, trim: false, name: 'TSV' },
  { delimiter: ';', quote: '"', minFields: 4, trim: false, name: 'semicolon delimited values' },
  { delimiter: '|', quote: '"', minFields: 5, trim: true, name: 'vertical line delimited values' },
];

interface ParsedRows {
  rows: (string | null)[][];
  /** 1-based line on which each row ends. */
  lineNumbers: number[];
  /** A quoted value ran to the end of the sample (a truncated last row, tolerated as ES does). */
  truncated: boolean;
  error?: string;
}

function parseRows(sample: string, spec: DelimitedSpec): ParsedRows {
  const rows: (string | null)[][] = [];
  const lineNumbers: number[] = [];
  try {
    parse(sample, {
      delimiter: spec.delimiter,
      quote: spec.quote,
      escape: spec.quote,
      relax_column_count: true,
      skip_empty_lines: true,
      record_delimiter: '\n',
      cast: (value: string, ctx: { quoting: boolean }) => (value === '' && !ctx.quoting ? null : value),
      on_record: (record: (string | null)[], ctx: { lines: number }) => {
        rows.push(record);
        lineNumbers.push(ctx.lines);
        return null;
      },
    });
  } catch (e) {
    if (e instanceof CsvError && e.code === 'CSV_QUOTE_NOT_CLOSED') return { rows, lineNumbers, truncated: true };
    return { rows, lineNumbers, truncated: false, error: e instanceof Error ? e.message : String(e) };
  }
  return { rows, lineNumbers, truncated: false };
}

function trimTrailingEmpty(row: (string | null)[], width: number): number {
  let n = row.length;
  while (n > width && row[n - 1] === null) n -= 1;
  return n;
}

/** Logstash's CSV filter refuses a quote inside an unquoted value, so ES does not call such text CSV. */
function hasUnescapedQuote(line: string, spec: DelimitedSpec): boolean {
  const s = line.split(spec.quote + spec.quote).join('');
  for (let i = 1; i < s.length - 1; i += 1) {
    if (s[i] === spec.quote && s[i - 1] !== spec.delimiter && s[i + 1] !== spec.delimiter) return true;
  }
  return false;
}

function canBeDelimited(sample: string, lines: string[], spec: DelimitedSpec, allowedBad: number, explanation: string[]): boolean {
  for (const line of lines) {
    if (hasUnescapedQuote(line, spec)) {
      explanation.push(`Not ${spec.name} because a line has an unescaped quote that is not at the beginning or end of a field: [${line}]`);
      return false;
    }
  }
  const parsed = parseRows(sample, spec);
  if (parsed.error !== undefined) {
    explanation.push(`Not ${spec.name} because there was a parsing exception: [${parsed.error}]`);
    return false;
  }
  const first = parsed.rows[0];
  if (!first) {
    explanation.push(`Not ${spec.name} because fewer than 2 complete records in sample: [0]`);
    return false;
  }
  if (first.length < spec.minFields) {
    explanation.push(`Not ${spec.name} because the first row has fewer than [${spec.minFields}] fields: [${first.length}]`);
    return false;
  }
  const bad: number[] = [];
  let complete = parsed.rows.length;
  let lastWidth = first.length;
  for (let i = 1; i < parsed.rows.length; i += 1) {
    const width = trimTrailingEmpty(parsed.rows[i] as (string | null)[], first.length);
    if (width !== first.length) {
      bad.push(i);
      const totalRows = i + 1 + lines.length - (parsed.lineNumbers[i] as number);
      if (bad.length > Math.ceil(allowedBad * totalRows)) {
        explanation.push(`Not ${spec.name} because ${bad.length} or more rows did not have the same number of fields as the first row (${first.length}). Bad rows [${bad.join(', ')}]`);
        return false;
      }
      continue;
    }
    lastWidth = width;
  }
  if (lastWidth < first.length || parsed.truncated) complete -= 1;
  if (complete <= 1) {
    explanation.push(`Not ${spec.name} because fewer than 2 complete records in sample: [${complete}]`);
    return false;
  }
  explanation.push(`Deciding sample is ${spec.name}`);
  return true;
}

function levenshtein(a: string, b: string): number {
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i += 1) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      cur[j] = a[i - 1] === b[j - 1] ? (prev[j - 1] as number) : Math.min(prev[j] as number, cur[j - 1] as number, prev[j - 1] as number) + 1;
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length] as number;
}

function rowDistance(a: (string | null)[], b: (string | null)[], mask: boolean[]): number {
  let d = 0;
  mask.forEach((use, i) => {
    if (use) d += levenshtein(a[i] ?? '', b[i] ?? '');
  });
  return d;
}

/** ES's two tests for a header: a first row of unusual length, or one unusually far (edit distance) from the others. */
function firstRowIsUnusual(rows: (string | null)[][], explanation: string[]): boolean {
  const first = rows[0] as (string | null)[];
  const others = rows.slice(1);
  const joinedLen = (r: (string | null)[]) => r.map((f) => f ?? '').join('').length;
  const lengths = others.map(joinedLen);
  const min = Math.min(...lengths);
  const max = Math.max(...lengths);
  const range = max - min;
  const firstLen = joinedLen(first);
  if (firstLen < min - range / 10 || firstLen > max + range / 10) {
    explanation.push(`First row is unusual based on length test: [${firstLen}] and [count=${lengths.length}, min=${min}, max=${max}]`);
    return true;
  }
  explanation.push(`First row is not unusual based on length test: [${firstLen}] and [count=${lengths.length}, min=${min}, max=${max}]`);
  const width = Math.max(...rows.map((r) => r.length));
  const mask = Array.from({ length: width }, (_, i) => rows.every((r) => i >= r.length || (r[i] ?? '').length < 100));
  const limit = 100;
  const firstDistances = others.slice(0, limit).map((r) => rowDistance(first, r, mask));
  const otherDistances: number[] = [];
  const step = 1 + Math.floor(others.length / limit) ** 2;
  for (let i = 0; otherDistances.length < limit && i < others.length; i += 1) {
    for (let j = i + 1; otherDistances.length < limit && j < others.length; j += step) otherDistances.push(rowDistance(others[i] as (string | null)[], others[j] as (string | null)[], mask));
  }
  const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
  const unusual = mean(firstDistances) > mean(otherDistances) * 1.2;
  explanation.push(`First row is ${unusual ? '' : 'not '}unusual based on Levenshtein test [average=${mean(firstDistances).toFixed(6)}] and [average=${mean(otherDistances).toFixed(6)}]`);
  return unusual;
}

function findHeader(rows: (string | null)[][], o: Overrides, explanation: string[]): boolean {
  const first = rows[0] as (string | null)[];
  const duplicate = (() => {
    const seen = new Set<string>();
    for (const v of first) {
      if (v === null || v === '') continue;
      if (seen.has(v)) return v;
      seen.add(v);
    }
    return undefined;
  })();
  if (o.hasHeaderRow !== undefined) {
    if (o.hasHeaderRow && o.columnNames === undefined && duplicate !== undefined) {
      throw illegal(`Sample specified to contain a header row, but the first row contains duplicate values: [${duplicate}]`);
    }
    explanation.push(`Sample specified to ${o.hasHeaderRow ? 'contain' : 'not contain'} a header row`);
    return o.hasHeaderRow;
  }
  if (duplicate !== undefined) {
    explanation.push("First row contains duplicate values, so assuming it's not a header");
    return false;
  }
  if (rows.length < 3) {
    explanation.push('Too little data to accurately assess whether header is in sample - guessing it is');
    return true;
  }
  return firstRowIsUnusual(rows, explanation);
}

function regexEscape(s: string): string {
  return s.replace(/[\\|()[\]{}^$.+*?]/g, '\\$&');
}

// ---------------------------------------------------------------------------------------------
// Common: mappings, stats, timestamp

interface Analysis {
  mappings: Record<string, FieldMapping | { type: 'object' }>;
  stats: Record<string, FieldStats>;
  timestampField?: string;
  timestamp?: TimestampFormat;
}

function analyse(records: Record<string, unknown>[], fieldOrder: string[], o: Overrides, explanation: string[]): Analysis {
  const mappings: Record<string, FieldMapping | { type: 'object' }> = {};
  const stats: Record<string, FieldStats> = {};
  const timestamps = new Map<string, TimestampFormat>();
  for (const name of fieldOrder) {
    const raw = records.map((r) => r[name]).filter((v) => v !== null && v !== undefined);
    if (raw.length === 0) continue;
    if (raw.some((v) => typeof v === 'object' && !Array.isArray(v))) {
      if (raw.every((v) => typeof v === 'object' && !Array.isArray(v))) {
        mappings[name] = { type: 'object' };
        continue;
      }
      throw illegal(`Field [${name}] has both object and non-object values - this is not supported by Elasticsearch`);
    }
    const values = raw.flatMap((v) => (Array.isArray(v) ? v : [v])).filter((v) => v !== null && v !== undefined).map(scalarString);
    if (values.length === 0) continue;
    const guessed = guessScalarMapping(values, explanation, name);
    mappings[name] = guessed.mapping;
    if (guessed.timestamp) timestamps.set(name, guessed.timestamp);
    stats[name] = fieldStats(guessed.mapping, values, guessed.timestamp);
  }
  const out: Analysis = { mappings, stats };
  if (o.timestampFormat === 'null') return out;
  const candidates = o.timestampField !== undefined ? [o.timestampField] : fieldOrder;
  if (o.timestampField !== undefined && (records[0]?.[o.timestampField] ?? null) === null) {
    throw illegal(`Specified timestamp field [${o.timestampField}] is not present in record [${recordString(records[0] ?? {})}]`);
  }
  for (const name of candidates) {
    let format = timestamps.get(name);
    if (o.timestampFormat !== undefined) {
      const wanted = formatByName(o.timestampFormat);
      const values = records.map((r) => r[name]).filter((v) => v !== null && v !== undefined).map(scalarString);
      const found = findTimestampFormat(values);
      format = wanted && found && found.java === wanted.java ? found : undefined;
      if (!format && o.timestampField !== undefined) throw illegal(`Specified timestamp format [${o.timestampFormat}] does not match for record [${recordString(records[0] ?? {})}] in field [${name}]`);
    }
    if (!format) continue;
    if (records.some((r) => r[name] === null || r[name] === undefined)) {
      explanation.push(`First sample match [${name}] ruled out because a record doesn't have field`);
      continue;
    }
    explanation.push(`${o.timestampField === undefined ? 'Guessing timestamp' : 'Timestamp'} field is [${name}] with format [${format.java}]`);
    out.timestampField = name;
    out.timestamp = format;
    return out;
  }
  if (o.timestampFormat !== undefined) throw illegal(`Specified timestamp format [${o.timestampFormat}] does not match for record [${recordString(records[0] ?? {})}]`);
  return out;
}

function recordString(r: Record<string, unknown>): string {
  return `{${Object.entries(r)
    .map(([k, v]) => `${k}=${v === null || v === undefined ? 'null' : String(v)}`)
    .join(', ')}}`;
}

function datePipelineStep(a: Analysis): Record<string, unknown> | undefined {
  if (!a.timestampField || !a.timestamp) return undefined;
  const date: Record<string, unknown> = { field: a.timestampField };
  if (a.timestamp.zoneless) date.timezone = '{{ event.timezone }}';
  date.formats = [a.timestamp.java];
  return { date };
}

function finalMappings(a: Analysis): Record<string, unknown> {
  const props: Record<string, unknown> = { ...a.mappings };
  if (a.timestampField) props['@timestamp'] = { type: 'date' };
  return { properties: sortedKeys(props) };
}

// ---------------------------------------------------------------------------------------------
// Entry point

export type TextStructureResponse = Record<string, unknown>;

/**
 * Finds the structure of `input` (the request body: the file's first bytes, or already decoded
 * text). Throws `EsError` with Elasticsearch's type and reason for bad parameters and bad input.
 */
export function findStructure(input: string | Uint8Array, params: FindStructureParams, opts: FindStructureOptions): TextStructureResponse {
  const dialect = TEXT_STRUCTURE_DIALECTS[opts.flavor];
  if (opts.api === 'find_file_structure' && !dialect.findFileStructure) {
    throw new EsError(400, 'illegal_argument_exception', 'request [POST /_ml/find_file_structure] contains unrecognized parameters or is not a known endpoint; use [POST /_text_structure/find_structure]');
  }
  const o = readParams(params) as Overrides & { problems: string[] };
  const empty = typeof input === 'string' ? input.length === 0 : input.byteLength === 0;
  if (empty) o.problems.push('sample must be specified');
  if (o.problems.length > 0) {
    throw new EsError(400, 'action_request_validation_exception', `Validation Failed: ${o.problems.map((p, i) => `${i + 1}: ${p};`).join('')}`);
  }
  const explanation: string[] = [];
  const decoded = decode(input, o.charset, explanation);
  const lines = sampleLines(decoded.text, o.linesToSample);
  if (lines.length < MIN_SAMPLE_LINES) throw illegal(`Input contained too few lines [${lines.length}] to obtain a meaningful sample`);
  const sample = `${lines.join('\n')}\n`;
  const base = {
    charset: decoded.charset,
    bom: decoded.bom,
    ecs: dialect.echoEcsCompatibility ? o.ecsCompatibility ?? 'disabled' : undefined,
  };

  if (o.format === undefined || o.format === 'ndjson') {
    const records = o.delimiter === undefined ? tryNdjson(lines, explanation) : undefined;
    if (records) return ndjsonAnswer(records, lines, o, base, explanation);
    if (o.format === 'ndjson') throw illegal('Input did not match the specified format [ndjson]');
  }
  if (o.format === 'xml') throw illegal('Input did not match the specified format [xml]');
  if (o.format === undefined || o.format === 'delimited') {
    let specs = DEFAULT_DELIMITED;
    let allowedBad = 0;
    if (o.delimiter !== undefined) {
      allowedBad = 0.1;
      specs = [{ delimiter: o.delimiter, quote: o.quote ?? '"', minFields: 1, trim: o.shouldTrimFields ?? o.delimiter === '|', name: o.delimiter === ',' ? 'CSV' : o.delimiter === '\t' ? 'TSV' : `${o.delimiter} delimited values` }];
    } else if (o.quote !== undefined || o.shouldTrimFields !== undefined || o.format === 'delimited') {
      allowedBad = 0.05;
      specs = DEFAULT_DELIMITED.map((s) => ({ ...s, quote: o.quote ?? s.quote, trim: o.shouldTrimFields ?? s.trim }));
    }
    for (const spec of specs) {
      if (canBeDelimited(sample, lines, spec, allowedBad, explanation)) return delimitedAnswer(sample, lines, spec, o, base, explanation, dialect);
    }
    if (o.format === 'delimited') throw illegal('Input did not match the specified format [delimited]');
  }
  return semiStructuredAnswer(lines, o, base, explanation);
}

interface Base {
  charset: string;
  bom: boolean | undefined;
  ecs: string | undefined;
}

function head(base: Base, linesAnalyzed: number, messages: number, sampleStart: string, format: Format): Record<string, unknown> {
  const out: Record<string, unknown> = { num_lines_analyzed: linesAnalyzed, num_messages_analyzed: messages, sample_start: sampleStart, charset: base.charset };
  if (base.bom !== undefined) out.has_byte_order_marker = base.bom;
  out.format = format;
  return out;
}

function tail(out: Record<string, unknown>, a: Analysis, base: Base, pipeline: Record<string, unknown> | undefined, o: Overrides, explanation: string[]): Record<string, unknown> {
  if (base.ecs !== undefined) out.ecs_compatibility = base.ecs;
  if (a.timestampField && a.timestamp) {
    out.timestamp_field = a.timestampField;
    out.joda_timestamp_formats = [a.timestamp.joda];
    out.java_timestamp_formats = [a.timestamp.java];
  }
  out.need_client_timezone = a.timestamp?.zoneless ?? false;
  out.mappings = finalMappings(a);
  if (pipeline) out.ingest_pipeline = pipeline;
  if (Object.keys(a.stats).length > 0) out.field_stats = sortedKeys(a.stats);
  if (o.explain) out.explanation = explanation;
  return out;
}

function ndjsonAnswer(records: Record<string, unknown>[], lines: string[], o: Overrides, base: Base, explanation: string[]): Record<string, unknown> {
  const order: string[] = [];
  for (const r of records) for (const k of Object.keys(r)) if (!order.includes(k)) order.push(k);
  const a = analyse(records, order, o, explanation);
  const nonEmpty = lines.filter((l) => l.trim() !== '');
  const sampleStart = nonEmpty.slice(0, 2).map((l) => `${l}\n`).join('');
  const out = head(base, nonEmpty.length, records.length, sampleStart, 'ndjson');
  const date = datePipelineStep(a);
  const pipeline = date ? { description: PIPELINE_DESCRIPTION, processors: [date] } : undefined;
  return tail(out, a, base, pipeline, o, explanation);
}

function delimitedAnswer(sample: string, lines: string[], spec: DelimitedSpec, o: Overrides, base: Base, explanation: string[], dialect: TextStructureDialect): Record<string, unknown> {
  const parsed = parseRows(sample, spec);
  let rows = parsed.rows;
  let lineNumbers = parsed.lineNumbers;
  if (rows.length > 1 && ((rows[0] as unknown[]).length !== (rows[rows.length - 1] as unknown[]).length || parsed.truncated)) {
    rows = rows.slice(0, -1);
    lineNumbers = lineNumbers.slice(0, -1);
  }
  rows = rows.map((r, i) => (i === 0 ? r : r.slice(0, trimTrailingEmpty(r, (rows[0] as unknown[]).length))));
  const hasHeader = findHeader(rows, o, explanation);
  const width = (rows[0] as unknown[]).length;
  const header = hasHeader ? (rows[0] as (string | null)[]).map((v) => v ?? '') : new Array<string>(width).fill('');
  let columns: string[];
  if (o.columnNames !== undefined) {
    if (o.columnNames.length !== width) {
      throw illegal(`[${o.columnNames.length}] column names were specified [${o.columnNames.join(',')}] but there are [${width}] columns in the sample`);
    }
    columns = o.columnNames;
  } else {
    columns = header.map((h, i) => {
      const raw = spec.trim ? h.trim() : h;
      return raw === '' ? `column${i + 1}` : raw.replace(/\./g, '_');
    });
  }
  const records: Record<string, unknown>[] = [];
  let maxLinesPerMessage = 1;
  let prevEnd = hasHeader ? (lineNumbers[0] as number) : 0;
  for (let i = hasHeader ? 1 : 0; i < rows.length; i += 1) {
    const row = rows[i] as (string | null)[];
    const end = lineNumbers[i] as number;
    if (row.length !== columns.length) {
      prevEnd = end;
      continue;
    }
    const rec: Record<string, unknown> = {};
    columns.forEach((c, k) => {
      const v = row[k] ?? null;
      rec[c] = spec.trim && v !== null ? v.trim() : v;
    });
    records.push(rec);
    maxLinesPerMessage = Math.max(maxLinesPerMessage, end - prevEnd - countBlankLines(lines, prevEnd, end));
    prevEnd = end;
  }
  const sampleStart = `${lines.slice(0, lineNumbers[1] ?? lineNumbers[0]).join('\n')}\n`;
  const a = analyse(records, columns, o, explanation);
  const out = head(base, lineNumbers[lineNumbers.length - 1] as number, records.length, sampleStart, 'delimited');
  const delimiterPattern = spec.delimiter === '\t' ? '\\t' : regexEscape(spec.delimiter);
  const quotePattern = regexEscape(spec.quote);
  const needMultiline = !dialect.multilineOnlyWhenNeeded || maxLinesPerMessage > 1;
  if (needMultiline && a.timestampField && a.timestamp) {
    const index = columns.indexOf(a.timestampField);
    out.multiline_start_pattern = `^${`.*?${delimiterPattern}`.repeat(index)}${quotePattern}?${a.timestamp.simpleRegex.replace(/^\\b/, '')}`;
  }
  if (hasHeader) {
    let pattern = '^';
    for (let i = 0; i < header.length; i += 1) {
      const piece = `${i === 0 ? '' : delimiterPattern}${quotePattern}?${regexEscape(header[i] as string)}${quotePattern}?`;
      if (pattern.length + piece.length > MAX_EXCLUDE_LINES_PATTERN_LENGTH) break;
      pattern += piece;
    }
    out.exclude_lines_pattern = pattern;
  }
  out.column_names = columns;
  out.has_header_row = hasHeader;
  out.delimiter = spec.delimiter;
  out.quote = spec.quote;
  if (spec.trim) out.should_trim_fields = true;
  const csv: Record<string, unknown> = { field: 'message', target_fields: columns };
  if (spec.delimiter !== ',') csv.separator = spec.delimiter;
  if (spec.quote !== '"') csv.quote = spec.quote;
  if (dialect.ignoreMissingInPipeline) csv.ignore_missing = false;
  if (spec.trim) csv.trim = true;
  const processors: Record<string, unknown>[] = [{ csv }];
  const date = datePipelineStep(a);
  if (date) processors.push(date);
  for (const [field, m] of Object.entries(sortedKeys(a.mappings))) {
    if (!CONVERTIBLE.has(m.type)) continue;
    const convert: Record<string, unknown> = { field, type: m.type };
    if (dialect.ignoreMissingInPipeline) convert.ignore_missing = true;
    processors.push({ convert });
  }
  if (!columns.includes('message')) processors.push({ remove: { field: 'message' } });
  return tail(out, a, base, { description: PIPELINE_DESCRIPTION, processors }, o, explanation);
}

function countBlankLines(lines: string[], fromExclusiveLine: number, toInclusiveLine: number): number {
  let n = 0;
  for (let l = fromExclusiveLine; l < toInclusiveLine; l += 1) if ((lines[l] ?? '').trim() === '') n += 1;
  return n;
}

/**
 * Text that is neither NDJSON nor delimited: ES's fallback reads it as log lines, each message
 * starting with a timestamp. Only the timestamp is extracted here (ES's Grok pattern creator also
 * names other fields it recognises).
 */
function semiStructuredAnswer(lines: string[], o: Overrides, base: Base, explanation: string[]): Record<string, unknown> {
  explanation.push('Deciding sample is semi-structured text');
  const stampAt = (line: string): { value: string; start: number; format: TimestampFormat } | undefined => {
    const pieces = line.split(/(?=[\s,;|[\]"'(){}])|(?<=[\s,;|[\]"'(){}])/);
    for (let i = 0; i < pieces.length; i += 1) {
      for (let n = Math.min(6, pieces.length - i); n >= 1; n -= 1) {
        const value = pieces.slice(i, i + n).join('');
        const format = /\d/.test(value) ? findTimestampFormat([value]) : undefined;
        if (format) return { value, start: pieces.slice(0, i).join('').length, format };
      }
    }
    return undefined;
  };
  const first = lines.map(stampAt).find((s) => s !== undefined);
  if (!first) throw illegal('Could not find a timestamp in the sample provided');
  const messages: string[] = [];
  const stamps: string[] = [];
  let atStart = true;
  for (const line of lines) {
    const s = stampAt(line);
    if (s && s.format.java === first.format.java) {
      messages.push(line);
      stamps.push(s.value);
      if (s.start !== 0) atStart = false;
    } else if (messages.length > 0) {
      messages[messages.length - 1] += `\n${line}`;
    }
  }
  const ts = first.format;
  const stats: Record<string, FieldStats> = { timestamp: fieldStats({ type: 'date', format: ts.mapping }, stamps, ts) };
  const a: Analysis = { mappings: { message: { type: 'text' } }, stats, timestampField: 'timestamp', timestamp: ts };
  const out = head(base, lines.length, messages.length, `${lines.slice(0, 2).join('\n')}\n`, 'semi_structured_text');
  out.multiline_start_pattern = `^${atStart ? '' : '.*?'}${ts.simpleRegex.replace(/^\\b/, '')}`;
  out.grok_pattern = o.grokPattern ?? `${atStart ? '' : '.*?'}%{${ts.grok}:timestamp}.*`;
  const date = datePipelineStep(a) as Record<string, unknown>;
  const pipeline = {
    description: PIPELINE_DESCRIPTION,
    processors: [{ grok: { field: 'message', patterns: [out.grok_pattern] } }, date, { remove: { field: 'timestamp' } }],
  };
  return tail(out, a, base, pipeline, o, explanation);
}
