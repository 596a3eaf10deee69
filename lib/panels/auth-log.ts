import 'server-only';
import { z } from 'zod';
import type { ClusterClient } from '../cluster/adapter';
import { coalesceKey, microCache } from '../cluster/coalesce';
import { translateClusterError } from '../cluster/errors';
import { connectionKey, participantCluster } from '../connections/service';
import { AppError } from '../errors';
import {
  AUTH_PIPELINE_PATTERN,
  AUTH_TAIL_MAX_SIZE,
  type AuthEvent,
  buildAuthTailRequest,
  buildSshSummaryRequest,
  type FilebeatModuleStatus,
  kibanaLogsLink,
  type KibanaLogsLink,
  parseAuthTail,
  parseFilebeatModuleStatus,
  parseSshSummary,
  SSH_SUMMARY_RANGES,
  type SshSummary,
  type SshSummaryRange,
} from '../queries/auth-log';
import type { SearchRequest } from '../queries/common';
import { compileFilter, FilterSyntaxError } from '../queries/filter-language';
import type { AppContext } from '../server/context';

/**
 * The chapter 3 auth log panel on the server: the attendee's cluster, the pure query modules, and
 * coalescing per (connection, panel, params) so open tabs do not multiply the cluster's load.
 */

const TIMEOUT_MS = 5_000;
/** A poll answers for this long: tabs at the same cursor share it, the next poll moves on. */
const TAIL_TTL_MS = 1_000;
const SUMMARY_TTL_MS = 4_000;
const MODULE_TTL_MS = 4_000;

/** The first page is a glance at the last 15 minutes; later polls drain bursts in big pages. */
const FIRST_PAGE_SIZE = 200;
const POLL_SIZE = AUTH_TAIL_MAX_SIZE;


export const authLogQuerySchema = z.object({
  /** Base64url JSON from the previous page; an unreadable one starts over with a first page. */
  cursor: z.string().max(16_000).regex(/^[A-Za-z0-9_-]*$/).optional(),
  filter: z.string().max(2_000).optional(),
});
export type AuthLogQuery = z.infer<typeof authLogQuerySchema>;

export const authLogSummaryQuerySchema = z.object({ range: z.enum(SSH_SUMMARY_RANGES).default('15m') });

/** `GET /api/panels/auth-log`: new events since the cursor (or the first page), newest first. */
export interface AuthLogPageDto {
  events: AuthEvent[];
  cursor: string;
  /** More were waiting than one page holds: poll again right away. */
  more: boolean;
  /** The handout's Logs "Stream live" with this filter, when the connection knows its Kibana. */
  kibana: KibanaLogsLink | null;
}

export interface AuthLogSummaryDto extends SshSummary {
  range: SshSummaryRange;
}

export type FilebeatModuleDto = FilebeatModuleStatus;

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

async function search(client: ClusterClient, request: SearchRequest): Promise<unknown> {
  try {
    return await client.search(request.index, request.body, {
      querystring: { ignore_unavailable: request.ignore_unavailable, allow_no_indices: request.allow_no_indices },
      timeoutMs: TIMEOUT_MS,
    });
  } catch (error) {
    throw translateClusterError(error);
  }
}

export async function authLogPage(ctx: AppContext, participantId: string, query: AuthLogQuery): Promise<AuthLogPageDto> {
  const filter = query.filter?.trim() || undefined;
  // Before the cluster is asked: bad syntax is the attendee's to fix, not the cluster's to reject.
  assertFilter(filter);
  const cursor = query.cursor || undefined;
  const { connection, client } = await participantCluster(ctx, participantId);
  const key = connectionKey(connection.id, 'auth-log:', coalesceKey({ cursor, filter }));
  return microCache(key, TAIL_TTL_MS, async () => {
    const now = Date.now();
    const size = cursor ? POLL_SIZE : FIRST_PAGE_SIZE;
    const request = buildAuthTailRequest({ cursor, filter, now, size });
    const page = parseAuthTail(await search(client, request), cursor, { now, size });
    const kibana = connection.kibanaUrl ? kibanaLogsLink(connection.kibanaUrl, client.version, filter) : null;
    return { ...page, kibana };
  });
}

export async function authLogSummary(ctx: AppContext, participantId: string, range: SshSummaryRange): Promise<AuthLogSummaryDto> {
  const { connection, client } = await participantCluster(ctx, participantId);
  return microCache(connectionKey(connection.id, 'auth-log-summary:', range), SUMMARY_TTL_MS, async () => {
    const summary = parseSshSummary(await search(client, buildSshSummaryRequest({ range, now: Date.now() })));
    return { ...summary, range };
  });
}

/** Whether `filebeat setup` loaded the `system` module's auth pipeline (the empty state's next step). */
export async function filebeatModuleStatus(ctx: AppContext, participantId: string): Promise<FilebeatModuleDto> {
  const { connection, client } = await participantCluster(ctx, participantId);
  return microCache(connectionKey(connection.id, 'filebeat-module'), MODULE_TTL_MS, async () => {
    try {
      return parseFilebeatModuleStatus(await client.getPipeline(AUTH_PIPELINE_PATTERN, { timeoutMs: TIMEOUT_MS }));
    } catch (error) {
      throw translateClusterError(error);
    }
  });
}
