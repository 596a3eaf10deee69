'use client';

import {
  EuiButton,
  EuiButtonEmpty,
  EuiCallOut,
  EuiFieldText,
  EuiFlexGroup,
  EuiFlexItem,
  EuiFormRow,
  EuiPanel,
  EuiProgress,
  EuiSelect,
  EuiSpacer,
  EuiText,
  EuiTitle,
} from '@elastic/eui';
import { useFormatter, useLocale, useTranslations } from 'next-intl';
import { useEffect, useState } from 'react';
import { useSWRConfig } from 'swr';
import { useParticipant } from '@/components/providers/participant';
import { apiGet, apiSend, ApiError } from '@/lib/client/api';
import { useMlJob } from '@/lib/client/ml-lab';
import { useTimeFormat } from '@/lib/client/time';
import { usePanel } from '@/lib/client/use-panel';
import { mlAnomaliesPanel } from '@/lib/panels/ml-anomalies.contract';
import { bucketSpanMs, DEFAULT_BUCKET_SPAN, jobIdProblem, WIZARD_FUNCTIONS, type BucketSpanEstimate, type WizardFunction } from '@/lib/queries/ml-jobs';

interface CreatedJob {
  jobId: string;
  start: number;
  end: number;
  bucketSpan: string;
  resumed: boolean;
}

function errorOf(caught: unknown): ApiError {
  return caught instanceof ApiError ? caught : new ApiError(0, 'internal', String(caught), '');
}

/** The look-back's progress as Kibana's wizard shows it: processed records and how far in time, until the datafeed stops. */
function RunProgress({ created }: { created: CreatedJob }) {
  const t = useTranslations('ml.wizard');
  const format = useFormatter();
  const time = useTimeFormat();
  const panel = usePanel(mlAnomaliesPanel, { job: created.jobId, part: 'job' }, { refreshMs: (latest) => (latest?.job?.finished ? 30_000 : 1_000) });
  const job = panel.data?.job;
  const latest = job?.latestRecordTimestamp ? Date.parse(job.latestRecordTimestamp) : null;
  const fraction = latest === null ? 0 : Math.min(1, Math.max(0, (latest - created.start) / (created.end - created.start)));
  const finished = job?.finished === true;
  return (
    <div data-testid="ml-wizard-progress" data-state={finished ? 'finished' : 'running'} data-processed={job?.processedRecords ?? 0} data-job-state={job?.state ?? ''} data-datafeed-state={job?.datafeedState ?? ''}>
      <EuiProgress value={finished ? 100 : Math.min(99, Math.round(fraction * 100))} max={100} size="m" color={finished ? 'success' : 'primary'} aria-label={t('progress')} />
      <EuiSpacer size="xs" />
      <EuiText size="s">
        <p>
          {t('processed', { records: format.number(job?.processedRecords ?? 0) })}
          {latest !== null && time.ready ? ` · ${t('latest', { time: time.format(latest, 'shortDateTime') })}` : ''}
        </p>
        <p>{finished ? t('finished', { state: job?.state ?? '', datafeed: job?.datafeedState ?? '' }) : t('running', { state: job?.state ?? '…', datafeed: job?.datafeedState ?? '…' })}</p>
      </EuiText>
      {panel.error && (
        <EuiCallOut size="s" color="warning" iconType="warning" title={panel.error.message} data-code={panel.error.code}>
          <p>{panel.error.hint}</p>
        </EuiCallOut>
      )}
    </div>
  );
}

/**
 * The single-metric wizard of chapter 5 (steps 11-19): the index, all of its data, Count (event
 * rate) or the mean/min/max/sum of a field, the bucket span (with Kibana's estimate), the job id
 * checked as Elasticsearch checks it; "Create and run" makes the job and datafeed as Kibana's
 * wizard does, opens it and runs it over the whole range, with its progress until the datafeed stops.
 */
