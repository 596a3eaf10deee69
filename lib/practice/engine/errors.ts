import { EsError } from './api';

/** The errors Elasticsearch answers with, built with ES's own types, reasons and extra fields. */

export type ErrorBody = { type: string; reason: string; [k: string]: unknown };

/** Renders an EsError as ES's `error` object (what goes under `{"error": ..., "status": N}`). */
export function esErrorBody(e: EsError): ErrorBody & { root_cause: ErrorBody[] } {
  const own: ErrorBody = { type: e.type, reason: e.reason, ...e.extra };
  const body: ErrorBody & { root_cause: ErrorBody[] } = { root_cause: e.rootCause ?? [own], ...own };
  if (e.causedBy) body.caused_by = e.causedBy;
  return body;
}

/** The `{error, status}` envelope ES sends, for per-item answers (msearch). */
export function esErrorEnvelope(e: EsError): { error: ReturnType<typeof esErrorBody>; status: number } {
  return { error: esErrorBody(e), status: e.status };
}

export function indexNotFound(name: string): EsError {
  return new EsError(404, 'index_not_found_exception', `no such index [${name}]`, {
    'resource.type': 'index_or_alias',
    'resource.id': name,
    index_uuid: '_na_',
    index: name,
  });
}

export function illegalArgument(reason: string, extra: Record<string, unknown> = {}): EsError {
  return new EsError(400, 'illegal_argument_exception', reason, extra);
}

export function resourceNotFound(reason: string): EsError {
  return new EsError(404, 'resource_not_found_exception', reason);
}

export function actionValidation(...problems: string[]): EsError {
  const reason = `Validation Failed: ${problems.map((p, i) => `${i + 1}: ${p};`).join('')}`;
  return new EsError(400, 'action_request_validation_exception', reason);
}

export interface Location {
  line: number;
  col: number;
}

export function parsingException(reason: string, loc: Location, causedBy?: ErrorBody): EsError {
  return new EsError(400, 'parsing_exception', reason, { line: loc.line, col: loc.col }, causedBy);
}

export function xContentParse(loc: Location, reason: string, causedBy?: ErrorBody): EsError {
  return new EsError(400, 'x_content_parse_exception', `[${loc.line}:${loc.col}] ${reason}`, {}, causedBy);
}

/** A failure of the query phase on one index: ES reports it as `search_phase_execution_exception` with the shard's reason. */
export class ShardFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.reason);
  }
}

export function queryShard(reason: string, causedBy?: ErrorBody): ShardFailure {
  const body: ErrorBody = { type: 'query_shard_exception', reason };
  if (causedBy) body.caused_by = causedBy;
  return new ShardFailure(400, body);
}

export function shardIllegalArgument(reason: string): ShardFailure {
  return new ShardFailure(400, { type: 'illegal_argument_exception', reason });
}

export interface ShardFailureReport {
  shard: number;
  index: string;
  node: string;
  reason: ErrorBody;
}

export function searchPhaseError(failures: ShardFailureReport[], status: number): EsError {
  const roots: ErrorBody[] = [];
  const seen = new Set<string>();
  for (const f of failures) {
    const key = `${f.reason.type}\u0000${f.reason.reason}`;
    if (seen.has(key)) continue;
    seen.add(key);
    roots.push(rootOf(f.reason));
  }
  const grouped = groupFailures(failures);
  const first = grouped[0]?.reason;
  const causedBy = first ? (first.caused_by as ErrorBody | undefined) ?? first : undefined;
  return new EsError(status, 'search_phase_execution_exception', 'all shards failed', { phase: 'query', grouped: true, failed_shards: grouped }, causedBy, roots);
}

/** ES lists one failure per distinct reason (`grouped: true`). */
export function groupFailures(failures: ShardFailureReport[]): ShardFailureReport[] {
  const out: ShardFailureReport[] = [];
  const seen = new Set<string>();
  for (const f of failures) {
    const key = `${f.reason.type}\u0000${f.reason.reason}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(f);
  }
  return out;
}

function rootOf(body: ErrorBody): ErrorBody {
  const { caused_by: _causedBy, ...rest } = body;
  return rest as ErrorBody;
}

/**
 * Where a value sits in the body as the client sent it. The official clients send compact
 * `JSON.stringify` output, so line 1 and the 1-based column of the value's first character is what
 * ES's parser reports.
 */
export function locate(root: unknown, path: readonly (string | number)[]): Location {
  let offset = 0;
  let node: unknown = root;
  for (const step of path) {
    if (Array.isArray(node)) {
      offset += 1;
      const i = typeof step === 'number' ? step : Number(step);
      for (let k = 0; k < i && k < node.length; k += 1) offset += jsonLength(node[k]) + 1;
      node = node[i];
    } else if (node !== null && typeof node === 'object') {
      offset += 1;
      const rec = node as Record<string, unknown>;
      let found = false;
      for (const [k, v] of Object.entries(rec)) {
        if (v === undefined) continue;
        if (k === String(step)) {
          offset += JSON.stringify(k).length + 1;
          node = v;
          found = true;
          break;
        }
        offset += JSON.stringify(k).length + 1 + jsonLength(v) + 1;
      }
      if (!found) break;
    } else {
      break;
    }
  }
  return { line: 1, col: offset + 1 };
}

function jsonLength(v: unknown): number {
  const s = JSON.stringify(v);
  return s === undefined ? 4 : s.length;
}

/** ES's names for the JSON token a parser found where it expected something else. */
export function tokenName(v: unknown): string {
  if (v === null) return 'VALUE_NULL';
  if (Array.isArray(v)) return 'START_ARRAY';
  switch (typeof v) {
    case 'object':
      return 'START_OBJECT';
    case 'string':
      return 'VALUE_STRING';
    case 'number':
      return 'VALUE_NUMBER';
    case 'boolean':
      return 'VALUE_BOOLEAN';
    default:
      return 'VALUE_NULL';
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
