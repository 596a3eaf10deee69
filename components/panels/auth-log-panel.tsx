'use client';

import {
  EuiBadge,
  EuiButton,
  EuiButtonEmpty,
  EuiButtonIcon,
  EuiButtonGroup,
  EuiCallOut,
  EuiFieldText,
  EuiFlexGroup,
  EuiFlexItem,
  EuiFormRow,
  EuiHealth,
  EuiHorizontalRule,
  EuiLink,
  EuiSkeletonText,
  EuiSpacer,
  EuiTable,
  EuiTableBody,
  EuiTableHeader,
  EuiTableHeaderCell,
  EuiTableRow,
  EuiTableRowCell,
  EuiText,
  EuiTitle,
  useEuiTheme,
} from '@elastic/eui';
import { icon as pause } from '@elastic/eui/es/components/icon/assets/pause';
import { icon as play } from '@elastic/eui/es/components/icon/assets/play';
import { appendIconComponentCache } from '@elastic/eui/es/components/icon/icon';
import { useTranslations } from 'next-intl';
import {
  forwardRef,
  memo,
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type CSSProperties,
  type FormEvent,
  type HTMLAttributes,
  type ReactNode,
} from 'react';
import { VariableSizeList, type ListChildComponentProps } from 'react-window';
import { useParticipant } from '@/components/providers/participant';
import { Link } from '@/i18n/navigation';
import type { ApiError } from '@/lib/client/api';
import { MAX_HELD_EVENTS } from '@/lib/client/auth-log-events';
import { useTimeFormat } from '@/lib/client/time';
import { useAuthLogStream, useAuthLogSummary, useFilebeatModule, type AuthLogStream } from '@/lib/client/use-auth-log';
import { useCluster } from '@/lib/client/use-cluster';
import { AUTH_LOG_FILTER_MAX, SSH_SUMMARY_RANGES, type AuthEvent, type SshAttemptRow, type SshOutcome, type SshSummaryRange } from '@/lib/panels/auth-log.contract';
import { PanelFrame, PanelUpdated } from './panel-frame';

// Registered here rather than in the app-wide icon list: only this lazily loaded panel uses them,
// and they are in EUI's cache before the panel first renders, so they do not pop in either.
appendIconComponentCache({ pause, play });

const ROW_HEIGHT = 48;
const LIST_HEIGHT = 336;
const SUMMARY_ROWS = 5;

const outcomeColor: Record<SshOutcome, 'danger' | 'warning' | 'success'> = {
  failed: 'danger',
  invalid_user: 'warning',
  accepted: 'success',
};

interface RowData {
  events: readonly AuthEvent[];
  time: (iso: string) => string;
  fullTime: (iso: string) => string;
  outcomeLabel: (outcome: SshOutcome) => string;
  noUser: string;
  unknownIp: string;
  borders: Record<SshOutcome, string>;
  subdued: string;
  expanded: ReadonlySet<string>;
  toggle: (id: string) => void;
  /** An expanded row reports the height its details take. */
  measured: (id: string, height: number) => void;
  labels: { expand: string; collapse: string; time: string; host: string; user: string; sourceIp: string; outcome: string; process: string; message: string };
}

