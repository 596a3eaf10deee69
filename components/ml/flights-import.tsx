'use client';

import {
  EuiButton,
  EuiButtonEmpty,
  EuiCallOut,
  EuiDescriptionList,
  EuiFieldText,
  EuiFilePicker,
  EuiFlexGroup,
  EuiFlexItem,
  EuiFormRow,
  EuiPanel,
  EuiProgress,
  EuiSpacer,
  EuiTable,
  EuiTableBody,
  EuiTableHeader,
  EuiTableHeaderCell,
  EuiTableRow,
  EuiTableRowCell,
  EuiText,
  EuiTitle,
} from '@elastic/eui';
import { useFormatter, useLocale, useTranslations } from 'next-intl';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useSWRConfig } from 'swr';
import { useParticipant } from '@/components/providers/participant';
import { apiGet, apiSend, ApiError } from '@/lib/client/api';
import { useViewerTimeZone } from '@/lib/client/time';
import { CLUSTER_KEY, useCluster } from '@/lib/client/use-cluster';
import { ANALYSE_MAX_BYTES, indexNameProblem, MAX_UPLOAD_BYTES, MAX_UPLOAD_MB, type FieldSummary, type FileAnalysis, type ImportProgress } from '@/lib/imports/contract';

type Stage =
  | { kind: 'idle' }
  | { kind: 'analysing'; file: File }
  | { kind: 'summary'; file: File; analysis: FileAnalysis }
  | { kind: 'importing'; progress: ImportProgress | null; file: File | null }
  | { kind: 'finished'; progress: ImportProgress };

const POLL_MS = 500;

function errorOf(caught: unknown): ApiError {
  return caught instanceof ApiError ? caught : new ApiError(0, 'internal', String(caught), '');
}

async function postFile<T>(url: string, body: Blob, locale: string): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    body,
    headers: { 'accept-language': locale, accept: 'application/json', 'content-type': body.type || 'text/plain' },
    cache: 'no-store',
  });
  const json = (await response.json().catch(() => null)) as unknown;
  if (!response.ok) {
    const error = (json as { error?: { code?: string; message?: string; hint?: string; params?: Record<string, string | number | boolean> } } | null)?.error;
    throw new ApiError(response.status, error?.code ?? 'internal', error?.message ?? response.statusText, error?.hint ?? '', error?.params ?? {});
  }
  return json as T;
}

// Table primitives rather than EuiBasicTable: its value formatting brings moment into the page's first load.
function FieldStats({ fields }: { fields: FieldSummary[] }) {
  const t = useTranslations('ml.importer');
  const format = useFormatter();
  const values = (f: FieldSummary) =>
    f.min !== undefined && f.max !== undefined
      ? t('range', { min: format.number(f.min), median: format.number(f.median ?? f.min), max: format.number(f.max) })
      : f.earliest && f.latest
        ? t('timeRange', { earliest: f.earliest, latest: f.latest })
        : f.top.slice(0, 3).map((top) => `${top.value} (${format.number(top.count)})`).join(', ');
  return (
    <EuiTable compressed aria-label={t('fileStats')} data-testid="flights-import-fields">
      <EuiTableHeader>
        <EuiTableHeaderCell>{t('field')}</EuiTableHeaderCell>
        <EuiTableHeaderCell>{t('type')}</EuiTableHeaderCell>
        <EuiTableHeaderCell align="right">{t('count')}</EuiTableHeaderCell>
        <EuiTableHeaderCell align="right">{t('distinct')}</EuiTableHeaderCell>
        <EuiTableHeaderCell>{t('values')}</EuiTableHeaderCell>
      </EuiTableHeader>
      <EuiTableBody>
        {fields.map((f) => (
          <EuiTableRow key={f.name} data-field={f.name}>
            <EuiTableRowCell>
              <strong>{f.name}</strong>
            </EuiTableRowCell>
            <EuiTableRowCell>{f.type}</EuiTableRowCell>
            <EuiTableRowCell align="right">{format.number(f.count)}</EuiTableRowCell>
            <EuiTableRowCell align="right">{format.number(f.distinct)}</EuiTableRowCell>
            <EuiTableRowCell>{values(f)}</EuiTableRowCell>
          </EuiTableRow>
        ))}
      </EuiTableBody>
    </EuiTable>
  );
}

