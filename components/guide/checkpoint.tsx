'use client';

import { EuiBadge, EuiFlexGroup, EuiFlexItem, EuiPanel, EuiText } from '@elastic/eui';
import { useTranslations } from 'next-intl';
import { useParticipant } from '@/components/providers/participant';
import { chapterOfCheckpoint, type CheckpointId } from '@/content/chapters';
import { useTimeFormat } from '@/lib/client/time';
import { usePresenter, type PresenterCounts } from './presenter-context';
import { useChapterCheckpoints } from './use-checkpoints';

export type CheckpointState = 'pending' | 'done' | 'error';

export interface CheckpointProps {
  id: CheckpointId;
}

const badgeColor: Record<CheckpointState, string> = { pending: 'hollow', done: 'success', error: 'danger' };
const badgeIcon: Record<CheckpointState, string> = { pending: 'clock', done: 'checkCircleFill', error: 'error' };

/** Chapters whose checks run on the server today; the others say where to check meanwhile. */
export const VERIFIED_CHAPTERS: ReadonlySet<number> = new Set([1, 2, 3, 4, 5]);

/** A self-checking checkpoint; in presenter mode, the class's completion count instead. */
export function Checkpoint({ id }: CheckpointProps) {
  const presenter = usePresenter();
  return presenter ? <ClassCount id={id} counts={presenter.counts} /> : <OwnCheckpoint id={id} />;
}

/** "18/24 done" for the projector, from the counts presenter mode polls once for the whole page. */
function ClassCount({ id, counts }: { id: CheckpointId; counts: PresenterCounts | null }) {
  const t = useTranslations();
  const done = counts?.done[id] ?? 0;
  const total = counts?.attendees ?? 0;
  const state: CheckpointState = total > 0 && done === total ? 'done' : 'pending';
  return (
    <EuiPanel hasBorder paddingSize="m" data-testid={`checkpoint-${id}`} data-state={state} className="guide-checkpoint" role="status">
      <EuiFlexGroup gutterSize="m" alignItems="center" responsive={false}>
        <EuiFlexItem grow={false}>
          <EuiBadge color={done > 0 ? 'success' : 'hollow'} data-testid={`presenter-count-${id}`} data-done={done} data-total={total}>
            {counts ? t('presenter.count', { done, total }) : '…'}
          </EuiBadge>
        </EuiFlexItem>
        <EuiFlexItem>
          <EuiText size="m">
            <strong>{t(`checkpoint.names.${id}`)}</strong>
          </EuiText>
        </EuiFlexItem>
      </EuiFlexGroup>
    </EuiPanel>
  );
}

/**
 * The participant's own checkpoint. Every checkpoint of a chapter reads the same SWR key, so a page
 * with four checkpoints makes one request per 5 s, and the server answers from stored results once done.
 */
function OwnCheckpoint({ id }: CheckpointProps) {
  const t = useTranslations('checkpoint');
  const time = useTimeFormat();
  const participant = useParticipant();
  const chapter = chapterOfCheckpoint(id);
  const { data, error } = useChapterCheckpoints(chapter, participant !== null);
  const item = data?.find((entry) => entry.id === id);
  const state: CheckpointState = item?.state ?? 'pending';

  let note: string;
  if (!participant) note = t('signInToCheck');
  else if (!VERIFIED_CHAPTERS.has(chapter)) note = t('notYetAutomatic');
  else if (error) note = error.message;
  else if (!item) note = t('checking');
  else if (item.state === 'done') note = [item.detail, item.at && time.ready ? t('doneAt', { time: time.format(item.at, 'short') }) : null].filter(Boolean).join(' · ');
  else if (item.code === 'not_connected') note = t('notConnected');
  else if (item.note) note = [item.detail, item.note.message, item.note.hint].filter(Boolean).join(' ');
  else note = item.detail ?? t('notYetChecked');

  return (
    <EuiPanel hasBorder paddingSize="s" data-testid={`checkpoint-${id}`} data-state={state} className="guide-checkpoint" role="status">
      <EuiFlexGroup gutterSize="s" alignItems="center" responsive={false}>
        <EuiFlexItem grow={false}>
          <EuiBadge color={badgeColor[state]} iconType={badgeIcon[state]}>
            {t(state)}
          </EuiBadge>
        </EuiFlexItem>
        <EuiFlexItem>
          <EuiText size="s">
            <strong>{t(`names.${id}`)}</strong>
          </EuiText>
        </EuiFlexItem>
      </EuiFlexGroup>
      <EuiText size="xs" color="subdued">
        <p data-testid={`checkpoint-${id}-detail`}>{note}</p>
      </EuiText>
    </EuiPanel>
  );
}
