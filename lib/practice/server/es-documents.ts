import { EsError, type BulkAction, type BulkItemResult, type Flavor } from '../engine/api';
import { bulkItemAction, indexForbidden, INDEX_ACTIONS } from '../security';
import { requireIndex } from './authz';
import type { EsContext, EsHandler, EsReply } from './context';
import { errorBody, ndjsonLines, parseDocument, parseJsonObject } from './http-utils';
import { refreshParam } from './params';
import { waitForRefresh } from './refresh-wait';
import type { Router } from './router';

/** Documents and `_bulk`. */

function engine(ctx: EsContext) {
  return ctx.deployment.engine;
}

// ---------------------------------------------------------------------------------------------
// Single documents

export async function indexDocument(ctx: EsContext, opType?: 'create'): Promise<EsReply> {
  const index = ctx.params.index as string;
  const id = ctx.params.id;
  const op = opType ?? (ctx.query.get('op_type') === 'create' ? 'create' : 'index');
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

function malformed(line: number, found: string): EsError {
  return new EsError(400, 'illegal_argument_exception', `Malformed action/metadata line [${line}], expected START_OBJECT or END_OBJECT but found [${found}]`);
}

const BULK_OPS = new Set(['index', 'create', 'update', 'delete']);

interface ParsedBulkItem {
  op: BulkAction['op'];
  index?: string;
  id?: string;
  pipeline?: string;
  source?: Record<string, unknown>;
  /** A per-item failure decided before the engine sees the item. */
  error?: EsError;
}

function parseBulk(ctx: EsContext): ParsedBulkItem[] {
  const lines = ndjsonLines(ctx.body);
  const items: ParsedBulkItem[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    let action: unknown;
    try {
      action = JSON.parse(line);
    } catch {
      throw malformed(i + 1, 'VALUE_STRING');
    }
    if (typeof action !== 'object' || action === null || Array.isArray(action)) throw malformed(i + 1, Array.isArray(action) ? 'START_ARRAY' : 'VALUE_STRING');
    const keys = Object.keys(action);
    const op = keys[0];
    if (op === undefined || keys.length !== 1 || !BULK_OPS.has(op)) {
      throw new EsError(400, 'illegal_argument_exception', `Malformed action/metadata line [${i + 1}], expected field [create], [delete], [index] or [update] but found [${op ?? ''}]`);
    }
    const meta = (action as Record<string, Record<string, unknown> | undefined>)[op] ?? {};
    const item: ParsedBulkItem = { op: op as BulkAction['op'] };
    if (typeof meta._index === 'string') item.index = meta._index;
    if (meta._id !== undefined && meta._id !== null) item.id = String(meta._id);
    if (typeof meta.pipeline === 'string') item.pipeline = meta.pipeline;
    if (meta._type !== undefined && ctx.deployment.flavor !== '7') {
      throw new EsError(400, 'illegal_argument_exception', `Action/metadata line [${i + 1}] contains an unknown parameter [_type]`);
    }
    if (op !== 'delete') {
      i += 1;
      const sourceLine = lines[i];
      if (sourceLine === undefined) throw new EsError(400, 'illegal_argument_exception', 'The bulk request must be terminated by a newline [\\n]');
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
  if (flavor === '7') {
    // 7.17 still answers the typed document paths (`/{index}/{type}/{id}`) that 8.x removed.
    r.add(PUT_POST, '/{index}/{type}/{id}', (ctx) => indexDocument(ctx));
    r.add('GET', '/{index}/{type}/{id}', getDocument);
    r.add('DELETE', '/{index}/{type}/{id}', deleteDocument);
    r.add(PUT_POST, '/{index}/{type}/_bulk', bulk);
  }
}
