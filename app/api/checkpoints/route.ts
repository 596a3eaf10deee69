import { z } from 'zod';
import { requireCaller } from '@/lib/auth/session';
import { verifyChapter } from '@/lib/checkpoints/verifier';
import { AppError } from '@/lib/errors';
import { handle, json, requestLocale } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

const chapterSchema = z.coerce.number().int().min(1).max(5);

export const GET = handle(async (request) => {
  const { participant, ctx } = await requireCaller();
  const chapter = chapterSchema.safeParse(new URL(request.url).searchParams.get('chapter'));
  if (!chapter.success) throw new AppError('invalid_request', { params: { field: 'chapter', reason: 'a chapter number from 1 to 5' } });
  return json(await verifyChapter(ctx, { participantId: participant.id, workshopId: participant.workshopId }, chapter.data, requestLocale(request)));
});
