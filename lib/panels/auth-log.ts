import 'server-only';
import { z } from 'zod';
import { AppError } from '../errors';
import {
  AUTH_PIPELINE_PATTERN,
  AUTH_TAIL_MAX_SIZE,
  buildAuthTailRequest,
  buildSshSummaryRequest,
  kibanaLogsLink,
  parseAuthTail,
  parseFilebeatModuleStatus,
  parseSshSummary,
} from '../queries/auth-log';
import { compileFilter, FilterSyntaxError } from '../queries/filter-language';
import { AUTH_LOG_FILTER_MAX, authLogPanel, authLogSummaryPanel, filebeatModulePanel, SSH_SUMMARY_RANGES } from './auth-log.contract';
import { panelReader, searchCluster } from './read';

/**
 * The chapter 3 auth log panel: the live tail, the SSH summary and the Filebeat module status,
 * each one read of `lib/queries/auth-log` through `readPanel`.
 */

const TIMEOUT_MS = 5_000;

/** The first page is a glance at the last 15 minutes; later polls drain bursts in big pages. */
const FIRST_PAGE_SIZE = 200;
const POLL_SIZE = AUTH_TAIL_MAX_SIZE;

export const authLogQuery = z.object({
  /** Base64url JSON from the previous page; an unreadable one starts over with a first page. */
  cursor: z
    .string()
    .max(16_000)
    .regex(/^[A-Za-z0-9_-]*$/)
    .optional()
    .transform((cursor) => cursor || undefined),
  filter: z
    .string()
    .max(AUTH_LOG_FILTER_MAX)
    .optional()
    .transform((filter) => filter?.trim() || undefined),
});

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
