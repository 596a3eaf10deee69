import { EsError, type BulkAction, type BulkItemResult, type Flavor } from '../engine/api';
import { bulkItemAction, indexForbidden, INDEX_ACTIONS } from '../security';
import { authorizeTarget, NO_AUTHORISED_INDEX, requireIndex } from './authz';
import type { EsContext, EsHandler, EsReply } from './context';
import { errorBody, ndjsonLines, parseDocument, parseJsonObject } from './http-utils';
import { boolParam, intParam, refreshParam, searchParams } from './params';
import { waitForRefresh } from './refresh-wait';
import type { Router } from './router';

/** Documents, `_bulk`, `_mget`, the by-query APIs and `_reindex`. */

function engine(ctx: EsContext) {
  return ctx.deployment.engine;
}

// ---------------------------------------------------------------------------------------------
// Single documents

export async function indexDocument(ctx: EsContext, opType?: 'create'): Promise<EsReply> {
  const index = ctx.params.index as string;
  const id = ctx.params.id;
  // Elasticsearch's REST layer makes a write without an id a create (RestIndexAction's auto-id handler),
  // which is why `POST /<data stream>/_doc` is accepted while `PUT /<data stream>/_doc/<id>` is not.
  const op = opType ?? (ctx.query.has('op_type') ? (ctx.query.get('op_type') === 'create' ? 'create' : 'index') : id === undefined ? 'create' : 'index');
  if (ctx.query.has('op_type') && !['create', 'index'].includes(ctx.query.get('op_type') ?? '')) {
    throw new EsError(400, 'illegal_argument_exception', `opType must be 'create' or 'index', found: [${ctx.query.get('op_type')}]`);
  }
  requireIndex(ctx, index, op === 'create' ? INDEX_ACTIONS.create : INDEX_ACTIONS.index);
  if (!ctx.permissions.unrestricted && !engine(ctx).indexExists(index)) requireIndex(ctx, index, INDEX_ACTIONS.autoCreate);
  const doc = parseDocument(ctx.body, ctx.deployment.flavor);
  const refresh = refreshParam(ctx.query);
  const result = engine(ctx).index(index, doc, {
    id,
    opType: op,
    pipeline: ctx.query.get('pipeline') ?? undefined,
    refresh: refresh === 'true',
  });
  if (refresh === 'wait_for') await waitForRefresh(ctx, [{ index: result._index, seqNo: result._seq_no }]);
  return { status: result.result === 'created' ? 201 : 200, body: result, headers: { Location: `/${encodeURIComponent(result._index)}/_doc/${encodeURIComponent(result._id)}` } };
}

export function getDocument(ctx: EsContext): EsReply {
  requireIndex(ctx, ctx.params.index as string, INDEX_ACTIONS.get);
  const result = engine(ctx).get(ctx.params.index as string, ctx.params.id as string);
  return { status: result.found ? 200 : 404, body: result };
}

export function documentExists(ctx: EsContext): EsReply {
  requireIndex(ctx, ctx.params.index as string, INDEX_ACTIONS.get);
  try {
    return { status: engine(ctx).get(ctx.params.index as string, ctx.params.id as string).found ? 200 : 404 };
  } catch (error) {
    if (error instanceof EsError && error.status === 404) return { status: 404 };
    throw error;
  }
}

export function getSource(ctx: EsContext): EsReply {
  requireIndex(ctx, ctx.params.index as string, INDEX_ACTIONS.get);
  const result = engine(ctx).get(ctx.params.index as string, ctx.params.id as string);
  if (!result.found) {
    throw new EsError(404, 'resource_not_found_exception', `Document not found [${ctx.params.index}]/[${ctx.params.id}]`);
  }
  return { body: result._source };
}

