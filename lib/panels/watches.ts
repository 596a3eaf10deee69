import 'server-only';
import { z } from 'zod';
import type { ClusterClient } from '../cluster/adapter';
import { translateClusterError } from '../cluster/errors';
import {
  buildHistoryRequest,
  buildQueryWatchesBody,
  buildWatchesIndexRequest,
  kibanaWatchUrl,
  parseHistory,
  parseQueryWatches,
  parseWatchesIndex,
  summariseWatch,
  type WatchHistory,
  type WatchList,
} from '../queries/watches';
import { searchCluster, panelReader } from './read';
import { watchesPanel, type WatchesDto, type WatchPanelItem } from './watches.contract';

/**
 * `GET /api/panels/watches`: the attendee's watches with their state and recent executions, read
 * with two calls per refresh window (the list, then one bounded history search), through the
 * shared coalescer like every panel.
 */

const TIMEOUT_MS = 8_000;

/** The watches the cluster has: `_query/watches` from 7.11, else the `.watches` index (7.6-7.10). */
export async function listWatches(client: ClusterClient, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<WatchList> {
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
  if (client.capabilities.queryWatches) return parseQueryWatches(await client.queryWatches(buildQueryWatchesBody(), { timeoutMs, signal: options.signal }));
  const request = buildWatchesIndexRequest();
  return parseWatchesIndex(
    await client.search(request.index, request.body, {
      querystring: { ignore_unavailable: true, allow_no_indices: true, expand_wildcards: 'all' },
      timeoutMs,
      signal: options.signal,
    }),
  );
}

export interface WatchesReading {
  list: WatchList;
  history: Map<string, WatchHistory>;
  /** Why the history could not be read (the list still shows, with states from the watches' status). */
  historyCode: string | null;
}

/** The list, then the listed watches' recent history; a refused history leaves the list. */
export async function readWatches(client: ClusterClient, now: number): Promise<WatchesReading> {
  const list = await listWatches(client);
  if (list.watches.length === 0) return { list, history: new Map(), historyCode: null };
  try {
    const request = buildHistoryRequest({ watchIds: list.watches.map((w) => w.id), now });
    return { list, history: parseHistory(await searchCluster(client, request, TIMEOUT_MS)), historyCode: null };
  } catch (error) {
    const appError = translateClusterError(error);
    if (appError.code === 'forbidden' || appError.code === 'index_missing') return { list, history: new Map(), historyCode: appError.code };
    throw appError;
  }
}

export function watchesDto(reading: WatchesReading, context: { kibanaUrl: string | null; version: { number: string; major: number; minor: number | null } }): Omit<WatchesDto, 'checkedAt'> {
  const watches: WatchPanelItem[] = reading.list.watches.map((stored) => {
    const { recognition, ...summary } = summariseWatch(stored, reading.history.get(stored.id));
    return { ...summary, kind: recognition.kind, normalised: recognition.normalised === true, kibanaUrl: kibanaWatchUrl(context.kibanaUrl, context.version, stored.id) };
  });
  return {
    watches,
    total: reading.list.total,
    history: { readable: reading.historyCode === null, code: reading.historyCode },
    version: context.version,
  };
}

export const watchesQuery = z.object({}).strict();

export const watches = panelReader(watchesPanel, {
  query: watchesQuery,
  ttlMs: watchesPanel.refreshMs,
  async read({ client, connection, now }) {
    const reading = await readWatches(client, now);
    return watchesDto(reading, { kibanaUrl: connection.kibanaUrl, version: { number: client.version.number, major: client.version.major, minor: client.version.minor } });
  },
});
