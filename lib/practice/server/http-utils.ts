import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import { EsError, type Flavor } from '../engine/api';
import { simpleMatch } from '../engine/wildcard';

/**
 * HTTP details the official clients rely on: compatibility media types, request bodies (possibly
 * gzip-compressed), JSON rendering with `pretty` and `filter_path`, and ES's error envelopes.
 */

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

/** Elasticsearch's default `http.max_content_length`. */
/**
 * A signal aborted when the client goes away before its answer has been written. `close` follows
 * every answer too, and aborting then would build a DOMException with its stack on every request
 * (3.5 % of the practice cluster's CPU under a 500-attendee class).
 */
export function abortWhenClientLeaves(res: { once(event: 'close', listener: () => void): unknown; readonly writableFinished: boolean }): AbortController {
  const gone = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) gone.abort();
  });
  return gone;
}

export const MAX_CONTENT_LENGTH = 100 * 1024 * 1024;

export class PayloadTooLarge extends Error {}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_CONTENT_LENGTH) throw new PayloadTooLarge();
    chunks.push(buf);
  }
  const raw = Buffer.concat(chunks);
  const encoding = String(req.headers['content-encoding'] ?? '').toLowerCase();
  if (raw.length === 0) return raw;
  if (encoding === 'gzip') return gunzipAsync(raw);
  if (encoding === 'deflate') return inflateAsync(raw);
  return raw;
}

// ---------------------------------------------------------------------------------------------
// Media types

export interface Negotiation {
  /** The `compatible-with` version the client asked for, if it used the vendor media type. */
  compatibleWith: number | null;
}

const VND = /^application\/vnd\.elasticsearch\+(json|x-ndjson|yaml|smile|cbor)\s*;\s*compatible-with\s*=\s*(\d+)/i;

function versionOf(header: string | undefined): { vendor: boolean; version: number | null } {
  if (!header) return { vendor: false, version: null };
  for (const part of header.split(',')) {
    const m = VND.exec(part.trim());
    if (m) return { vendor: true, version: Number(m[2]) };
  }
  return { vendor: false, version: null };
}

/**
 * Checks Accept / Content-Type as the flavour's release does. 8.x accepts `compatible-with` 7 and
 * 8 and requires both headers to agree; 7.x knows only 7 and answers 406 to anything else.
 */
export function negotiate(flavor: Flavor, accepted: readonly number[], accept: string | undefined, contentType: string | undefined, hasBody: boolean): Negotiation {
  const a = versionOf(accept);
  const c = hasBody ? versionOf(contentType) : { vendor: false, version: null };
  if (flavor === '7') {
    for (const [which, v, header] of [['Content-Type', c, contentType], ['Accept', a, accept]] as const) {
      if (v.vendor && v.version !== null && !accepted.includes(v.version)) {
        throw new EsError(406, 'media_type_header_exception', `${which} header [${header}] is not supported`, { simpleBody: true });
      }
    }
    return { compatibleWith: a.version ?? c.version };
  }
  for (const [name, v, header] of [['Accept', a, accept], ['Content-Type', c, contentType]] as const) {
    if (v.vendor && v.version !== null && !accepted.includes(v.version)) {
      throw new EsError(400, 'media_type_header_exception', `Invalid media-type value on headers [${name}]`, {}, {
        type: 'status_exception',
        reason: `${name} version must be either version ${accepted[accepted.length - 1]} or ${accepted[0]}, but found ${v.version}. ${name}=${header}`,
      });
    }
  }
  if (hasBody && a.vendor !== c.vendor && accept !== undefined && contentType !== undefined && !/^\s*\*\/\*\s*$/.test(accept)) {
    throw new EsError(400, 'media_type_header_exception', 'Invalid media-type value on headers [Content-Type, Accept]', {}, {
      type: 'status_exception',
      reason: `A compatible version is required on both Content-Type and Accept headers if either one has requested a compatible version and the compatible versions must match. Accept=${accept}, Content-Type=${contentType}`,
    });
  }
  if (a.vendor && c.vendor && a.version !== c.version) {
    throw new EsError(400, 'media_type_header_exception', 'Invalid media-type value on headers [Content-Type, Accept]', {}, {
      type: 'status_exception',
      reason: `A compatible version is required on both Content-Type and Accept headers if either one has requested a compatible version and the compatible versions must match. Accept=${accept}, Content-Type=${contentType}`,
    });
  }
  return { compatibleWith: a.version ?? c.version };
}

