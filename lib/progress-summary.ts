import { checkpointIds } from '@/content/chapters';

/** `GET /api/progress` item: how many of a chapter's checkpoints the participant has done. */
export interface ChapterProgressDto {
  chapter: number;
  done: number;
  total: number;
}

/** Counts per chapter from the ids of the checkpoints done (client-safe, so the browser can count too). */
export function chapterProgress(doneIds: Iterable<string>): ChapterProgressDto[] {
  const done = new Set(doneIds);
  return Object.entries(checkpointIds).map(([chapter, ids]) => ({
    chapter: Number(chapter),
    done: ids.filter((id) => done.has(id)).length,
    total: ids.length,
  }));
}
