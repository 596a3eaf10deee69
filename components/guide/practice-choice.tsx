'use client';

import { EuiButton, EuiCallOut, EuiLink, EuiSpacer, EuiText } from '@elastic/eui';
import { useLocale, useTranslations } from 'next-intl';
import { useState } from 'react';
import { useSWRConfig } from 'swr';
import { useParticipant } from '@/components/providers/participant';
import { apiSend, type ApiError } from '@/lib/client/api';
import { CLUSTER_KEY, useCluster } from '@/lib/client/use-cluster';
import type { ClusterPanelDto } from '@/lib/panels/cluster-status.contract';
import { usePresenter } from './presenter-context';

export interface PracticeChoiceProps {
  /** The step where a connected learner goes on (chapter 1's connect step). */
  continueAt: number;
}

/**
 * Near the top of chapter 1: the practice cluster instead of Elastic Cloud's sign-up, with one
 * button; once connected to it, where to go on. Attendees of a practice-cluster workshop are
 * connected as they join, so they see the "go on" line unless that failed.
 */
export function PracticeChoice({ continueAt }: PracticeChoiceProps) {
  const t = useTranslations('practiceChoice');
  const locale = useLocale();
  const participant = useParticipant();
  const presenting = usePresenter() !== null;
  const { data } = useCluster(participant !== null && !presenting);
  const { mutate } = useSWRConfig();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  if (presenting) return null;
  const step = <EuiLink href={`#step-${continueAt}`}>{t('continue', { n: continueAt })}</EuiLink>;

  if (!participant) {
    return (
      <EuiCallOut color="primary" iconType="cluster" size="s" title={t('title')} data-testid="practice-choice" data-state="signed-out">
        <p>{t('signedOut')}</p>
        <EuiButton size="s" href={`/${locale}/join?as=self-paced`} data-testid="practice-choice-sign-in">
          {t('signIn')}
        </EuiButton>
      </EuiCallOut>
    );
  }
  // Until the status is known, nothing: a button that flips to "connected" would only distract.
  if (!data) return null;
  if (data.connection?.kind === 'practice') {
    return (
      <EuiCallOut color="success" iconType="checkCircleFill" size="s" title={t('connectedTitle')} data-testid="practice-choice" data-state="connected">
        <p>
          {t('connected')} {step}
        </p>
      </EuiCallOut>
    );
  }
  if (data.connection) return null;
  return (
    <EuiCallOut color="primary" iconType="cluster" size="s" title={t('title')} data-testid="practice-choice" data-state="offer">
      <p>{t('offer', { n: continueAt })}</p>
      <EuiButton
        size="s"
        iconType="cluster"
        isLoading={busy}
        data-testid="practice-choice-connect"
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            const panel = await apiSend<ClusterPanelDto>('POST', '/api/practice', locale, { flavor: '8' });
            await mutate(CLUSTER_KEY, panel, { revalidate: false });
            // Checkpoints (and the progress counts) see the new connection on their next poll, not in 5 s.
            await mutate((key) => typeof key === 'string' && key.startsWith('/api/checkpoints'));
          } catch (caught) {
            setError(caught as ApiError);
          } finally {
            setBusy(false);
          }
        }}
      >
        {t('connect')}
      </EuiButton>
      {error && (
        <>
          <EuiSpacer size="s" />
          <EuiText size="s" color="danger" data-testid="practice-choice-error" data-code={error.code}>
            <p>
              {error.message} {error.hint}
            </p>
          </EuiText>
        </>
      )}
    </EuiCallOut>
  );
}
