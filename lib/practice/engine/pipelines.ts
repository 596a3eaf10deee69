import { CsvError, parse as parseCsv } from 'csv-parse/sync';
import { EsError } from './api';
import { DateParseError, formatDate, parseDate, parseZone, UTC, type Zone } from './dates';
import { isPlainObject } from './errors';

/**
 * Ingest pipelines: stored with ES's validation, and run for the processors whose effect is plain
 * data movement (set, rename, remove, lowercase, uppercase, trim, append, convert, csv, date,
 * pipeline, fail, drop). Processors that need Painless or external data (grok, geoip, script, `if`
 * conditions...) are left out of execution: the document passes through them unchanged.
 */

const PROCESSOR_TYPES = new Set([
  'append',
  'attachment',
  'bytes',
  'circle',
  'community_id',
  'convert',
  'csv',
  'date',
  'date_index_name',
  'dissect',
  'dot_expander',
  'drop',
  'enrich',
  'fail',
  'fingerprint',
  'foreach',
  'geoip',
  'grok',
  'gsub',
  'html_strip',
  'inference',
  'join',
  'json',
  'kv',
  'lowercase',
  'network_direction',
  'pipeline',
  'redact',
  'registered_domain',
  'remove',
  'rename',
  'reroute',
  'script',
  'set',
  'set_security_user',
  'sort',
  'split',
  'terminate',
  'trim',
  'uppercase',
  'uri_parts',
  'urldecode',
  'user_agent',
]);

function parseError(reason: string, extra: Record<string, unknown> = {}): EsError {
  return new EsError(400, 'parse_exception', reason, extra);
}

export function validatePipeline(body: Record<string, unknown>): void {
  if (!isPlainObject(body)) throw parseError('request body is required');
  if (body.processors === undefined) throw parseError('[processors] required property is missing', { property_name: 'processors' });
  if (!Array.isArray(body.processors)) throw parseError('[processors] property isn\'t a list, but of type [java.lang.String]', { property_name: 'processors' });
  const check = (list: unknown[]): void => {
    for (const p of list) {
      if (!isPlainObject(p) || Object.keys(p).length !== 1) throw parseError('processor [null] doesn\'t support one or more provided configuration parameters');
      const type = Object.keys(p)[0] as string;
      if (!PROCESSOR_TYPES.has(type)) throw parseError(`No processor type exists with name [${type}]`, { processor_type: type });
      const cfg = p[type];
      if (!isPlainObject(cfg)) throw parseError(`[${type}] processor configuration must be an object`, { processor_type: type });
      if (Array.isArray(cfg.on_failure)) check(cfg.on_failure);
      if (['set', 'rename', 'remove', 'lowercase', 'uppercase', 'trim', 'append', 'convert', 'csv', 'date', 'grok', 'dissect', 'gsub', 'split', 'join', 'json', 'kv'].includes(type) && cfg.field === undefined) {
        throw parseError('[field] required property is missing', { processor_type: type, property_name: 'field' });
      }
      if (type === 'csv') validateCsv(cfg);
    }
  };
  check(body.processors as unknown[]);
  if (Array.isArray(body.on_failure)) check(body.on_failure);
}

/** `CsvProcessor.Factory`'s checks (messages as Elasticsearch words them). */
function validateCsv(cfg: Record<string, unknown>): void {
  const fail = (property: string, reason: string) => parseError(`[${property}] ${reason}`, { processor_type: 'csv', property_name: property });
  if (cfg.target_fields === undefined) throw fail('target_fields', 'required property is missing');
  const targets = Array.isArray(cfg.target_fields) ? cfg.target_fields : [cfg.target_fields];
  if (targets.length === 0) throw fail('target_fields', 'target fields list can\'t be empty');
  if (cfg.separator !== undefined && String(cfg.separator).length !== 1) throw fail('separator', 'separator has to be single character like , or ;');
  if (cfg.quote !== undefined && String(cfg.quote).length !== 1) throw fail('quote', 'quote has to be single character like " or \'');
}

type Doc = Record<string, unknown>;

function getPath(doc: Doc, path: string): unknown {
  let cur: unknown = doc;
  for (const part of path.split('.')) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

function setPath(doc: Doc, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur: Doc = doc;
  for (let i = 0; i < parts.length - 1; i += 1) {
    const k = parts[i] as string;
    if (!isPlainObject(cur[k])) cur[k] = {};
    cur = cur[k] as Doc;
  }
  cur[parts[parts.length - 1] as string] = value;
}

function removePath(doc: Doc, path: string): boolean {
  const parts = path.split('.');
  let cur: unknown = doc;
  for (let i = 0; i < parts.length - 1; i += 1) {
    if (!isPlainObject(cur)) return false;
    cur = cur[parts[i] as string];
  }
  if (!isPlainObject(cur)) return false;
  const last = parts[parts.length - 1] as string;
  if (!(last in cur)) return false;
  delete cur[last];
  return true;
}

function template(v: unknown, doc: Doc, now: number): unknown {
  if (typeof v !== 'string' || !v.includes('{{')) return v;
  return v.replace(/\{\{\{?\s*([^}\s]+)\s*\}?\}\}/g, (_m, name: string) => {
    if (name === '_ingest.timestamp') return new Date(now).toISOString();
    const val = getPath(doc, name);
    return val === undefined || val === null ? '' : typeof val === 'object' ? JSON.stringify(val) : String(val);
  });
}

