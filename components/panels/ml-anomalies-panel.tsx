'use client';

import {
  EuiBadge,
  EuiButtonEmpty,
  EuiButtonGroup,
  EuiCallOut,
  EuiFlexGroup,
  EuiFlexItem,
  EuiLink,
  EuiSkeletonRectangle,
  EuiSpacer,
  EuiTable,
  EuiTableBody,
  EuiTableHeader,
  EuiTableHeaderCell,
  EuiTableRow,
  EuiTableRowCell,
  EuiText,
} from '@elastic/eui';
import dynamic from 'next/dynamic';
import { useFormatter, useTranslations } from 'next-intl';
import { useEffect, useRef, useState } from 'react';
import { useParticipant } from '@/components/providers/participant';
import { Link } from '@/i18n/navigation';
import { onMlViewRequest, useMlJob, type MlViewId } from '@/lib/client/ml-lab';
import { useTimeFormat, useViewerTimeZone } from '@/lib/client/time';
import { usePanel } from '@/lib/client/use-panel';
import { mlAnomaliesPanel, SEVERITY_COLOURS, type AnomalyRecord, type MlAnomaliesDto } from '@/lib/panels/ml-anomalies.contract';
import { PanelFrame, PanelUpdated, UsualPanelBody, usualPanelState } from './panel-frame';

// @elastic/charts loads only once there are results to chart.
const MlAnomaliesChart = dynamic(() => import('./ml-anomalies-chart'), {
  ssr: false,
  loading: () => <EuiSkeletonRectangle width="100%" height={280} borderRadius="m" />,
});

// Table primitives rather than EuiBasicTable: its value formatting brings moment into the page's first load.
function AnomaliesTable({ anomalies }: { anomalies: AnomalyRecord[] }) {
  const t = useTranslations('ml.panel');
  const format = useFormatter();
  const time = useTimeFormat();
  const value = (v: number | null) => (v === null ? '–' : format.number(v, { maximumFractionDigits: 1 }));
  const description = (record: AnomalyRecord) =>
    record.factor === null
      ? t(record.direction === 'higher' ? 'table.unexpectedHigh' : 'table.unexpectedLow')
      : t(record.direction === 'higher' ? 'table.higher' : 'table.lower', { factor: format.number(record.factor, { maximumFractionDigits: 1 }) });
  if (anomalies.length === 0) {
    return (
      <EuiText size="xs" color="subdued" data-testid="ml-anomalies-table">
        <p>{t('table.none')}</p>
      </EuiText>
    );
  }
  return (
    <EuiTable compressed aria-label={t('table.caption')} data-testid="ml-anomalies-table">
      <EuiTableHeader>
        <EuiTableHeaderCell>{t('table.time')}</EuiTableHeaderCell>
        <EuiTableHeaderCell>{t('table.severity')}</EuiTableHeaderCell>
        <EuiTableHeaderCell align="right">{t('table.score')}</EuiTableHeaderCell>
        <EuiTableHeaderCell align="right">{t('table.actual')}</EuiTableHeaderCell>
        <EuiTableHeaderCell align="right">{t('table.typical')}</EuiTableHeaderCell>
        <EuiTableHeaderCell>{t('table.description')}</EuiTableHeaderCell>
      </EuiTableHeader>
      <EuiTableBody>
        {anomalies.slice(0, 20).map((record) => (
          <EuiTableRow key={record.timestamp} data-severity={record.severity} data-score={record.score}>
            <EuiTableRowCell>{time.format(record.timestamp, 'shortDateTime')}</EuiTableRowCell>
            <EuiTableRowCell>
              {/* Kibana's table labels everything under 25 "warning"; the colour follows the score's band. */}
              <EuiBadge color={SEVERITY_COLOURS[record.severity]}>{t(`severity.${record.score >= 25 ? record.severity : 'warning'}`)}</EuiBadge>
            </EuiTableRowCell>
            <EuiTableRowCell align="right">{format.number(record.score, { maximumFractionDigits: 0 })}</EuiTableRowCell>
            <EuiTableRowCell align="right">{value(record.actual)}</EuiTableRowCell>
            <EuiTableRowCell align="right">{value(record.typical)}</EuiTableRowCell>
            <EuiTableRowCell>{description(record)}</EuiTableRowCell>
          </EuiTableRow>
        ))}
      </EuiTableBody>
    </EuiTable>
  );
}

/** Where the learner is in the chapter when there is no result to show yet. */
function NoJob({ job, jobs, onPick }: { job: string; jobs: string[]; onPick: (job: string) => void }) {
  const t = useTranslations('ml.panel');
  return (
    <EuiText size="s" data-testid="ml-anomalies-empty">
      <p>{t.rich('noJob', { job, step: (chunks) => <Link href="/chapters/machine-learning#step-19">{chunks}</Link> })}</p>
      {jobs.length > 0 && (
        <p>
          {t('otherJobs')}{' '}
          {jobs.map((other) => (
            <EuiButtonEmpty key={other} size="xs" onClick={() => onPick(other)} data-testid={`ml-anomalies-job-${other}`}>
              {other}
            </EuiButtonEmpty>
          ))}
        </p>
      )}
    </EuiText>
  );
}

function stateOf(data: MlAnomaliesDto): string {
  if (!data.job) return 'no-job';
  if (data.job.processedRecords === 0 && !data.job.finished) return 'waiting';
  return data.job.finished ? 'done' : 'running';
}

/**
 * Chapter 5's Single Metric Viewer beside steps 21-23: the job's actual counts per bucket with the
 * model's bounds, anomaly markers by severity, a brush and the handout's three views one click
 * away, and the anomalies table. The handout's questions are answered beside steps 21-23 from the
 * same reading (`MlAnswer`).
 */