export async function deleteDocument(ctx: EsContext): Promise<EsReply> {
  requireIndex(ctx, ctx.params.index as string, INDEX_ACTIONS.delete);
  const refresh = refreshParam(ctx.query);
  const result = engine(ctx).delete(ctx.params.index as string, ctx.params.id as string, { refresh: refresh === 'true' });
  if (refresh === 'wait_for' && result._seq_no !== undefined) await waitForRefresh(ctx, [{ index: result._index, seqNo: result._seq_no }]);
  return { status: result.result === 'not_found' ? 404 : 200, body: result };
}

export async function updateDocument(ctx: EsContext): Promise<EsReply> {
  const index = ctx.params.index as string;
  requireIndex(ctx, index, INDEX_ACTIONS.update);
  const body = parseJsonObject(ctx.body);
  if (!body) throw new EsError(400, 'action_request_validation_exception', 'Validation Failed: 1: script or doc is missing;');
  const refresh = refreshParam(ctx.query);
  const result = engine(ctx).bulk([{ op: 'update', index, id: ctx.params.id, source: body }], { refresh: refresh === 'true' });
  const item = result.items[0]?.update;
  if (!item) throw new EsError(500, 'exception', 'update produced no result');
  if (item.error) {
    const { type, reason, caused_by: causedBy, ...extra } = item.error;
    throw new EsError(item.status, type, reason, extra, causedBy as { type: string; reason: string } | undefined);
  }
  if (refresh === 'wait_for' && item.result !== 'noop' && item._seq_no !== undefined) await waitForRefresh(ctx, [{ index: item._index, seqNo: item._seq_no }]);
  const { status, ...rest } = item;
  return { status, body: rest };
}

// ---------------------------------------------------------------------------------------------
// _bulk

function malformed(line: number, what: string): EsError {
  return new EsError(400, 'illegal_argument_exception', `Malformed action/metadata line [${line}], ${what}`);
}

/** The token Jackson reports for a JSON value. */
function tokenOf(value: unknown): string {
  if (value === null) return 'VALUE_NULL';
  if (Array.isArray(value)) return 'START_ARRAY';
  switch (typeof value) {
    case 'object':
      return 'START_OBJECT';
    case 'string':
      return 'VALUE_STRING';
    case 'number':
      return 'VALUE_NUMBER';
    case 'boolean':
      return 'VALUE_BOOLEAN';
    default:
      return 'VALUE_EMBEDDED_OBJECT';
  }
}

const BULK_OPS = new Set(['index', 'create', 'update', 'delete']);
/** Metadata keys of an action line (BulkRequestParser); `_type` only before 8.0. */
const BULK_META = new Set(['_index', '_id', 'routing', 'op_type', 'version', 'version_type', 'if_seq_no', 'if_primary_term', 'retry_on_conflict', 'pipeline', '_source', 'require_alias', 'require_data_stream', 'list_executed_pipelines', 'dynamic_templates']);
const BULK_OBJECT_META = new Set(['_source', 'dynamic_templates']);

interface ParsedBulkItem {
  op: BulkAction['op'];
  index?: string;
  id?: string;
  pipeline?: string;
  source?: Record<string, unknown>;
  /** A per-item failure decided before the engine sees the item. */
  error?: EsError;
}

/**
 * One action/metadata line, checked in the order and with the messages of Elasticsearch's
 * BulkRequestParser. 9.x also refuses keys after the action's object (8.x only warns, 7.x ignores).
 */
