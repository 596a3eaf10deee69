'use client';

import {
  EuiBadge,
  EuiButton,
  EuiCallOut,
  EuiConfirmModal,
  EuiDescriptionList,
  EuiFlexGroup,
  EuiFlexItem,
  EuiFlyout,
  EuiFlyoutBody,
  EuiFlyoutFooter,
  EuiFlyoutHeader,
  EuiHealth,
  EuiSkeletonText,
  EuiSpacer,
  EuiText,
  EuiTitle,
} from '@elastic/eui';
import { useLocale, useTranslations } from 'next-intl';
import { useState } from 'react';
import useSWR from 'swr';
import type { CheckpointId } from '@/content/chapters';
import type { BoardCheckpointDto } from '@/lib/board/progress-view';
import type { AttendeeDetailDto, AttendeeEventDto } from '@/lib/board/service';
import { apiSend, localeFetcher, type ApiError } from '@/lib/client/api';
import { useTimeFormat } from '@/lib/client/time';
import { useStuckText } from './stuck-text';

export interface AttendeeFlyoutProps {
  workshopId: string;
  attendeeId: string;
  checkpoints: BoardCheckpointDto[];
  stuckMinutes: number;
  onClose: () => void;
  /** After a reset or removal, so the board refreshes at once. */
  onChanged: () => void;
}

const stateColour = { done: 'success', error: 'danger', pending: 'hollow' } as const;