function Summary({ analysis }: { analysis: FileAnalysis }) {
  const t = useTranslations('ml.importer');
  const format = useFormatter();
  const s = analysis.summary;
  const items = [
    { title: t('linesAnalysed'), description: format.number(s.linesAnalysed) },
    { title: t('format'), description: s.format },
    ...(s.delimiter ? [{ title: t('delimiter'), description: s.delimiter === ',' ? t('comma') : JSON.stringify(s.delimiter) }] : []),
    ...(s.hasHeaderRow !== null ? [{ title: t('headerRow'), description: s.hasHeaderRow ? t('yes') : t('no') }] : []),
    { title: t('timeField'), description: s.timeField ?? t('none') },
    ...(s.timeFormats.length > 0 ? [{ title: t('timeFormat'), description: s.timeFormats.join(', ') }] : []),
  ];
  return (
    <div data-testid="flights-import-summary" data-format={s.format} data-time-field={s.timeField ?? ''} data-lines={s.linesAnalysed}>
      <EuiTitle size="xxs">
        <h5>{t('summary')}</h5>
      </EuiTitle>
      <EuiDescriptionList type="column" compressed listItems={items} />
      {s.needTimeZone && (
        <EuiText size="xs" color="subdued">
          <p>{t('zoneNote')}</p>
        </EuiText>
      )}
      <EuiSpacer size="s" />
      <FieldStats fields={s.fields} />
    </div>
  );
}

function Progress({ progress, onCancel, cancelling }: { progress: ImportProgress | null; onCancel: () => void; cancelling: boolean }) {
  const t = useTranslations('ml.importer');
  const format = useFormatter();
  const rows = progress?.rows ?? 0;
  const total = progress?.totalRows;
  const fraction = total ? rows / total : progress?.totalBytes ? Math.min(1, (progress.bytes ?? 0) / progress.totalBytes) : undefined;
  return (
    <div data-testid="flights-import-progress" data-rows={rows} data-total={total ?? ''} data-phase={progress?.phase ?? 'analysing'}>
      <EuiProgress value={fraction === undefined ? undefined : Math.round(fraction * 1000)} max={fraction === undefined ? undefined : 1000} size="m" color="primary" aria-label={t('progress')} />
      <EuiSpacer size="xs" />
      <EuiFlexGroup gutterSize="m" responsive={false} wrap alignItems="center">
        <EuiFlexItem grow={false}>
          <EuiText size="s">
            <strong>{total ? t('rowsOf', { rows: format.number(rows), total: format.number(total) }) : t('rows', { rows: format.number(rows) })}</strong>
          </EuiText>
        </EuiFlexItem>
        {progress?.rowsPerSecond ? (
          <EuiFlexItem grow={false}>
            <EuiText size="s" color="subdued">
              {t('rate', { rate: format.number(progress.rowsPerSecond) })}
            </EuiText>
          </EuiFlexItem>
        ) : null}
        {progress?.secondsLeft !== null && progress?.secondsLeft !== undefined ? (
          <EuiFlexItem grow={false}>
            <EuiText size="s" color="subdued">
              {t('left', { seconds: progress.secondsLeft })}
            </EuiText>
          </EuiFlexItem>
        ) : null}
        <EuiFlexItem grow={false}>
          <EuiText size="xs" color="subdued">
            {t(`phase.${progress?.phase ?? 'analysing'}`)}
          </EuiText>
        </EuiFlexItem>
        <EuiFlexItem grow={false}>
          <EuiButtonEmpty size="s" color="danger" onClick={onCancel} isLoading={cancelling} data-testid="flights-import-cancel">
            {t('cancel')}
          </EuiButtonEmpty>
        </EuiFlexItem>
      </EuiFlexGroup>
    </div>
  );
}

