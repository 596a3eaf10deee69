'use client';

import { clusterStatusPanel } from '@/lib/panels/cluster-status.contract';
import { panelUrl } from '@/lib/panels/contract';
import { usePanel } from './use-panel';

/** The status card's key: components that change the connection revalidate it by this key. */
export const CLUSTER_KEY = panelUrl(clusterStatusPanel, {});

/** The participant's cluster connection and status, shared by the panel, checkpoints and practice buttons. */
export function useCluster(enabled: boolean) {
  return usePanel(clusterStatusPanel, {}, { enabled });
}
