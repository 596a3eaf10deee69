'use client';

import { EuiBadge, EuiButtonEmpty, EuiHealth, EuiText, EuiToolTip, useEuiTheme } from '@elastic/eui';
import { useTranslations } from 'next-intl';
import { memo } from 'react';
import { doneAmong } from '@/lib/board/board-order';
import type { BoardAttendeeDto, BoardCellDto, BoardCheckpointDto } from '@/lib/board/progress-view';
import { useTimeFormat } from '@/lib/client/time';
import { useStuckText } from './stuck-text';

export interface BoardGridProps {
  attendees: BoardAttendeeDto[];
  checkpoints: BoardCheckpointDto[];
  stuckMinutes: number;
  onSelect: (attendeeId: string) => void;
}

interface CellProps {
  attendee: string;
  attendeeId: string;
  checkpoint: BoardCheckpointDto;
  cell: BoardCellDto;
}

/** One checkpoint of one attendee: a coloured square; its tooltip says when and what. */
const Cell = memo(function Cell({ attendee, attendeeId, checkpoint, cell }: CellProps) {
  const t = useTranslations();
  const timeFormat = useTimeFormat();
  const { euiTheme } = useEuiTheme();
  const name = t(`checkpoint.names.${checkpoint.id}`);
  const state = t(`board.cell.${cell.state}`);
  const time = cell.at ? timeFormat.format(cell.at, 'clock') || null : null;
  const when = !time ? t('board.cell.never') : cell.state === 'done' ? t('board.cell.doneAt', { time }) : t('board.cell.since', { time });
  const colour = cell.state === 'done' ? euiTheme.colors.success : cell.state === 'error' ? euiTheme.colors.danger : 'transparent';
  return (
    <td className="class-board-cell">
      <EuiToolTip
        position="top"
        title={`${name} · ${state}`}
        content={
          <>
            <span>{when}</span>
            {cell.detail && <span style={{ display: 'block' }}>{cell.detail}</span>}
            {cell.code && <span style={{ display: 'block' }}>{cell.code}</span>}
            {!checkpoint.automatic && <span style={{ display: 'block' }}>{t('board.grid.manual')}</span>}
          </>
        }
      >
        <span
          role="img"
          aria-label={t('board.cell.label', { attendee, checkpoint: name, state })}
          data-testid={`board-cell-${attendeeId}-${checkpoint.id}`}
          data-state={cell.state}
          style={{
            display: 'inline-block',
            width: 22,
            height: 22,
            borderRadius: 4,
            background: colour,
            border: `2px solid ${cell.state === 'pending' ? euiTheme.colors.lightShade : colour}`,
            opacity: checkpoint.automatic || cell.state !== 'pending' ? 1 : 0.4,
          }}
        />
      </EuiToolTip>
    </td>
  );
}, sameCell);

/** Every refresh brings new objects; a cell re-renders only when what it shows changed. */
function sameCell(a: CellProps, b: CellProps): boolean {
  return (
    a.attendee === b.attendee &&
    a.attendeeId === b.attendeeId &&
    a.checkpoint.id === b.checkpoint.id &&
    a.checkpoint.automatic === b.checkpoint.automatic &&
    a.cell.state === b.cell.state &&
    a.cell.at === b.cell.at &&
    a.cell.detail === b.cell.detail &&
    a.cell.code === b.cell.code
  );
}

/**
 * The class grid: one row per attendee, one column per checkpoint (grouped by chapter). A plain
 * table rather than a data grid: a classroom fits on a page or two, and a table reads well on a
 * projector and to a screen reader.
 */
