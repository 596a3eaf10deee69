import 'server-only';
import { searchRequest, type SearchRequest } from '../queries/common';
import { METRICBEAT_INDEX } from '../queries/host-metrics';
import { CHECK_TIMEOUT_MS, parseRecentHost, searchFor, type CheckpointDefinition } from './definition';

/** Chapter 2 (Metricbeat): `metricbeat setup` loaded its template, and the host's metrics arrive. */

/** The newest Metricbeat document of the last 60 s: which host is reporting. */
export function buildRecentMetricbeatRequest(): SearchRequest {
  return searchRequest(METRICBEAT_INDEX, {
    size: 1,
    track_total_hits: false,
    _source: ['host.name', 'host.hostname', '@timestamp'],
    query: { bool: { filter: [{ range: { '@timestamp': { gte: 'now-60s' } } }] } },
    sort: [{ '@timestamp': { order: 'desc' } }],
  });
}

export const chapter2: CheckpointDefinition[] = [
  {
    id: 'metricbeat-setup',
    chapter: 2,
    async verify({ client, signal }) {
      const options = { timeoutMs: CHECK_TIMEOUT_MS, signal };
      // 7.x Beats install a legacy template, 8.x a composable one; either proves `metricbeat setup` ran.
      const composable = client.capabilities.composableTemplates ? await client.getIndexTemplate(METRICBEAT_INDEX, options) : null;
      const name = composable?.index_templates[0]?.name ?? Object.keys((await client.getLegacyTemplate(METRICBEAT_INDEX, options)) ?? {})[0];
      return name ? { state: 'done', detail: name } : { state: 'pending' };
    },
  },
  {
    id: 'metricbeat-data',
    chapter: 2,
    async verify(ctx) {
      const recent = parseRecentHost(await searchFor(ctx, buildRecentMetricbeatRequest()));
      return recent ? { state: 'done', detail: recent.host } : { state: 'pending' };
    },
  },
];