export function jsonContentType(n: Negotiation): string {
  return n.compatibleWith === null ? 'application/json' : `application/vnd.elasticsearch+json;compatible-with=${n.compatibleWith}`;
}

// ---------------------------------------------------------------------------------------------
// JSON in

/** Line and column (1-based) of a character offset, as Jackson reports them. */
function location(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let col = 1;
  for (let i = 0; i < offset && i < text.length; i += 1) {
    if (text[i] === '\n') {
      line += 1;
      col = 1;
    } else col += 1;
  }
  return { line, col };
}

function jsonErrorOffset(error: unknown, text: string): number {
  const message = error instanceof Error ? error.message : '';
  const m = /position (\d+)/.exec(message);
  return m ? Number(m[1]) : text.length;
}

/** Jackson's wording for the common JSON mistakes, so messages read like ES's. */
function jacksonReason(text: string, offset: number): string {
  if (offset >= text.trimEnd().length) {
    return 'Unexpected end-of-input: expected close marker for Object (start marker at [Source: (byte[])' + JSON.stringify(text.slice(0, 200)) + '; line: 1, column: 1])';
  }
  const ch = text[offset] ?? '';
  const code = ch.charCodeAt(0);
  const before = text.slice(0, offset).trimEnd();
  if (before.endsWith('{') || before.endsWith(',')) {
    return `Unexpected character ('${ch}' (code ${code})): was expecting double-quote to start field name`;
  }
  return `Unexpected character ('${ch}' (code ${code})): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')`;
}

/** A JSON object body, or undefined for an empty body; ES's 400s for anything else. */
export function parseJsonObject(buf: Buffer | null): Record<string, unknown> | undefined {
  if (!buf || buf.length === 0) return undefined;
  const text = buf.toString('utf8');
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const offset = jsonErrorOffset(error, text);
    const loc = location(text, offset);
    const reason = jacksonReason(text, offset);
    throw new EsError(400, 'x_content_parse_exception', `[${loc.line}:${loc.col}] ${reason}`, {}, { type: 'json_parse_exception', reason });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EsError(400, 'parse_exception', 'request body or source parameter is required');
  }
  return value as Record<string, unknown>;
}

/** A document body: ES reports malformed JSON in a document as a parsing failure of the document. */
export function parseDocument(buf: Buffer | null, flavor: Flavor): Record<string, unknown> {
  if (!buf || buf.length === 0 || buf.toString('utf8').trim() === '') {
    throw new EsError(400, 'action_request_validation_exception', 'Validation Failed: 1: source is missing;2: content type is missing;');
  }
  const text = buf.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const offset = jsonErrorOffset(error, text);
    const loc = location(text, offset);
    const reason = jacksonReason(text, offset);
    const cause = { type: 'json_parse_exception', reason: `${reason}\n at [Source: (byte[])${JSON.stringify(text.slice(0, 200))}; line: ${loc.line}, column: ${loc.col}]` };
    if (flavor !== '7') throw new EsError(400, 'document_parsing_exception', `[${loc.line}:${loc.col}] failed to parse: ${reason}`, {}, cause);
    throw new EsError(400, 'mapper_parsing_exception', 'failed to parse', {}, cause);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const cause = { type: 'not_x_content_exception', reason: 'Compressor detection can only be called on some xcontent bytes or compressed xcontent bytes' };
    if (flavor !== '7') throw new EsError(400, 'document_parsing_exception', '[1:1] failed to parse', {}, cause);
    throw new EsError(400, 'mapper_parsing_exception', 'failed to parse', {}, cause);
  }
  return value as Record<string, unknown>;
}