/** `DateProcessor`'s default `output_format`. */
const DATE_PROCESSOR_OUTPUT = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX";

function processorZone(timezone: unknown, doc: Doc, now: number): Zone {
  if (timezone === undefined || timezone === null) return UTC;
  const id = String(template(timezone, doc, now));
  try {
    return parseZone(id);
  } catch (error) {
    if (error instanceof DateParseError) throw new EsError(400, 'illegal_argument_exception', id === '' ? 'Invalid ID for ZoneOffset, invalid format: ' : error.message);
    throw error;
  }
}

/** `ConvertProcessor.Type` for the types the structure finder proposes and a few more. */
function convertValue(x: unknown, type: string): unknown {
  const text = String(x);
  const fail = (): never => {
    throw new EsError(400, 'illegal_argument_exception', `unable to convert [${text}] to ${type}`);
  };
  switch (type) {
    case 'integer':
    case 'long': {
      if (typeof x === 'number' && Number.isInteger(x)) return x;
      if (!/^[+-]?\d+$/.test(text.trim())) fail();
      const n = Number(text);
      if (type === 'integer' && (n > 2_147_483_647 || n < -2_147_483_648)) fail();
      return n;
    }
    case 'float':
    case 'double': {
      if (typeof x === 'number') return x;
      const n = Number(text.trim());
      if (text.trim() === '' || Number.isNaN(n)) fail();
      return n;
    }
    case 'string':
      return text;
    case 'boolean':
      if (typeof x === 'boolean') return x;
      if (text.toLowerCase() === 'true') return true;
      if (text.toLowerCase() === 'false') return false;
      return fail();
    default:
      return x;
  }
}

/**
 * One CSV record the way ES's `CsvParser` reads it: fields split on the separator, quoted fields
 * with doubled quotes inside, `trim` dropping blanks around unquoted fields. A line without the
 * quote character is split directly (the same result, and most CSV rows have no quotes);
 * others go through csv-parse.
 */
export function splitCsvLine(line: string, separator: string, quote: string, trim: boolean): string[] {
  const end = line.search(/[\r\n]/);
  const record = end === -1 ? line : line.slice(0, end);
  if (!record.includes(quote)) {
    const parts = record.split(separator);
    return trim ? parts.map((p) => p.replace(/^[ \t]+|[ \t]+$/g, '')) : parts;
  }
  try {
    const rows = parseCsv(record, { delimiter: separator, quote, escape: quote, trim, relax_column_count: true, skip_empty_lines: false }) as string[][];
    return rows[0] ?? [''];
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    if (error.code === 'CSV_QUOTE_NOT_CLOSED') throw new EsError(400, 'illegal_argument_exception', 'Unmatched quote');
    if ((error.code as string) === 'INVALID_OPENING_QUOTE') throw new EsError(400, 'illegal_argument_exception', `Illegal character inside unquoted field at ${record.indexOf(quote)}`);
    const at = record.indexOf(quote, record.indexOf(quote) + 1) + 1;
    throw new EsError(400, 'illegal_argument_exception', `character '${record.charAt(at)}' after quoted field at ${at}`);
  }
}

export interface PipelineRunner {
  get(id: string): Record<string, unknown> | undefined;
  now: number;
}

/** Runs a pipeline on a copy of `doc`; returns undefined when a `drop` processor dropped it. */
export function runPipeline(id: string, doc: Doc, runner: PipelineRunner, depth = 0): Doc | undefined {
  const p = runner.get(id);
  if (!p) throw new EsError(400, 'illegal_argument_exception', `pipeline with id [${id}] does not exist`);
  if (depth > 10) throw new EsError(400, 'illegal_argument_exception', `Cycle detected for pipeline: ${id}`);
  let out: Doc | undefined = structuredClone(doc);
  for (const proc of (p.processors as unknown[]) ?? []) {
    if (!out) break;
    out = runProcessor(proc as Record<string, Record<string, unknown>>, out, runner, depth);
  }
  return out;
}

