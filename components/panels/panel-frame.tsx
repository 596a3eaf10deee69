'use client';

import { EuiBadge, EuiFlexGroup, EuiFlexItem, EuiPanel, EuiSpacer, EuiText, EuiTitle } from '@elastic/eui';
import { useTranslations } from 'next-intl';
import type { ReactNode } from 'react';
import type { PanelKind } from '@/content/chapters';
import { useTimeFormat } from '@/lib/client/time';

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

export interface PanelUpdatedProps {
  /** `usePanel(...).updatedAt`. */
  at: Date | null;
  paused?: boolean;
  /** The panel's messages, with `updated` (and `pausedAt` when it can pause), each taking `{time}`. */
  namespace: string;
  testId: string;
}

/** "Updated 21:20:05" (or "Paused · last updated …") in the viewer's time zone. */
export function PanelUpdated({ at, paused = false, namespace, testId }: PanelUpdatedProps) {
  const t = useTranslations(namespace);
  const time = useTimeFormat();
  if (at === null || !time.ready) return null;
  return (
    <EuiText size="xs" color="subdued">
      <time dateTime={at.toISOString()} data-testid={testId} data-time-zone={time.zone}>
        {t(paused ? 'pausedAt' : 'updated', { time: time.format(at, 'medium') })}
      </time>
    </EuiText>
  );
}