export default function MlAnomaliesPanel() {
  const t = useTranslations('ml.panel');
  const format = useFormatter();
  const participant = useParticipant();
  const zone = useViewerTimeZone();
  const time = useTimeFormat();
  const [job, setJob] = useMlJob();
  // A preset view is kept by its id too: chosen while the job still reads, its bounds follow the range.
  const [focus, setFocus] = useState<{ from: number; to: number; preset?: MlViewId } | null>(null);
  const root = useRef<HTMLDivElement>(null);
  const panel = usePanel(
    mlAnomaliesPanel,
    { job, tz: zone, from: focus?.from ?? null, to: focus?.to ?? null },
    { enabled: participant !== null && zone !== null, refreshMs: (latest) => (latest?.job && !latest.job.finished ? 2_000 : 15_000) },
  );
  const { data, error } = panel;

  // An answer beside step 22 or 23 asks for its view: show it here and bring the viewer into sight.
  const views = data?.views;
  useEffect(
    () =>
      onMlViewRequest((id: MlViewId) => {
        const view = views?.find((v) => v.id === id);
        if (!view) return;
        setFocus(id === 'all' ? null : { from: view.from, to: view.to, preset: id });
        root.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
      }),
    [views],
  );
  useEffect(() => {
    const preset = focus?.preset && views?.find((v) => v.id === focus.preset);
    if (preset && (preset.from !== focus.from || preset.to !== focus.to)) setFocus({ from: preset.from, to: preset.to, preset: preset.id });
  }, [views, focus]);

  const usual = usualPanelState(participant !== null, { data, error });
  let state: string;
  let body;
  if (usual || !data) {
    state = usual ?? 'loading';
    body = <UsualPanelBody state={usual ?? 'loading'} error={error} namespace="ml.panel" testId="ml-anomalies" />;
  } else if (!data.job) {
    state = 'no-job';
    body = <NoJob job={job} jobs={data.jobs} onPick={setJob} />;
  } else {
    state = stateOf(data);
    const j = data.job;
    const selectedView = data.view && data.views.find((v) => Math.abs(v.from - data.view!.from) < 1 && Math.abs(v.to - data.view!.to) < 1)?.id;
    body = (
      <div data-testid="ml-anomalies" data-job={j.id} data-processed={j.processedRecords} data-finished={String(j.finished)} data-anomalies={data.anomalies.length} data-view={selectedView ?? 'custom'}>
        {error && (
          <>
            <EuiCallOut title={t('refreshFailed')} color="warning" iconType="warning" size="s" data-code={error.code}>
              <p>{error.message}</p>
            </EuiCallOut>
            <EuiSpacer size="s" />
          </>
        )}
        <EuiText size="xs" color="subdued">
          <p data-testid="ml-anomalies-job">
            {t('jobLine', { job: j.id, fn: j.field ? `${j.function}(${j.field})` : j.function, span: j.bucketSpan, records: format.number(j.processedRecords), state: j.state, datafeed: j.datafeedState ?? '–' })}
            {j.latestRecordTimestamp && time.ready ? ` · ${t('latest', { time: time.format(j.latestRecordTimestamp, 'shortDateTime') })}` : ''}
          </p>
        </EuiText>
        {j.assignmentExplanation && (
          <EuiText size="xs" color="warning">
            <p>{j.assignmentExplanation}</p>
          </EuiText>
        )}
        {!j.modelPlot && (
          <EuiText size="xs" color="subdued">
            <p>{t('noModelPlot')}</p>
          </EuiText>
        )}
        {data.views.length > 0 && (
          <EuiButtonGroup
            legend={t('views.legend')}
            buttonSize="compressed"
            isFullWidth
            idSelected={selectedView ? `view-${selectedView}` : ''}
            onChange={(id) => {
              const view = data.views.find((v) => `view-${v.id}` === id);
              if (view) setFocus(view.id === 'all' ? null : { from: view.from, to: view.to, preset: view.id });
            }}
            options={data.views.map((view) => ({ id: `view-${view.id}`, label: t(`views.${view.id}`), 'data-testid': `ml-anomalies-view-${view.id}` }))}
          />
        )}
        <EuiSpacer size="s" />
        {data.view && data.range && (data.series.length > 0 || data.anomalies.length > 0) ? (
          <MlAnomaliesChart series={data.series} overview={data.overview} anomalies={data.anomalies} view={data.view} range={data.range} onBrush={(from, to) => setFocus({ from, to })} />
        ) : (
          <EuiText size="s" color="subdued" data-testid="ml-anomalies-waiting">
            <p>{j.processedRecords === 0 ? t('waiting') : t('noPoints')}</p>
          </EuiText>
        )}
        <EuiSpacer size="s" />
        <AnomaliesTable anomalies={data.anomalies} />
      </div>
    );
  }

  return (
    <div ref={root}>
      <PanelFrame kind="ml-anomalies" state={state}>
        {body}
        {data && participant && (
          <>
            <EuiSpacer size="s" />
            <EuiFlexGroup gutterSize="s" alignItems="center" justifyContent="spaceBetween" responsive={false} wrap>
              <EuiFlexItem grow={false}>
                <PanelUpdated at={panel.updatedAt} namespace="ml.panel" testId="ml-anomalies-updated" />
              </EuiFlexItem>
              {data.kibana && (
                <EuiFlexItem grow={false}>
                  <EuiLink href={data.kibana.url} target="_blank" external data-testid="ml-anomalies-kibana">
                    {t('openInKibana')}
                  </EuiLink>
                </EuiFlexItem>
              )}
            </EuiFlexGroup>
          </>
        )}
      </PanelFrame>
    </div>
  );
}
