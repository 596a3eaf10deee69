'use client';

import {
  EuiAccordion,
  EuiBadge,
  EuiButton,
  EuiButtonEmpty,
  EuiCallOut,
  EuiCheckbox,
  EuiCodeBlock,
  EuiFlexGroup,
  EuiFlexItem,
  EuiLink,
  EuiSelect,
  EuiSpacer,
  EuiText,
  EuiTitle,
} from '@elastic/eui';
import { icon as play } from '@elastic/eui/es/components/icon/assets/play';
import { appendIconComponentCache } from '@elastic/eui/es/components/icon/icon';
import { useLocale, useTranslations } from 'next-intl';
import { useId, useState } from 'react';
import { useParticipant } from '@/components/providers/participant';
import { Link } from '@/i18n/navigation';
import { apiSend, type ApiError } from '@/lib/client/api';
import { useTimeFormat } from '@/lib/client/time';
import { usePanel } from '@/lib/client/use-panel';
import { kibanaStateStyle, watchesPanel, type ExplainedLine, type WatchExecution, type WatchPanelItem, type WatchState } from '@/lib/panels/watches.contract';
import { SAMPLE_EVENTS, type SampleEvent } from '@/lib/watches/sample-events';
import { PanelFrame, PanelUpdated, UsualPanelBody, usualPanelState } from './panel-frame';
import '@/components/watches/watches.css';

// This module loads after the page; its own icons are registered before it first renders.
appendIconComponentCache({ play });

const STATE_COLOR: Record<WatchState, string> = { ok: 'success', firing: 'warning', throttled: 'primary', error: 'danger', disabled: 'default' };

/** One explanation line in the reader's language (`watches.explain.*` with its values). */
function Explained({ line }: { line: ExplainedLine }) {
  const t = useTranslations('watches.explain');
  const key = line.key.replace(/^watches\.explain\./, '');
  return <>{t.has(key as 'threshold') ? t(key as 'threshold', line.values) : line.key}</>;
}

function RecordState({ state }: { state: string }) {
  const t = useTranslations('watches.recordStates');
  const known = ['executed', 'execution_not_needed', 'throttled', 'acknowledged', 'failed'];
  return <>{known.includes(state) ? t(state as 'executed') : t('other', { state })}</>;
}

function Execution({ execution }: { execution: WatchExecution }) {
  const t = useTranslations('watches.history');
  const time = useTimeFormat();
  const color = execution.error ? 'danger' : execution.throttled ? 'primary' : execution.conditionMet ? 'warning' : 'hollow';
  return (
    <li
      data-testid="watch-execution"
      data-state={execution.state}
      data-condition-met={String(execution.conditionMet)}
      data-throttled={String(execution.throttled)}
      className="guide-watch-execution"
    >
      <EuiFlexGroup gutterSize="xs" alignItems="center" responsive={false} wrap>
        <EuiFlexItem grow={false}>
          <EuiText size="xs">
            <time dateTime={execution.at ?? undefined}>{time.ready && execution.at ? time.format(execution.at, 'clock') : ''}</time>
          </EuiText>
        </EuiFlexItem>
        <EuiFlexItem grow={false}>
          <EuiBadge color={color}>
            {execution.throttled ? t('throttled') : <RecordState state={execution.state} />}
          </EuiBadge>
        </EuiFlexItem>
        {execution.manual && (
          <EuiFlexItem grow={false}>
            <EuiBadge color="hollow">{t('manual')}</EuiBadge>
          </EuiFlexItem>
        )}
        <EuiFlexItem>
          <EuiText size="xs">
            <span data-testid="watch-execution-outcome">
              {execution.outcome ? <Explained line={execution.outcome} /> : execution.conditionMet === null ? '' : execution.conditionMet ? t('met') : t('notMet')}
            </span>
            {execution.actions.length > 0 && (
              <span className="guide-watch-actions">
                {' · '}
                {execution.actions.map((a) => `${a.id}: ${a.status}`).join(', ')}
              </span>
            )}
          </EuiText>
        </EuiFlexItem>
      </EuiFlexGroup>
      {execution.error && (
        <EuiText size="xs" color="danger">
          <p>{t('error', { error: execution.error })}</p>
        </EuiText>
      )}
    </li>
  );
}

interface SimulationDto {
  conditionMet: boolean | null;
  explanation: { state: string; lines: ExplainedLine[] };
  record: Record<string, unknown> | null;
}

