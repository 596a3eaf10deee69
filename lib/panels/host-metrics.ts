import 'server-only';
import { LRUCache } from 'lru-cache';
import type { ClusterClient } from '../cluster/adapter';
import { coalesceKey, microCache } from '../cluster/coalesce';
import { fromResponse, translateClusterError } from '../cluster/errors';
import { connectionKey, participantCluster } from '../connections/service';
import { getConnectionSummary } from '../db';
import { AppError } from '../errors';
import { isObject, msearchLines, type SearchRequest } from '../queries/common';
import {
  buildHostListRequest,
  buildHostMetricsRequest,
  DEFAULT_HOST_METRICS_RANGE,
  parseHostList,
  parseHostMetrics,
  type HostList,
  type HostMetrics,
  type HostMetricsRange,
  type HostSummary,
} from '../queries/host-metrics';
import type { AppContext } from '../server/context';

/**
 * `GET /api/panels/host-metrics`: the host list and one host's four series, read with a single
 * `_msearch` per refresh. Every tab of a participant (and the instructor's view of them) shares
 * one upstream call per refresh window: single-flight while it runs, then a micro-cache for the
 * window, keyed by (connection, panel, params).
 */

/** How often the panel refreshes, like the handout's "refresh every 5 seconds". */
export const HOST_METRICS_REFRESH_MS = 5_000;

export interface HostMetricsParams {
  /** Null: the host the panel picks (the one reporting most recently). */
  host: string | null;
  range: HostMetricsRange;
}

export interface KibanaMetricsLinks {
  inventory: string;
  host: string | null;
}

export interface HostMetricsDto {
  range: HostMetricsRange;
  refreshMs: number;
  /** When the cluster was read (ISO); the panel's "last updated". */
  checkedAt: string;
  hosts: HostSummary[];
  selected: string | null;
  metrics: HostMetrics | null;
  kibana: KibanaMetricsLinks | null;
}

export type HostMetricsReading = Omit<HostMetricsDto, 'kibana' | 'refreshMs'>;

/** A reading with the version of the cluster it came from (Kibana's app paths depend on it). */
export type CoalescedReading = HostMetricsReading & { version: { major: number; minor: number | null } };

const TIMEOUT_MS = 8_000;

/** The host list looks back at least as far as the chart, so a host silent for a while stays pickable. */
function lookbackFor(range: HostMetricsRange): '15m' | '1h' | '24h' {
  return range === '24h' ? '24h' : range === '1h' ? '1h' : '15m';
}

/** The host a panel shows when none is chosen: the freshest one still reporting, else the last seen. */
export function defaultHost(hosts: readonly HostSummary[]): string | null {
  const newest = [...hosts].sort((a, b) => Number(a.stale) - Number(b.stale) || b.lastSeen - a.lastSeen)[0];
  return newest?.name ?? null;
}

async function msearch(client: ClusterClient, requests: SearchRequest[]): Promise<unknown[]> {
  let answer: { responses?: unknown[] };
  try {
    answer = await client.request<{ responses?: unknown[] }>({ method: 'POST', path: '/_msearch', bulkBody: msearchLines(requests) }, { timeoutMs: TIMEOUT_MS });
  } catch (error) {
    throw translateClusterError(error);
  }
  const responses = answer.responses ?? [];
  // One failed search fails the refresh with that search's reason (e.g. a missing privilege).
  for (const item of responses) {
    if (isObject(item) && isObject(item.error)) throw fromResponse(typeof item.status === 'number' ? item.status : 500, item);
  }
  return responses;
}

/**
 * Reads the panel from the cluster: one `_msearch` (host list + series) when the host is known,
 * either chosen or remembered from the previous refresh; the very first read of a connection (or
 * after its host changed) needs the list before it can ask for the series.
 */
