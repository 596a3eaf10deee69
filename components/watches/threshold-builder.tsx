'use client';

import {
  EuiButton,
  EuiCallOut,
  EuiFieldNumber,
  EuiFieldText,
  EuiFlexGroup,
  EuiFlexItem,
  EuiFormRow,
  EuiPanel,
  EuiSelect,
  EuiSkeletonRectangle,
  EuiSpacer,
  EuiText,
  EuiTitle,
} from '@elastic/eui';
import dynamic from 'next/dynamic';
import { useLocale, useTranslations } from 'next-intl';
import { useMemo, useState } from 'react';
import { useParticipant } from '@/components/providers/participant';
import { apiSend, type ApiError } from '@/lib/client/api';
import { usePanel } from '@/lib/client/use-panel';
import { watchFieldsPanel, watchPreviewPanel, type WatchPreviewQuery } from '@/lib/panels/watch-builder.contract';
import { AGG_TYPES, type AggType, type IntervalUnit, type ThresholdComparator } from '@/lib/watches/threshold';
import { useAlertEmail } from './use-alert-email';

// @elastic/charts loads only once there is a preview to draw.
const ThresholdPreviewChart = dynamic(() => import('./threshold-preview-chart'), {
  ssr: false,
  loading: () => <EuiSkeletonRectangle width="100%" height={160} borderRadius="m" />,
});

const UNITS: IntervalUnit[] = ['s', 'm', 'h', 'd'];
const COMPARATOR_NAMES: Record<ThresholdComparator, 'above' | 'aboveOrEqual' | 'below' | 'belowOrEqual' | 'between'> = {
  '>': 'above',
  '>=': 'aboveOrEqual',
  '<': 'below',
  '<=': 'belowOrEqual',
  between: 'between',
};

interface Form {
  name: string;
  indices: string;
  timeField: string;
  intervalSize: string;
  intervalUnit: IntervalUnit;
  aggType: AggType;
  aggField: string;
  groupBy: 'all' | 'top';
  termSize: string;
  termField: string;
  comparator: ThresholdComparator;
  threshold: string;
  thresholdHigh: string;
  windowSize: string;
  windowUnit: IntervalUnit;
}

/** The chapter's condition (step 4): max of the normalised CPU over the last minute above 0.5, every minute. */
const CHAPTER_FORM: Form = {
  name: 'HighCPU',
  indices: 'metricbeat-*',
  timeField: '@timestamp',
  intervalSize: '1',
  intervalUnit: 'm',
  aggType: 'max',
  aggField: 'system.cpu.total.norm.pct',
  groupBy: 'all',
  termSize: '5',
  termField: '',
  comparator: '>',
  threshold: '0.5',
  thresholdHigh: '',
  windowSize: '1',
  windowUnit: 'm',
};

const positiveInt = (v: string) => (/^\d+$/.test(v) && Number(v) > 0 ? Number(v) : null);
const finite = (v: string) => (v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : null);

function withCurrent(options: string[], current: string): { value: string; text: string }[] {
  const all = current && !options.includes(current) ? [current, ...options] : options;
  return all.map((f) => ({ value: f, text: f }));
}

/** Kibana's `watcherui` fields for the form, or null while something is missing. */
function thresholdBody(form: Form, email: string): Record<string, unknown> | null {
  const index = form.indices.split(',').map((s) => s.trim()).filter(Boolean);
  const interval = positiveInt(form.intervalSize);
  const window = positiveInt(form.windowSize);
  const low = finite(form.threshold);
  const high = finite(form.thresholdHigh);
  if (!form.name.trim() || index.length === 0 || !form.timeField || interval === null || window === null || low === null) return null;
  if (form.aggType !== 'count' && !form.aggField) return null;
  if (form.comparator === 'between' && high === null) return null;
  if (form.groupBy === 'top' && (!form.termField || positiveInt(form.termSize) === null)) return null;
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return null;
  return {
    name: form.name.trim(),
    index,
    time_field: form.timeField,
    trigger_interval_size: interval,
    trigger_interval_unit: form.intervalUnit,
    agg_type: form.aggType,
    ...(form.aggType === 'count' ? {} : { agg_field: form.aggField }),
    term_size: positiveInt(form.termSize) ?? 5,
    ...(form.groupBy === 'top' ? { term_field: form.termField } : {}),
    threshold_comparator: form.comparator,
    time_window_size: window,
    time_window_unit: form.windowUnit,
    threshold: form.comparator === 'between' ? [low, high] : low,
    email,
  };
}

