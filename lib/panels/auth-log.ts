import 'server-only';
import { z } from 'zod';
import { AppError } from '../errors';
import {
  AUTH_CURSOR_MAX_LENGTH,
  AUTH_OLDER_PAGE_SIZE,
  AUTH_PIPELINE_PATTERN,
  AUTH_TAIL_MAX_SIZE,
  buildAuthOlderRequest,
  buildAuthTailRequest,
  decodeAuthOlderCursor,
  buildSshSummaryRequest,
  kibanaLogsLink,
  parseAuthOlder,
  parseAuthTail,
  parseFilebeatModuleStatus,
  parseSshSummary,
} from '../queries/auth-log';
import { compileFilter, FilterSyntaxError } from '../queries/filter-language';
import { AUTH_LOG_FILTER_MAX, authLogOlderPanel, authLogPanel, authLogSummaryPanel, filebeatModulePanel, SSH_SUMMARY_RANGES } from './auth-log.contract';
import { panelReader, searchCluster } from './read';

/**
 * The chapter 3 auth log panel: the live tail, the SSH summary and the Filebeat module status,
 * each one read of `lib/queries/auth-log` through `readPanel`.
 */

const TIMEOUT_MS = 5_000;

/** The first page is a glance at the last 15 minutes; later polls drain bursts in big pages. */
const FIRST_PAGE_SIZE = 200;
const POLL_SIZE = AUTH_TAIL_MAX_SIZE;

const filterParam = z
  .string()
  .max(AUTH_LOG_FILTER_MAX)
  .optional()
  .transform((filter) => filter?.trim() || undefined);

export const authLogQuery = z.object({
  /** Base64url JSON from the previous page; an unreadable one starts over with a first page. */
  cursor: z
    .string()
    .max(AUTH_CURSOR_MAX_LENGTH)
    .regex(/^[A-Za-z0-9_-]*$/)
    .optional()
    .transform((cursor) => cursor || undefined),
  filter: filterParam,
});

/**
 * `?before=&filter=`: older events. Unlike the tail's cursor, an unreadable `before` is refused:
 * starting over would show the newest events as if they were older ones.
 */
export const authLogOlderQuery = z
  .object({
    before: z
      .string()
      .max(AUTH_CURSOR_MAX_LENGTH)
      .transform((before, ctx) => {
        const state = decodeAuthOlderCursor(before);
        if (!state) ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'not a cursor of this stream' });
        return state ?? z.NEVER;
      }),
    cursor: z.string().optional(),
    filter: filterParam,
  })
  .superRefine((query, ctx) => {
    if (query.cursor) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['cursor'], message: 'not with before: older pages do not follow the live cursor' });
  })
  .transform(({ before, filter }) => ({ before, filter }));

/** Which read of `GET /api/panels/auth-log` a query string asks for: older pages carry `before`. */
export function asksForOlder(search: URLSearchParams): boolean {
  return search.has('before');
}

export const authLogSummaryQuery = z.object({ range: z.enum(SSH_SUMMARY_RANGES).default('15m') });

/** Compiles the filter box text; a syntax error names the position for the UI to point at. */
export function assertFilter(filter: string | undefined): void {
  try {
    compileFilter(filter);
  } catch (error) {
    if (error instanceof FilterSyntaxError) {
      throw new AppError('invalid_request', {
        params: { field: 'filter', reason: 'filter_syntax', position: error.position, syntax: error.syntax, token: error.token },
        detail: error.message,
      });
    }
    throw error;
  }
}

/** New events since the cursor (or the first page), newest first. A poll answers for 1 s: tabs at the same cursor share it. */
export const authLogTail = panelReader(authLogPanel, {
  query: authLogQuery,
  ttlMs: 1_000,
  async read({ client, connection, now }, { cursor, filter }) {
    // Before the cluster is asked: bad syntax is the attendee's to fix, not the cluster's to reject.
    assertFilter(filter);
    const size = cursor ? POLL_SIZE : FIRST_PAGE_SIZE;
    const page = parseAuthTail(await searchCluster(client, buildAuthTailRequest({ cursor, filter, now, size }), TIMEOUT_MS), cursor, { now, size });
    return { ...page, kibana: connection.kibanaUrl ? kibanaLogsLink(connection.kibanaUrl, client.version, filter) : null };
  },
});

/** The page before the oldest event shown, on demand (a click), so a short window serves only double clicks. */
export const authLogOlder = panelReader(authLogOlderPanel, {
  query: authLogOlderQuery,
  ttlMs: 1_000,
  async read({ client }, { before, filter }) {
    assertFilter(filter);
    const params = { before, filter, size: AUTH_OLDER_PAGE_SIZE };
    return parseAuthOlder(await searchCluster(client, buildAuthOlderRequest(params), TIMEOUT_MS), params);
  },
});

export const authLogSummary = panelReader(authLogSummaryPanel, {
  query: authLogSummaryQuery,
  ttlMs: 4_000,
  async read({ client, now }, { range }) {
    return { ...parseSshSummary(await searchCluster(client, buildSshSummaryRequest({ range, now }), TIMEOUT_MS)), range };
  },
});

export const filebeatModule = panelReader(filebeatModulePanel, {
  query: z.object({}),
  ttlMs: 4_000,
  async read({ client }) {
    return parseFilebeatModuleStatus(await client.getPipeline(AUTH_PIPELINE_PATTERN, { timeoutMs: TIMEOUT_MS }));
  },
});
