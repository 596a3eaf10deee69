'use client';

import { EuiBadge, EuiCallOut, EuiFlexGroup, EuiFlexItem, EuiPanel, EuiSkeletonText, EuiSpacer, EuiText, EuiTitle } from '@elastic/eui';
import { useTranslations } from 'next-intl';
import type { ReactNode } from 'react';
import type { PanelKind } from '@/content/chapters';
import { Link } from '@/i18n/navigation';
import type { ApiError } from '@/lib/client/api';
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

/** What every live panel shows alike until it has an answer of its own to show. */
export type UsualPanelState = 'signed-out' | 'not-connected' | 'error' | 'loading';

/**
 * Which usual state applies, or null when the panel has an answer to show: not signed in, no
 * cluster connected, the read failed, the first read is on its way. A failed read after an answer
 * keeps the answer on screen (the panel says so in its own way).
 */
export function usualPanelState(signedIn: boolean, panel: { data: unknown; error: ApiError | undefined }): UsualPanelState | null {
  if (!signedIn) return 'signed-out';
  if (panel.data !== undefined) return null;
  if (panel.error?.code === 'not_connected') return 'not-connected';
  return panel.error ? 'error' : 'loading';
}

export interface UsualPanelBodyProps {
  state: UsualPanelState;
  error: ApiError | undefined;
  /** The panel's messages: `signInFirst`, `signIn`, `notConnected` (with a `<chapter>` link), `failed`, `loading`. */
  namespace: string;
  /** Prefix of the test hooks: `<prefix>-error`, `<prefix>-not-connected`. */
  testId: string;
}

/** The body of a usual state, worded by the panel's own messages. */
export function UsualPanelBody({ state, error, namespace, testId }: UsualPanelBodyProps) {
  const t = useTranslations(namespace);
  switch (state) {
    case 'signed-out':
      return (
        <EuiText size="s">
          <p>
            {t('signInFirst')} <Link href="/join">{t('signIn')}</Link>
          </p>
        </EuiText>
      );
    case 'not-connected':
      return (
        <EuiText size="s" data-testid={`${testId}-not-connected`}>
          <p>{t.rich('notConnected', { chapter: (chunks) => <Link href="/chapters/cluster">{chunks}</Link> })}</p>
        </EuiText>
      );
    case 'error':
      return (
        <EuiCallOut title={t('failed')} color="danger" iconType="error" size="s" data-testid={`${testId}-error`} data-code={error?.code}>
          <p>{error?.message}</p>
          {error?.hint && <p>{error.hint}</p>}
        </EuiCallOut>
      );
    case 'loading':
      return <EuiSkeletonText lines={4} aria-label={t('loading')} />;
  }
}