/**
 * The threshold-alert builder of step 4: Kibana's "Create threshold alert" form, prefilled with
 * the chapter's condition, its field pickers fed by `_field_caps`, the preview chart, and save
 * (`POST /api/watches/threshold`, the watch Kibana would store).
 */
export default function ThresholdBuilder() {
  const t = useTranslations('thresholdBuilder');
  const locale = useLocale();
  const participant = useParticipant();
  const [form, setForm] = useState<Form>(CHAPTER_FORM);
  const [email, setEmail] = useAlertEmail();
  const [indices, setIndices] = useState(CHAPTER_FORM.indices);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<{ id: string; interval: string } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [tried, setTried] = useState(false);
  const set = <K extends keyof Form>(key: K, value: Form[K]) => setForm((f) => ({ ...f, [key]: value }));

  const enabled = participant !== null;
  const fields = usePanel(watchFieldsPanel, { index: indices }, { enabled: enabled && indices.trim() !== '' });
  const numberFields = fields.data?.numberFields ?? [];
  const previewQuery = useMemo((): WatchPreviewQuery | null => {
    const window = positiveInt(form.windowSize);
    if (!form.timeField || window === null || (form.aggType !== 'count' && !form.aggField) || indices.trim() === '') return null;
    return {
      index: indices,
      timeField: form.timeField,
      aggType: form.aggType,
      aggField: form.aggType === 'count' ? null : form.aggField,
      termField: form.groupBy === 'top' ? form.termField || null : null,
      termSize: form.groupBy === 'top' ? positiveInt(form.termSize) : null,
      timeWindowSize: window,
      timeWindowUnit: form.windowUnit,
    };
  }, [form, indices]);
  const preview = usePanel(watchPreviewPanel, previewQuery ?? ({} as WatchPreviewQuery), { enabled: enabled && previewQuery !== null });
  const thresholds = [finite(form.threshold), form.comparator === 'between' ? finite(form.thresholdHigh) : null].filter((v): v is number => v !== null);
  const body = thresholdBody(form, email);
  const hasPoints = preview.data?.series.some((s) => s.points.some(([, v]) => v !== null)) ?? false;

  const save = async () => {
    setTried(true);
    if (!body) return;
    setBusy(true);
    setError(null);
    try {
      const { id } = await apiSend<{ id: string }>('POST', '/api/watches/threshold', locale, body);
      setSaved({ id, interval: `${form.intervalSize}${form.intervalUnit}` });
    } catch (caught) {
      setError(caught as ApiError);
    } finally {
      setBusy(false);
    }
  };

  const unitOptions = UNITS.map((u) => ({ value: u, text: t(`units.${u}`) }));
  return (
    <EuiPanel hasBorder paddingSize="m" data-testid="threshold-builder" data-fields={fields.data ? 'ready' : 'loading'}>
      <EuiTitle size="xs">
        <h4>{t('title')}</h4>
      </EuiTitle>
      <EuiText size="xs" color="subdued">
        <p>{t('lead')}</p>
      </EuiText>
      <EuiSpacer size="s" />
      <EuiFormRow label={t('name')} fullWidth>
        <EuiFieldText compressed fullWidth value={form.name} onChange={(e) => set('name', e.target.value)} data-testid="builder-name" />
      </EuiFormRow>
      <EuiFormRow label={t('indices')} helpText={t('indicesHelp')} fullWidth>
        <EuiFieldText
          compressed
          fullWidth
          value={form.indices}
          onChange={(e) => set('indices', e.target.value)}
          onBlur={() => setIndices(form.indices)}
          data-testid="builder-indices"
        />
      </EuiFormRow>
      <EuiFormRow label={t('timeField')} fullWidth>
        <EuiSelect compressed fullWidth value={form.timeField} onChange={(e) => set('timeField', e.target.value)} options={withCurrent(fields.data?.timeFields ?? [], form.timeField)} data-testid="builder-time-field" />
      </EuiFormRow>
      <EuiFormRow label={t('every')} fullWidth>
        <EuiFlexGroup gutterSize="s" responsive={false}>
          <EuiFlexItem>
            <EuiFieldNumber compressed min={1} value={form.intervalSize} onChange={(e) => set('intervalSize', e.target.value)} aria-label={t('every')} data-testid="builder-interval-size" />
          </EuiFlexItem>
          <EuiFlexItem>
            <EuiSelect compressed value={form.intervalUnit} onChange={(e) => set('intervalUnit', e.target.value as IntervalUnit)} options={unitOptions} aria-label={t('every')} data-testid="builder-interval-unit" />
          </EuiFlexItem>
        </EuiFlexGroup>
      </EuiFormRow>
      <EuiFlexGroup gutterSize="s" responsive={false} wrap>
        <EuiFlexItem grow={false}>
          <EuiFormRow label={t('when')}>
            <EuiSelect compressed value={form.aggType} onChange={(e) => set('aggType', e.target.value as AggType)} options={AGG_TYPES.map((a) => ({ value: a, text: `${a}()` }))} data-testid="builder-agg" />
          </EuiFormRow>
        </EuiFlexItem>
        {form.aggType !== 'count' && (
          <EuiFlexItem>
            <EuiFormRow label={t('of')} fullWidth>
              <EuiSelect compressed fullWidth value={form.aggField} onChange={(e) => set('aggField', e.target.value)} options={withCurrent(numberFields, form.aggField)} data-testid="builder-field" />
            </EuiFormRow>
          </EuiFlexItem>
        )}
      </EuiFlexGroup>
      {fields.data && numberFields.length === 0 && (
        <EuiText size="xs" color="subdued">
          <p>{t('noFields')}</p>
        </EuiText>
      )}
      <EuiFlexGroup gutterSize="s" responsive={false} wrap>
        <EuiFlexItem grow={false}>
          <EuiFormRow label={t('over')}>
            <EuiSelect
              compressed
              value={form.groupBy}
              onChange={(e) => set('groupBy', e.target.value as 'all' | 'top')}
              options={[{ value: 'all', text: t('allDocuments') }, { value: 'top', text: t('topBy') }]}
              data-testid="builder-group"
            />
          </EuiFormRow>
        </EuiFlexItem>
        {form.groupBy === 'top' && (
          <>
            <EuiFlexItem grow={false} style={{ width: 80 }}>
              <EuiFormRow label={t('termSize')}>
                <EuiFieldNumber compressed min={1} value={form.termSize} onChange={(e) => set('termSize', e.target.value)} data-testid="builder-term-size" />
              </EuiFormRow>
            </EuiFlexItem>
            <EuiFlexItem>
              <EuiFormRow label={t('termField')} fullWidth>
                <EuiSelect compressed fullWidth hasNoInitialSelection={!form.termField} value={form.termField} onChange={(e) => set('termField', e.target.value)} options={withCurrent(fields.data?.termFields ?? [], form.termField)} data-testid="builder-term-field" />
              </EuiFormRow>
            </EuiFlexItem>
          </>
        )}
      </EuiFlexGroup>
      <EuiFlexGroup gutterSize="s" responsive={false} wrap alignItems="flexEnd">
        <EuiFlexItem grow={false}>
          <EuiFormRow label={t('is')}>
            <EuiSelect
              compressed
              value={form.comparator}
              onChange={(e) => set('comparator', e.target.value as ThresholdComparator)}
              options={(Object.keys(COMPARATOR_NAMES) as ThresholdComparator[]).map((c) => ({ value: c, text: t(`comparators.${COMPARATOR_NAMES[c]}`) }))}
              data-testid="builder-comparator"
            />
          </EuiFormRow>
        </EuiFlexItem>
        <EuiFlexItem style={{ minWidth: 80 }}>
          <EuiFormRow label={t('threshold')}>
            <EuiFieldNumber compressed step="any" value={form.threshold} onChange={(e) => set('threshold', e.target.value)} data-testid="builder-threshold" />
          </EuiFormRow>
        </EuiFlexItem>
        {form.comparator === 'between' && (
          <EuiFlexItem style={{ minWidth: 80 }}>
            <EuiFormRow label={t('thresholdHigh')}>
              <EuiFieldNumber compressed step="any" value={form.thresholdHigh} onChange={(e) => set('thresholdHigh', e.target.value)} data-testid="builder-threshold-high" />
            </EuiFormRow>
          </EuiFlexItem>
        )}
      </EuiFlexGroup>
      <EuiFormRow label={t('forTheLast')} fullWidth>
        <EuiFlexGroup gutterSize="s" responsive={false}>
          <EuiFlexItem>
            <EuiFieldNumber compressed min={1} value={form.windowSize} onChange={(e) => set('windowSize', e.target.value)} aria-label={t('forTheLast')} data-testid="builder-window-size" />
          </EuiFlexItem>
          <EuiFlexItem>
            <EuiSelect compressed value={form.windowUnit} onChange={(e) => set('windowUnit', e.target.value as IntervalUnit)} options={unitOptions} aria-label={t('forTheLast')} data-testid="builder-window-unit" />
          </EuiFlexItem>
        </EuiFlexGroup>
      </EuiFormRow>
      <EuiFormRow label={t('email')} helpText={t('emailHelp')} fullWidth>
        <EuiFieldText compressed fullWidth type="email" value={email} placeholder="you@example.com" onChange={(e) => setEmail(e.target.value)} data-testid="builder-email" />
      </EuiFormRow>
      <EuiSpacer size="s" />
      <EuiTitle size="xxxs">
        <h5>{t('preview')}</h5>
      </EuiTitle>
      <div data-testid="builder-preview" data-points={preview.data?.series.reduce((n, s) => n + s.points.filter(([, v]) => v !== null).length, 0) ?? 0}>
        {previewQuery === null ? null : preview.data && hasPoints ? (
          <ThresholdPreviewChart preview={preview.data} thresholds={thresholds} label={t('previewLead', { agg: form.aggType, field: form.aggType === 'count' ? 'documents' : form.aggField, window: `${form.windowSize}${form.windowUnit}` })} />
        ) : preview.data ? (
          <EuiText size="xs" color="subdued">
            <p>{t('previewEmpty', { range: `${Math.round((preview.data.to - preview.data.from) / 60_000)} min` })}</p>
          </EuiText>
        ) : (
          <EuiSkeletonRectangle width="100%" height={160} borderRadius="m" aria-label={t('previewLoading')} />
        )}
      </div>
      <EuiSpacer size="s" />
      {tried && !body && (
        <EuiText size="xs" color="danger">
          <p data-testid="builder-invalid">{t('invalid')}</p>
        </EuiText>
      )}
      <EuiButton size="s" fill onClick={save} isLoading={busy} isDisabled={!enabled} data-testid="builder-save">
        {busy ? t('saving') : t('save')}
      </EuiButton>
      {saved && (
        <>
          <EuiSpacer size="s" />
          <EuiCallOut size="s" color="success" iconType="check" title={t('saved', { id: saved.id, interval: saved.interval })} data-testid="builder-saved" data-watch-id={saved.id} />
        </>
      )}
      {error && (
        <>
          <EuiSpacer size="s" />
          <EuiCallOut size="s" color="danger" iconType="error" title={t('failed')} data-testid="builder-error" data-code={error.code}>
            <p>{error.message}</p>
            {error.hint && <p>{error.hint}</p>}
          </EuiCallOut>
        </>
      )}
    </EuiPanel>
  );
}
