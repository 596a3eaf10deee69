import 'server-only';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import type { ClusterClient } from '../cluster/adapter';
import {
  buildHostListRequest,
  buildHostMetricsRequest,
  defaultHost,
  hostListLookback,
  kibanaMetricsLinks,
  parseHostList,
  parseHostMetrics,
  type HostList,
  type HostMetrics,
} from '../queries/host-metrics';
import { DEFAULT_HOST_METRICS_RANGE, HOST_METRICS_RANGES, HOST_NAME_MAX, hostMetricsPanel, type HostMetricsDto, type HostMetricsRange } from './host-metrics.contract';
import { msearchCluster, panelReader } from './read';

/**
 * `GET /api/panels/host-metrics`: the host list and one host's four series, read with a single
 * `_msearch` per refresh once the host is known.
 */

const TIMEOUT_MS = 8_000;

export const hostMetricsQuery = z.object({
  range: z.enum(HOST_METRICS_RANGES).default(DEFAULT_HOST_METRICS_RANGE),
  host: z
    .string()
    .max(HOST_NAME_MAX)
    .refine((host) => host.trim() !== '', 'a host name')
    .nullish()
    .transform((host) => host ?? null),
});
export type HostMetricsParams = z.infer<typeof hostMetricsQuery>;

export type HostMetricsReading = Omit<HostMetricsDto, 'kibana' | 'checkedAt'>;

/**
 * Reads the panel from the cluster: one `_msearch` (host list + series) when the host is known,
 * either chosen or remembered from the previous refresh; the very first read of a connection (or
 * after its host changed) needs the list before it can ask for the series.
 */
export async function readHostMetrics(
  client: ClusterClient,
  params: { host: string | null; range: HostMetricsRange },
  options: { now: number; rememberedHost?: string | null },
): Promise<HostMetricsReading> {
  const { now } = options;
  const listRequest = buildHostListRequest({ now, lookback: hostListLookback(params.range) });
  const seriesOf = (host: string) => ({ host, range: params.range, now });
  const reading = (hosts: HostList, selected: string | null, metrics: HostMetrics | null): HostMetricsReading => ({
    range: params.range,
    hosts: hosts.hosts,
    selected,
    metrics,
  });

  const guess = params.host ?? options.rememberedHost ?? null;
  let hosts: HostList;
  if (guess !== null) {
    const [listAnswer, seriesAnswer] = await msearchCluster(client, [listRequest, buildHostMetricsRequest(seriesOf(guess))], TIMEOUT_MS);
    hosts = parseHostList(listAnswer, now);
    if (params.host !== null || defaultHost(hosts.hosts) === guess) return reading(hosts, guess, parseHostMetrics(seriesAnswer, seriesOf(guess)));
  } else {
    const [listAnswer] = await msearchCluster(client, [listRequest], TIMEOUT_MS);
    hosts = parseHostList(listAnswer, now);
  }
  const chosen = defaultHost(hosts.hosts);
  if (chosen === null) return reading(hosts, null, null);
  const [seriesAnswer] = await msearchCluster(client, [buildHostMetricsRequest(seriesOf(chosen))], TIMEOUT_MS);
  return reading(hosts, chosen, parseHostMetrics(seriesAnswer, seriesOf(chosen)));
}

/** Per connection, the host the last default read picked, so the next refresh is one round trip. */
const rememberedHosts = new LRUCache<string, string>({ max: 20_000 });

export const hostMetrics = panelReader(hostMetricsPanel, {
  query: hostMetricsQuery,
  // Less than the refresh: a page reads again a refresh after its last read began, and an answer
  // kept for a whole refresh from its arrival would be handed to that read again, 5 s old.
  ttlMs: hostMetricsPanel.refreshMs - 1_000,
  async read({ client, connection, now }, params: HostMetricsParams) {
    const reading = await readHostMetrics(client, params, { now, rememberedHost: params.host === null ? rememberedHosts.get(connection.id) : null });
    if (params.host === null && reading.selected !== null) rememberedHosts.set(connection.id, reading.selected);
    return { ...reading, kibana: kibanaMetricsLinks(connection.kibanaUrl, client.version, reading.selected) };
  },
});