export async function readHostMetrics(
  client: ClusterClient,
  params: HostMetricsParams,
  options: { now: number; rememberedHost?: string | null },
): Promise<HostMetricsReading> {
  const { now } = options;
  const listRequest = buildHostListRequest({ now, lookback: lookbackFor(params.range) });
  const seriesOf = (host: string) => ({ host, range: params.range, now });
  const reading = (hosts: HostList, selected: string | null, metrics: HostMetrics | null): HostMetricsReading => ({
    range: params.range,
    checkedAt: new Date(now).toISOString(),
    hosts: hosts.hosts,
    selected,
    metrics,
  });

  const guess = params.host ?? options.rememberedHost ?? null;
  let hosts: HostList;
  if (guess !== null) {
    const [listAnswer, seriesAnswer] = await msearch(client, [listRequest, buildHostMetricsRequest(seriesOf(guess))]);
    hosts = parseHostList(listAnswer, now);
    if (params.host !== null || defaultHost(hosts.hosts) === guess) return reading(hosts, guess, parseHostMetrics(seriesAnswer, seriesOf(guess)));
  } else {
    const [listAnswer] = await msearch(client, [listRequest]);
    hosts = parseHostList(listAnswer, now);
  }
  const chosen = defaultHost(hosts.hosts);
  if (chosen === null) return reading(hosts, null, null);
  const [seriesAnswer] = await msearch(client, [buildHostMetricsRequest(seriesOf(chosen))]);
  return reading(hosts, chosen, parseHostMetrics(seriesAnswer, seriesOf(chosen)));
}

/**
 * Kibana's Metrics app (7.x "Metrics", 8.x "Observability > Infrastructure"): the inventory, and a
 * host's detail page through the app's stable `link-to` route. Before 7.10 the app lived under
 * `/app/infra#/`.
 */
export function kibanaMetricsLinks(kibanaUrl: string | null, version: { major: number; minor: number | null } | null, host: string | null): KibanaMetricsLinks | null {
  if (!kibanaUrl) return null;
  const base = kibanaUrl.replace(/\/+$/, '');
  const legacy = version !== null && version.major === 7 && (version.minor ?? 0) < 10;
  const app = legacy ? `${base}/app/infra#` : `${base}/app/metrics`;
  return {
    inventory: `${app}${legacy ? '/infrastructure/inventory' : '/inventory'}`,
    host: host === null ? null : `${app}/link-to/host-detail/${encodeURIComponent(host)}`,
  };
}

/** Per connection, the host the last default read picked, so the next refresh is one round trip. */
const rememberedHosts = new LRUCache<string, string>({ max: 20_000 });

export interface CoalescingCache {
  microCache<T>(key: string, ttlMs: number, fn: () => Promise<T>): Promise<T>;
}

const sharedCache: CoalescingCache = { microCache };

/** One upstream read per (connection, params) per refresh window, however many tabs ask. */
export function coalescedHostMetrics(
  connectionId: string,
  client: () => Promise<ClusterClient>,
  params: HostMetricsParams,
  options: { cache?: CoalescingCache; now?: () => number } = {},
): Promise<CoalescedReading> {
  const cache = options.cache ?? sharedCache;
  const key = connectionKey(connectionId, 'panel:host-metrics:', coalesceKey(params));
  return cache.microCache(key, HOST_METRICS_REFRESH_MS, async () => {
    const cluster = await client();
    const reading = await readHostMetrics(cluster, params, {
      now: (options.now ?? Date.now)(),
      rememberedHost: params.host === null ? rememberedHosts.get(connectionId) : null,
    });
    if (params.host === null && reading.selected !== null) rememberedHosts.set(connectionId, reading.selected);
    return { ...reading, version: { major: cluster.version.major, minor: cluster.version.minor } };
  });
}

export function parseHostMetricsParams(search: URLSearchParams): HostMetricsParams {
  const rawRange = search.get('range') ?? DEFAULT_HOST_METRICS_RANGE;
  if (!['5m', '15m', '1h', '24h'].includes(rawRange)) {
    throw new AppError('invalid_request', { params: { field: 'range', reason: 'one of 5m, 15m, 1h, 24h' } });
  }
  const host = search.get('host');
  if (host !== null && (host.trim() === '' || host.length > 255)) {
    throw new AppError('invalid_request', { params: { field: 'host', reason: 'a host name' } });
  }
  return { host, range: rawRange as HostMetricsRange };
}

/** The route's work: the participant's connection, coalesced reading, Kibana links. */
export async function hostMetricsPanel(ctx: AppContext, participantId: string, params: HostMetricsParams): Promise<HostMetricsDto> {
  const summary = await getConnectionSummary(ctx.db, participantId);
  if (!summary) throw new AppError('not_connected');
  const { version, ...reading } = await coalescedHostMetrics(summary.id, async () => (await participantCluster(ctx, participantId)).client, params);
  return { ...reading, refreshMs: HOST_METRICS_REFRESH_MS, kibana: kibanaMetricsLinks(summary.kibanaUrl, version, reading.selected) };
}