function parseActionLine(ctx: EsContext, text: string, line: number): ParsedBulkItem {
  let action: unknown;
  try {
    action = JSON.parse(text);
  } catch {
    // Jackson's syntax error, as a request body's would read.
    parseJsonObject(Buffer.from(text));
    throw malformed(line, 'expected START_OBJECT but found [VALUE_STRING]');
  }
  if (tokenOf(action) !== 'START_OBJECT') throw malformed(line, `expected START_OBJECT but found [${tokenOf(action)}]`);
  const entries = Object.entries(action as Record<string, unknown>);
  const first = entries[0];
  if (first === undefined) throw malformed(line, 'expected FIELD_NAME but found [END_OBJECT]');
  const [op, meta] = first;
  if (!BULK_OPS.has(op)) throw malformed(line, `expected field [create], [delete], [index] or [update] but found [${op}]`);
  if (tokenOf(meta) !== 'START_OBJECT') throw malformed(line, `expected START_OBJECT or END_OBJECT but found [${tokenOf(meta)}]`);
  const item: ParsedBulkItem = { op: op as BulkAction['op'] };
  const flavor = ctx.deployment.flavor;
  for (const [key, value] of Object.entries(meta as Record<string, unknown>)) {
    if (key === '_type' && flavor === '7') continue;
    const token = tokenOf(value);
    if (token === 'START_ARRAY' || (token === 'START_OBJECT' && !BULK_OBJECT_META.has(key))) {
      throw malformed(line, `expected a simple value for field [${key}] but found [${token}]`);
    }
    if (!BULK_META.has(key)) throw new EsError(400, 'illegal_argument_exception', `Action/metadata line [${line}] contains an unknown parameter [${key}]`);
    if (value === null) continue;
    if (key === '_index') item.index = String(value);
    else if (key === '_id') item.id = String(value);
    else if (key === 'pipeline') item.pipeline = String(value);
  }
  if (entries.length > 1 && flavor === '9') throw malformed(line, 'expected END_OBJECT but found [FIELD_NAME]');
  return item;
}

function parseBulk(ctx: EsContext): ParsedBulkItem[] {
  const lines = ndjsonLines(ctx.body);
  const items: ParsedBulkItem[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    const item = parseActionLine(ctx, line, i + 1);
    if (item.op !== 'delete') {
      i += 1;
      const sourceLine = lines[i];
      // An action without its document line at the end of the body is dropped, as ES drops it.
      if (sourceLine === undefined) break;
      try {
        item.source = parseDocument(Buffer.from(sourceLine), ctx.deployment.flavor);
      } catch (error) {
        if (!(error instanceof EsError)) throw error;
        item.error = error;
      }
    }
    items.push(item);
  }
  if (items.length === 0) throw new EsError(400, 'action_request_validation_exception', 'Validation Failed: 1: no requests added;');
  return items;
}

function itemError(op: string, index: string, id: string | undefined, error: EsError): BulkItemResult {
  const body = errorBody(error).error as Record<string, unknown>;
  const { root_cause: _rootCause, ...rest } = body;
  return { [op]: { _index: index, _id: id ?? null, status: error.status, error: rest as { type: string; reason: string } } } as unknown as BulkItemResult;
}

