'use client';

import { CLUSTER_CONNECTION_REFRESH_MS, clusterStatusPanel } from '@/lib/panels/cluster-status.contract';
import { panelUrl } from '@/lib/panels/contract';
import { usePanel } from './use-panel';

/** The status card's key: components that change the connection revalidate it by this key. */
export const CLUSTER_KEY = panelUrl(clusterStatusPanel, {});

/**
 * The participant's cluster connection and status, shared by the card and every component that
 * needs to know which cluster is connected. `live` is the card's: health and licence as they
 * change (every 5 s); the others read at `CLUSTER_CONNECTION_REFRESH_MS`.
 */
export function useCluster(enabled: boolean, options: { live?: boolean } = {}) {
  return usePanel(clusterStatusPanel, {}, { enabled, refreshMs: options.live ? clusterStatusPanel.refreshMs : CLUSTER_CONNECTION_REFRESH_MS });
}