/** Simulate: one run with every action in `force_simulate`, not recorded; the result in words beside the raw record. */
function Simulate({ watch }: { watch: WatchPanelItem }) {
  const t = useTranslations('watches');
  const locale = useLocale();
  const inputId = useId();
  const [input, setInput] = useState<'own' | SampleEvent>(watch.kind === 'ssh' ? 'ssh-failed-login' : 'own');
  const [ignoreCondition, setIgnoreCondition] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<SimulationDto | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const body = { ...(input === 'own' ? {} : { alternativeInput: input }), ...(ignoreCondition ? { ignoreCondition: true } : {}) };
      setResult(await apiSend<SimulationDto>('POST', `/api/watches/${encodeURIComponent(watch.id)}/simulate`, locale, body));
    } catch (caught) {
      setError(caught as ApiError);
      setResult(null);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid="watch-simulate-box">
      <EuiFlexGroup gutterSize="s" alignItems="center" responsive={false} wrap>
        <EuiFlexItem grow={false}>
          <EuiSelect
            id={inputId}
            compressed
            aria-label={t('simulateInput')}
            prepend={t('simulateInput')}
            value={input}
            onChange={(e) => setInput(e.target.value as 'own' | SampleEvent)}
            options={[{ value: 'own', text: t('inputs.own') }, ...SAMPLE_EVENTS.map((c) => ({ value: c, text: t(`inputs.${c}`) }))]}
            data-testid="watch-simulate-input"
          />
        </EuiFlexItem>
        <EuiFlexItem grow={false}>
          <EuiCheckbox id={`${inputId}-ignore`} label={t('ignoreCondition')} checked={ignoreCondition} onChange={(e) => setIgnoreCondition(e.target.checked)} />
        </EuiFlexItem>
        <EuiFlexItem grow={false}>
          <EuiButton size="s" iconType="play" isLoading={busy} onClick={run} data-testid="watch-simulate">
            {busy ? t('simulating') : t('simulate')}
          </EuiButton>
        </EuiFlexItem>
      </EuiFlexGroup>
      {error && (
        <>
          <EuiSpacer size="xs" />
          <EuiCallOut color="danger" size="s" title={error.message} data-testid="watch-simulation-error" data-code={error.code}>
            {error.hint && <p>{error.hint}</p>}
          </EuiCallOut>
        </>
      )}
      {result && (
        <>
          <EuiSpacer size="s" />
          <EuiCallOut
            size="s"
            color={result.conditionMet ? 'warning' : 'primary'}
            title={t('simulation.title')}
            data-testid="watch-simulation"
            data-condition-met={String(result.conditionMet)}
          >
            <p>{result.conditionMet === null ? t('simulation.unknown') : result.conditionMet ? t('simulation.met') : t('simulation.notMet')}</p>
            <ul>
              {result.explanation.lines.map((line, i) => (
                <li key={i}>
                  <Explained line={line} />
                </li>
              ))}
            </ul>
            {result.record && (
              <EuiAccordion id={`${inputId}-raw`} buttonContent={t('simulation.raw')} paddingSize="xs">
                <EuiCodeBlock language="json" fontSize="s" paddingSize="s" overflowHeight={320} isCopyable data-testid="watch-simulation-record">
                  {JSON.stringify(result.record, null, 2)}
                </EuiCodeBlock>
              </EuiAccordion>
            )}
            <EuiButtonEmpty size="xs" flush="left" onClick={() => setResult(null)}>
              {t('simulation.close')}
            </EuiButtonEmpty>
          </EuiCallOut>
        </>
      )}
    </div>
  );
}

