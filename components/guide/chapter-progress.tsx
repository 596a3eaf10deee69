'use client';

import { EuiBadge, EuiCallOut, EuiLink } from '@elastic/eui';
import { useTranslations } from 'next-intl';
import { useEffect } from 'react';
import { useSWRConfig } from 'swr';
import { useParticipant } from '@/components/providers/participant';
import { checkpointIds, type Chapter, type CheckpointId } from '@/content/chapters';
import { VERIFIED_CHAPTERS } from './checkpoint';
import { usePresenter } from './presenter-context';
import { PROGRESS_KEY, useChapterCheckpoints } from './use-checkpoints';

function useChapterDone(chapter: Chapter['number']) {
  const participant = useParticipant();
  // On the projector the class's counts sit beside each checkpoint; the presenter's own state means nothing.
  const presenting = usePresenter() !== null;
  const { data } = useChapterCheckpoints(chapter, participant !== null && !presenting);
  const ids: readonly CheckpointId[] = checkpointIds[chapter];
  const doneIds = new Set(data?.filter((item) => item.state === 'done').map((item) => item.id));
  return { participant, presenting, known: data !== undefined, ids, doneIds, done: ids.filter((id) => doneIds.has(id)).length };
}

/** "Checkpoints 2/4" in the chapter header; a change re-reads the side navigation's counts. */
export function ChapterProgress({ chapter }: { chapter: Chapter['number'] }) {
  const t = useTranslations('progress');
  const { participant, known, ids, done } = useChapterDone(chapter);
  const { mutate } = useSWRConfig();
  useEffect(() => {
    if (known) void mutate(PROGRESS_KEY);
  }, [known, done, mutate]);
  if (!participant) return null;
  return (
    <EuiBadge
      color={known && done === ids.length ? 'success' : 'hollow'}
      iconType={known && done === ids.length ? 'checkCircleFill' : 'clock'}
      data-testid="chapter-progress"
      data-done={known ? done : undefined}
      data-total={ids.length}
    >
      {known ? t('chapter', { done, total: ids.length }) : t('checking', { total: ids.length })}
    </EuiBadge>
  );
}

function scrollToCheckpoint(id: CheckpointId) {
  document.querySelector(`[data-testid="checkpoint-${id}"]`)?.scrollIntoView({ block: 'center' });
}

/** The chapter's end: "done" only once all its checkpoints are; otherwise which ones are still open. */
export function ChapterDone({ chapter }: { chapter: Chapter['number'] }) {
  const t = useTranslations();
  const { participant, presenting, known, ids, doneIds, done } = useChapterDone(chapter);
  if (presenting) return null;
  const complete = known && done === ids.length;
  if (complete) {
    return (
      <EuiCallOut color="success" iconType="checkCircleFill" size="s" title={t('progress.doneTitle')} data-testid="chapter-done" data-state="done">
        <p>{t('progress.doneBody', { total: ids.length })}</p>
      </EuiCallOut>
    );
  }
  const open = ids.filter((id) => !doneIds.has(id));
  const lead = !participant ? t('progress.openSignedOut') : !VERIFIED_CHAPTERS.has(chapter) ? t('progress.openInKibana') : t('progress.openLead');
  return (
    <EuiCallOut
      color="primary"
      iconType="clock"
      size="s"
      title={t('progress.openTitle', { open: open.length, total: ids.length })}
      data-testid="chapter-done"
      data-state="open"
    >
      <p>{lead}</p>
      <ul>
        {open.map((id) => (
          <li key={id}>
            <EuiLink onClick={() => scrollToCheckpoint(id)} data-testid={`chapter-open-${id}`}>
              {t(`checkpoint.names.${id}`)}
            </EuiLink>
          </li>
        ))}
      </ul>
    </EuiCallOut>
  );
}