function Result({ progress }: { progress: ImportProgress }) {
  const t = useTranslations('ml.importer');
  const format = useFormatter();
  const color = progress.state === 'done' ? (progress.failedRows > 0 ? 'warning' : 'success') : progress.state === 'cancelled' ? 'warning' : 'danger';
  return (
    <div data-testid="flights-import-result" data-state={progress.state} data-rows={progress.rows} data-failed={progress.failedRows}>
      <EuiCallOut
        size="s"
        color={color}
        iconType={progress.state === 'done' ? 'check' : 'warning'}
        title={t(`result.${progress.state}`, { rows: format.number(progress.rows), index: progress.index, failed: format.number(progress.failedRows) })}
      >
        {progress.error && (
          <p>
            {progress.error.message} {progress.error.hint}
          </p>
        )}
        {progress.rowsPerSecond ? <p>{t('finalRate', { rate: format.number(progress.rowsPerSecond) })}</p> : null}
      </EuiCallOut>
      {progress.failures.length > 0 && (
        <>
          <EuiSpacer size="s" />
          <EuiText size="xs" data-testid="flights-import-failures">
            <p>
              <strong>{t('failedRows', { count: progress.failedRows })}</strong>
            </p>
            <ul>
              {progress.failures.map((failure) => (
                <li key={failure.line} data-line={failure.line}>
                  {t('failedLine', { line: failure.line, reason: failure.reason })}
                </li>
              ))}
            </ul>
          </EuiText>
        </>
      )}
    </div>
  );
}

/**
 * Chapter 5's importer, the Data Visualizer way: choose or drop a CSV or NDJSON file, see what the
 * cluster's structure finder makes of it, import it into an index with a live progress bar, and
 * see the final count and any failed rows with their lines. On the practice cluster the sample
 * file can be imported without an upload.
 */
