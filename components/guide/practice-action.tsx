'use client';

import { EuiButton, EuiCallOut, EuiSpacer, EuiText } from '@elastic/eui';
import { useLocale, useTranslations } from 'next-intl';
import { useState } from 'react';
import { useSWRConfig } from 'swr';
import { useParticipant } from '@/components/providers/participant';
import { apiSend, type ApiError } from '@/lib/client/api';
import { CLUSTER_KEY, useCluster } from '@/lib/client/use-cluster';
import { usePresenter } from './presenter-context';

export type PracticeActionName =
  | 'sample-data'
  | 'metricbeat-setup'
  | 'metricbeat-start'
  | 'metricbeat-stop'
  | 'filebeat-setup'
  | 'filebeat-start'
  | 'filebeat-stop'
  | 'cpu-load'
  | 'ssh-attempt';

export interface PracticeActionProps {
  action: PracticeActionName;
  /** For `ssh-attempt`: the user name the step's command tries (the handout's hAx0R in chapter 3, foo in chapter 4). */
  user?: string;
}

/** What the button sends beside the action: the guide's `dd` step loads every core, not the handout's one. */
const ACTION_BODIES: Partial<Record<PracticeActionName, Record<string, unknown>>> = {
  'cpu-load': { cores: 'all', minutes: 3 },
};

/**
 * "Run on the practice host": beside a command, does on the practice cluster what the attendee
 * would do on their own host. Shown only to participants connected to a practice cluster.
 */
export function PracticeAction({ action, user }: PracticeActionProps) {
  const t = useTranslations('practice');
  const locale = useLocale();
  const participant = useParticipant();
  // The projector shows the class's chapter, not buttons that drive the presenter's own host.
  const presenting = usePresenter() !== null;
  const { data } = useCluster(participant !== null && !presenting);
  const { mutate } = useSWRConfig();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  if (presenting || data?.connection?.kind !== 'practice') return null;

  const url = action === 'sample-data' ? '/api/practice/sample-data' : `/api/practice/host/${action}`;
  return (
    <div data-testid={`practice-action-${action}`} className="guide-practice-action">
      <EuiButton
        size="s"
        iconType={done ? 'check' : 'commandLine'}
        color={done ? 'success' : 'primary'}
        isLoading={busy}
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            await apiSend('POST', url, locale, action === 'ssh-attempt' && user ? { user } : (ACTION_BODIES[action] ?? {}));
            setDone(true);
            // Whatever the action changed shows on the next poll of every panel and checkpoint.
            await mutate((key) => typeof key === 'string' && (key.startsWith('/api/checkpoints') || key.startsWith('/api/panels') || key === CLUSTER_KEY));
          } catch (caught) {
            setError(caught as ApiError);
          } finally {
            setBusy(false);
          }
        }}
      >
        {busy ? t('running') : action === 'ssh-attempt' && user ? t('actions.ssh-attempt-as', { user }) : t(`actions.${action}`)}
      </EuiButton>
      <EuiText size="xs" color="subdued">
        <span>{t('run')}</span>
      </EuiText>
      {done && action === 'metricbeat-start' && (
        // The practice host is not a real Beat in one respect: on its first start it ships an hour of history.
        <EuiText size="xs" data-testid="practice-note-metricbeat-start">
          <p>{t('backfilled')}</p>
        </EuiText>
      )}
      {error && (
        <>
          <EuiSpacer size="xs" />
          <EuiCallOut color="danger" size="s" title={t('failed')} data-code={error.code}>
            <p>{error.message}</p>
          </EuiCallOut>
        </>
      )}
    </div>
  );
}