function WatchRow({ watch }: { watch: WatchPanelItem }) {
  const t = useTranslations('watches');
  const time = useTimeFormat();
  const shown = (value: string | null) => (value && time.ready ? time.format(value, 'medium') : '');
  return (
    <li data-testid="watch-row" data-watch-id={watch.id} data-kind={watch.kind} data-state={watch.state} className="guide-watch-row">
      <EuiFlexGroup gutterSize="s" alignItems="center" responsive={false} wrap>
        <EuiFlexItem grow={false}>
          <EuiTitle size="xxs">
            <h5>{watch.name}</h5>
          </EuiTitle>
        </EuiFlexItem>
        <EuiFlexItem grow={false}>
          <EuiBadge color={STATE_COLOR[watch.state]} data-testid="watch-state">
            {t(`states.${watch.state}`)}
          </EuiBadge>
        </EuiFlexItem>
        <EuiFlexItem grow={false}>
          <EuiBadge color="hollow">{t(`kinds.${watch.kind}`)}</EuiBadge>
        </EuiFlexItem>
      </EuiFlexGroup>
      <EuiText size="xs" color="subdued">
        <p>
          {watch.id !== watch.name && <code>{watch.id}</code>}
          {watch.id !== watch.name && ' · '}
          {watch.interval && `${t('every', { interval: watch.interval })} · `}
          <span data-testid="watch-last-checked">{watch.lastChecked ? t('lastChecked', { time: shown(watch.lastChecked) }) : t('neverChecked')}</span>
          {' · '}
          <span data-testid="watch-last-fired">{watch.lastFired ? t('lastFired', { time: shown(watch.lastFired) }) : t('neverFired')}</span>
          {watch.kibanaUrl && (
            <>
              {' · '}
              <EuiLink href={watch.kibanaUrl} target="_blank" external data-testid="watch-kibana">
                {t('openInKibana')}
              </EuiLink>
            </>
          )}
        </p>
      </EuiText>
      <EuiSpacer size="xs" />
      <EuiAccordion id={`watch-${watch.id}-history`} buttonContent={watch.executions > 0 ? t('history.more', { count: watch.executions }) : t('history.title')} initialIsOpen paddingSize="xs">
        {watch.history.length === 0 ? (
          <EuiText size="xs" color="subdued">
            <p>{t('history.none')}</p>
          </EuiText>
        ) : (
          <ol className="guide-watch-history" data-testid="watch-history" aria-label={t('history.title')}>
            {watch.history.map((execution) => (
              <Execution key={execution.id} execution={execution} />
            ))}
          </ol>
        )}
      </EuiAccordion>
      <EuiSpacer size="xs" />
      <Simulate watch={watch} />
    </li>
  );
}

/** Chapter 4's live panel: every watch with its state, last run, last fire and recent executions, and Simulate. */
export default function WatchesPanel() {
  const t = useTranslations('watches');
  const participant = useParticipant();
  const panel = usePanel(watchesPanel, {}, { enabled: participant !== null });
  const { data, error } = panel;

  const usual = usualPanelState(participant !== null, { data, error });
  let state: string;
  let body;
  if (usual || !data) {
    state = usual ?? 'loading';
    body = <UsualPanelBody state={usual ?? 'loading'} error={error} namespace="watches" testId="watches" />;
  } else if (data.watches.length === 0) {
    state = 'empty';
    body = (
      <div data-testid="watches-empty">
        <EuiText size="s">
          <p>
            <strong>{t('empty.title')}</strong>
          </p>
          <p>{t.rich('empty.body', { step: (chunks) => <Link href="/chapters/alerting#step-4">{chunks}</Link> })}</p>
        </EuiText>
      </div>
    );
  } else {
    state = 'live';
    const style = kibanaStateStyle(data.version);
    body = (
      <div data-testid="watches" data-updated={data.checkedAt} className="guide-watches">
        {error && (
          <>
            <EuiCallOut title={t('refreshFailed')} color="warning" iconType="warning" size="s" data-code={error.code}>
              <p>{error.message}</p>
            </EuiCallOut>
            <EuiSpacer size="s" />
          </>
        )}
        {!data.history.readable && (
          <>
            <EuiCallOut size="s" color="warning" iconType="warning" title={t('historyUnreadable', { code: data.history.code ?? '' })} />
            <EuiSpacer size="s" />
          </>
        )}
        <ul className="guide-watch-list">
          {data.watches.map((watch) => (
            <WatchRow key={watch.id} watch={watch} />
          ))}
        </ul>
        {data.total > data.watches.length && (
          <EuiText size="xs" color="subdued">
            <p>{t('shown', { shown: data.watches.length, total: data.total })}</p>
          </EuiText>
        )}
        <EuiSpacer size="s" />
        <EuiText size="xs" color="subdued" data-testid="watches-version-note" data-style={style}>
          <p>{t(style === 'classic' ? 'versionNote.classic' : 'versionNote.activeInactive', { version: data.version.number })}</p>
        </EuiText>
      </div>
    );
  }

  return (
    <PanelFrame kind="watches" state={state}>
      {body}
      {data && state === 'live' && (
        <>
          <EuiSpacer size="s" />
          <PanelUpdated at={panel.updatedAt} namespace="watches" testId="watches-updated" />
        </>
      )}
    </PanelFrame>
  );
}
