'use client';

import {
  EuiButton,
  EuiButtonEmpty,
  EuiCallOut,
  EuiDescriptionList,
  EuiFlexGroup,
  EuiFlexItem,
  EuiHealth,
  EuiHorizontalRule,
  EuiLink,
  EuiSelect,
  EuiSkeletonText,
  EuiSpacer,
  EuiText,
} from '@elastic/eui';
import { useLocale, useTranslations } from 'next-intl';
import { useState } from 'react';
import { useParticipant } from '@/components/providers/participant';
import { Link } from '@/i18n/navigation';
import { apiSend, type ApiError } from '@/lib/client/api';
import { useCluster } from '@/lib/client/use-cluster';
import type { PracticeFlavor } from '@/lib/connections/practice-control';
import { describeError, isErrorCode, type ErrorParams } from '@/lib/errors';
import type { ClusterPanelDto } from '@/lib/panels/cluster-status.contract';
import { ConnectForm } from './connect-form';
import { PanelFrame, PanelUpdated } from './panel-frame';

const healthColor = { green: 'success', yellow: 'warning', red: 'danger' } as const;

function ErrorCallout({ code, params, title, testId }: { code: string; params?: ErrorParams; title: string; testId: string }) {
  const locale = useLocale();
  const text = isErrorCode(code) ? describeError(code, locale, params) : { message: code, hint: '' };
  return (
    <EuiCallOut title={title} color="danger" iconType="error" size="s" data-testid={testId} data-code={code}>
      <p>{text.message}</p>
      {text.hint && <p>{text.hint}</p>}
    </EuiCallOut>
  );
}

function PracticeStart({ onConnected }: { onConnected: (panel: ClusterPanelDto) => void }) {
  const t = useTranslations('cluster');
  const locale = useLocale();
  const [flavor, setFlavor] = useState<PracticeFlavor>('8');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  return (
    <>
      <EuiText size="s">
        <p>{t('practiceLead')}</p>
      </EuiText>
      <EuiSpacer size="s" />
      <EuiFlexGroup gutterSize="s" alignItems="center" responsive={false} wrap>
        <EuiFlexItem grow={false}>
          <EuiSelect
            compressed
            aria-label={t('practiceFlavor')}
            value={flavor}
            onChange={(e) => setFlavor(e.target.value as PracticeFlavor)}
            options={[
              { value: '9', text: t('practiceFlavor9') },
              { value: '8', text: t('practiceFlavor8') },
              { value: '7', text: t('practiceFlavor7') },
            ]}
            data-testid="practice-flavor"
          />
        </EuiFlexItem>
        <EuiFlexItem grow={false}>
          <EuiButton
            size="s"
            iconType="cluster"
            isLoading={busy}
            data-testid="use-practice"
            onClick={async () => {
              setBusy(true);
              setError(null);
              try {
                onConnected(await apiSend<ClusterPanelDto>('POST', '/api/practice', locale, { flavor }));
              } catch (caught) {
                setError(caught as ApiError);
              } finally {
                setBusy(false);
              }
            }}
          >
            {t('usePractice')}
          </EuiButton>
        </EuiFlexItem>
      </EuiFlexGroup>
      {error && (
        <>
          <EuiSpacer size="s" />
          <EuiCallOut title={t('connectFailed')} color="danger" iconType="error" size="s" data-testid="practice-error" data-code={error.code}>
            <p>{error.message}</p>
            {error.hint && <p>{error.hint}</p>}
          </EuiCallOut>
        </>
      )}
    </>
  );
}

/** Codes of a practice deployment that is gone: one button makes it again, with the learner's Beats set-up. */
const PRACTICE_GONE = new Set(['practice_reclaimed', 'practice_lost']);

function PracticeRecreate({ onRecreated }: { onRecreated: (panel: ClusterPanelDto) => void }) {
  const t = useTranslations('cluster');
  const locale = useLocale();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  return (
    <>
      <EuiSpacer size="s" />
      <EuiButton
        size="s"
        iconType="cluster"
        isLoading={busy}
        data-testid="practice-recreate"
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            onRecreated(await apiSend<ClusterPanelDto>('POST', '/api/practice/recreate', locale));
          } catch (caught) {
            setError(caught as ApiError);
          } finally {
            setBusy(false);
          }
        }}
      >
        {t('practiceRecreate')}
      </EuiButton>
      {error && (
        <>
          <EuiSpacer size="s" />
          <EuiCallOut title={t('practiceRecreateFailed')} color="danger" iconType="error" size="s" data-testid="practice-recreate-error" data-code={error.code}>
            <p>{error.message}</p>
            {error.hint && <p>{error.hint}</p>}
          </EuiCallOut>
        </>
      )}
    </>
  );
}

