/** The chapter 3 auth log panel, client-safe: its reads and their DTOs (see `contract.ts`). */
import type { AuthEvent, AuthOlderPage, AuthTail, FilebeatModuleStatus, KibanaLogsLink, SshSummary, SshSummaryRange } from '../queries/auth-log';
import { panelContract, type PanelReading } from './contract';

export { SSH_SUMMARY_RANGES } from '../queries/auth-log/summary';
export { decodeAuthTailCursor } from '../queries/auth-log/cursor';
export { AUTH_OLDER_PAGE_SIZE, olderCursorOf } from '../queries/auth-log/older-cursor';
export type { AuthEvent, KibanaLogsLink, SshAttemptRow, SshOutcome, SshSummaryRange } from '../queries/auth-log';

/** Longest filter the box sends (the route refuses longer ones). */
export const AUTH_LOG_FILTER_MAX = 2_000;

export type AuthLogQuery = {
  /** Filter box text (Kibana's query language, the subset `lib/queries/filter-language.ts` reads). */
  filter?: string;
  /** From the previous page; absent: the first page. */
  cursor?: string;
};

/** New events since the cursor (or the first page), newest first. */
export interface AuthLogPageDto extends AuthTail, PanelReading {
  events: AuthEvent[];
  /** The handout's Logs "Stream live" with this filter, when the connection knows its Kibana. */
  kibana: KibanaLogsLink | null;
}

export type AuthLogOlderQuery = {
  /** Where the page starts: `olderCursorOf` the events shown. */
  before: string;
  /** The stream's filter. */
  filter?: string;
};

/** The page of events before the `before` cursor, newest first; `more: false` when nothing older matches. */
export interface AuthLogOlderDto extends AuthOlderPage, PanelReading {
  events: AuthEvent[];
}

export interface AuthLogSummaryDto extends SshSummary, PanelReading {
  range: SshSummaryRange;
}

export interface FilebeatModuleDto extends FilebeatModuleStatus, PanelReading {}

/** `GET /api/panels/auth-log?filter=&cursor=`: like Kibana's "Stream live", a new line within a few seconds. */
export const authLogPanel = panelContract<AuthLogQuery, AuthLogPageDto>('auth-log', 3_000);

/**
 * `GET /api/panels/auth-log?before=&filter=`: the same route with `before` (and no `cursor`) pages
 * back through older events, read once on demand rather than polled.
 */
export const authLogOlderPanel = panelContract<AuthLogOlderQuery, AuthLogOlderDto>('auth-log', 0);

/** `GET /api/panels/auth-log/summary?range=`: SSH attempts per user and source IP. */
export const authLogSummaryPanel = panelContract<{ range: SshSummaryRange }, AuthLogSummaryDto>('auth-log/summary', 5_000);

/** `GET /api/panels/auth-log/module`: whether `filebeat setup` loaded the `system` module's auth pipeline. */
export const filebeatModulePanel = panelContract<Record<string, never>, FilebeatModuleDto>('auth-log/module', 5_000);

/** Once the pipeline is there it rarely goes away: the panel then checks now and then. */
export const FILEBEAT_MODULE_INSTALLED_REFRESH_MS = 60_000;