const ellipsis: CSSProperties = { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' };

/** The event's main fields and its whole message, under an expanded row. */
function EventDetails({ event, data, id }: { event: AuthEvent; data: RowData; id: string }) {
  const { labels } = data;
  const ssh = event.ssh;
  const process = event.process ? `${event.process}${event.pid === undefined ? '' : `[${event.pid}]`}` : '—';
  const fields: [string, ReactNode][] = [
    [labels.time, <time key="t" dateTime={event.time}>{data.fullTime(event.time)}</time>],
    [labels.host, event.host ?? '—'],
    [labels.user, ssh ? (ssh.user ?? data.noUser) : '—'],
    [labels.sourceIp, ssh ? (ssh.sourceIp ?? data.unknownIp) : '—'],
    [labels.outcome, ssh ? data.outcomeLabel(ssh.outcome) : '—'],
    [labels.process, process],
  ];
  return (
    <div id={id} data-testid="auth-log-row-details" style={{ padding: '4px 0', fontSize: 12, lineHeight: '18px' }}>
      <dl style={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 12, margin: 0 }}>
        {fields.map(([label, value]) => (
          <div key={label} style={{ display: 'contents' }}>
            <dt style={{ fontWeight: 600 }}>{label}</dt>
            <dd style={{ margin: 0, overflowWrap: 'anywhere' }}>{value}</dd>
          </div>
        ))}
        <dt style={{ fontWeight: 600 }}>{labels.message}</dt>
        <dd style={{ margin: 0 }}>
          <div data-testid="auth-log-row-message" style={{ fontFamily: 'monospace', whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
            {event.message}
          </div>
        </dd>
      </dl>
    </div>
  );
}

/**
 * One line of the stream: when, where, which program; SSH attempts with their outcome, user and
 * source IP. Its toggle (EUI's expandable-row pattern: a button with `aria-expanded`) shows the
 * whole message and the main fields below the line.
 */
const StreamRow = memo(function StreamRow({ index, style, data }: ListChildComponentProps<RowData>) {
  const event = data.events[index];
  const content = useRef<HTMLDivElement>(null);
  const open = event !== undefined && data.expanded.has(event.id);
  const { measured } = data;
  useLayoutEffect(() => {
    // + 1: the row's bottom border.
    if (open && event && content.current) measured(event.id, content.current.offsetHeight + 1);
  }, [open, event, measured]);
  if (!event) return null;
  const ssh = event.ssh;
  const process = event.process ? `${event.process}${event.pid === undefined ? '' : `[${event.pid}]`}` : '';
  const detailsId = `auth-log-details-${index}`;
  return (
    <div
      style={{
        ...style,
        boxSizing: 'border-box',
        borderLeft: `3px solid ${ssh ? data.borders[ssh.outcome] : 'transparent'}`,
        borderBottom: `1px solid ${data.subdued}`,
        overflow: 'hidden',
      }}
      role="listitem"
      data-testid="auth-log-row"
      data-outcome={ssh?.outcome ?? ''}
      data-user={ssh?.user ?? ''}
      data-source-ip={ssh?.sourceIp ?? ''}
      data-expanded={String(open)}
      title={open ? undefined : event.message}
    >
      <div ref={content} style={{ padding: '4px 8px 4px 4px', display: 'flex', gap: 4, alignItems: 'flex-start' }}>
        <EuiButtonIcon
          size="xs"
          color="text"
          iconType={open ? 'chevronSingleDown' : 'chevronSingleRight'}
          aria-expanded={open}
          aria-controls={open ? detailsId : undefined}
          aria-label={open ? data.labels.collapse : data.labels.expand}
          data-testid="auth-log-row-toggle"
          style={{ flex: 'none' }}
          onClick={() => data.toggle(event.id)}
        />
        <div style={{ flex: '1 1 auto', minWidth: 0 }}>
          <div style={{ display: 'flex', gap: 8, alignItems: 'center', fontSize: 12, lineHeight: '18px' }}>
            <time dateTime={event.time} style={{ fontVariantNumeric: 'tabular-nums', flex: 'none' }}>
              {data.time(event.time)}
            </time>
            <span style={{ ...ellipsis, flex: '0 1 auto', fontWeight: 600 }}>{event.host ?? ''}</span>
            <span style={{ ...ellipsis, flex: '1 1 auto' }}>{process}</span>
            {ssh && (
              <EuiBadge color={outcomeColor[ssh.outcome]} data-testid="auth-log-outcome">
                {data.outcomeLabel(ssh.outcome)}
              </EuiBadge>
            )}
          </div>
          <div style={{ ...ellipsis, fontSize: 12, lineHeight: '20px', fontFamily: 'monospace' }}>
            {ssh && (
              <strong data-testid="auth-log-attempt">
                {ssh.user ?? data.noUser} ← {ssh.sourceIp ?? data.unknownIp}
                {'  '}
              </strong>
            )}
            {event.message}
          </div>
          {open && <EventDetails event={event} data={data} id={detailsId} />}
        </div>
      </div>
    </div>
  );
});

/** The list's scrolling box: reachable with the keyboard, so the stream can be scrolled without a mouse. */
const ListScroller = forwardRef<HTMLDivElement, HTMLAttributes<HTMLDivElement>>(function ListScroller(props, ref) {
  return <div ref={ref} tabIndex={0} data-testid="auth-log-scroller" {...props} />;
});

/** The rows' direct parent, so each `listitem` is owned by the `list`. */
const ListRows = forwardRef<HTMLDivElement, HTMLAttributes<HTMLDivElement>>(function ListRows(props, ref) {
  return <div ref={ref} role="list" {...props} />;
});

/** The filter text with the character a syntax error points at marked. */
function FilterMarker({ text, position }: { text: string; position: number }) {
  const at = Math.max(0, Math.min(position, text.length));
  return (
    <code data-testid="auth-log-filter-marker" data-position={position} style={{ whiteSpace: 'pre-wrap' }}>
      {text.slice(0, at)}
      <mark>{text.slice(at, at + 1) || ' '}</mark>
      {text.slice(at + 1)}
    </code>
  );
}

function FilterBox({ applied, onApply }: { applied: string; onApply: (text: string) => Promise<void> }) {
  const t = useTranslations('authLog');
  const [draft, setDraft] = useState(applied);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ error: ApiError; text: string } | null>(null);

  const apply = async (text: string) => {
    setBusy(true);
    try {
      await onApply(text);
      setError(null);
    } catch (caught) {
      // The server reads the trimmed text: the position points into that.
      setError({ error: caught as ApiError, text: text.trim() });
    } finally {
      setBusy(false);
    }
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void apply(draft);
  };
  const position = error?.error.params.position;

  return (
    // noValidate: EUI marks an invalid field with setCustomValidity, which would block the next submit.
    <form onSubmit={onSubmit} noValidate data-testid="auth-log-filter-form">
      <EuiFormRow
        label={t('filterLabel')}
        helpText={<code>{t('dataset')} …</code>}
        fullWidth
        isInvalid={error !== null}
        error={
          error
            ? [
                <span key="error" data-testid="auth-log-filter-error" data-code={error.error.code} data-position={typeof position === 'number' ? position : ''}>
                  <strong>{t('filterFailed')}: </strong>
                  {error.error.message}
                  {typeof position === 'number' && (
                    <>
                      <br />
                      <FilterMarker text={error.text} position={position} />
                    </>
                  )}
                  {error.error.hint && (
                    <>
                      <br />
                      {error.error.hint}
                    </>
                  )}
                </span>,
              ]
            : undefined
        }
      >
        <EuiFlexGroup gutterSize="s" responsive={false} alignItems="center">
          <EuiFlexItem>
            <EuiFieldText
              compressed
              fullWidth
              placeholder={t('filterPlaceholder')}
              maxLength={AUTH_LOG_FILTER_MAX}
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              isInvalid={error !== null}
              data-testid="auth-log-filter"
              aria-label={t('filterLabel')}
            />
          </EuiFlexItem>
          <EuiFlexItem grow={false}>
            <EuiButton size="s" type="submit" isLoading={busy} data-testid="auth-log-filter-apply">
              {t('apply')}
            </EuiButton>
          </EuiFlexItem>
          {applied !== '' && (
            <EuiFlexItem grow={false}>
              <EuiButtonEmpty
                size="s"
                onClick={() => {
                  setDraft('');
                  void apply('');
                }}
              >
                {t('clear')}
              </EuiButtonEmpty>
            </EuiFlexItem>
          )}
        </EuiFlexGroup>
      </EuiFormRow>
    </form>
  );
}

function ApiErrorCallout({ title, error, testId }: { title: string; error: ApiError; testId: string }) {
  return (
    <EuiCallOut title={title} color="danger" iconType="error" size="s" data-testid={testId} data-code={error.code}>
      <p>{error.message}</p>
      {error.hint && <p>{error.hint}</p>}
    </EuiCallOut>
  );
}

const stepLink = (n: number) =>
  function StepLink(chunks: ReactNode) {
    return <EuiLink href={`#step-${n}`}>{chunks}</EuiLink>;
  };

function ModuleStatus() {
  const t = useTranslations('authLog');
  const { data, error } = useFilebeatModule();
  if (error && !data) {
    return (
      <EuiText size="xs" color="danger" data-testid="auth-log-module" data-code={error.code}>
        <p>
          {t('moduleFailed')}: {error.message}
        </p>
      </EuiText>
    );
  }
  if (!data) return null;
  const newest = data.pipelines[0];
  return (
    <EuiText size="xs" color="subdued" data-testid="auth-log-module" data-installed={String(data.installed)}>
      <p>
        <EuiHealth color={data.installed ? 'success' : 'subdued'}>
          {newest ? t('moduleInstalled', { id: newest.id }) : t.rich('moduleMissing', { setup: stepLink(6) })}
        </EuiHealth>
      </p>
    </EuiText>
  );
}

function EmptyStream({ filtered }: { filtered: boolean }) {
  const t = useTranslations('authLog');
  const { data } = useFilebeatModule();
  const text = filtered
    ? t('emptyFiltered')
    : data && !data.installed
      ? t.rich('emptyNoPipeline', { setup: stepLink(6), start: stepLink(8) })
      : t.rich('emptyNoData', { start: stepLink(8) });
  return (
    <EuiText size="s" data-testid="auth-log-empty">
      <p>{text}</p>
    </EuiText>
  );
}

function Summary({ paused }: { paused: boolean }) {
  const t = useTranslations('authLog');
  const [range, setRange] = useState<SshSummaryRange>('15m');
  const { data, error } = useAuthLogSummary(range, paused);
  // EuiTable's parts rather than EuiBasicTable: the latter's value formatting pulls moment.js into
  // every page's first load (webpack keeps it for EUI's shared date predicates).
  const numeric = (key: 'failed' | 'invalidUser' | 'accepted') => ({ key, name: t(key) });
  const counts = [numeric('failed'), numeric('invalidUser'), numeric('accepted')];
  return (
    <div data-testid="auth-log-summary" data-total={data?.totals.total ?? ''}>
      <EuiFlexGroup gutterSize="s" alignItems="center" responsive={false} justifyContent="spaceBetween" wrap>
        <EuiFlexItem grow={false}>
          <EuiTitle size="xxs">
            <h5>{t('summaryTitle')}</h5>
          </EuiTitle>
        </EuiFlexItem>
        <EuiFlexItem grow={false}>
          <EuiButtonGroup
            legend={t('summaryRange')}
            buttonSize="compressed"
            idSelected={range}
            onChange={(id) => setRange(id as SshSummaryRange)}
            options={SSH_SUMMARY_RANGES.map((id) => ({ id, label: t(`ranges.${id}`) }))}
          />
        </EuiFlexItem>
      </EuiFlexGroup>
      <EuiSpacer size="xs" />
      {error && !data ? (
        <ApiErrorCallout title={t('summaryFailed')} error={error} testId="auth-log-summary-error" />
      ) : !data ? (
        <EuiSkeletonText lines={2} />
      ) : data.totals.total === 0 ? (
        <EuiText size="xs" color="subdued">
          <p>{t('summaryEmpty')}</p>
        </EuiText>
      ) : (
        <>
          <EuiFlexGroup gutterSize="xs" responsive={false} wrap>
            <EuiFlexItem grow={false}>
              <EuiBadge color="danger" data-testid="auth-log-summary-failed">
                {t('failed')} {data.totals.failed}
              </EuiBadge>
            </EuiFlexItem>
            <EuiFlexItem grow={false}>
              <EuiBadge color="warning" data-testid="auth-log-summary-invalid">
                {t('invalidUser')} {data.totals.invalidUser}
              </EuiBadge>
            </EuiFlexItem>
            <EuiFlexItem grow={false}>
              <EuiBadge color="success" data-testid="auth-log-summary-accepted">
                {t('accepted')} {data.totals.accepted}
              </EuiBadge>
            </EuiFlexItem>
          </EuiFlexGroup>
          <EuiSpacer size="xs" />
          <EuiTable compressed tableLayout="auto" aria-label={t('summaryTitle')}>
            <EuiTableHeader>
              <EuiTableHeaderCell>{t('user')}</EuiTableHeaderCell>
              <EuiTableHeaderCell>{t('sourceIp')}</EuiTableHeaderCell>
              {counts.map((c) => (
                <EuiTableHeaderCell key={c.key} align="right">
                  {c.name}
                </EuiTableHeaderCell>
              ))}
            </EuiTableHeader>
            <EuiTableBody>
              {data.rows.slice(0, SUMMARY_ROWS).map((row: SshAttemptRow) => (
                <EuiTableRow
                  key={`${row.user ?? ''}|${row.sourceIp ?? ''}`}
                  data-testid="auth-log-summary-row"
                  data-user={row.user ?? ''}
                  data-source-ip={row.sourceIp ?? ''}
                >
                  <EuiTableRowCell truncateText>{row.user ?? t('noUser')}</EuiTableRowCell>
                  <EuiTableRowCell truncateText>{row.sourceIp ?? t('unknownIp')}</EuiTableRowCell>
                  {counts.map((c) => (
                    <EuiTableRowCell key={c.key} align="right">
                      {row[c.key]}
                    </EuiTableRowCell>
                  ))}
                </EuiTableRow>
              ))}
            </EuiTableBody>
          </EuiTable>
          {data.rows.length > SUMMARY_ROWS && (
            <EuiText size="xs" color="subdued">
              <p>{t('summaryMore', { shown: SUMMARY_ROWS, total: data.rows.length })}</p>
            </EuiText>
          )}
        </>
      )}
    </div>
  );
}

/**
 * The end of the stream: "Load older events" reads the page before the oldest event shown (same
 * filter), or says that nothing older is left.
 */
function LoadOlder({ stream, onLoad }: { stream: AuthLogStream; onLoad: () => Promise<void> }) {
  const t = useTranslations('authLog');
  const { older } = stream;
  const full = stream.events.length >= MAX_HELD_EVENTS;
  const state = full ? 'full' : older.loading ? 'loading' : older.error ? 'error' : older.end ? 'end' : 'ready';
  return (
    <div data-testid="auth-log-older" data-state={state} style={{ padding: '4px 8px' }}>
      {full ? (
        <EuiText size="xs" color="subdued">
          <p>{t('olderFull', { max: MAX_HELD_EVENTS })}</p>
        </EuiText>
      ) : older.end ? (
        <EuiText size="xs" color="subdued" data-testid="auth-log-older-end">
          <p>{stream.filter ? t('olderEndFiltered') : t('olderEnd')}</p>
        </EuiText>
      ) : (
        <EuiButtonEmpty size="xs" iconType="chevronSingleDown" isLoading={older.loading} onClick={() => void onLoad()} data-testid="auth-log-load-older">
          {t('loadOlder')}
        </EuiButtonEmpty>
      )}
      {older.error && <ApiErrorCallout title={t('olderFailed')} error={older.error} testId="auth-log-older-error" />}
    </div>
  );
}

function Stream({ scope }: { scope: string }) {
  const t = useTranslations('authLog');
  const time = useTimeFormat();
  const { euiTheme } = useEuiTheme();
  const stream = useAuthLogStream(scope);
  const { events, loaded, error, paused, kibana } = stream;

  const list = useRef<VariableSizeList<RowData>>(null);
  const shown = useRef(events);
  shown.current = events;
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());
  /** Measured heights of expanded rows, by event id. */
  const heights = useRef(new Map<string, number>());
  const toggle = useCallback((id: string) => {
    setExpanded((open) => {
      const next = new Set(open);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  }, []);
  const measured = useCallback((id: string, height: number) => {
    if (heights.current.get(id) === height) return;
    heights.current.set(id, height);
    list.current?.resetAfterIndex(Math.max(0, shown.current.findIndex((event) => event.id === id)), true);
  }, []);
  // The list caches sizes by index: new events shift the rows, opening or closing one resizes it.
  const hadExpanded = useRef(false);
  useLayoutEffect(() => {
    if (expanded.size > 0 || hadExpanded.current) list.current?.resetAfterIndex(0, true);
    hadExpanded.current = expanded.size > 0;
  }, [events, expanded]);
  const itemSize = (index: number) => {
    const event = events[index];
    return event && expanded.has(event.id) ? (heights.current.get(event.id) ?? ROW_HEIGHT) : ROW_HEIGHT;
  };

  // After an older page, the last row shown before it goes to the top of the list, the new ones below.
  const scrollTo = useRef<number | null>(null);
  useEffect(() => {
    if (scrollTo.current === null) return;
    if (events.length > scrollTo.current + 1) list.current?.scrollToItem(scrollTo.current, 'start');
    scrollTo.current = null;
  }, [events]);
  const loadOlder = async () => {
    scrollTo.current = events.length - 1;
    await stream.loadOlder();
  };

  const rowData: RowData = {
    events,
    time: (iso) => time.format(iso, 'clock') || iso,
    fullTime: (iso) => time.format(iso, 'dateTime') || iso,
    outcomeLabel: (outcome) => t(`outcome.${outcome}`),
    noUser: t('noUser'),
    unknownIp: t('unknownIp'),
    borders: { failed: euiTheme.colors.danger, invalid_user: euiTheme.colors.warning, accepted: euiTheme.colors.success },
    subdued: euiTheme.border.color,
    expanded,
    toggle,
    measured,
    labels: {
      expand: t('expand'),
      collapse: t('collapse'),
      time: t('fields.time'),
      host: t('fields.host'),
      user: t('user'),
      sourceIp: t('sourceIp'),
      outcome: t('fields.outcome'),
      process: t('fields.process'),
      message: t('fields.message'),
    },
  };

  let state: string;
  let body: ReactNode;
  if (error && !loaded) {
    state = 'error';
    body = <ApiErrorCallout title={t('streamFailed')} error={error} testId="auth-log-error" />;
  } else if (!loaded) {
    state = 'loading';
    body = <EuiSkeletonText lines={4} aria-label={t('loading')} />;
  } else if (events.length === 0) {
    state = paused ? 'paused' : 'empty';
    body = (
      <>
        <EmptyStream filtered={stream.filter !== ''} />
        <LoadOlder stream={stream} onLoad={loadOlder} />
      </>
    );
  } else {
    state = paused ? 'paused' : 'live';
    body = (
      <div role="group" aria-label={t('listLabel')} aria-live="off" data-testid="auth-log-list" style={{ border: `1px solid ${euiTheme.border.color}` }}>
        <VariableSizeList<RowData>
          ref={list}
          outerElementType={ListScroller}
          innerElementType={ListRows}
          height={LIST_HEIGHT}
          width="100%"
          itemCount={events.length}
          itemSize={itemSize}
          estimatedItemSize={ROW_HEIGHT}
          itemData={rowData}
          itemKey={(index, data) => data.events[index]?.id ?? index}
          overscanCount={4}
        >
          {StreamRow}
        </VariableSizeList>
        <LoadOlder stream={stream} onLoad={loadOlder} />
      </div>
    );
  }

  return (
    <PanelFrame kind="auth-log" state={state}>
      <FilterBox applied={stream.filter} onApply={stream.applyFilter} />
      <EuiSpacer size="s" />
      <EuiFlexGroup gutterSize="s" alignItems="center" responsive={false} wrap justifyContent="spaceBetween">
        <EuiFlexItem grow={false}>
          <EuiText size="xs">
            <span data-testid="auth-log-count" data-count={events.length}>
              <EuiHealth color={paused ? 'subdued' : 'success'}>
                {paused ? t('paused') : t('streaming')} · {t('count', { count: events.length })}
                {events.length >= MAX_HELD_EVENTS && ` (${t('capped', { max: MAX_HELD_EVENTS })})`}
              </EuiHealth>
            </span>
          </EuiText>
        </EuiFlexItem>
        <EuiFlexItem grow={false}>
          <EuiButton
            size="s"
            iconType={paused ? 'play' : 'pause'}
            isSelected={paused}
            data-testid="auth-log-pause"
            onClick={() => stream.setPaused(!paused)}
          >
            {paused ? t('resume') : t('pause')}
          </EuiButton>
        </EuiFlexItem>
      </EuiFlexGroup>
      {error && loaded && (
        <>
          <EuiSpacer size="s" />
          <ApiErrorCallout title={t('streamFailed')} error={error} testId="auth-log-error" />
        </>
      )}
      <EuiSpacer size="s" />
      {body}
      <EuiSpacer size="s" />
      <ModuleStatus />
      <EuiSpacer size="xs" />
      <EuiFlexGroup gutterSize="s" alignItems="center" justifyContent="spaceBetween" responsive={false} wrap>
        <EuiFlexItem grow={false}>
          {kibana ? (
            <EuiText size="xs">
              <EuiLink href={kibana.url} target="_blank" external data-testid="auth-log-kibana" data-app={kibana.app}>
                {kibana.app === 'logs' ? t('openLogs') : t('openDiscover')}
              </EuiLink>
            </EuiText>
          ) : (
            <EuiText size="xs" color="subdued">
              <span>{t('noKibana')}</span>
            </EuiText>
          )}
        </EuiFlexItem>
        <EuiFlexItem grow={false}>
          <PanelUpdated at={stream.updatedAt} paused={paused} namespace="authLog" testId="auth-log-updated" />
        </EuiFlexItem>
      </EuiFlexGroup>
      <EuiHorizontalRule margin="s" />
      <Summary paused={paused} />
    </PanelFrame>
  );
}

/**
 * Chapter 3's live panel: the host's `system.auth` events as they arrive (like Kibana's Logs
 * "Stream live"), SSH attempts highlighted by outcome, a filter box, pause and resume, and a
 * summary of attempts per user and source IP. The list is windowed: a burst of thousands of
 * lines renders only the rows in view.
 */
export default function AuthLogPanel() {
  const t = useTranslations('authLog');
  const participant = useParticipant();
  const cluster = useCluster(participant !== null);

  if (!participant) {
    return (
      <PanelFrame kind="auth-log" state="signed-out">
        <EuiText size="s">
          <p>{t('signInFirst')}</p>
        </EuiText>
        <EuiSpacer size="s" />
        <Link href="/join">{t('signIn')}</Link>
      </PanelFrame>
    );
  }
  if (!cluster.data) {
    if (cluster.error) {
      return (
        <PanelFrame kind="auth-log" state="error">
          <ApiErrorCallout title={t('streamFailed')} error={cluster.error} testId="auth-log-error" />
        </PanelFrame>
      );
    }
    return (
      <PanelFrame kind="auth-log" state="loading">
        <EuiSkeletonText lines={4} aria-label={t('loading')} />
      </PanelFrame>
    );
  }
  const connection = cluster.data.connection;
  if (!connection) {
    return (
      <PanelFrame kind="auth-log" state="not-connected">
        <EuiText size="s" data-testid="auth-log-not-connected">
          <p>{t('notConnected')}</p>
        </EuiText>
        <EuiSpacer size="s" />
        <Link href="/chapters/cluster">{t('toChapterOne')}</Link>
      </PanelFrame>
    );
  }
  return <Stream scope={`${connection.endpoint}@${connection.connectedAt}`} />;
}
