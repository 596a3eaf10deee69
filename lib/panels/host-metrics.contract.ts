/** The chapter 2 host metrics panel, client-safe: its query, DTO and ranges (see `contract.ts`). */
import type { HostMetrics, HostMetricsRange, HostSummary, KibanaMetricsLinks } from '../queries/host-metrics';
import { panelContract, type PanelReading } from './contract';

export { DEFAULT_HOST_METRICS_RANGE, HOST_METRICS_RANGES } from '../queries/host-metrics';
export type { HostMetrics, HostMetricsRange, HostSummary, KibanaMetricsLinks, SeriesPoint } from '../queries/host-metrics';

/** Longest host name the route accepts (a DNS name is at most 253 characters). */
export const HOST_NAME_MAX = 255;

export type HostMetricsQuery = {
  range: HostMetricsRange;
  /** Absent: the host the panel picks (the one reporting most recently). */
  host?: string | null;
};

export interface HostMetricsDto extends PanelReading {
  range: HostMetricsRange;
  hosts: HostSummary[];
  selected: string | null;
  metrics: HostMetrics | null;
  kibana: KibanaMetricsLinks | null;
}

/** `GET /api/panels/host-metrics?range=&host=`, every 5 s like the handout's "refresh every 5 seconds". */
export const hostMetricsPanel = panelContract<HostMetricsQuery, HostMetricsDto>('host-metrics', 5_000);