export async function bulk(ctx: EsContext): Promise<EsReply> {
  const started = Date.now();
  const e = engine(ctx);
  const defaultIndex = ctx.params.index;
  const defaultPipeline = ctx.query.get('pipeline') ?? undefined;
  const items = parseBulk(ctx);
  const results: (BulkItemResult | null)[] = [];
  const forEngine: BulkAction[] = [];
  const slots: number[] = [];
  const validation: string[] = [];
  items.forEach((item) => {
    const index = item.index ?? defaultIndex;
    if (index === undefined) validation.push(`${validation.length + 1}: index is missing`);
    if ((item.op === 'delete' || item.op === 'update') && item.id === undefined) validation.push(`${validation.length + 1}: id is missing`);
  });
  if (validation.length > 0) throw new EsError(400, 'action_request_validation_exception', `Validation Failed: ${validation.join(';')};`);
  const autoCreateChecked = new Map<string, EsError | null>();
  for (const item of items) {
    const index = (item.index ?? defaultIndex) as string;
    if (item.error) {
      results.push(itemError(item.op, index, item.id, item.error));
      continue;
    }
    if (!ctx.permissions.unrestricted) {
      const action = bulkItemAction(item.op);
      try {
        requireIndex(ctx, index, action);
        if (item.op !== 'delete') {
          if (!autoCreateChecked.has(index)) {
            let denied: EsError | null = null;
            if (!e.indexExists(index)) {
              try {
                requireIndex(ctx, index, INDEX_ACTIONS.autoCreate);
              } catch (error) {
                denied = error as EsError;
              }
            }
            autoCreateChecked.set(index, denied);
          }
          const denied = autoCreateChecked.get(index);
          if (denied) throw denied;
        }
      } catch (error) {
        if (!(error instanceof EsError)) throw error;
        const forbidden = error.reason.includes('auto_create') ? error : indexForbidden(ctx.principal, action.action, [index], action.granting);
        results.push(itemError(item.op, index, item.id, forbidden));
        continue;
      }
    }
    slots.push(results.length);
    results.push(null);
    const action: BulkAction = { op: item.op, index, source: item.source };
    if (item.id !== undefined) action.id = item.id;
    const pipeline = item.pipeline ?? defaultPipeline;
    if (pipeline !== undefined) action.pipeline = pipeline;
    forEngine.push(action);
  }
  let took = 0;
  const refresh = refreshParam(ctx.query);
  if (forEngine.length > 0) {
    const response = e.bulk(forEngine, { defaultIndex, refresh: refresh === 'true' });
    took = response.took;
    response.items.forEach((item, i) => {
      const slot = slots[i];
      if (slot !== undefined) results[slot] = item;
    });
  }
  const finalItems = results.map((r) => r as BulkItemResult);
  const errors = finalItems.some((item) => {
    const outcome = Object.values(item)[0];
    return outcome !== undefined && outcome.error !== undefined;
  });
  if (refresh === 'wait_for') {
    const writes = finalItems.flatMap((item) => Object.values(item)).filter((o) => !o.error && o._seq_no !== undefined && o.result !== 'noop');
    await waitForRefresh(ctx, writes.map((o) => ({ index: o._index, seqNo: o._seq_no as number })));
  }
  return { body: { errors, took: Math.max(took, Date.now() - started), items: finalItems } };
}

// ---------------------------------------------------------------------------------------------
// _mget

/**
 * `_mget` with `docs` (each naming its index, or the path's) or `ids` (the path's index); every
 * item is authorised on its own, and a refused one answers its 403 in place, as ES does.
 */
export function mget(ctx: EsContext): EsReply {
  const body = parseJsonObject(ctx.body);
  if (!body) throw new EsError(400, 'action_request_validation_exception', 'Validation Failed: 1: no documents to get;');
  for (const [key, value] of Object.entries(body)) {
    if (key !== 'docs' && key !== 'ids') throw new EsError(400, 'parse_exception', `unknown key [${key}] for a ${Array.isArray(value) ? 'START_ARRAY' : 'START_OBJECT'}, expected [docs] or [ids]`);
  }
  const defaultIndex = ctx.params.index;
  const raw: { index?: string; id?: string; source?: unknown }[] = [];
  if (Array.isArray(body.docs)) {
    for (const d of body.docs) {
      const doc = (d ?? {}) as Record<string, unknown>;
      const item: { index?: string; id?: string; source?: unknown } = {};
      const index = typeof doc._index === 'string' ? doc._index : defaultIndex;
      if (index !== undefined) item.index = index;
      if (doc._id !== undefined && doc._id !== null) item.id = String(doc._id);
      if (doc._source !== undefined) item.source = doc._source;
      raw.push(item);
    }
  } else if (Array.isArray(body.ids)) {
    for (const id of body.ids) raw.push({ ...(defaultIndex !== undefined ? { index: defaultIndex } : {}), id: String(id) });
  }
  if (raw.length === 0) throw new EsError(400, 'action_request_validation_exception', 'Validation Failed: 1: no documents to get;');
  const problems: string[] = [];
  raw.forEach((item, i) => {
    if (item.index === undefined) problems.push(`index is missing for doc ${i}`);
    if (item.id === undefined || item.id === '') problems.push(`id is missing for doc ${i}`);
  });
  if (problems.length > 0) throw new EsError(400, 'action_request_validation_exception', `Validation Failed: ${problems.map((p, i) => `${i + 1}: ${p};`).join('')}`);
  const items = raw as { index: string; id: string; source?: unknown }[];
  const refused = new Map<number, Record<string, unknown>>();
  const allowed: typeof items = [];
  const slots: number[] = [];
  items.forEach((item, i) => {
    try {
      requireIndex(ctx, item.index, INDEX_ACTIONS.mget);
      slots.push(i);
      allowed.push(item);
    } catch (error) {
      if (!(error instanceof EsError)) throw error;
      const typed = ctx.deployment.flavor === '7' ? { _type: '_doc' } : {};
      refused.set(i, { _index: item.index, ...typed, _id: item.id, error: errorBody(error).error });
    }
  });
  const params = searchParams(ctx.query);
  const got = allowed.length > 0 ? engine(ctx).mget(allowed, { source: params._source, sourceIncludes: params._sourceIncludes, sourceExcludes: params._sourceExcludes }).docs : [];
  const docs: Record<string, unknown>[] = items.map((_, i) => refused.get(i) ?? {});
  got.forEach((doc, k) => {
    docs[slots[k] as number] = doc;
  });
  return { body: { docs } };
}