/** The drill-in: where the attendee is, their connection (never its credentials), the last error with its hint, recent activity. */
export function AttendeeFlyout({ workshopId, attendeeId, checkpoints, stuckMinutes, onClose, onChanged }: AttendeeFlyoutProps) {
  const t = useTranslations();
  const locale = useLocale();
  const timeFormat = useTimeFormat();
  const stuckText = useStuckText(stuckMinutes);
  const url = `/api/workshops/${workshopId}/attendees/${attendeeId}`;
  const { data, error } = useSWR<AttendeeDetailDto, ApiError>(url, localeFetcher(locale), { refreshInterval: 5_000, keepPreviousData: true });
  const [confirm, setConfirm] = useState<'reset' | 'remove' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  const time = (iso: string | null) => (iso ? timeFormat.format(iso, 'dateTime') : '—');
  const checkpointName = (id: string | null) => (id ? t(`checkpoint.names.${id as CheckpointId}`) : '');
  const eventText = (event: AttendeeEventDto) =>
    t(`board.drill.event.${event.type as 'joined'}`, { code: event.code ?? '', chapter: event.chapter ?? '', checkpoint: checkpointName(event.checkpointId) });

  async function act(kind: 'reset' | 'remove') {
    setConfirm(null);
    setActionError(null);
    try {
      if (kind === 'reset') {
        const result = await apiSend<{ reset: number }>('POST', `${url}/reset`, locale, {});
        setNotice(t('board.drill.resetDone', { count: result.reset }));
        onChanged();
      } else {
        await apiSend('DELETE', url, locale);
        onChanged();
        onClose();
      }
    } catch (caught) {
      setActionError((caught as ApiError).message);
    }
  }

  const attendee = data?.attendee;
  const connection = attendee?.connection;
  return (
    <EuiFlyout onClose={onClose} size="m" ownFocus aria-labelledby="attendee-flyout-title" data-testid="attendee-flyout">
      <EuiFlyoutHeader hasBorder>
        <EuiTitle size="m">
          <h2 id="attendee-flyout-title">{attendee?.name ?? '…'}</h2>
        </EuiTitle>
        {attendee && (
          <EuiText size="s" color="subdued">
            <p>
              {t('board.drill.currentChapter', { number: attendee.currentChapter })} · {t('board.drill.joined', { time: time(attendee.joinedAt) })} ·{' '}
              {t('board.drill.lastSeen', { time: time(attendee.lastSeenAt) })}
            </p>
          </EuiText>
        )}
      </EuiFlyoutHeader>
      <EuiFlyoutBody>
        {error && !data && (
          <EuiCallOut color="danger" iconType="error" title={t('board.drill.loadFailed')}>
            <p>{error.message}</p>
          </EuiCallOut>
        )}
        {!data && !error && <EuiSkeletonText lines={8} />}
        {attendee && (
          <>
            {attendee.stuck && (
              <>
                <EuiCallOut color="warning" iconType="warning" size="s" title={stuckText.attendee(attendee.stuck)} data-testid="drill-stuck" />
                <EuiSpacer size="m" />
              </>
            )}
            {notice && (
              <>
                <EuiCallOut color="success" iconType="check" size="s" title={notice} data-testid="drill-notice" />
                <EuiSpacer size="m" />
              </>
            )}
            <EuiTitle size="xs">
              <h3>{t('board.drill.connection')}</h3>
            </EuiTitle>
            <EuiSpacer size="s" />
            {connection ? (
              <EuiDescriptionList
                compressed
                type="column"
                data-testid="drill-connection"
                listItems={[
                  { title: t('board.drill.status'), description: <EuiHealth color={connection.state === 'ok' ? 'success' : 'danger'}>{t(connection.state === 'ok' ? 'board.drill.statusOk' : 'board.drill.statusError')}</EuiHealth> },
                  { title: t('board.drill.host'), description: <span data-testid="drill-host">{`${t(`board.drill.kind.${connection.kind}`)} · ${connection.host}`}</span> },
                  { title: t('board.drill.version'), description: connection.version ?? '—' },
                  { title: t('board.drill.clusterName'), description: connection.clusterName ?? connection.cloudIdLabel ?? '—' },
                  { title: t('board.drill.health'), description: connection.health ?? '—' },
                  { title: t('board.drill.lastStatusAt'), description: time(connection.lastStatusAt) },
                ]}
              />
            ) : (
              <EuiText size="s" color="subdued">
                <p>{t('board.drill.noConnection')}</p>
              </EuiText>
            )}
            <EuiSpacer size="l" />
            <EuiTitle size="xs">
              <h3>{t('board.drill.lastError')}</h3>
            </EuiTitle>
            <EuiSpacer size="s" />
            {data.lastError ? (
              <EuiCallOut color="danger" iconType="error" size="s" title={`${data.lastError.code}: ${data.lastError.message}`} data-testid="drill-last-error" data-code={data.lastError.code}>
                <p>{data.lastError.hint}</p>
                <p>
                  {time(data.lastError.at)} ·{' '}
                  {data.lastError.source === 'checkpoint'
                    ? t('board.drill.errorSource.checkpoint', { checkpoint: checkpointName(data.lastError.checkpointId) })
                    : t(`board.drill.errorSource.${data.lastError.source}`)}
                </p>
              </EuiCallOut>
            ) : (
              <EuiText size="s" color="subdued">
                <p>{t('board.drill.noError')}</p>
              </EuiText>
            )}
            <EuiSpacer size="l" />
            <EuiTitle size="xs">
              <h3>{t('board.drill.checkpoints')}</h3>
            </EuiTitle>
            <EuiSpacer size="s" />
            <ul style={{ listStyle: 'none', padding: 0, margin: 0 }} data-testid="drill-checkpoints">
              {checkpoints.map(({ id, chapter }) => {
                const cell = attendee.checkpoints[id];
                return (
                  <li key={id} style={{ marginBlock: 4 }} data-testid={`drill-checkpoint-${id}`} data-state={cell.state}>
                    <EuiFlexGroup gutterSize="s" alignItems="center" responsive={false}>
                      <EuiFlexItem grow={false}>
                        <EuiBadge color={stateColour[cell.state]}>{t(`board.cell.${cell.state}`)}</EuiBadge>
                      </EuiFlexItem>
                      <EuiFlexItem>
                        <EuiText size="s">
                          <span>
                            {chapter}. {checkpointName(id)}
                            {cell.at && cell.state !== 'pending' ? ` · ${time(cell.at)}` : ''}
                            {cell.detail ? ` · ${cell.detail}` : ''}
                            {cell.code ? ` · ${cell.code}` : ''}
                          </span>
                        </EuiText>
                      </EuiFlexItem>
                    </EuiFlexGroup>
                  </li>
                );
              })}
            </ul>
            <EuiSpacer size="l" />
            <EuiTitle size="xs">
              <h3>{t('board.drill.events')}</h3>
            </EuiTitle>
            <EuiSpacer size="s" />
            {data.events.length === 0 ? (
              <EuiText size="s" color="subdued">
                <p>{t('board.drill.noEvents')}</p>
              </EuiText>
            ) : (
              <EuiText size="s">
                <ul data-testid="drill-events">
                  {data.events.map((event, i) => (
                    <li key={`${event.at}-${i}`}>
                      {time(event.at)} — {eventText(event)}
                    </li>
                  ))}
                </ul>
              </EuiText>
            )}
          </>
        )}
        {actionError && (
          <>
            <EuiSpacer size="m" />
            <EuiCallOut color="danger" iconType="error" title={t('board.drill.failed')} role="alert">
              <p>{actionError}</p>
            </EuiCallOut>
          </>
        )}
      </EuiFlyoutBody>
      <EuiFlyoutFooter>
        <EuiFlexGroup justifyContent="spaceBetween" responsive={false}>
          <EuiFlexItem grow={false}>
            <EuiButton iconType="eraser" onClick={() => setConfirm('reset')} isDisabled={!attendee} data-testid="drill-reset">
              {t('board.drill.reset')}
            </EuiButton>
          </EuiFlexItem>
          <EuiFlexItem grow={false}>
            <EuiButton color="danger" iconType="trash" onClick={() => setConfirm('remove')} isDisabled={!attendee} data-testid="drill-remove">
              {t('board.drill.remove')}
            </EuiButton>
          </EuiFlexItem>
        </EuiFlexGroup>
      </EuiFlyoutFooter>
      {confirm && attendee && (
        <EuiConfirmModal
          title={t(confirm === 'reset' ? 'board.drill.resetTitle' : 'board.drill.removeTitle', { name: attendee.name })}
          onCancel={() => setConfirm(null)}
          onConfirm={() => void act(confirm)}
          cancelButtonText={t('instructor.cancel')}
          confirmButtonText={t('board.drill.confirm')}
          buttonColor={confirm === 'remove' ? 'danger' : 'primary'}
          data-testid={`drill-confirm-${confirm}`}
        >
          <p>{t(confirm === 'reset' ? 'board.drill.resetBody' : 'board.drill.removeBody')}</p>
        </EuiConfirmModal>
      )}
    </EuiFlyout>
  );
}