/** The lines of an NDJSON body (`_bulk`, `_msearch`), with ES's errors for an empty or unterminated one. */
export function ndjsonLines(body: Buffer | null): string[] {
  const text = body ? body.toString('utf8') : '';
  if (text.trim() === '') throw new EsError(400, 'action_request_validation_exception', 'Validation Failed: 1: no requests added;');
  if (!text.endsWith('\n')) throw new EsError(400, 'illegal_argument_exception', 'The bulk request must be terminated by a newline [\\n]');
  const lines = text.split('\n');
  lines.pop();
  return lines.map((l) => l.replace(/\r$/, ''));
}

// ---------------------------------------------------------------------------------------------
// JSON out

/** Elasticsearch's pretty printer: two-space indent and `"key" : value`. */
export function prettyJson(value: unknown, indent = ''): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[ ]';
    return `[\n${value.map((v) => inner + prettyJson(v === undefined ? null : v, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{ }';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)} : ${prettyJson(v, inner)}`).join(',\n')}\n${indent}}`;
}

function segmentMatches(pattern: string, key: string): boolean {
  if (pattern === '*') return true;
  if (!pattern.includes('*')) return pattern === key;
  return simpleMatch(pattern, key);
}

/** Keeps what the `filter_path` patterns (each a list of segments, `*` and `**` allowed) select. */
function includePaths(value: unknown, patterns: string[][]): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => includePaths(v, patterns)).filter((v) => v !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const next: string[][] = [];
    let whole = false;
    const consider = (p: string[]) => {
      const [head, ...rest] = p;
      if (head === undefined) return;
      if (head === '**') {
        next.push(p);
        consider(rest);
        return;
      }
      if (!segmentMatches(head, key)) return;
      if (rest.length === 0) whole = true;
      else next.push(rest);
    };
    patterns.forEach(consider);
    if (whole) out[key] = child;
    else if (next.length > 0) {
      const filtered = includePaths(child, next);
      if (filtered !== undefined) out[key] = filtered;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function removePath(value: unknown, path: string[]): unknown {
  if (path.length === 0 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => removePath(v, path));
  const [head, ...rest] = path as [string, ...string[]];
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (segmentMatches(head, key)) {
      if (rest.length === 0) continue;
      out[key] = removePath(child, rest);
    } else out[key] = child;
  }
  return out;
}

/** `filter_path`: comma-separated dotted paths with `*` and `**`; a leading `-` excludes. */
export function filterPath(value: unknown, spec: string): unknown {
  const paths = spec.split(',').map((p) => p.trim()).filter(Boolean);
  const include = paths.filter((p) => !p.startsWith('-'));
  const exclude = paths.filter((p) => p.startsWith('-')).map((p) => p.slice(1));
  let out: unknown = value;
  if (include.length > 0) out = includePaths(value, include.map((p) => p.split('.'))) ?? {};
  for (const p of exclude) out = removePath(out, p.split('.'));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Errors

type ErrorObject = { type: string; reason: string; [k: string]: unknown };

/** `{error: {root_cause, type, reason, ...}, status}` for an EsError; a few ES errors use a plain string. */
export function errorBody(e: EsError): Record<string, unknown> {
  const { simpleBody, ...extra } = e.extra as Record<string, unknown> & { simpleBody?: boolean };
  if (simpleBody) return { error: e.reason, status: e.status };
  const own: ErrorObject = { type: e.type, reason: e.reason, ...extra };
  const error: Record<string, unknown> = { root_cause: e.rootCause ?? [own], ...own };
  if (e.causedBy) error.caused_by = e.causedBy;
  return { error, status: e.status };
}
