'use client';

import {
  EuiButtonEmpty,
  EuiButtonGroup,
  EuiCallOut,
  EuiFlexGroup,
  EuiFlexItem,
  EuiHealth,
  EuiLink,
  EuiSkeletonRectangle,
  EuiSpacer,
  EuiText,
} from '@elastic/eui';
import { icon as pause } from '@elastic/eui/es/components/icon/assets/pause';
import { icon as play } from '@elastic/eui/es/components/icon/assets/play';
import { appendIconComponentCache } from '@elastic/eui/es/components/icon/icon';
import dynamic from 'next/dynamic';
import { useFormatter, useNow, useTranslations } from 'next-intl';
import { useState } from 'react';
import { useParticipant } from '@/components/providers/participant';
import { Link } from '@/i18n/navigation';
import { usePanel } from '@/lib/client/use-panel';
import { DEFAULT_HOST_METRICS_RANGE, HOST_METRICS_RANGES, hostMetricsPanel, type HostMetricsRange, type HostSummary } from '@/lib/panels/host-metrics.contract';
import { PanelFrame, PanelUpdated, UsualPanelBody, usualPanelState } from './panel-frame';

// This module loads after the page; its own icons are registered before it first renders.
appendIconComponentCache({ pause, play });

// @elastic/charts is the heaviest library of the guide: it loads only once there is data to chart.
const HostMetricsCharts = dynamic(() => import('./host-metrics-charts'), {
  ssr: false,
  loading: () => <EuiSkeletonRectangle width="100%" height={280} borderRadius="m" />,
});

function HostList({ hosts, selected, onSelect }: { hosts: HostSummary[]; selected: string | null; onSelect: (host: string) => void }) {
  const t = useTranslations('hostMetrics');
  const format = useFormatter();
  const now = useNow({ updateInterval: 5_000 });
  // Plain buttons rather than EuiListGroup: sharing that with the landing page's chunk would grow its first load.
  return (
    <ul className="guide-host-list" aria-label={t('hosts')} data-testid="host-metrics-hosts">
      {hosts.map((host) => {
        const active = host.name === selected;
        const seen = new Date(Math.min(host.lastSeen, now.getTime()));
        return (
          <li key={host.name}>
            <EuiButtonEmpty
              size="xs"
              flush="left"
              color="text"
              aria-pressed={active}
              onClick={() => onSelect(host.name)}
              data-testid="host-metrics-host"
              data-host={host.name}
              data-stale={String(host.stale)}
              data-selected={String(active)}
            >
              <EuiHealth color={host.stale ? 'warning' : 'success'} textSize="xs">
                {active ? <strong>{host.name}</strong> : host.name}
              </EuiHealth>
            </EuiButtonEmpty>
            <EuiText size="xs" color="subdued" component="span">
              {host.stale ? t('stale', { ago: format.relativeTime(seen, now) }) : t('lastSeen', { ago: format.relativeTime(seen, now) })}
            </EuiText>
          </li>
        );
      })}
    </ul>
  );
}

function NoData() {
  const t = useTranslations('hostMetrics');
  return (
    <div data-testid="host-metrics-empty">
      <EuiText size="s">
        <p>
          <strong>{t('empty.title')}</strong>
        </p>
        <p>
          {t.rich('empty.body', {
            step: (chunks) => <Link href="/chapters/metricbeat#step-6">{chunks}</Link>,
          })}
        </p>
      </EuiText>
    </div>
  );
}

/** Chapter 2's live panel: the attendee's hosts in `metricbeat-*` and one host's CPU, memory, load and network. */
export default function HostMetricsPanel() {
  const t = useTranslations('hostMetrics');
  const participant = useParticipant();
  const [range, setRange] = useState<HostMetricsRange>(DEFAULT_HOST_METRICS_RANGE);
  const [chosen, setChosen] = useState<string | null>(null);
  const panel = usePanel(hostMetricsPanel, { range, host: chosen }, { enabled: participant !== null });
  const { data, error, paused, setPaused } = panel;

  const usual = usualPanelState(participant !== null, { data, error });
  let state: string;
  let body;
  if (usual || !data) {
    state = usual ?? 'loading';
    body = <UsualPanelBody state={usual ?? 'loading'} error={error} namespace="hostMetrics" testId="host-metrics" />;
  } else if (data.hosts.length === 0) {
    state = 'empty';
    body = <NoData />;
  } else {
    state = paused ? 'paused' : 'live';
    const metrics = data.metrics;
    body = (
      <div
        data-testid="host-metrics"
        data-host={data.selected ?? ''}
        data-range={data.range}
        data-last-cpu={metrics?.last.cpu ?? ''}
        data-cpu-points={metrics ? metrics.cpu.filter(([, v]) => v !== null).length : 0}
        data-updated={data.checkedAt}
      >
        {error && (
          <>
            <EuiCallOut title={t('refreshFailed')} color="warning" iconType="warning" size="s" data-testid="host-metrics-error" data-code={error.code}>
              <p>{error.message}</p>
              {error.hint && <p>{error.hint}</p>}
            </EuiCallOut>
            <EuiSpacer size="s" />
          </>
        )}
        <HostList hosts={data.hosts} selected={data.selected} onSelect={setChosen} />
        <EuiSpacer size="s" />
        {metrics && metrics.hasData ? (
          <HostMetricsCharts metrics={metrics} />
        ) : (
          <EuiText size="xs" color="subdued">
            <p>{t('noPointsInRange')}</p>
          </EuiText>
        )}
      </div>
    );
  }

  const showControls = participant !== null && state !== 'not-connected' && state !== 'signed-out';
  return (
    <PanelFrame kind="host-metrics" state={state}>
      {showControls && (
        <>
          <EuiFlexGroup gutterSize="s" alignItems="center" justifyContent="spaceBetween" responsive={false} wrap>
            <EuiFlexItem grow={false}>
              <EuiButtonGroup
                legend={t('range')}
                buttonSize="compressed"
                idSelected={`range-${range}`}
                onChange={(id) => setRange(id.replace('range-', '') as HostMetricsRange)}
                options={HOST_METRICS_RANGES.map((value) => ({ id: `range-${value}`, label: t(`ranges.${value}`), 'data-testid': `host-metrics-range-${value}` }))}
                data-testid="host-metrics-range"
              />
            </EuiFlexItem>
            <EuiFlexItem grow={false}>
              <EuiButtonEmpty
                size="xs"
                iconType={paused ? 'play' : 'pause'}
                onClick={() => setPaused(!paused)}
                aria-pressed={paused}
                data-testid="host-metrics-pause"
              >
                {paused ? t('resume') : t('pause')}
              </EuiButtonEmpty>
            </EuiFlexItem>
          </EuiFlexGroup>
          <EuiSpacer size="s" />
        </>
      )}
      {body}
      {data && showControls && (
        <>
          <EuiSpacer size="s" />
          <EuiFlexGroup gutterSize="s" alignItems="center" justifyContent="spaceBetween" responsive={false} wrap>
            <EuiFlexItem grow={false}>
              <PanelUpdated at={panel.updatedAt} paused={paused} namespace="hostMetrics" testId="host-metrics-updated" />
            </EuiFlexItem>
            {data.kibana && (
              <EuiFlexItem grow={false}>
                <EuiLink href={data.kibana.host ?? data.kibana.inventory} target="_blank" external data-testid="host-metrics-kibana">
                  {t('openInKibana')}
                </EuiLink>
              </EuiFlexItem>
            )}
          </EuiFlexGroup>
        </>
      )}
    </PanelFrame>
  );
}