// ---------------------------------------------------------------------------------------------
// _update_by_query, _delete_by_query, _reindex

function byQueryOptions(ctx: EsContext): { conflicts?: string; maxDocs?: number; refresh?: boolean; pipeline?: string; scrollSize?: number } {
  if (ctx.query.get('wait_for_completion') === 'false') {
    throw new EsError(400, 'illegal_argument_exception', 'wait_for_completion=false is not supported by the practice cluster: the request runs to completion and answers its result');
  }
  const opts: { conflicts?: string; maxDocs?: number; refresh?: boolean; pipeline?: string; scrollSize?: number } = {};
  const conflicts = ctx.query.get('conflicts');
  if (conflicts !== null) opts.conflicts = conflicts;
  const maxDocs = intParam(ctx.query, 'max_docs') ?? intParam(ctx.query, 'size');
  if (maxDocs !== undefined) opts.maxDocs = maxDocs;
  if (ctx.query.has('refresh')) opts.refresh = boolParam(ctx.query, 'refresh');
  const pipeline = ctx.query.get('pipeline');
  if (pipeline !== null) opts.pipeline = pipeline;
  const scrollSize = intParam(ctx.query, 'scroll_size');
  if (scrollSize !== undefined) opts.scrollSize = scrollSize;
  return opts;
}

/** The body, or the `q` parameter as the `query_string` query ES builds from it. */
function byQueryBody(ctx: EsContext): Record<string, unknown> | undefined {
  const body = parseJsonObject(ctx.body);
  const q = ctx.query.get('q');
  if (q === null || body?.query !== undefined) return body;
  const qs: Record<string, unknown> = { query: q };
  const df = ctx.query.get('df');
  if (df !== null) qs.default_field = df;
  const op = ctx.query.get('default_operator');
  if (op !== null) qs.default_operator = op;
  if (ctx.query.has('lenient')) qs.lenient = boolParam(ctx.query, 'lenient');
  if (ctx.query.has('analyze_wildcard')) qs.analyze_wildcard = boolParam(ctx.query, 'analyze_wildcard');
  return { ...(body ?? {}), query: { query_string: qs } };
}

export function updateByQuery(ctx: EsContext): EsReply {
  const opts = byQueryOptions(ctx);
  const expand = ctx.query.get('expand_wildcards') ?? undefined;
  authorizeTarget(ctx, ctx.params.index, INDEX_ACTIONS.search, expand);
  const target = authorizeTarget(ctx, ctx.params.index, INDEX_ACTIONS.updateByQuery, expand);
  if (target === NO_AUTHORISED_INDEX) throw new EsError(404, 'index_not_found_exception', `no such index [${ctx.params.index}]`);
  const result = engine(ctx).updateByQuery(target, byQueryBody(ctx), opts);
  return { status: result.status, body: result.body };
}

