'use client';

import { useLocale } from 'next-intl';
import useSWR from 'swr';
import type { CheckpointDto } from '@/lib/checkpoints/verifier';
import { localeFetcher, type ApiError } from '@/lib/client/api';
import type { ChapterProgressDto } from '@/lib/progress-summary';

export const PROGRESS_KEY = '/api/progress';

export function checkpointsKey(chapter: number): string {
  return `/api/checkpoints?chapter=${chapter}`;
}

/**
 * A chapter's checkpoints, polled every 5 s until all are done. Every checkpoint, the chapter header
 * and the chapter's end read this one SWR key, so a page makes one request per poll.
 */
export function useChapterCheckpoints(chapter: number, enabled: boolean) {
  const locale = useLocale();
  return useSWR<CheckpointDto[], ApiError>(enabled ? checkpointsKey(chapter) : null, localeFetcher(locale), {
    refreshInterval: (latest) => (latest?.every((item) => item.state === 'done') ? 0 : 5_000),
    keepPreviousData: true,
  });
}

/** Done and total checkpoints of every chapter, from stored results: re-read when a chapter's count changes. */
export function useProgressSummary(enabled: boolean): ChapterProgressDto[] | undefined {
  const locale = useLocale();
  return useSWR<ChapterProgressDto[], ApiError>(enabled ? PROGRESS_KEY : null, localeFetcher(locale), { keepPreviousData: true }).data;
}