export default function MlJobWizard() {
  const t = useTranslations('ml.wizard');
  const locale = useLocale();
  const participant = useParticipant();
  const { mutate } = useSWRConfig();
  const [, setSharedJob] = useMlJob();
  const [index, setIndex] = useState('flights');
  const [fn, setFn] = useState<WizardFunction>('count');
  const [field, setField] = useState('');
  const [fields, setFields] = useState<string[]>([]);
  const [bucketSpan, setBucketSpan] = useState(DEFAULT_BUCKET_SPAN);
  const [jobId, setJobId] = useState('flights');
  const [busy, setBusy] = useState<'create' | 'estimate' | null>(null);
  const [estimate, setEstimate] = useState<BucketSpanEstimate | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [created, setCreated] = useState<CreatedJob | null>(null);

  useEffect(() => {
    if (fn === 'count' || !participant) return;
    let live = true;
    apiGet<{ numeric: string[] }>(`/api/ml/fields?index=${encodeURIComponent(index)}`, locale)
      .then((answer) => {
        if (!live) return;
        setFields(answer.numeric);
        setField((current) => (answer.numeric.includes(current) ? current : (answer.numeric[0] ?? '')));
      })
      .catch((caught) => live && setError(errorOf(caught)));
    return () => {
      live = false;
    };
  }, [fn, index, locale, participant]);

  if (!participant) {
    return (
      <EuiText size="s" color="subdued" data-testid="ml-wizard" data-state="signed-out">
        <p>{t('signIn')}</p>
      </EuiText>
    );
  }

  const idProblem = jobIdProblem(jobId);
  const spanProblem = bucketSpanMs(bucketSpan) === null;
  const body = () => ({ index, function: fn, ...(fn === 'count' ? {} : { field }) });

  const create = async () => {
    setBusy('create');
    setError(null);
    try {
      const job = await apiSend<CreatedJob>('PUT', `/api/ml/jobs/${encodeURIComponent(jobId)}`, locale, { ...body(), bucketSpan });
      setCreated(job);
      setSharedJob(job.jobId);
      await mutate((key) => typeof key === 'string' && (key.startsWith('/api/checkpoints') || key.startsWith('/api/panels')));
    } catch (caught) {
      setError(errorOf(caught));
    } finally {
      setBusy(null);
    }
  };

  const estimateSpan = async () => {
    setBusy('estimate');
    setError(null);
    try {
      const answer = await apiSend<BucketSpanEstimate>('POST', '/api/ml/bucket-span', locale, body());
      setEstimate(answer);
      setBucketSpan(answer.bucketSpan);
    } catch (caught) {
      setError(errorOf(caught));
    } finally {
      setBusy(null);
    }
  };

  return (
    <EuiPanel hasBorder paddingSize="m" data-testid="ml-wizard" data-state={created ? 'created' : 'form'}>
      <EuiTitle size="xs">
        <h4>{t('title')}</h4>
      </EuiTitle>
      <EuiSpacer size="s" />
      <EuiFormRow label={t('index')} helpText={t('fullData')}>
        <EuiFieldText value={index} onChange={(e) => setIndex(e.target.value.trim())} data-testid="ml-wizard-index" compressed />
      </EuiFormRow>
      <EuiFormRow label={t('function')}>
        <EuiSelect
          compressed
          value={fn}
          onChange={(e) => setFn(e.target.value as WizardFunction)}
          options={WIZARD_FUNCTIONS.map((value) => ({ value, text: t(`functions.${value}`) }))}
          data-testid="ml-wizard-function"
        />
      </EuiFormRow>
      {fn !== 'count' && (
        <EuiFormRow label={t('field')} isInvalid={fields.length === 0} error={fields.length === 0 ? t('noFields') : undefined}>
          <EuiSelect compressed value={field} onChange={(e) => setField(e.target.value)} options={fields.map((value) => ({ value, text: value }))} data-testid="ml-wizard-field" />
        </EuiFormRow>
      )}
      <EuiFormRow label={t('bucketSpan')} isInvalid={spanProblem} error={spanProblem ? t('badSpan') : undefined} helpText={estimate ? t(`estimated.${estimate.basis}`, { span: estimate.bucketSpan }) : t('spanHelp')}>
        <EuiFlexGroup gutterSize="s" responsive={false}>
          <EuiFlexItem>
            <EuiFieldText compressed value={bucketSpan} onChange={(e) => setBucketSpan(e.target.value.trim())} isInvalid={spanProblem} data-testid="ml-wizard-bucket-span" />
          </EuiFlexItem>
          <EuiFlexItem grow={false}>
            <EuiButtonEmpty size="s" onClick={() => void estimateSpan()} isLoading={busy === 'estimate'} data-testid="ml-wizard-estimate">
              {t('estimate')}
            </EuiButtonEmpty>
          </EuiFlexItem>
        </EuiFlexGroup>
      </EuiFormRow>
      <EuiFormRow label={t('jobId')} isInvalid={idProblem !== null} error={idProblem ? t(`idProblems.${idProblem}`) : undefined} helpText={t('jobIdHelp')}>
        <EuiFieldText compressed value={jobId} onChange={(e) => setJobId(e.target.value)} isInvalid={idProblem !== null} data-testid="ml-wizard-job-id" />
      </EuiFormRow>
      <EuiSpacer size="s" />
      <EuiButton fill size="s" onClick={() => void create()} isLoading={busy === 'create'} isDisabled={idProblem !== null || spanProblem || (fn !== 'count' && !field)} data-testid="ml-wizard-create">
        {t('create')}
      </EuiButton>
      {error && (
        <>
          <EuiSpacer size="s" />
          <EuiCallOut size="s" color="danger" iconType="error" title={error.message} data-testid="ml-wizard-error" data-code={error.code}>
            {error.hint && <p>{error.hint}</p>}
          </EuiCallOut>
        </>
      )}
      {created && (
        <>
          <EuiSpacer size="m" />
          <RunProgress created={created} />
        </>
      )}
    </EuiPanel>
  );
}
