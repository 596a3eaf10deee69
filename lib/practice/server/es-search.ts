import { EsError } from '../engine/api';
import { INDEX_ACTIONS } from '../security';
import { authorizeTarget } from './authz';
import type { EsContext, EsHandler, EsReply } from './context';
import { errorBody, ndjsonLines, parseJsonObject } from './http-utils';
import { searchParams } from './params';
import type { Router } from './router';

/** `_search`, `_count`, `_msearch`. */

function engine(ctx: EsContext) {
  return ctx.deployment.engine;
}

function searchBody(ctx: EsContext): Record<string, unknown> | undefined {
  const body = parseJsonObject(ctx.body);
  if (body !== undefined) return body;
  const source = ctx.query.get('source');
  return source === null ? undefined : parseJsonObject(Buffer.from(source));
}

function rejectUnsupported(ctx: EsContext): void {
  if (ctx.query.has('scroll')) throw new EsError(400, 'illegal_argument_exception', 'scroll is not supported by the practice cluster; use search_after');
}

export function search(ctx: EsContext): EsReply {
  rejectUnsupported(ctx);
  const params = searchParams(ctx.query);
  const body = searchBody(ctx);
  const target = authorizeTarget(ctx, ctx.params.index, INDEX_ACTIONS.search, params.expandWildcards);
  return { body: engine(ctx).search(target, body, params) };
}

export function count(ctx: EsContext): EsReply {
  const params = searchParams(ctx.query);
  const body = searchBody(ctx);
  const target = authorizeTarget(ctx, ctx.params.index, INDEX_ACTIONS.search, params.expandWildcards);
  return { body: engine(ctx).count(target, body, params) };
}

export function msearch(ctx: EsContext): EsReply {
  const lines = ndjsonLines(ctx.body);
  const params = searchParams(ctx.query);
  const requests: { header: Record<string, unknown>; body: Record<string, unknown> }[] = [];
  for (let i = 0; i < lines.length; i += 2) {
    const headerLine = (lines[i] as string).trim();
    const bodyLine = lines[i + 1];
    if (bodyLine === undefined) throw new EsError(400, 'illegal_argument_exception', 'The msearch request must be terminated by a newline [\\n]');
    const header = headerLine === '' ? {} : parseJsonObject(Buffer.from(headerLine)) ?? {};
    const body = parseJsonObject(Buffer.from(bodyLine)) ?? {};
    requests.push({ header, body });
  }
  if (requests.length === 0) throw new EsError(400, 'action_request_validation_exception', 'Validation Failed: 1: no requests added;');
  const responses: (Record<string, unknown> | null)[] = [];
  const forEngine: typeof requests = [];
  const slots: number[] = [];
  for (const request of requests) {
    const headerIndex = request.header.index;
    const target = Array.isArray(headerIndex) ? headerIndex.join(',') : typeof headerIndex === 'string' ? headerIndex : ctx.params.index;
    try {
      const authorised = authorizeTarget(ctx, target, INDEX_ACTIONS.search, typeof request.header.expand_wildcards === 'string' ? request.header.expand_wildcards : params.expandWildcards);
      slots.push(responses.length);
      responses.push(null);
      forEngine.push(authorised === target ? request : { header: { ...request.header, index: authorised }, body: request.body });
    } catch (error) {
      if (!(error instanceof EsError)) throw error;
      responses.push(errorBody(error));
    }
  }
  let took = 0;
  if (forEngine.length > 0) {
    const result = engine(ctx).msearch(forEngine, { ...params, defaultIndex: ctx.params.index });
    took = result.took;
    result.responses.forEach((r, i) => {
      const slot = slots[i];
      if (slot !== undefined) responses[slot] = r;
    });
  }
  return { body: { took, responses } };
}

export function searchRoutes(r: Router<EsHandler>): void {
  const GET_POST = ['GET', 'POST'];
  r.add(GET_POST, '/_search', search);
  r.add(GET_POST, '/{index}/_search', search);
  r.add(GET_POST, '/_count', count);
  r.add(GET_POST, '/{index}/_count', count);
  r.add(GET_POST, '/_msearch', msearch);
  r.add(GET_POST, '/{index}/_msearch', msearch);
}
