'use client';

import { useLocale } from 'next-intl';
import useSWR from 'swr';
import type { CheckpointDto } from '@/lib/checkpoints/verifier';
import { localeFetcher, type ApiError } from '@/lib/client/api';
import { useLiveRead } from '@/lib/client/use-panel';
import type { ChapterProgressDto } from '@/lib/progress-summary';

export const PROGRESS_KEY = '/api/progress';

export function checkpointsKey(chapter: number): string {
  return `/api/checkpoints?chapter=${chapter}`;
}

/** Checkpoints are verified again every 5 s until all of the chapter's are done. */
export const CHECKPOINTS_REFRESH_MS = 5_000;

/**
 * A chapter's checkpoints, read on the page's beat with its panels (one request of the page
 * channel) until all are done. Every checkpoint, the chapter header and the chapter's end read
 * this one SWR key, so they share each read.
 */
export function useChapterCheckpoints(chapter: number, enabled: boolean) {
  return useLiveRead<CheckpointDto[]>(enabled ? checkpointsKey(chapter) : null, {
    refreshMs: (latest) => (latest?.every((item) => item.state === 'done') ? 0 : CHECKPOINTS_REFRESH_MS),
  });
}

/** Done and total checkpoints of every chapter, from stored results: re-read when a chapter's count changes. */
export function useProgressSummary(enabled: boolean): ChapterProgressDto[] | undefined {
  const locale = useLocale();
  return useSWR<ChapterProgressDto[], ApiError>(enabled ? PROGRESS_KEY : null, localeFetcher(locale), { keepPreviousData: true }).data;
}