function StatusCard({ panel, onDisconnect, onRecreated }: { panel: ClusterPanelDto; onDisconnect: () => Promise<void>; onRecreated: (panel: ClusterPanelDto) => void }) {
  const t = useTranslations('cluster');
  const [busy, setBusy] = useState(false);
  const { connection, status, error } = panel;
  // Only the answer of a recreate carries `rerun` (the card's polls do not): the note shows until the next poll.
  const rerun = (panel as ClusterPanelDto & { rerun?: string[] }).rerun;
  if (!connection) return null;
  const unknown = t('unknown');
  const items = status
    ? [
        { title: t('name'), description: <span data-testid="cluster-name">{status.clusterName ?? unknown}</span> },
        { title: t('version'), description: <span data-testid="cluster-version">{status.version}</span> },
        {
          title: t('health'),
          description: status.health ? (
            <EuiHealth color={healthColor[status.health.status]} data-testid="cluster-health" data-health={status.health.status}>
              {status.health.status}
            </EuiHealth>
          ) : (
            unknown
          ),
        },
        {
          title: t('nodes'),
          description: status.nodes
            ? t('nodesValue', { count: status.nodes.length, roles: [...new Set(status.nodes.flatMap((node) => node.roles))].sort().join(', ') })
            : unknown,
        },
        {
          title: t('mlNode'),
          description: (
            <span data-testid="cluster-ml" data-ml={String(status.mlNode)}>
              {status.mlNode === null ? unknown : status.mlNode ? t('yes') : t('no')}
            </span>
          ),
        },
        {
          title: t('licence'),
          description: (
            <span data-testid="cluster-licence">
              {status.licence ? t('licenceValue', { type: status.licence.type, status: status.licence.status }) : unknown}
            </span>
          ),
        },
      ]
    : [{ title: t('endpoint'), description: connection.endpoint }];

  return (
    <div data-testid="cluster-status-card" data-kind={connection.kind}>
      <EuiFlexGroup gutterSize="s" alignItems="center" responsive={false}>
        <EuiFlexItem grow={false}>
          <EuiHealth color={error ? 'danger' : 'success'}>{connection.kind === 'practice' ? t('practice') : t('connected')}</EuiHealth>
        </EuiFlexItem>
        <EuiFlexItem>
          <EuiText size="xs" color="subdued">
            <span>{connection.cloudIdLabel ?? new URL(connection.endpoint).host}</span>
          </EuiText>
        </EuiFlexItem>
      </EuiFlexGroup>
      <EuiSpacer size="s" />
      <EuiDescriptionList type="column" compressed listItems={items} />
      {status && status.issues.length > 0 && (
        <>
          <EuiSpacer size="s" />
          {status.issues.map((issue) => (
            <ErrorCallout key={issue.code} code={issue.code} params={issue.params} title={t('issues')} testId="cluster-issue" />
          ))}
        </>
      )}
      {error && (
        <>
          <EuiSpacer size="s" />
          <ErrorCallout code={error.code} params={error.params as ErrorParams} title={t('statusFailed')} testId="cluster-error" />
          {connection.kind === 'practice' && PRACTICE_GONE.has(error.code) && <PracticeRecreate onRecreated={onRecreated} />}
        </>
      )}
      {!error && rerun && (
        <>
          <EuiSpacer size="s" />
          <EuiCallOut title={t('practiceRecreated')} color="success" iconType="checkCircleFill" size="s" data-testid="practice-recreated">
            {rerun.length > 0 && <p>{t('practiceRerun', { actions: rerun.join(', ') })}</p>}
          </EuiCallOut>
        </>
      )}
      <EuiSpacer size="s" />
      <EuiFlexGroup gutterSize="s" alignItems="center" justifyContent="spaceBetween" responsive={false} wrap>
        <EuiFlexItem grow={false}>
          {connection.kibanaUrl ? (
            <EuiLink href={connection.kibanaUrl} target="_blank" external data-testid="kibana-link">
              {t('kibana')}
            </EuiLink>
          ) : (
            <EuiText size="xs" color="subdued">
              <span>{t('noKibana')}</span>
            </EuiText>
          )}
        </EuiFlexItem>
        {status && (
          <EuiFlexItem grow={false}>
            <PanelUpdated at={new Date(status.checkedAt)} namespace="cluster" testId="cluster-updated" />
          </EuiFlexItem>
        )}
      </EuiFlexGroup>
      <EuiHorizontalRule margin="s" />
      <EuiButtonEmpty
        size="s"
        color="danger"
        iconType="cross"
        isLoading={busy}
        data-testid="disconnect"
        onClick={async () => {
          if (!window.confirm(t('disconnectConfirm'))) return;
          setBusy(true);
          try {
            await onDisconnect();
          } finally {
            setBusy(false);
          }
        }}
      >
        {t('disconnect')}
      </EuiButtonEmpty>
    </div>
  );
}

/** Chapter 1's live panel: connect a cluster, then its version, health, nodes, ML node and licence every 5 s. */
export default function ClusterStatusPanel() {
  const t = useTranslations('cluster');
  const locale = useLocale();
  const participant = useParticipant();
  const panel = useCluster(participant !== null, { live: true });
  const { data, error } = panel;

  let body;
  let state: string;
  if (!participant) {
    state = 'signed-out';
    body = (
      <>
        <EuiText size="s">
          <p>{t('signInFirst')}</p>
        </EuiText>
        <EuiSpacer size="s" />
        <Link href="/join">{t('signIn')}</Link>
      </>
    );
  } else if (panel.loading) {
    state = 'loading';
    body = <EuiSkeletonText lines={4} aria-label={t('loading')} />;
  } else if (error && !data) {
    state = 'error';
    body = (
      <EuiCallOut title={t('statusFailed')} color="danger" iconType="error" size="s" data-testid="cluster-error" data-code={error.code}>
        <p>{error.message}</p>
        {error.hint && <p>{error.hint}</p>}
      </EuiCallOut>
    );
  } else if (data?.connection) {
    state = data.error ? 'error' : 'connected';
    body = (
      <StatusCard
        panel={data}
        onDisconnect={async () => {
          panel.show(await apiSend<ClusterPanelDto>('DELETE', '/api/cluster', locale));
        }}
        onRecreated={panel.show}
      />
    );
  } else {
    state = 'disconnected';
    body = (
      <>
        <ConnectForm onConnected={panel.show} />
        <EuiHorizontalRule margin="m" />
        <PracticeStart onConnected={panel.show} />
      </>
    );
  }

  return (
    <PanelFrame kind="cluster-status" state={state}>
      {body}
    </PanelFrame>
  );
}