export function BoardGrid({ attendees, checkpoints, stuckMinutes, onSelect }: BoardGridProps) {
  const t = useTranslations();
  const stuckText = useStuckText(stuckMinutes);
  const { euiTheme } = useEuiTheme();
  const chapters = [...new Set(checkpoints.map((checkpoint) => checkpoint.chapter))];
  const border = `1px solid ${euiTheme.colors.lightShade}`;

  return (
    <div style={{ overflowX: 'auto' }}>
      <table className="class-board-grid" data-testid="board-grid" style={{ borderCollapse: 'collapse', width: '100%' }}>
        <caption className="euiScreenReaderOnly">{t('board.grid.caption')}</caption>
        <thead>
          <tr>
            <th rowSpan={2} scope="col" style={{ textAlign: 'start', borderBottom: border }}>
              {t('board.grid.attendee')}
            </th>
            <th rowSpan={2} scope="col" style={{ borderBottom: border }}>
              {t('board.grid.chapter')}
            </th>
            <th rowSpan={2} scope="col" style={{ borderBottom: border }}>
              {t('board.grid.progress')}
            </th>
            <th rowSpan={2} scope="col" style={{ textAlign: 'start', borderBottom: border }}>
              {t('board.grid.cluster')}
            </th>
            {chapters.map((chapter) => (
              <th key={chapter} scope="colgroup" colSpan={checkpoints.filter((c) => c.chapter === chapter).length} style={{ borderInlineStart: border }}>
                {t('board.toolbar.chapterN', { number: chapter })}
              </th>
            ))}
          </tr>
          <tr>
            {checkpoints.map((checkpoint, i) => (
              <th
                key={checkpoint.id}
                scope="col"
                className="class-board-checkpoint"
                style={{ borderBottom: border, borderInlineStart: i === 0 || checkpoints[i - 1]!.chapter !== checkpoint.chapter ? border : undefined }}
                data-testid={`board-column-${checkpoint.id}`}
              >
                {/* A short horizontal label (rotated Hangul is unreadable on a projector); the full name in its tooltip. */}
                <EuiToolTip content={t(`checkpoint.names.${checkpoint.id}`)} position="top">
                  <span tabIndex={0} className="class-board-checkpoint-label">
                    <span aria-hidden>{t(`checkpoint.short.${checkpoint.id}`)}</span>
                    <span className="euiScreenReaderOnly">{t(`checkpoint.names.${checkpoint.id}`)}</span>
                  </span>
                </EuiToolTip>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {attendees.map((attendee) => (
            <tr key={attendee.id} data-testid={`board-row-${attendee.id}`} data-name={attendee.name} data-stuck={attendee.stuck ? 'true' : 'false'} style={{ borderBottom: border }}>
              <th scope="row" style={{ textAlign: 'start', fontWeight: 'normal' }}>
                <EuiButtonEmpty size="s" flush="left" onClick={() => onSelect(attendee.id)} data-testid={`board-attendee-${attendee.id}`}>
                  {attendee.name}
                </EuiButtonEmpty>
                {attendee.stuck && (
                  <EuiToolTip content={stuckText.attendee(attendee.stuck)}>
                    <EuiBadge color="warning" tabIndex={0} data-testid={`board-stuck-${attendee.id}`}>
                      {t('board.grid.stuckBadge')}
                    </EuiBadge>
                  </EuiToolTip>
                )}
              </th>
              <td style={{ textAlign: 'center' }}>{attendee.currentChapter}</td>
              <td style={{ textAlign: 'center' }} data-testid={`board-progress-${attendee.id}`}>
                {t('board.grid.progressValue', { done: doneAmong(attendee, checkpoints), total: checkpoints.length })}
              </td>
              <td>
                {attendee.connection ? (
                  <EuiHealth color={attendee.connection.state === 'ok' ? 'success' : 'danger'}>
                    <EuiText size="xs">
                      <span>{t('board.grid.connectedTo', { host: attendee.connection.host })}</span>
                    </EuiText>
                  </EuiHealth>
                ) : (
                  <EuiHealth color="subdued">
                    <EuiText size="xs" color="subdued">
                      <span>{t('board.grid.notConnected')}</span>
                    </EuiText>
                  </EuiHealth>
                )}
              </td>
              {checkpoints.map((checkpoint) => (
                <Cell key={checkpoint.id} attendee={attendee.name} attendeeId={attendee.id} checkpoint={checkpoint} cell={attendee.checkpoints[checkpoint.id]} />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
