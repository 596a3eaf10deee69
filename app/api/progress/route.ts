import { z } from 'zod';
import { chapters } from '@/content/chapters';
import { requireCaller } from '@/lib/auth/session';
import { progressSummary, recordChapterVisit } from '@/lib/progress';
import { handle, json, readBody } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

const bodySchema = z.object({ chapter: z.number().int().min(1).max(chapters.length) }).strict();

/** Done and total checkpoints per chapter: the side navigation's counts. */
export const GET = handle(async () => {
  const { participant, ctx } = await requireCaller();
  return json(await progressSummary(ctx, participant.id));
});

/** The chapter the participant is reading: the class board's "where is everyone" and ch3's SSH window. */
export const POST = handle(async (request) => {
  const { participant, ctx } = await requireCaller();
  const { chapter } = await readBody(request, bodySchema);
  return json(await recordChapterVisit(ctx, participant, chapter));
});
