'use client';

import { EuiBadge, EuiFlexGroup, EuiFlexItem, EuiPanel, EuiSpacer, EuiTitle } from '@elastic/eui';
import { useTranslations } from 'next-intl';
import type { ReactNode } from 'react';
import type { PanelKind } from '@/content/chapters';

/** The frame every live panel shares: title, "live" badge and the DESIGN.md test hooks. */
export function PanelFrame({ kind, state, children }: { kind: PanelKind; state: string; children: ReactNode }) {
  const t = useTranslations('panel');
  return (
    <EuiPanel hasBorder paddingSize="m" data-testid={`panel-${kind}`} data-panel-state={state} aria-live="polite">
      <EuiFlexGroup gutterSize="s" alignItems="center" responsive={false}>
        <EuiFlexItem>
          <EuiTitle size="xs">
            <h4>{t(`names.${kind}`)}</h4>
          </EuiTitle>
        </EuiFlexItem>
        <EuiFlexItem grow={false}>
          <EuiBadge color="hollow">{t('live')}</EuiBadge>
        </EuiFlexItem>
      </EuiFlexGroup>
      <EuiSpacer size="s" />
      {children}
    </EuiPanel>
  );
}