function runProcessor(proc: Record<string, Record<string, unknown>>, doc: Doc, runner: PipelineRunner, depth: number): Doc | undefined {
  const type = Object.keys(proc)[0] as string;
  const c = proc[type] as Record<string, unknown>;
  if (c.if !== undefined) return doc;
  const field = typeof c.field === 'string' ? (template(c.field, doc, runner.now) as string) : '';
  const missing = (): Doc => {
    if (c.ignore_missing === true || c.ignore_failure === true) return doc;
    throw new EsError(400, 'illegal_argument_exception', `field [${field}] not present as part of path [${field}]`);
  };
  try {
    switch (type) {
      case 'set': {
        if (c.override === false && getPath(doc, field) !== undefined) return doc;
        const v = c.copy_from !== undefined ? structuredClone(getPath(doc, String(c.copy_from))) : template(c.value, doc, runner.now);
        setPath(doc, field, v);
        return doc;
      }
      case 'rename': {
        const v = getPath(doc, field);
        if (v === undefined) return missing();
        removePath(doc, field);
        setPath(doc, String(c.target_field), v);
        return doc;
      }
      case 'remove': {
        const fields = Array.isArray(c.field) ? c.field.map(String) : [String(c.field)];
        for (const f of fields) if (!removePath(doc, f) && c.ignore_missing !== true && c.ignore_failure !== true) throw new EsError(400, 'illegal_argument_exception', `field [${f}] not present as part of path [${f}]`);
        return doc;
      }
      case 'lowercase':
      case 'uppercase':
      case 'trim': {
        const v = getPath(doc, field);
        if (v === undefined || v === null) return missing();
        const f = (s: unknown) => (type === 'lowercase' ? String(s).toLowerCase() : type === 'uppercase' ? String(s).toUpperCase() : String(s).trim());
        setPath(doc, typeof c.target_field === 'string' ? c.target_field : field, Array.isArray(v) ? v.map(f) : f(v));
        return doc;
      }
      case 'append': {
        const cur = getPath(doc, field);
        const add = (Array.isArray(c.value) ? c.value : [c.value]).map((x) => template(x, doc, runner.now));
        const list = cur === undefined ? [] : Array.isArray(cur) ? [...cur] : [cur];
        for (const a of add) if (c.allow_duplicates !== false || !list.includes(a)) list.push(a);
        setPath(doc, field, list);
        return doc;
      }
      case 'convert': {
        const v = getPath(doc, field);
        if (v === undefined) return missing();
        const conv = (x: unknown): unknown => convertValue(x, String(c.type));
        setPath(doc, typeof c.target_field === 'string' ? c.target_field : field, Array.isArray(v) ? v.map(conv) : conv(v));
        return doc;
      }
      case 'csv': {
        const v = getPath(doc, field);
        if (v === undefined || v === null) return missing();
        const targets = (Array.isArray(c.target_fields) ? c.target_fields : [c.target_fields]).map(String);
        const values = splitCsvLine(String(v), typeof c.separator === 'string' ? c.separator : ',', typeof c.quote === 'string' ? c.quote : '"', c.trim === true);
        for (let i = 0; i < targets.length && i < values.length; i += 1) {
          const value = values[i] as string;
          // Empty fields are skipped unless `empty_value` says what to put there.
          if (value === '') {
            if (c.empty_value !== undefined) setPath(doc, targets[i] as string, c.empty_value);
          } else setPath(doc, targets[i] as string, value);
        }
        return doc;
      }
      case 'date': {
        const v = getPath(doc, field);
        if (v === undefined) return missing();
        const formats = Array.isArray(c.formats) ? c.formats.map(String) : ['ISO8601'];
        const zone = processorZone(c.timezone, doc, runner.now);
        let ms: number | undefined;
        for (const f of formats) {
          if (f === 'UNIX') ms = Number(v) * 1000;
          else if (f === 'UNIX_MS') ms = Number(v);
          else if (f === 'ISO8601') ms = parseDate(v, 'date_optional_time', zone);
          else ms = parseDate(v, f, zone);
          if (ms !== undefined && Number.isFinite(ms)) break;
        }
        if (ms === undefined || !Number.isFinite(ms)) throw new EsError(400, 'illegal_argument_exception', `unable to parse date [${String(v)}]`);
        // The output keeps the processor's zone, as ES formats the parsed ZonedDateTime.
        setPath(doc, typeof c.target_field === 'string' ? c.target_field : '@timestamp', formatDate(ms, typeof c.output_format === 'string' ? c.output_format : DATE_PROCESSOR_OUTPUT, zone));
        return doc;
      }
      case 'pipeline':
        return runPipeline(String(template(c.name, doc, runner.now)), doc, runner, depth + 1);
      case 'fail':
        throw new EsError(500, 'fail_processor_exception', String(template(c.message, doc, runner.now)));
      case 'drop':
        return undefined;
      default:
        return doc;
    }
  } catch (e) {
    if (c.ignore_failure === true) return doc;
    throw e;
  }
}
