import 'server-only';
import { NextResponse } from 'next/server';
import type { z } from 'zod';
import { AppError, errorStatus, normaliseLocale, toAppError, toErrorBody, type ErrorBody, type ErrorLocale } from '../errors';
import { readJsonBody, type BodyLimits } from './body';
import { newRequestId } from './request-id';

/** The reader's language for error messages: the guide's fetcher sends it as Accept-Language. */
export function requestLocale(request: Request): ErrorLocale {
  const header = request.headers.get('accept-language') ?? '';
  const first = header.split(',')[0]?.trim().slice(0, 2).toLowerCase();
  return normaliseLocale(first);
}

/**
 * What an error answers: its status, the error body of DESIGN.md in the reader's language, and
 * the log line it deserves (`where` names the request). A route's whole answer (`errorResponse`)
 * and one read of the page channel (`lib/panels/channel.ts`) answer the same.
 */
export function errorAnswer(error: unknown, where: string, locale: ErrorLocale): { status: number; body: ErrorBody; retryAfterSeconds?: number } {
  let appError = toAppError(error);
  const status = errorStatus(appError);
  if (appError.code === 'internal' && appError.params.requestId === undefined) {
    // An unexpected failure (a database error, a bug) reaches the reader only as `internal` with a
    // request id; what happened (the failed statement, the error's message) is in the log line.
    const requestId = newRequestId();
    console.error(`[api] ${where} -> internal (request ${requestId})`, appError.toLog());
    appError = new AppError('internal', { params: { requestId }, detail: appError.detail });
  } else if (status >= 500) {
    // The log gets the code and a redacted detail, never a request body (it may hold a password).
    console.error(`[api] ${where} -> ${appError.code}`, appError.toLog());
  } else if (!(error instanceof AppError)) {
    console.warn(`[api] ${where} -> ${appError.code}`, appError.toLog());
  }
  const retryAfter = appError.params.retryAfterSeconds;
  return {
    status,
    body: toErrorBody(appError, locale),
    ...(appError.code === 'rate_limited' && typeof retryAfter === 'number' ? { retryAfterSeconds: retryAfter } : {}),
  };
}

export function errorResponse(error: unknown, request: Request): NextResponse {
  const answer = errorAnswer(error, `${request.method} ${new URL(request.url).pathname}`, requestLocale(request));
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (answer.retryAfterSeconds !== undefined) headers['retry-after'] = String(answer.retryAfterSeconds);
  return NextResponse.json(answer.body, { status: answer.status, headers });
}

export function json<T>(body: T, init: { status?: number } = {}): NextResponse {
  return NextResponse.json(body, { status: init.status ?? 200, headers: { 'cache-control': 'no-store' } });
}

/** A body already serialised as JSON (a large one assembled from cached parts). */
export function jsonText(body: string): NextResponse {
  return new NextResponse(body, { status: 200, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } });
}

/** Runs a route handler, turning any thrown error into the error body of DESIGN.md. */
export function handle<Args extends unknown[]>(fn: (request: Request, ...args: Args) => Promise<Response>) {
  return async (request: Request, ...args: Args): Promise<Response> => {
    try {
      return await fn(request, ...args);
    } catch (error) {
      return errorResponse(error, request);
    }
  };
}

/**
 * Parses a JSON body with a zod schema; malformed JSON and invalid fields are `invalid_request`.
 * The body is read within `limits` (1 MB, 32 levels, 10 000 entries unless the route says
 * otherwise); beyond them the answer is 413 `payload_too_large`.
 */
export async function readBody<S extends z.ZodTypeAny>(request: Request, schema: S, limits: Partial<BodyLimits> = {}): Promise<z.infer<S>> {
  const raw = await readJsonBody(request, limits);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError('invalid_request', { params: { field: issue?.path.join('.') || 'body', reason: issue?.message ?? 'invalid' } });
  }
  return parsed.data;
}

/** Parses the query string with a zod schema (each parameter's first value); invalid ones are `invalid_request`. */
export function readQuery<S extends z.ZodTypeAny>(request: Request, schema: S): z.infer<S> {
  return parseQuery(new URL(request.url).searchParams, schema);
}

/** `readQuery` for a query string at hand (a read of the page channel names its panel's URL). */
export function parseQuery<S extends z.ZodTypeAny>(search: URLSearchParams, schema: S): z.infer<S> {
  const params: Record<string, string> = {};
  for (const [key, value] of search) if (!(key in params)) params[key] = value;
  const parsed = schema.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError('invalid_request', { params: { field: issue?.path.join('.') || 'query', reason: issue?.message ?? 'invalid' } });
  }
  return parsed.data;
}

/**
 * Parses a route's path segments (`{ params }` of the handler's second argument) with a zod
 * schema. A segment that does not name anything the route serves is `not_found`, as an unknown
 * path would be.
 */
export function readParams<S extends z.ZodTypeAny>(params: unknown, schema: S): z.infer<S> {
  const parsed = schema.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError('not_found', { detail: `path segment ${issue?.path.join('.') || '?'}: ${issue?.message ?? 'invalid'}` });
  }
  return parsed.data;
}