export default function FlightsImport() {
  const t = useTranslations('ml.importer');
  const locale = useLocale();
  const format = useFormatter();
  const participant = useParticipant();
  const zone = useViewerTimeZone();
  const cluster = useCluster(participant !== null);
  const practice = cluster.data?.connection?.kind === 'practice';
  const { mutate } = useSWRConfig();
  const [stage, setStage] = useState<Stage>({ kind: 'idle' });
  const [error, setError] = useState<ApiError | null>(null);
  const [index, setIndex] = useState('flights');
  const [cancelling, setCancelling] = useState(false);
  const importId = useRef<string | null>(null);
  const polling = useRef<ReturnType<typeof setInterval> | null>(null);

  const stopPolling = useCallback(() => {
    if (polling.current) clearInterval(polling.current);
    polling.current = null;
  }, []);
  useEffect(() => stopPolling, [stopPolling]);

  const finished = useCallback(
    async (progress: ImportProgress) => {
      stopPolling();
      setCancelling(false);
      setStage({ kind: 'finished', progress });
      // The checkpoint and the viewer see the new index at once.
      await mutate((key) => typeof key === 'string' && (key.startsWith('/api/checkpoints') || key.startsWith('/api/panels') || key === CLUSTER_KEY));
    },
    [mutate, stopPolling],
  );

  const follow = useCallback(
    (id: string, file: File | null) => {
      importId.current = id;
      stopPolling();
      polling.current = setInterval(async () => {
        try {
          const progress = await apiGet<ImportProgress>(`/api/imports/${id}`, locale);
          if (progress.state === 'running') setStage({ kind: 'importing', progress, file });
          else if (!file) await finished(progress);
        } catch (caught) {
          // Not registered yet (the upload's first bytes are still on their way): ask again.
          if (!(caught instanceof ApiError && caught.code === 'not_found')) setError(errorOf(caught));
        }
      }, POLL_MS);
    },
    [finished, locale, stopPolling],
  );

  if (!participant) {
    return (
      <EuiText size="s" color="subdued" data-testid="flights-import" data-state="signed-out">
        <p>{t('signIn')}</p>
      </EuiText>
    );
  }

  const analyse = async (file: File) => {
    setError(null);
    if (file.size > MAX_UPLOAD_BYTES) {
      setError(new ApiError(413, 'invalid_file', t('tooLarge', { mb: MAX_UPLOAD_MB }), ''));
      return;
    }
    setStage({ kind: 'analysing', file });
    try {
      const analysis = await postFile<FileAnalysis>(`/api/imports/analyse?name=${encodeURIComponent(file.name)}`, file.slice(0, ANALYSE_MAX_BYTES, file.type), locale);
      setIndex(analysis.index);
      setStage({ kind: 'summary', file, analysis });
    } catch (caught) {
      setError(errorOf(caught));
      setStage({ kind: 'idle' });
    }
  };

  const upload = async (file: File) => {
    setError(null);
    const id = crypto.randomUUID();
    setStage({ kind: 'importing', progress: null, file });
    follow(id, file);
    const params = new URLSearchParams({ index, tz: zone ?? 'UTC', importId: id, size: String(file.size) });
    try {
      await finished(await postFile<ImportProgress>(`/api/imports?${params.toString()}`, file, locale));
    } catch (caught) {
      stopPolling();
      setError(errorOf(caught));
      setStage({ kind: 'idle' });
    }
  };

  const sample = async () => {
    setError(null);
    setStage({ kind: 'importing', progress: null, file: null });
    try {
      const progress = await apiSend<ImportProgress>('POST', '/api/practice/datasets/flights', locale, { timeZone: zone ?? 'UTC' });
      setStage({ kind: 'importing', progress, file: null });
      follow(progress.importId, null);
    } catch (caught) {
      setError(errorOf(caught));
      setStage({ kind: 'idle' });
    }
  };

  const cancel = async () => {
    if (!importId.current) return;
    setCancelling(true);
    try {
      const progress = await apiSend<ImportProgress>('DELETE', `/api/imports/${importId.current}`, locale);
      if (progress.state !== 'running' && stage.kind === 'importing' && !stage.file) await finished(progress);
    } catch (caught) {
      setError(errorOf(caught));
      setCancelling(false);
    }
  };

  const indexProblem = indexNameProblem(index);
  return (
    <EuiPanel hasBorder paddingSize="m" data-testid="flights-import" data-state={stage.kind}>
      <EuiTitle size="xs">
        <h4>{t('title')}</h4>
      </EuiTitle>
      <EuiSpacer size="s" />
      {error && (
        <>
          <EuiCallOut size="s" color="danger" iconType="error" title={error.message} data-testid="flights-import-error" data-code={error.code}>
            {error.hint && <p>{error.hint}</p>}
          </EuiCallOut>
          <EuiSpacer size="s" />
        </>
      )}
      {(stage.kind === 'idle' || stage.kind === 'finished') && (
        <>
          <EuiFilePicker
            id="flights-import-file"
            display="large"
            accept=".csv,.tsv,.txt,.ndjson,.json,text/csv,text/plain,application/x-ndjson"
            initialPromptText={t('drop', { mb: MAX_UPLOAD_MB })}
            onChange={(files) => {
              const file = files?.item(0);
              if (file) void analyse(file);
            }}
            data-testid="flights-import-file"
            aria-label={t('choose')}
          />
          {practice && (
            <>
              <EuiSpacer size="s" />
              <EuiButton size="s" iconType="importAction" onClick={() => void sample()} data-testid="flights-import-sample">
                {t('sample')}
              </EuiButton>
              <EuiText size="xs" color="subdued">
                <p>{t('sampleNote')}</p>
              </EuiText>
            </>
          )}
        </>
      )}
      {stage.kind === 'analysing' && <EuiProgress size="xs" color="accent" aria-label={t('analysing')} data-testid="flights-import-analysing" />}
      {stage.kind === 'summary' && (
        <>
          <Summary analysis={stage.analysis} />
          <EuiSpacer size="m" />
          <EuiFormRow label={t('index')} isInvalid={indexProblem !== null} error={indexProblem ? t('badIndex', { problem: indexProblem }) : undefined} helpText={t('indexHelp')}>
            <EuiFieldText value={index} onChange={(event) => setIndex(event.target.value)} isInvalid={indexProblem !== null} data-testid="flights-import-index" />
          </EuiFormRow>
          <EuiSpacer size="s" />
          <EuiFlexGroup gutterSize="s" responsive={false}>
            <EuiFlexItem grow={false}>
              <EuiButton fill size="s" onClick={() => void upload(stage.file)} isDisabled={indexProblem !== null} data-testid="flights-import-start">
                {t('import')}
              </EuiButton>
            </EuiFlexItem>
            <EuiFlexItem grow={false}>
              <EuiButtonEmpty size="s" onClick={() => setStage({ kind: 'idle' })}>
                {t('otherFile')}
              </EuiButtonEmpty>
            </EuiFlexItem>
          </EuiFlexGroup>
          <EuiText size="xs" color="subdued">
            <p>{t('fileSize', { size: format.number(stage.file.size / (1024 * 1024), { maximumFractionDigits: 1 }) })}</p>
          </EuiText>
        </>
      )}
      {stage.kind === 'importing' && <Progress progress={stage.progress} onCancel={() => void cancel()} cancelling={cancelling} />}
      {stage.kind === 'finished' && (
        <>
          <EuiSpacer size="s" />
          <Result progress={stage.progress} />
        </>
      )}
    </EuiPanel>
  );
}
