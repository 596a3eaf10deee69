'use client';

import { useLocale } from 'next-intl';
import useSWR from 'swr';
import type { ClusterPanelDto } from '@/lib/connections/service';
import { localeFetcher, type ApiError } from './api';

export const CLUSTER_KEY = '/api/panels/cluster-status';

/** The participant's cluster connection and status, shared by the panel, checkpoints and practice buttons. */
export function useCluster(enabled: boolean) {
  const locale = useLocale();
  return useSWR<ClusterPanelDto, ApiError>(enabled ? CLUSTER_KEY : null, localeFetcher(locale), {
    refreshInterval: 5_000,
    keepPreviousData: true,
  });
}
