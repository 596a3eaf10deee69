'use client';

import { EuiPanel, EuiSkeletonText, EuiSpacer, EuiText, EuiTitle, EuiBadge } from '@elastic/eui';
import dynamic from 'next/dynamic';
import { useTranslations } from 'next-intl';
import type { ComponentType } from 'react';
import type { PanelKind } from '@/content/chapters';
import { usePresenter } from './presenter-context';

function PanelLoading({ kind }: { kind: PanelKind }) {
  const t = useTranslations('panel');
  return (
    <EuiPanel hasBorder paddingSize="m" data-testid={`panel-${kind}`} data-panel-state="loading">
      <EuiTitle size="xs">
        <h4>{t(`names.${kind}`)}</h4>
      </EuiTitle>
      <EuiSpacer size="s" />
      <EuiSkeletonText lines={3} />
    </EuiPanel>
  );
}

// Live panels load after the page (forms, charts, streams): the chapter's first load stays small.
const livePanels: Partial<Record<PanelKind, ComponentType>> = {
  'cluster-status': dynamic(() => import('@/components/panels/cluster-status-panel'), { ssr: false, loading: () => <PanelLoading kind="cluster-status" /> }),
  'auth-log': dynamic(() => import('@/components/panels/auth-log-panel'), { ssr: false, loading: () => <PanelLoading kind="auth-log" /> }),
  'host-metrics': dynamic(() => import('@/components/panels/host-metrics-panel'), { ssr: false, loading: () => <PanelLoading kind="host-metrics" /> }),
  watches: dynamic(() => import('@/components/panels/watches-panel'), { ssr: false, loading: () => <PanelLoading kind="watches" /> }),
  'ml-anomalies': dynamic(() => import('@/components/panels/ml-anomalies-panel'), { ssr: false, loading: () => <PanelLoading kind="ml-anomalies" /> }),
};

export interface PanelProps {
  kind: PanelKind;
}

/** The live panel beside a step; kinds whose issue has not landed yet say where to look meanwhile. */
export function Panel({ kind }: PanelProps) {
  const t = useTranslations('panel');
  // On the projector, a panel would show the instructor's own cluster (or a form for its password).
  const presenting = usePresenter() !== null;
  const Live = livePanels[kind];
  if (Live && !presenting) return <Live />;
  return (
    <EuiPanel hasBorder paddingSize="m" data-testid={`panel-${kind}`} data-panel-state={presenting ? 'presenter' : 'placeholder'}>
      <EuiBadge color="hollow">{t('live')}</EuiBadge>
      <EuiSpacer size="xs" />
      <EuiTitle size="xs">
        <h4>{t(`names.${kind}`)}</h4>
      </EuiTitle>
      <EuiSpacer size="s" />
      <EuiText size="s" color="subdued">
        <p>{presenting ? t('presenter') : t('comingSoon')}</p>
      </EuiText>
    </EuiPanel>
  );
}