export function deleteByQuery(ctx: EsContext): EsReply {
  const opts = byQueryOptions(ctx);
  const expand = ctx.query.get('expand_wildcards') ?? undefined;
  authorizeTarget(ctx, ctx.params.index, INDEX_ACTIONS.search, expand);
  const target = authorizeTarget(ctx, ctx.params.index, INDEX_ACTIONS.deleteByQuery, expand);
  if (target === NO_AUTHORISED_INDEX) throw new EsError(404, 'index_not_found_exception', `no such index [${ctx.params.index}]`);
  const result = engine(ctx).deleteByQuery(target, byQueryBody(ctx), opts);
  return { status: result.status, body: result.body };
}

/** `_reindex`: read on the source indices, and index (with auto-create) on the destination, as ES's sub-requests are authorised. */
export function reindex(ctx: EsContext): EsReply {
  const opts = byQueryOptions(ctx);
  const body = parseJsonObject(ctx.body);
  if (!body) throw new EsError(400, 'parse_exception', 'request body is required');
  const source = (body.source ?? {}) as Record<string, unknown>;
  const dest = (body.dest ?? {}) as Record<string, unknown>;
  if (!ctx.permissions.unrestricted) {
    const from = Array.isArray(source.index) ? source.index.map(String).join(',') : typeof source.index === 'string' ? source.index : undefined;
    const authorised = authorizeTarget(ctx, from, INDEX_ACTIONS.search);
    body.source = { ...source, index: authorised };
    if (typeof dest.index === 'string') {
      requireIndex(ctx, dest.index, dest.op_type === 'create' ? INDEX_ACTIONS.create : INDEX_ACTIONS.index);
      if (!engine(ctx).indexExists(dest.index)) requireIndex(ctx, dest.index, INDEX_ACTIONS.autoCreate);
    }
  }
  const result = engine(ctx).reindex(body, opts);
  return { status: result.status, body: result.body };
}

export function documentRoutes(r: Router<EsHandler>, flavor: Flavor): void {
  const PUT_POST = ['PUT', 'POST'];
  r.add(PUT_POST, '/{index}/_doc/{id}', (ctx) => indexDocument(ctx));
  r.add('POST', '/{index}/_doc', (ctx) => indexDocument(ctx));
  r.add(PUT_POST, '/{index}/_create/{id}', (ctx) => indexDocument(ctx, 'create'));
  r.add('GET', '/{index}/_doc/{id}', getDocument);
  r.add('HEAD', '/{index}/_doc/{id}', documentExists);
  r.add('DELETE', '/{index}/_doc/{id}', deleteDocument);
  r.add('GET', '/{index}/_source/{id}', getSource);
  r.add('POST', '/{index}/_update/{id}', updateDocument);
  r.add(PUT_POST, '/_bulk', bulk);
  r.add(PUT_POST, '/{index}/_bulk', bulk);
  r.add(['GET', 'POST'], '/_mget', mget);
  r.add(['GET', 'POST'], '/{index}/_mget', mget);
  r.add('POST', '/{index}/_update_by_query', updateByQuery);
  r.add('POST', '/{index}/_delete_by_query', deleteByQuery);
  r.add('POST', '/_reindex', reindex);
  if (flavor === '7') {
    // 7.17 still answers the typed document paths (`/{index}/{type}/{id}`) that 8.x removed.
    r.add(PUT_POST, '/{index}/{type}/{id}', (ctx) => indexDocument(ctx));
    r.add('GET', '/{index}/{type}/{id}', getDocument);
    r.add('DELETE', '/{index}/{type}/{id}', deleteDocument);
    r.add(PUT_POST, '/{index}/{type}/_bulk', bulk);
  }
}
