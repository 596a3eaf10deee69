'use client';

import { EuiBadge, EuiPanel, EuiSpacer, EuiText, EuiTitle } from '@elastic/eui';
import { useTranslations } from 'next-intl';
import type { PanelKind } from '@/content/chapters';

export interface PanelProps {
  kind: PanelKind;
}

/** The live panel slot beside a step. Each kind is wired to the cluster by its own issue. */
export function Panel({ kind }: PanelProps) {
  const t = useTranslations('panel');
  return (
    <EuiPanel hasBorder paddingSize="m" data-testid={`panel-${kind}`} data-panel-state="placeholder">
      <EuiBadge color="hollow">{t('live')}</EuiBadge>
      <EuiSpacer size="xs" />
      <EuiTitle size="xs">
        <h4>{t(`names.${kind}`)}</h4>
      </EuiTitle>
      <EuiSpacer size="s" />
      <EuiText size="s" color="subdued">
        <p>{t('comingSoon')}</p>
      </EuiText>
    </EuiPanel>
  );
}
