import 'server-only';
import type { SessionParticipant } from './auth/sign-in';
import { appendEvent, firstChapterVisit, getParticipant, getResults, setCurrentChapter } from './db';
import { chapterProgress, type ChapterProgressDto } from './progress-summary';
import type { AppContext } from './server/context';

/**
 * Remembers which chapter the participant reads. A change (or a first visit) is an event: the
 * board shows where everyone is, and chapter 3's SSH checkpoint counts attempts from that moment.
 */
export async function recordChapterVisit(ctx: AppContext, participant: SessionParticipant, chapter: number): Promise<{ chapter: number }> {
  const current = await getParticipant(ctx.db, participant.id);
  const firstVisit = (await firstChapterVisit(ctx.db, participant.id, chapter)) === null;
  if (current?.currentChapter !== chapter) await setCurrentChapter(ctx.db, participant.id, chapter);
  if (firstVisit || current?.currentChapter !== chapter) {
    await appendEvent(ctx.db, {
      type: 'chapter_changed',
      participantId: participant.id,
      workshopId: participant.workshopId,
      detail: { chapter, from: current?.currentChapter ?? null },
    });
  }
  return { chapter };
}

/** `GET /api/progress`: done and total checkpoints per chapter, from stored results only (no cluster call). */
export async function progressSummary(ctx: AppContext, participantId: string): Promise<ChapterProgressDto[]> {
  const results = await getResults(ctx.db, participantId);
  return chapterProgress(results.filter((result) => result.state === 'done').map((result) => result.checkpointId));
}
